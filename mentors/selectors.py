"""Reads of the mentoring loop: the mentor's desk, a business as a mentor sees it, Sudin's
completeness figures, the reminders' list and the moving-up indicators.

"Due" this month: a business assigned to a mentor now that is active in the register. It is
"reported" when it has this month's report (umkm.Mentoring, one per business and month).
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from mentors import permissions
from mentors.models import Assignment, Mentor
from umkm import permissions as umkm_permissions
from umkm.models import Business, BusinessStatus, Mentoring, Need, scale_for


def month_start(day: datetime.date | None = None) -> datetime.date:
    return (day or timezone.localdate()).replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- the mentor's desk ---------------------------------------------------------------------


def desk_businesses(user, *, month: datetime.date | None = None) -> list[dict]:
    """The mentor's businesses now: due ones (no report this month) first. One query."""
    month = month_start(month)
    this_month = Mentoring.objects.filter(business=OuterRef("pk"), month=month)
    last = Mentoring.objects.filter(business=OuterRef("pk")).order_by("-month").values("month")
    rows = (
        permissions.businesses_for(user)
        .annotate(reported=Exists(this_month), last_month=Subquery(last[:1]))
        .values("pk", "name", "owner_name", "status", "kelurahan__name", "reported", "last_month")
        .order_by("reported", "name", "pk")
    )
    return list(rows)


def mentor_business(user, pk: int) -> Business | None:
    """A business assigned to this mentor now, or None (the views answer 404)."""
    return (
        permissions.businesses_for(user)
        .select_related("owner", "sector", "kelurahan__kecamatan", "current_stage")
        .filter(pk=pk)
        .first()
    )


@dataclass
class Chart:
    """A tiny inline SVG line of monthly omzet: no script, no image file."""

    width: int
    height: int
    points: str
    labels: list[tuple[str, int | None]]
    top: int


def omzet_chart(series: list[tuple[datetime.date, int | None]], width=300, height=60) -> Chart:
    values = [v for _m, v in series if v is not None]
    top = max(values) if values else 0
    step = width / max(1, len(series) - 1)
    points = []
    for i, (_m, value) in enumerate(series):
        if value is None:
            continue
        y = height - (value / top * (height - 4) if top else 0) - 2
        points.append(f"{i * step:.0f},{y:.0f}")
    labels = [(m.strftime("%m/%y"), v) for m, v in series]
    return Chart(width=width, height=height, points=" ".join(points), labels=labels, top=top)


def last_12_months(business: Business, *, month: datetime.date | None = None):
    """[(month, report or None)] for the 12 months to `month`, oldest first. One query."""
    month = month_start(month)
    first = add_months(month, -11)
    reports = {
        r.month: r
        for r in Mentoring.objects.filter(business=business, month__gte=first, month__lte=month)
    }
    return [(add_months(first, i), reports.get(add_months(first, i))) for i in range(12)]


def business_record(user, business: Business) -> dict:
    """What the mentor may see of a business: the register through its own rows, never NIK."""
    from bazaars.models import Participation
    from certifications.models import CertificateCase

    months = last_12_months(business)
    series = [(m, r.monthly_omzet if r else None) for m, r in months]
    return {
        "business": business,
        "owner_name": business.owner.full_name,
        "owner_phone": business.owner.phone,
        "chart": omzet_chart(series),
        "months": months,
        "stages": list(business.stages.select_related("stage").order_by("reached_on")),
        "enrolments": list(
            business.enrolments.select_related("training").order_by("-training__start_date")[:10]
        ),
        "cases": list(
            CertificateCase.objects.filter(business=business)
            .select_related("type")
            .order_by("-id")[:10]
        ),
        "bazaars": list(
            Participation.objects.filter(business=business)
            .select_related("bazaar")
            .order_by("-bazaar__start_date")[:10]
        ),
        "reports": list(
            permissions.reports_for(user, Mentoring.objects.filter(business=business)).order_by(
                "-month"
            )[:12]
        ),
        "indicators": indicators(months),
    }


# --- Sudin's view --------------------------------------------------------------------------

# One pass over the current assignments: due (active businesses assigned now), reported (a
# report of the month) and silent (no report of the month nor the one before), as two grouping
# sets of the same scan: per mentor and per kelurahan (each kelurahan lies in one kecamatan,
# summed in Python). Each month's reports join at most one row per business (one report per
# business and month), read from the (month, business) index. At 360,000 assignments this is
# ~6,000 rows out, not one per mentor and kecamatan (EXPLAIN ANALYZE: docs/PERFORMANCE.md).
_COMPLETENESS_SQL = """
SELECT GROUPING(a.mentor_id) = 0 AS per_mentor, a.mentor_id, b.kelurahan_id,
       count(*) AS due,
       count(r.business_id) AS reported,
       count(*) FILTER (WHERE r.business_id IS NULL AND p.business_id IS NULL) AS silent
FROM {assignment} a
JOIN {business} b ON b.id = a.business_id
LEFT JOIN {mentoring} r ON r.business_id = a.business_id AND r.month = %(month)s
LEFT JOIN {mentoring} p ON p.business_id = a.business_id AND p.month = %(previous)s
WHERE a."end" IS NULL AND b.status = %(active)s {where}
GROUP BY GROUPING SETS ((a.mentor_id), (b.kelurahan_id))
"""


