"""Who may see and act on what of the bazaars, built on umkm's kecamatan rule.

- Venues and bazaars are the city's (planned by Sudin): every staff member sees them all.
- Participations, check-ins and daily sales belong to the business's kecamatan: an Operator
  Kecamatan sees and records only those of its own kecamatan's businesses.
- Pejabat: everything read-only, only PEJABAT_FIELDS.
"""

from django.db.models import QuerySet

from bazaars.models import Attendance, Bazaar, DailySales, Participation
from umkm import permissions, roles

_BAZAAR_MODELS = ["venue", "bazaar", "bazaarday", "booth"]
_ENTRY_MODELS = ["participation", "attendance", "dailysales"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.ADMIN_SUDIN: roles.crud("bazaars", [*_BAZAAR_MODELS, *_ENTRY_MODELS]),
    # Bazaars are planned by Sudin; operators enter their kecamatan's participants and record
    # check-ins and sales.
    roles.OPERATOR_KECAMATAN: [
        *roles.view("bazaars", _BAZAAR_MODELS),
        *[p for p in roles.crud("bazaars", _ENTRY_MODELS) if p != "bazaars.delete_participation"],
    ],
    roles.PEJABAT: roles.view("bazaars", [*_BAZAAR_MODELS, *_ENTRY_MODELS]),
}

PEJABAT_FIELDS: dict[str, tuple[str, ...]] = {
    **{f"bazaars.{m}": ("*",) for m in _BAZAAR_MODELS},
    "bazaars.participation": (
        *("bazaar", "business", "kecamatan", "sector", "status", "booth", "eligibility"),
        *("note", "applied_at", "decided_by", "decided_at", "withdrawn_at"),
        *("eligibility_override", "override_reason"),
    ),
    "bazaars.attendance": ("participation", "day", "checked_in_by"),
    "bazaars.dailysales": ("participation", "day", "omzet", "transactions", "recorded_by"),
}

_KECAMATAN = "business__kelurahan__kecamatan_id"


def bazaars_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Every bazaar: they are the city's."""
    return permissions.city_wide(user, Bazaar.objects.all() if qs is None else qs)


def participations_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Participations of the businesses the user may act on."""
    qs = Participation.objects.all() if qs is None else qs
    return permissions.kecamatan_scoped(user, qs, _KECAMATAN)


def attendances_for(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Attendance.objects.all() if qs is None else qs
    return permissions.kecamatan_scoped(user, qs, f"participation__{_KECAMATAN}")


def daily_sales_for(user, qs: QuerySet | None = None) -> QuerySet:
    qs = DailySales.objects.all() if qs is None else qs
    return permissions.kecamatan_scoped(user, qs, f"participation__{_KECAMATAN}")


def can_access_participation(user, participation: Participation) -> bool:
    return permissions.can_access_business(user, participation.business)


def can_plan(user, bazaar: Bazaar | None = None) -> bool:
    """Propose and accept participants, publish, cancel: the bazaar's planners (Sudin)."""
    return user.is_active and user.has_perm("bazaars.change_bazaar")


def can_record_day(user, bazaar: Bazaar) -> bool:
    """The check-in and sales page of a day: it then lists only the user's participations."""
    return user.is_active and user.has_perm("bazaars.change_dailysales")


def can_export_participants(user, bazaar: Bazaar) -> bool:
    """The participant list as XLSX/CSV: it then holds only the user's participations."""
    return user.is_active and user.has_perm("bazaars.view_participation")
