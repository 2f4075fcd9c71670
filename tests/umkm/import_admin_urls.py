"""A URLconf whose admin registers Training with the import mixin, so the import is tested
whether or not umkm/admin.py (built on another branch) is there."""

from django.contrib import admin
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from umkm.admin.trainee_import import TraineeImportAdminMixin
from umkm.models import Training


class ImportTestTrainingAdmin(TraineeImportAdminMixin, admin.ModelAdmin):
    pass


site = admin.AdminSite(name="admin")
site.register(Training, ImportTestTrainingAdmin)

urlpatterns = [
    path("admin/", site.urls),
    *[p for p in project_urlpatterns if str(p.pattern) != "admin/"],
]
