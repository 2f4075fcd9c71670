from django.contrib import admin

from reports.models import ExportLog
from umkm.admin.base import FastListMixin


@admin.register(ExportLog)
class ExportLogAdmin(FastListMixin, admin.ModelAdmin):
    """The export log is evidence: read-only, never edited or deleted from the admin."""

    list_display = ["created_at", "user", "format", "table", "scope", "period_start", "period_end"]
    list_filter = ["format", "scope"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
