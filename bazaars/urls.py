from django.urls import path

from bazaars import views

app_name = "bazaars"

urlpatterns = [
    path("bazar/", views.schedule, name="schedule"),
    path("bazar/jadwal.ics", views.ical_feed, name="ical_feed"),
    path("bazar/<slug:slug>.ics", views.ical_bazaar, name="ical"),
    path("bazar/<slug:slug>/", views.detail, name="detail"),
    path("umkm/<slug:slug>/", views.business, name="business"),
]
