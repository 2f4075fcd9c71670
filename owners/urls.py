from django.urls import path

from owners import views

app_name = "owners"

urlpatterns = [
    path("masuk/", views.signin, name="signin"),
    path("masuk/kode/", views.code, name="code"),
    path("keluar/", views.signout, name="signout"),
    path("", views.home, name="home"),
    path("data-saya/", views.my_data, name="my_data"),
    path("hapus-data/", views.deletion, name="deletion"),
    path("pemberitahuan/", views.preferences, name="preferences"),
    path("bazar/<slug:slug>/", views.bazaar, name="bazaar"),
    path("<int:business_id>/", views.business, name="business"),
    path("<int:business_id>/profil/", views.profile, name="profile"),
    path("<int:business_id>/koreksi/", views.correction, name="correction"),
    path("<int:business_id>/persetujuan/", views.consent, name="consent"),
    path("<int:business_id>/sertifikat/", views.certificates, name="certificates"),
    path("<int:business_id>/bazar/<slug:slug>/", views.apply, name="apply"),
    path(
        "<int:business_id>/ikut/<int:participation_id>/mundur/",
        views.withdraw,
        name="withdraw",
    ),
]
