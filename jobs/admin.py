from django.contrib import admin

from jobs.models import Job
from jobs.permissions import may_oversee_jobs


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only overview for the administrator: who asked for what, and how it went. The
    result files are not linked here: only the person who asked downloads them."""

    list_display = ["title", "kind", "requested_by", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    fields = [
        "title",
        "kind",
        "requested_by",
        "status",
        "progress",
        "message",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return may_oversee_jobs(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return may_oversee_jobs(request.user)
