from django.contrib import admin

from notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The sent-log, read only: what went out, when, and why something did not."""

    list_display = ["created_at", "channel", "kind", "address_masked", "status", "error"]
    # The log grows with every code and reminder: no filter or hierarchy that reads the whole
    # table to build itself (a "kind" filter is a SELECT DISTINCT, a date hierarchy one per
    # level); status and channel have fixed choices, the day is a range, the kind a search.
    list_filter = ["status", "channel", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=kind"]
    show_full_result_count = False
    ordering = ["-created_at", "-id"]
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name != "address_hash"]
    exclude = ["address_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
