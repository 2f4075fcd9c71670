from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("staf/", views.staff_home, name="staff_home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # The portal's own scripts' strings (locale/id/LC_MESSAGES/djangojs.po); the admin loads
    # its own catalogue (admin:jsi18n), which merges the same file over Django's.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
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
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
