"""Who may read and export which kecamatan report, built on umkm's kecamatan rule.

Every role reads the reports and exports them; city-wide staff (Admin Sudin, Pejabat) any
kecamatan and the whole city, an Operator Kecamatan only its own kecamatan.
"""

from umkm import permissions, roles

VIEW_PERMISSION = "reports.view_report"
EXPORT_PERMISSION = "reports.export_report"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    role: [VIEW_PERMISSION, EXPORT_PERMISSION] for role in roles.ROLES
}

# Where a role lands after signing in (umkm.roles.home_url_name): an official reads reports.
ROLE_HOMES: dict[str, str] = {roles.PEJABAT: "reports:city"}


def own_kecamatan(user) -> str | None:
    """The one kecamatan an operator's reports are limited to ("" when the profile has none),
    or None for city-wide users."""
    return permissions.operator_kecamatan_code(user)


def may_read(user) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def may_export(user) -> bool:
    return user.is_active and user.has_perm(EXPORT_PERMISSION)


def can_view_city(user) -> bool:
    return may_read(user) and own_kecamatan(user) is None


def can_export_city(user) -> bool:
    """The whole city's files (also asked again by the background job before it runs)."""
    return may_export(user) and own_kecamatan(user) is None


def can_view_report(user, kecamatan_code: str) -> bool:
    return may_read(user) and permissions.can_access_kecamatan(user, kecamatan_code)


def can_export(user, kecamatan_code: str) -> bool:
    return may_export(user) and permissions.can_access_kecamatan(user, kecamatan_code)
