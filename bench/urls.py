from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The floor: a trivial view behind the same middleware stack."""
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
