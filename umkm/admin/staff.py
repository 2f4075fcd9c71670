"""Staff accounts, their authenticator devices, yearly targets and the personal data access log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import formats
from umkm import permissions
from umkm.admin.base import FastListMixin, ScopedAdmin
from umkm.models import (
    PersonalDataAccess,
    StaffProfile,
    YearlyTarget,
)


@admin.register(YearlyTarget)
class YearlyTargetAdmin(ScopedAdmin):
    scope = staticmethod(permissions.yearly_targets_for)
    list_display = ["kecamatan", "year", "target"]
    list_editable = ["target"]
    list_filter = ["year", "kecamatan__city"]
    list_select_related = ["kecamatan"]
    search_fields = ["kecamatan__name"]


# --- Staff: which kecamatan an operator works for --------------------------------------------


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["kecamatan"]
    verbose_name_plural = _("staff profile")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(FastListMixin, DjangoUserAdmin):
    inlines = [StaffProfileInline]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ScopedAdmin):
    """The UU PDP audit trail: read-only, for Admin Sudin (view permission) and superusers."""

    scope = staticmethod(permissions.personal_data_accesses_for)
    list_display = ["at", "actor", "action", "owner", "purpose"]
    sortable_by = ["at", "actor", "action", "owner"]  # each with an index; not the free text
    list_filter = ["action"]
    list_select_related = ["owner"]
    search_fields = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Authenticator (TOTP) devices: Admin Sudin gives staff theirs -----------------------------

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


# django-otp writes its admin in English (field names as labels: "Key", "Step", "T0"), and its
# models' names cannot be changed here without a migration of that app: the labels are given
# by the admin instead (form fields, read-only values, columns, filters, sections).
TOTP_LABELS = {
    "user": (_("staff member"), _("The staff account this device signs in.")),
    "name": (_("device name"), _("E.g. the phone it is on: “HP Siti”.")),
    "confirmed": (_("ready for use"), _("Off: the code of this device is not accepted.")),
    "key": (_("secret key"), _("Made for you: leave it as it is.")),
    "step": (_("time step (seconds)"), _("How long one code is valid; authenticator apps use 30.")),
    "t0": (_("start time (T0)"), _("The Unix time counting starts from; apps use 0.")),
    "digits": (_("digits"), _("The length of the code; apps use 6.")),
    "tolerance": (_("tolerance (steps)"), _("How many steps before or after a code is accepted.")),
    "drift": (_("clock drift (steps)"), _("How far the phone's clock is known to be off.")),
    "throttling_failure_timestamp": (_("last wrong code at"), None),
    "throttling_failure_count": (_("wrong codes in a row"), None),
}


def _titled(filter_class, title):
    return type(f"Titled{filter_class.__name__}", (filter_class,), {"title": title})


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(FastListMixin, TOTPDeviceAdmin):
    """django-otp's device admin (key, QR code), for Admin Sudin too (permissions.py), but a
    device of a superuser is a superuser's business: others neither see nor make one, so the
    QR code of an administrator's account never reaches a Sudin screen. In Indonesian."""

    raw_id_fields = []
    autocomplete_fields = []
    readonly_fields = ["created", "last_used", "qrcode_link"]
    # django-otp's date filters take their titles from its English field names (a field list
    # filter sets its title from the field); an office has a handful of devices.
    list_filter = [("confirmed", _titled(admin.BooleanFieldListFilter, _("ready for use")))]
    search_help_text = _("Search by the staff member's username or e-mail.")

    def get_list_display(self, request):
        return ["staff_member", "device_name", "created", "last_used", "ready", "qrcode_link"]

    def get_fieldsets(self, request, obj=None):
        titles = {
            "Identity": _("Staff member and device"),
            "Timestamps": _("Times"),
            "Configuration": _("Code settings"),
            "State": _("State"),
            "Throttling": _("Wrong codes"),
        }
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (
                titles.get(title, title),
                {**options, "fields": [renamed.get(f, f) for f in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in TOTP_LABELS:
            label, help_text = TOTP_LABELS[db_field.name]
            kwargs["label"] = capfirst(label)
            kwargs["help_text"] = help_text or ""
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("staff member"), ordering="user__username")
    def staff_member(self, device):
        return device.user

    @admin.display(description=_("device name"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, device):
        return formats.datetime_short(device.created_at) if device.created_at else "—"

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, device):
        return formats.datetime_short(device.last_used_at) if device.last_used_at else "—"

    @admin.display(description=_("ready for use"), boolean=True, ordering="confirmed")
    def ready(self, device):
        return device.confirmed

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        if not device.pk:
            return ""
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, gettext("Show the QR code"))

    def get_queryset(self, request):
        return permissions.totp_devices_for(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = permissions.device_owners_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _in_scope(self, request, pk):
        if not self.get_queryset(request).filter(pk=pk).exists():
            raise Http404

    def config_view(self, request, pk):
        self._in_scope(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._in_scope(request, pk)
        return super().qrcode_view(request, pk)
