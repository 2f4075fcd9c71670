from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="city"),
    path("ekspor/<str:fmt>/", views.export, name="city_export"),
    path("kecamatan/<str:code>/", views.dashboard, name="kecamatan"),
    path("kecamatan/<str:code>/ekspor/<str:fmt>/", views.export, name="kecamatan_export"),
]