def _tables() -> dict:
    from umkm.models import Kecamatan, Kelurahan

    return {
        "assignment": Assignment._meta.db_table,
        "business": Business._meta.db_table,
        "kelurahan": Kelurahan._meta.db_table,
        "kecamatan": Kecamatan._meta.db_table,
        "mentoring": Mentoring._meta.db_table,
    }


def completeness_sql(code: str | None) -> str:
    where = (
        ""
        if code is None
        else "AND b.kelurahan_id IN (SELECT code FROM {kelurahan} WHERE kecamatan_id = %(code)s)"
    )
    tables = _tables()
    return _COMPLETENESS_SQL.format(where=where.format(**tables), **tables)


def completeness_params(month: datetime.date, code: str | None) -> dict:
    return {
        "active": BusinessStatus.AKTIF,
        "month": month,
        "previous": add_months(month, -1),
        "code": code,
    }


@dataclass
class Tally:
    due: int = 0
    reported: int = 0
    silent: int = 0

    def add(self, other: "Tally") -> None:
        self.due += other.due
        self.reported += other.reported
        self.silent += other.silent


@dataclass
class Tallies:
    mentors: dict[int, Tally]
    kecamatan: dict[str, Tally]


def aggregate_settings(cursor) -> None:
    """For the completeness aggregate's transaction only (SET LOCAL)."""
    cursor.execute("SET LOCAL jit = off")  # compiling this one large scan costs more than it saves
    cursor.execute("SET LOCAL work_mem = '32MB'")  # its sorts stay in memory
    # Merge joins on business id over three indexes read in that order (current assignments
    # INCLUDE mentor, businesses INCLUDE status and kelurahan, reports by month and business):
    # at 360,000 assignments ~0.1 s, where the planner's hash joins took 0.3-0.8 s (EXPLAIN
    # ANALYZE in docs/PERFORMANCE.md).
    cursor.execute("SET LOCAL enable_hashjoin = off")


def _completeness_rows(user, month: datetime.date) -> Tallies:
    """The aggregate, scoped: an operator's kecamatan only; `user=None` is city-wide (the
    reminders)."""
    from umkm.models import Kelurahan

    code = umkm_permissions.operator_kecamatan_code(user) if user is not None else None
    with transaction.atomic(), connection.cursor() as cursor:
        aggregate_settings(cursor)
        cursor.execute(completeness_sql(code), completeness_params(month, code))
        rows = cursor.fetchall()
    kecamatan_of = dict(Kelurahan.objects.values_list("code", "kecamatan_id"))
    tallies = Tallies(mentors={}, kecamatan={})
    for per_mentor, mentor_id, kelurahan_id, *counts in rows:
        if per_mentor:
            tallies.mentors[mentor_id] = Tally(*counts)
        else:
            kec = kecamatan_of[kelurahan_id]
            tallies.kecamatan.setdefault(kec, Tally()).add(Tally(*counts))
    return tallies


MENTOR_ROWS = 200


def completeness(user, *, month: datetime.date | None = None) -> dict:
    """This month's reported / due and the businesses silent for two months, per kecamatan,
    per mentor (for staff who work with mentors), and for the city. Four small queries
    around one aggregate."""
    from umkm.models import Kecamatan

    month = month_start(month)
    tallies = _completeness_rows(user, month)
    names = dict(Kecamatan.objects.filter(pk__in=tallies.kecamatan).values_list("code", "name"))
    kecamatan = [
        {"code": code, "name": names[code], **vars(t)}
        for code, t in sorted(tallies.kecamatan.items())
    ]
    mentors = []
    if permissions.may_see_mentors(user):
        full_names = dict(
            Mentor.objects.filter(pk__in=tallies.mentors).values_list("pk", "full_name")
        )
        mentors = [
            {"mentor_id": pk, "name": full_names.get(pk, ""), **vars(t)}
            for pk, t in tallies.mentors.items()
        ]
        mentors.sort(key=lambda r: (r["reported"] / r["due"] if r["due"] else 1, r["name"]))
        mentors = mentors[:MENTOR_ROWS]  # the furthest behind; the city has thousands
    for row in [*kecamatan, *mentors]:
        row["percent"] = round(100 * row["reported"] / row["due"]) if row["due"] else 100
    total_due = sum(t.due for t in tallies.kecamatan.values())
    total_reported = sum(t.reported for t in tallies.kecamatan.values())
    return {
        "month": month,
        "kecamatan": kecamatan,
        "mentors": mentors,
        "mentor_count": len(tallies.mentors),
        "mentors_behind": sum(1 for t in tallies.mentors.values() if t.silent),
        "silent_count": sum(t.silent for t in tallies.kecamatan.values()),
        "due": total_due,
        "reported": total_reported,
        "percent": round(100 * total_reported / total_due) if total_due else 100,
    }


