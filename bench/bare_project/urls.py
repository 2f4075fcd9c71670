from django.http import HttpResponse
from django.urls import path

_ROW = '<li><a href="/umkm/usaha-{0}/">Usaha {0}</a> <span>Kuliner · Kembangan</span></li>\n'
PAGE = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Bare</title></head>'
    "<body><ul>\n" + "".join(_ROW.format(n) for n in range(147)) + "</ul></body></html>\n"
)


def page(request):
    """12 KB of HTML, as a public page of the portal weighs."""
    return HttpResponse(PAGE)


urlpatterns = [path("", page), path("healthz", page)]
