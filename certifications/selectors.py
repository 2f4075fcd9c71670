"""Reads other apps use (bazaars' eligibility, reports' coverage) and the reminders' lists.

Contract (bazaars relies on the first two):

- businesses_holding_food_certificate(qs, *, on=None) -> QuerySet[Business]
    The businesses of `qs` that hold a food certificate (PIRT or halal: types with
    is_food=True) that is issued and not expired on `on` (today by default), or in process
    (referred or submitted). Still a lazy QuerySet: chain, count or paginate it.
- holds_food_certificate(business, *, on=None) -> bool
    The same question for one business (one query).
- coverage_by_type(businesses_qs, *, on) -> dict[type_code, dict[str, int]]
    Per certificate type, counts of businesses of `businesses_qs`:
    total, issued (a valid certificate on `on`), in_process (no valid one, but a referred or
    submitted case), expiring_30 (valid, expiring within 30 days), expired (an expired one and
    nothing valid or in process), needed (only a "needed" case), missing (total - issued -
    in_process: everyone still without).
- coverage_by_kecamatan(businesses_qs, *, on) -> list[dict]
    Per kecamatan (code, name): businesses, food_businesses (Sector.is_food),
    food_certified (food businesses holding a food certificate as above), food_missing.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from certifications import rules
from certifications.models import CertificateCase, CertificateType
from umkm.models import Business

EXPIRING_DAYS = 30


def food_holding_cases(on: datetime.date | None = None) -> QuerySet[CertificateCase]:
    """The PIRT/halal cases that make a business hold a food certificate on `on` (issued and
    not expired, or in process): for an Exists() on the business, as bazaar eligibility does."""
    return _food_holding_cases(on or timezone.localdate())


def _food_holding_cases(on: datetime.date) -> QuerySet:
    return CertificateCase.objects.food().filter(
        Q(status__in=rules.IN_PROCESS)
        | Q(status=rules.ISSUED, expires_on__isnull=True)
        | Q(status=rules.ISSUED, expires_on__gte=on)
    )


def businesses_holding_food_certificate(
    qs: QuerySet[Business], *, on: datetime.date | None = None
) -> QuerySet[Business]:
    """See the module docstring."""
    on = on or timezone.localdate()
    return qs.filter(Exists(_food_holding_cases(on).filter(business=OuterRef("pk"))))


def businesses_without_food_certificate(
    qs: QuerySet[Business], *, on: datetime.date | None = None
) -> QuerySet[Business]:
    """The complement: businesses of `qs` with no valid or in-process PIRT/halal."""
    on = on or timezone.localdate()
    return qs.filter(~Exists(_food_holding_cases(on).filter(business=OuterRef("pk"))))


def holds_food_certificate(business: Business, *, on: datetime.date | None = None) -> bool:
    """See the module docstring."""
    on = on or timezone.localdate()
    return _food_holding_cases(on).filter(business=business).exists()


def coverage_by_type(
    businesses_qs: QuerySet[Business], *, on: datetime.date
) -> dict[str, dict[str, int]]:
    """See the module docstring. One query per certificate type."""
    result = {}
    for cert_type in CertificateType.objects.all():
        cases = CertificateCase.objects.filter(type=cert_type, business=OuterRef("pk"))
        valid = Exists(cases.valid_on(on))
        in_process = Exists(cases.in_process())
        expiring = Exists(cases.expiring_within(EXPIRING_DAYS, on=on))
        expired = Exists(cases.expired_on(on))
        needed = Exists(cases.filter(status=rules.NEEDED))
        counts = businesses_qs.order_by().aggregate(
            total=Count("pk"),
            issued=Count("pk", filter=valid),
            in_process=Count("pk", filter=~valid & in_process),
            expiring_30=Count("pk", filter=expiring),
            expired=Count("pk", filter=expired & ~valid & ~in_process),
            needed=Count("pk", filter=needed & ~valid & ~in_process),
        )
        counts["missing"] = counts["total"] - counts["issued"] - counts["in_process"]
        result[cert_type.code] = counts
    return result


def coverage_by_kecamatan(businesses_qs: QuerySet[Business], *, on: datetime.date) -> list[dict]:
    """See the module docstring. One query."""
    holding = Exists(_food_holding_cases(on).filter(business=OuterRef("pk")))
    rows = (
        businesses_qs.order_by()
        .values("kelurahan__kecamatan_id", "kelurahan__kecamatan__name")
        .annotate(
            businesses=Count("pk"),
            food_businesses=Count("pk", filter=Q(sector__is_food=True)),
            food_certified=Count("pk", filter=Q(sector__is_food=True) & holding),
        )
        .order_by("kelurahan__kecamatan_id")
    )
    return [
        {
            "kecamatan_code": row["kelurahan__kecamatan_id"],
            "kecamatan_name": row["kelurahan__kecamatan__name"],
            "businesses": row["businesses"],
            "food_businesses": row["food_businesses"],
            "food_certified": row["food_certified"],
            "food_missing": row["food_businesses"] - row["food_certified"],
        }
        for row in rows
    ]


def expiring_cases(*, on: datetime.date, days: int = EXPIRING_DAYS) -> QuerySet[CertificateCase]:
    """Issued certificates expiring within `days` of `on`, soonest first, for lists/reminders."""
    return (
        CertificateCase.objects.expiring_within(days, on=on)
        .select_related("type", "business", "kecamatan")
        .order_by("expires_on", "id")
    )


def food_businesses_without_certificate(*, on: datetime.date) -> QuerySet[Business]:
    """Active Kuliner (food sector) businesses without a valid or in-process PIRT/halal."""
    qs = Business.objects.active().filter(sector__is_food=True)
    return (
        businesses_without_food_certificate(qs, on=on)
        .select_related("kelurahan__kecamatan")
        .order_by("kelurahan__kecamatan_id", "name", "id")
    )
