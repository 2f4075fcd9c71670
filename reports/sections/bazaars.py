"""The bazaar section of the report.

Every figure is counted on the period's *reference day* D (its last day, never after today:
reports.asof.reference_day) and each business counts for the area (kelurahan, kecamatan) it
was in on D, as the register's dated states say (reports.asof.register_on_sql): a business
that moved is counted where it was.

Bazaars (definitions also under the tables on the page):
- *bazaars held*: published bazaars with at least one day in the period on or before D (a
  bazaar whose days are all still to come is not held, whatever its status), held in the area
  (venue's kelurahan) or with an application from one of its businesses; *bazaar days held*:
  those days;
- *applications*: the area's businesses' applications to those bazaars (every outcome),
  *participants*: the accepted ones; *attended*: participants checked in on at least one held
  day; *omzet* and *transactions*: the daily sales they recorded on the held days;
- *booth fill*: per bazaar, booths given to accepted participants / the bazaar's booths (all
  participants, wherever from); in the summary over the bazaars listed;
- *never in a bazaar*: businesses active on D without an accepted place in any published
  bazaar held on or before D.

"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from config import formats
from reports.asof import reference_day
from reports.sections.common import add_definitions, base_params, scope_register
from reports.selectors import Period, Report, Scope, percent
from reports.selectors.base import fetch
from reports.tables import CODE, DATE, INT, PERCENT, RUPIAH, TEXT, Column, Table


@dataclass
class BazaarAreaRow:
    code: str
    name: str
    applications: int = 0
    participants: int = 0
    attended: int = 0
    omzet: int = 0
    transactions: int = 0
    never: int = 0

    @property
    def per_participant(self) -> int | None:
        return self.omzet // self.participants if self.participants else None


_BAZAAR_FIGURES = ("applications", "participants", "attended", "omzet", "transactions")

# Per area (of the business on %(on)s) and per bazaar: the scope's applications, the accepted
# ones, those checked in on a held day, their sales on the held days.
_PARTICIPANTS_SQL = """
SELECT GROUPING(area, bazaar_id) AS g, area, bazaar_id, count(*) AS applications,
       count(*) FILTER (WHERE accepted) AS participants,
       count(*) FILTER (WHERE accepted AND attended) AS attended,
       coalesce(sum(omzet) FILTER (WHERE accepted), 0) AS omzet,
       coalesce(sum(transactions) FILTER (WHERE accepted), 0) AS transactions
FROM (SELECT left(r.kelurahan_id, %(n)s) AS area, p.bazaar_id, p.status = %(accepted)s AS accepted,
             EXISTS (SELECT 1 FROM {attendance} a JOIN {day} d ON d.id = a.day_id
                     WHERE a.participation_id = p.id
                       AND d.date BETWEEN %(start)s AND %(on)s) AS attended,
             sales.omzet, sales.transactions
      FROM {participation} p
      JOIN ({register}) r ON r.business_id = p.business_id
      CROSS JOIN LATERAL (
          SELECT sum(s.omzet) AS omzet, sum(s.transactions) AS transactions
          FROM {sales} s JOIN {day} d ON d.id = s.day_id
          WHERE s.participation_id = p.id AND d.date BETWEEN %(start)s AND %(on)s) sales
      WHERE p.bazaar_id = ANY(%(bazaars)s)) x
GROUP BY GROUPING SETS ((area), (bazaar_id))
"""

_NEVER_SQL = """
SELECT left(r.kelurahan_id, %(n)s) AS area, count(*)
FROM ({register}) r
WHERE r.status = %(active)s
  AND NOT EXISTS (
    SELECT 1 FROM {participation} p JOIN {bazaar} z ON z.id = p.bazaar_id
    WHERE p.business_id = r.business_id AND p.status = %(accepted)s AND z.status = %(published)s
      AND EXISTS (SELECT 1 FROM {day} d WHERE d.bazaar_id = z.id AND d.date <= %(on)s))