def without_report(user, *, month: datetime.date | None = None, months: int = 2, limit=100):
    """Businesses assigned now with no report in this month nor the `months - 1` before it
    (default: two months), with their mentor and last report, the first `limit` of them."""
    month = month_start(month)
    since = add_months(month, -(months - 1))
    recent = Mentoring.objects.filter(
        business=OuterRef("business"), month__gte=since, month__lte=month
    )
    last = (
        Mentoring.objects.filter(business=OuterRef("business")).order_by("-month").values("month")
    )
    qs = (
        permissions.assignments_for(user, Assignment.objects.current())
        .filter(business__status=BusinessStatus.AKTIF)
        .exclude(Exists(recent))
        .annotate(last_month=Subquery(last[:1]))
        .values("business_id", "business__name", "mentor__full_name", "last_month")
        .order_by("business_id")  # the last month is then read for the rows shown only
    )
    return list(qs[:limit])


def mentors_behind(*, month: datetime.date | None = None) -> list[dict]:
    """Mentors with businesses still due this month (for the reminders), city-wide."""
    month = month_start(month)
    totals = _completeness_rows(None, month).mentors
    behind = {pk: t for pk, t in totals.items() if t.reported < t.due}
    mentors = Mentor.objects.active().filter(pk__in=behind)
    return [
        {"mentor": m, "due": behind[m.pk].due, "reported": behind[m.pk].reported} for m in mentors
    ]


def mentors_behind_count(user, *, on: datetime.date | None = None) -> int:
    """For the staff desk's worklist: how many mentors (of the user's kecamatan, for an
    operator) have a business assigned now with no report last month nor this month: the
    completeness page's own figure, from the same aggregate."""
    mentors = _completeness_rows(user, month_start(on)).mentors
    return sum(1 for t in mentors.values() if t.silent)


# --- moving up -----------------------------------------------------------------------------


def indicators(months: list[tuple[datetime.date, Mentoring | None]]) -> dict:
    """From the last 12 months' reports: omzet trend (the last 3 reported months against the
    3 before them), workers and assets now, the yearly omzet they imply (annualised from the
    reported months when at least 6 are), and the PP 7/2021 scale of that."""
    reported = [(m, r) for m, r in months if r is not None]
    omzet = [r.monthly_omzet for _m, r in reported if r.monthly_omzet is not None]
    trend = None
    if len(omzet) >= 6:
        before, recent = sum(omzet[-6:-3]) / 3, sum(omzet[-3:]) / 3
        trend = round(100 * (recent - before) / before) if before else None
    latest = reported[-1][1] if reported else None
    yearly = round(sum(omzet) * 12 / len(omzet)) if len(omzet) >= 6 else None
    assets = latest.assets if latest else None
    return {
        "trend": trend,
        "workers": latest.workers if latest else None,
        "assets": assets,
        "yearly_omzet": yearly,
        "scale": scale_for(capital=assets, yearly_omzet=yearly) if yearly or assets else None,
        "months_reported": len(reported),
    }


GROWTH_PERCENT = 20  # sustained growth: the last 3 months this much above the 3 before


def suggestion(business: Business) -> dict | None:
    """What the data suggests staff confirm: a new scale, or sustained growth. None when the
    data says nothing new. Nothing is changed here."""
    facts = indicators(last_12_months(business))
    scale = facts["scale"]
    new_scale = scale if scale and scale != "unknown" and scale != business.scale else None
    growing = facts["trend"] is not None and facts["trend"] >= GROWTH_PERCENT
    if not new_scale and not growing:
        return None
    return {**facts, "new_scale": new_scale, "growing": growing}


def _wanting_bazaar() -> QuerySet:
    """The reports asking for a bazaar that are their business's latest of the last month or
    this one (a later report without the need withdraws it)."""
    since = add_months(month_start(), -1)
    later = Mentoring.objects.filter(business=OuterRef("business"), month__gt=OuterRef("month"))
    return Mentoring.objects.filter(month__gte=since, needs__contains=[Need.BAZAAR]).exclude(
        Exists(later)
    )


def wants_bazaar(business_ids=None) -> set[int]:
    """Businesses whose latest report (last month or this one) asks for a bazaar: the flag
    the next bazaar selection reads (bazaars.flags, registered in mentors.apps)."""
    qs = _wanting_bazaar()
    if business_ids is not None:
        qs = qs.filter(business_id__in=business_ids)
    return set(qs.values_list("business_id", flat=True))


def wants_bazaar_business_ids():
    """The same, as a subquery of business ids (the participation list's filter)."""
    return _wanting_bazaar().values("business_id")


def caseloads(mentor_ids) -> dict[int, int]:
    """Each mentor's current caseload (businesses assigned now). One query."""
    counted = (
        Assignment.objects.current()
        .filter(mentor_id__in=mentor_ids)
        .values("mentor_id")
        .annotate(n=Count("id"))
    )
    return {r["mentor_id"]: r["n"] for r in counted}
