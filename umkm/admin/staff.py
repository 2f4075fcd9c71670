"""Staff accounts, yearly targets and the personal data access log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from umkm import permissions
from umkm.admin.base import ScopedAdmin
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
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffProfileInline]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ScopedAdmin):
    """The UU PDP audit trail: read-only, for Admin Sudin (view permission) and superusers."""

    scope = staticmethod(permissions.personal_data_accesses_for)
    list_display = ["at", "actor", "action", "owner", "purpose"]
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


# --- Two-factor devices: django-otp's admin, with a 404 for a device that does not exist ----


class TOTPDeviceAdmin(otp_totp_admin.TOTPDeviceAdmin):
    """django-otp's own views of a device's set-up and QR code look it up with `.get()`: an
    unknown id was a 500. Here it is a 404."""

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)
