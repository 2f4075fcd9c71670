"""Reads of the mentoring loop: the mentor's desk, a business as a mentor sees it, Sudin's
completeness figures, the reminders' list and the moving-up indicators.

"Due" this month: a business assigned to a mentor now that is active in the register. It is
"reported" when it has this month's report (umkm.Mentoring, one per business and month).
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Subquery
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

_COMPLETENESS_SQL = """
SELECT a.mentor_id, k.code, k.name, count(*) AS due, count(m.id) AS reported
FROM {assignment} a
JOIN {business} b ON b.id = a.business_id AND b.status = %(active)s
JOIN {kelurahan} l ON l.code = b.kelurahan_id
JOIN {kecamatan} k ON k.code = l.kecamatan_id
LEFT JOIN {mentoring} m ON m.business_id = a.business_id AND m.month = %(month)s
WHERE a."end" IS NULL {where}
GROUP BY a.mentor_id, k.code, k.name
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


def _completeness_rows(user, month: datetime.date) -> list[tuple]:
    code = umkm_permissions.operator_kecamatan_code(user) if user is not None else None
    where = "" if code is None else "AND k.code = %(code)s"
    sql = _COMPLETENESS_SQL.format(where=where, **_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, {"active": BusinessStatus.AKTIF, "month": month, "code": code})
        return cursor.fetchall()


MENTOR_ROWS = 200


def completeness(user, *, month: datetime.date | None = None) -> dict:
    """This month's reported / due per kecamatan, per mentor (for staff who work with
    mentors), and the city's total. Two queries."""
    month = month_start(month)
    rows = _completeness_rows(user, month)
    mentor_count = len({r[0] for r in rows})
    by_kec: dict[str, dict] = {}
    by_mentor: dict[int, dict] = {}
    for mentor_id, code, name, due, reported in rows:
        k = by_kec.setdefault(code, {"code": code, "name": name, "due": 0, "reported": 0})
        k["due"] += due
        k["reported"] += reported
        m = by_mentor.setdefault(mentor_id, {"mentor_id": mentor_id, "due": 0, "reported": 0})
        m["due"] += due
        m["reported"] += reported
    mentors = []
    if permissions.may_see_mentors(user):
        names = dict(Mentor.objects.filter(pk__in=by_mentor).values_list("pk", "full_name"))
        for row in by_mentor.values():
            row["name"] = names.get(row["mentor_id"], "")
            mentors.append(row)
        mentors.sort(key=lambda r: (r["reported"] / r["due"] if r["due"] else 1, r["name"]))
        mentors = mentors[:MENTOR_ROWS]  # the furthest behind; the city has thousands
    for row in [*by_kec.values(), *mentors]:
        row["percent"] = round(100 * row["reported"] / row["due"]) if row["due"] else 100
    total_due = sum(k["due"] for k in by_kec.values())
    total_reported = sum(k["reported"] for k in by_kec.values())
    return {
        "month": month,
        "kecamatan": sorted(by_kec.values(), key=lambda r: r["code"]),
        "mentors": mentors,
        "mentor_count": mentor_count,
        "due": total_due,
        "reported": total_reported,
        "percent": round(100 * total_reported / total_due) if total_due else 100,
    }


def without_report(user, *, month: datetime.date | None = None, months: int = 2, limit=100):
    """Businesses assigned now with no report in this month nor the `months - 1` before it
    (default: two months), with their mentor and last report, the first `limit` of them."""
    month = month_start(month)
    since = add_months(month, -(months - 1))
    recent = Mentoring.objects.filter(business=OuterRef("business"), month__gte=since)
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
    totals: dict[int, dict] = {}
    for mentor_id, _code, _name, due, reported in _completeness_rows(None, month):
        t = totals.setdefault(mentor_id, {"due": 0, "reported": 0})
        t["due"] += due
        t["reported"] += reported
    behind = {pk: t for pk, t in totals.items() if t["reported"] < t["due"]}
    mentors = Mentor.objects.active().filter(pk__in=behind)
    return [{"mentor": m, **behind[m.pk]} for m in mentors]


def mentors_behind_count(user, *, on: datetime.date | None = None) -> int:
    """For the staff home's worklist: how many mentors (of the user's kecamatan, for an
    operator) have a business assigned now with no report last month nor this month."""
    month = month_start(on)
    recent = Mentoring.objects.filter(
        business=OuterRef("business"), month__gte=add_months(month, -1)
    )
    qs = (
        permissions.assignments_for(user, Assignment.objects.current())
        .filter(business__status=BusinessStatus.AKTIF)
        .exclude(Exists(recent))
    )
    return qs.values("mentor_id").distinct().count()


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


def wants_bazaar(business_ids=None) -> set[int]:
    """Businesses whose latest report (last month or this one) asks for a bazaar: the flag
    the next bazaar selection may read."""
    since = add_months(month_start(), -1)
    qs = Mentoring.objects.filter(month__gte=since, needs__contains=[Need.BAZAAR])
    if business_ids is not None:
        qs = qs.filter(business_id__in=business_ids)
    return set(qs.values_list("business_id", flat=True))


def caseloads(mentor_ids) -> dict[int, int]:
    """Each mentor's current caseload (businesses assigned now). One query."""
    counted = (
        Assignment.objects.current()
        .filter(mentor_id__in=mentor_ids)
        .values("mentor_id")
        .annotate(n=Count("id"))
    )
    return {r["mentor_id"]: r["n"] for r in counted}
