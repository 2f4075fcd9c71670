"""The mentor's desk: /pendamping/ (namespace "mentors", guarded by the desk's rule)."""

from django.urls import path

from mentors import views

app_name = "mentors"

urlpatterns = [
    path("masuk/", views.SignInView.as_view(), name="signin"),
    path("keluar/", views.SignOutView.as_view(), name="signout"),
    path("", views.home, name="home"),
    path("usaha/<int:pk>/", views.business, name="business"),
    path("usaha/<int:pk>/laporan/", views.report_new, name="report_new"),
    path("laporan/", views.my_reports, name="my_reports"),
    path("laporan/<int:pk>/", views.report, name="report"),
    path("laporan/<int:pk>/ubah/", views.report_edit, name="report_edit"),
    path("laporan/<int:pk>/foto/", views.photo, name="photo"),
]
