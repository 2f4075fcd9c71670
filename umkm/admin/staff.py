"""Staff accounts, yearly targets and the personal data access log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from umkm import permissions
from umkm.admin.base import (
    scope_foreignkey,
)
from umkm.models import (
    PersonalDataAccess,
    StaffProfile,
    YearlyTarget,
)


@admin.register(YearlyTarget)
class YearlyTargetAdmin(admin.ModelAdmin):
    list_display = ["kecamatan", "year", "target"]
    list_editable = ["target"]
    list_filter = ["year", "kecamatan__city"]
    list_select_related = ["kecamatan"]
    search_fields = ["kecamatan__name"]

    def get_queryset(self, request):
        code = permissions.operator_kecamatan_code(request.user)
        qs = super().get_queryset(request)
        return qs if code is None else qs.filter(kecamatan_id=code)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_foreignkey(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The UU PDP audit trail: read-only, for Admin Sudin (view permission) and superusers."""

    list_display = ["at", "actor", "action", "owner", "purpose"]
    list_filter = ["action"]
    list_select_related = ["owner"]
    search_fields = ["actor"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
