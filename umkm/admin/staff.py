"""Staff accounts, their authenticator devices, yearly targets and the personal data access log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def _when(moment) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "j F Y H:i") if moment else "—"


# --- Authenticator (TOTP) devices: Admin Sudin gives staff theirs -----------------------------

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(FastListMixin, TOTPDeviceAdmin):
    """django-otp's device admin (key, QR code), for Admin Sudin too (permissions.py), but a
    device of a superuser is a superuser's business: others neither see nor make one, so the
    QR code of an administrator's account never reaches a Sudin screen."""

    raw_id_fields = []
    autocomplete_fields = []
    # django-otp's own labels are English and not marked for translation: the portal names
    # the device's fields itself (tests/config/test_admin_untranslated.py).
    list_display = ["staff_member", "device_name", "created", "last_used", "is_confirmed"]
    list_display_links = ["device_name"]
    list_filter = []  # django-otp's filters are titled in English; a handful of devices
    search_help_text = _("The staff member's user name.")
    readonly_fields = ["created", "last_used", "qrcode_link"]
    LABELS = {
        "user": _("Staff member"),
        "name": _("Device name"),
        "confirmed": _("Confirmed"),
        "key": _("Secret key"),
        "step": _("Time step (seconds)"),
        "t0": _("Start time (Unix)"),
        "digits": _("Digits"),
        "tolerance": _("Tolerance (steps)"),
        "drift": _("Drift (steps)"),
        "throttling_failure_timestamp": _("Last failed attempt"),
        "throttling_failure_count": _("Failed attempts in a row"),
    }
    HELP = {
        "user": _("The staff member who signs in with this authenticator."),
        "name": _("A name to tell the devices apart, e.g. the phone's."),
        "confirmed": _("Ready for signing in."),
        "key": _("Filled in by the portal; the QR code carries it to the app."),
        "step": "",
        "t0": "",
        "digits": "",
        "tolerance": "",
        "drift": "",
        "throttling_failure_timestamp": "",
        "throttling_failure_count": "",
    }

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        titles = {
            "Identity": _("Identity"),
            "Timestamps": _("Times"),
            "Configuration": _("Configuration"),
            "State": _("State"),
            "Throttling": _("Failed attempts"),
        }
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (
                titles.get(title, title),
                {**options, "fields": [renamed.get(f, f) for f in options["fields"]]},
            )
            for title, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("labels", self.LABELS)
        kwargs.setdefault("help_texts", self.HELP)
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("Device name"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("Staff member"), ordering="user__username")
    def staff_member(self, device):
        return device.user

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, device):
        return _when(device.created_at)

    @admin.display(description=_("Last used at"), ordering="last_used_at")
    def last_used(self, device):
        return _when(device.last_used_at)

    @admin.display(description=_("Confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        from django.urls import reverse
        from django.utils.html import format_html

        if not device.pk:
            return ""
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, _("Show the QR code"))

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
