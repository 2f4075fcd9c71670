"""Who may see and change what in the register. Every admin queryset, form choice, import and
export asks these functions; they both answer "may this user ..." and filter querysets.

- Admin Sudin (and superusers): every record of the city.
- Operator Kecamatan: only owners and businesses of the kecamatan in their staff profile.
- Pejabat: read-only, never NIK, phone or home address.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from umkm import roles
from umkm.models import Business, Kecamatan, Kelurahan, Owner


def _in_group(user, name: str) -> bool:
    cache = getattr(user, "_umkm_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._umkm_groups = cache
    return name in cache


def is_city_wide(user) -> bool:
    """Sees every kecamatan: superusers, Admin Sudin and Pejabat."""
    return user.is_active and (
        user.is_superuser or _in_group(user, roles.ADMIN_SUDIN) or _in_group(user, roles.PEJABAT)
    )


def operator_kecamatan_code(user) -> str | None:
    """The kecamatan code an Operator Kecamatan is limited to, or None for city-wide users."""
    if is_city_wide(user):
        return None
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    # An operator without a kecamatan sees nothing rather than everything.
    return profile.kecamatan_id if profile and profile.kecamatan_id else ""


def can_view_nik(user) -> bool:
    return user.is_active and user.has_perm("umkm.view_nik")


def can_view_personal_data(user) -> bool:
    """Phone and home address (NIK has its own permission)."""
    return user.is_active and user.has_perm("umkm.view_personal_data")


def kecamatan_for(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Kecamatan.objects.all() if qs is None else qs
    code = operator_kecamatan_code(user)
    return qs if code is None else qs.filter(code=code)


def kelurahan_for(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Kelurahan.objects.all() if qs is None else qs
    code = operator_kecamatan_code(user)
    return qs if code is None else qs.filter(kecamatan_id=code)


def businesses_for(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Business.objects.all() if qs is None else qs
    code = operator_kecamatan_code(user)
    return qs if code is None else qs.filter(kelurahan__kecamatan_id=code)


def owners_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Owners living in the operator's kecamatan, or owning a business there."""
    qs = Owner.objects.all() if qs is None else qs
    code = operator_kecamatan_code(user)
    if code is None:
        return qs
    has_business_here = Business.objects.filter(owner=OuterRef("pk"), kelurahan__kecamatan_id=code)
    return qs.filter(Exists(has_business_here) | Q(kelurahan__kecamatan_id=code))


def can_access_kelurahan(user, kelurahan: Kelurahan | None) -> bool:
    if kelurahan is None:
        return False
    code = operator_kecamatan_code(user)
    return code is None or kelurahan.kecamatan_id == code


def can_access_business(user, business: Business) -> bool:
    return can_access_kelurahan(user, business.kelurahan)


def can_access_owner(user, owner: Owner) -> bool:
    code = operator_kecamatan_code(user)
    if code is None:
        return True
    return owners_for(user, Owner.objects.filter(pk=owner.pk)).exists()


def can_access_kecamatan(user, kecamatan_code: str) -> bool:
    """Reports and exports of one kecamatan: city-wide users any, an operator only its own."""
    code = operator_kecamatan_code(user)
    return code is None or (bool(code) and code == kecamatan_code)
