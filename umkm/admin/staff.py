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
