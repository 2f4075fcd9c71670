from django.contrib import admin

from notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The sent-log, read only: what went out, when, and why something did not."""

    list_display = ["created_at", "channel", "kind", "address_masked", "status", "error"]
    list_filter = ["status", "channel", "kind"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name != "address_hash"]
    exclude = ["address_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
