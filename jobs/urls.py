from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:job_id>/", views.job_detail, name="detail"),
    path("<uuid:job_id>/status.json", views.job_status, name="status"),
    path("<uuid:job_id>/unduh", views.job_download, name="download"),
    path("<uuid:job_id>/ulangi", views.job_retry_view, name="retry"),
]