GROUP BY 1
"""


def _bazaar_sql(template: str, scope: Scope) -> str:
    from bazaars.models import Attendance, Bazaar, BazaarDay, DailySales, Participation

    return template.format(
        attendance=Attendance._meta.db_table,
        sales=DailySales._meta.db_table,
        participation=Participation._meta.db_table,
        bazaar=Bazaar._meta.db_table,
        day=BazaarDay._meta.db_table,
        register=scope_register(scope),
    )


def held_bazaars(period: Period, on: datetime.date):
    """Published bazaars with a day in the period on or before `on`, with those days counted
    and their booths filled by accepted participants (all of them, wherever from)."""
    from bazaars.models import Bazaar, BazaarDay, BazaarStatus, ParticipationStatus

    held_days = Q(days__date__gte=period.start, days__date__lte=on)
    return (
        Bazaar.objects.filter(
            Exists(
                BazaarDay.objects.filter(
                    bazaar=OuterRef("pk"), date__gte=period.start, date__lte=on
                )
            ),
            status=BazaarStatus.PUBLISHED,
        )
        .annotate(
            venue_name=F("venue__name"),
            venue_kelurahan=F("venue__kelurahan_id"),
            days_held=Count("days", filter=held_days, distinct=True),
            booths_filled=Count(
                "participations",
                filter=Q(
                    participations__status=ParticipationStatus.ACCEPTED,
                    participations__booth__isnull=False,
                ),
                distinct=True,
            ),
        )
        .order_by("start_date", "title", "id")
    )


def add_bazaars(report: Report) -> None:
    from bazaars.models import BazaarStatus, ParticipationStatus

    scope, period = report.scope, report.period
    on = reference_day(period.end)
    params = {
        **base_params(report, on),
        "accepted": ParticipationStatus.ACCEPTED,
        "published": BazaarStatus.PUBLISHED,
    }
    bazaars = list(held_bazaars(period, on))
    params["bazaars"] = [b.pk for b in bazaars]
    rows = {a.code: BazaarAreaRow(a.code, a.name) for a in report.areas}
    per_bazaar = {}
    for g, area, bazaar_id, *figures in fetch(_bazaar_sql(_PARTICIPANTS_SQL, scope), params):
        figures = [int(v) for v in figures]
        if g == 0b01:
            for name, value in zip(_BAZAAR_FIGURES, figures, strict=True):
                setattr(rows[area], name, value)
        else:
            per_bazaar[bazaar_id] = figures
    for area, never in fetch(_bazaar_sql(_NEVER_SQL, scope), params):
        rows[area].never = never
    total = BazaarAreaRow(scope.code, str(_("Total")))
    for name in (*_BAZAAR_FIGURES, "never"):
        setattr(total, name, sum(getattr(r, name) for r in rows.values()))

    held = [
        b
        for b in bazaars
        if b.pk in per_bazaar or (b.venue_kelurahan or "").startswith(scope.prefix)
    ]
    booths = sum(b.booth_count for b in held)
    filled = sum(b.booths_filled for b in held)
    summary = [
        ("bazaars", _("Bazaars held"), len(held), INT),
        ("bazaar_days", _("Bazaar days held"), sum(b.days_held for b in held), INT),
        ("bazaar_applications", _("Bazaar applications"), total.applications, INT),
        ("bazaar_participants", _("Bazaar participants"), total.participants, INT),
        ("bazaar_attended", _("Participants who attended"), total.attended, INT),
        ("bazaar_omzet", _("Bazaar omzet"), total.omzet, RUPIAH),
        ("bazaar_transactions", _("Bazaar transactions"), total.transactions, INT),
        ("bazaar_omzet_each", _("Bazaar omzet per participant"), total.per_participant, RUPIAH),
        ("bazaar_booth_fill", _("Booths filled (%)"), percent(filled, booths), PERCENT),
        ("never_bazaar", _("Active businesses never yet in a bazaar"), total.never, INT),
    ]

    def area_values(r):
        return (
            r.code,
            r.name,
            r.applications,
            r.participants,
            r.attended,
            r.omzet,
            r.transactions,
            r.per_participant,
            r.never,
        )

    area_table = Table(
        "bazar_wilayah",
        _("Bazaars per kecamatan") if scope.is_city else _("Bazaars per kelurahan"),
        [
            Column("code", _("Code"), CODE, 14),
            Column("name", _("Kecamatan") if scope.is_city else _("Kelurahan"), TEXT, 24),
            Column("applications", _("Applications"), INT),
            Column("participants", _("Accepted"), INT),
            Column("attended", _("Attended"), INT),
            Column("omzet", _("Omzet"), RUPIAH, 18),
            Column("transactions", _("Transactions"), INT),
            Column("per_participant", _("Omzet per participant"), RUPIAH, 18),
            Column("never", _("Never in a bazaar"), INT),
        ],
        [(r.code, area_values(r)) for r in rows.values()] + [("total", area_values(total))],
    )

    def bazaar_values(b):
        applications, participants, attended, omzet, transactions = per_bazaar.get(
            b.pk, (0, 0, 0, 0, 0)
        )
        return (
            b.title,
            b.start_date,
            b.end_date,
            b.venue_name,
            b.days_held,
            b.booth_count,
            b.booths_filled,
            percent(b.booths_filled, b.booth_count),
            applications,
            participants,
            attended,
            omzet,
            transactions,
        )

    bazaar_table = Table(
        "bazar",
        _("Bazaars"),
        [
            Column("title", _("Title"), TEXT, 36),
            Column("start_date", _("First day"), DATE, 12),
            Column("end_date", _("Last day"), DATE, 12),
            Column("venue", _("Venue"), TEXT, 28),
            Column("days_held", _("Days held"), INT),
            Column("booths", _("Booths"), INT),
            Column("booths_filled", _("Booths filled"), INT),
            Column("booth_fill", _("Booths filled (%)"), PERCENT),
            Column("applications", _("Applications"), INT),
            Column("participants", _("Accepted"), INT),
            Column("attended", _("Attended"), INT),
            Column("omzet", _("Omzet"), RUPIAH, 18),
            Column("transactions", _("Transactions"), INT),
        ],
        [(str(b.pk), bazaar_values(b)) for b in held],
    )
    note = _(
        "Counted on %(day)s, each business in the area it was in on that day. Held: published "
        "bazaars with a day in the period up to that day (days still to come do not count). "
        "Applications: every application of the area's businesses; accepted: the participants; "
        "attended: checked in on at least one held day; omzet and transactions: their daily "
        "sales on the held days. Booths filled: booths given to accepted participants, of the "
        "bazaar's booths. Never in a bazaar: businesses active on that day without an accepted "
        "place in any bazaar held by then."
    ) % {"day": formats.date_short(on)}
    bazaar_table.note = note  # under the section's last table
    report.extra.setdefault("summary", []).extend(summary)
    report.extra.setdefault("tables", []).extend([area_table, bazaar_table])
    add_definitions(report, note)
