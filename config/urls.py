from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("staf/", views.staff_home, name="staff_home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("umkm.urls")),
    path("", include("bazaars.urls")),
    path("", include("certifications.urls")),
    path("laporan/", include("reports.urls")),
    path("tugas/", include("jobs.urls")),
    path("usaha-saya/", include("owners.urls")),
    path("pendamping/", include("mentors.urls")),
    path("staf/pendamping/", include("mentors.staff_urls")),
]

handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
