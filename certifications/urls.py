from django.urls import path

from certifications import views

app_name = "certifications"

urlpatterns = [
    path("sertifikat/dokumen/<int:pk>/", views.document_download, name="document"),
]
