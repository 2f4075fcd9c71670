"""The report's sections from the apps built on the register: bazaars and certificates.

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

Certificates, per type (the case's state on D from its transitions, as
certifications.selectors defines it):
- *held*: businesses active on D holding a certificate of the type valid on D (issued on or
  before D, not expired on D, the case not rejected by then); *share*: of the businesses the
  type applies to, those holding one;
- *in process*: businesses active on D holding none, with a case referred or submitted on D;
- *expiring*: businesses active on D holding one that expires within 30 days after D;
- *still needed*: businesses active on D the type applies to (PIRT, halal, BPOM MD: a food
  sector; cosmetics notification: parfum; NIB and trademark: every business) with neither a
  valid certificate nor a case in process on D;
- *issued in the period*: certificates with an issue date in the period up to D, of every
  business in the register on D, active or not (a business closed since keeps its
  certificates in the year they were issued);
- *rejected in the period*: cases of businesses in the register whose rejection was recorded
  in the period up to D.
The city report also shows held / in process / still needed per kecamatan and type.
"""

import datetime
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from config import formats
from config.routers import read_alias
from reports.asof import reference_day, register_on_sql
from reports.selectors import Period, Report, Scope, percent
from reports.tables import CODE, DATE, INT, PERCENT, RUPIAH, TEXT, Column, Table
from umkm.models import BusinessStatus, Sector


def _fetch(sql: str, params: dict) -> list[tuple]:
    # Raw SQL does not pass the database router: ask it which database a report read uses
    # (the replica inside config.routers.report_reads(), when configured).
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _register(scope: Scope) -> str:
    """The businesses in the register on %(on)s in the scope, by their kelurahan of that day:
    a kecamatan's few kelurahan by equality (the states' kelurahan index), the city by prefix."""
    return register_on_sql(
        "s.kelurahan_id LIKE %(prefix)s" if scope.is_city else "s.kelurahan_id = ANY(%(kelurahan)s)"
    )


def _params(report: Report, on: datetime.date) -> dict:
    return {
        "n": report.scope.area_code_length,
        "prefix": report.scope.prefix + "%",
        "kelurahan": [a.code for a in report.areas],
        "start": report.period.start,
        "on": on,
        "active": BusinessStatus.AKTIF,
    }


def _definitions(report: Report, *texts) -> None:
    report.extra.setdefault("definitions", []).extend(str(t) for t in texts)


# --- Bazaars -------------------------------------------------------------------------------


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
        register=_register(scope),
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
        **_params(report, on),
        "accepted": ParticipationStatus.ACCEPTED,
        "published": BazaarStatus.PUBLISHED,
    }
    bazaars = list(held_bazaars(period, on))
    params["bazaars"] = [b.pk for b in bazaars]
    rows = {a.code: BazaarAreaRow(a.code, a.name) for a in report.areas}
    per_bazaar = {}
    for g, area, bazaar_id, *figures in _fetch(_bazaar_sql(_PARTICIPANTS_SQL, scope), params):
        figures = [int(v) for v in figures]
        if g == 0b01:
            for name, value in zip(_BAZAAR_FIGURES, figures, strict=True):
                setattr(rows[area], name, value)
        else:
            per_bazaar[bazaar_id] = figures
    for area, never in _fetch(_bazaar_sql(_NEVER_SQL, scope), params):
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
    _definitions(report, note)


# --- Certificates --------------------------------------------------------------------------

# Per area (of the business on %(on)s) and certificate type. `per_case`: each case's state
# on the day (certifications.selectors.CASE_ON_DAY_SQL); `per_business`: one row per business
# and type with a case; `population`: the businesses active on the day, per area and sector,
# to count those the type applies to. Areas compare as bytes (COLLATE "C"): codes are ASCII.
_CERTIFICATES_SQL = """
WITH {prelude} per_case AS ({per_case}),
per_business AS (
  SELECT pc.type_id, pc.business_id, left(r.kelurahan_id, %(n)s) COLLATE "C" AS area,
         r.status = %(active)s AS active, r.sector_id,
         bool_or(held_until IS NOT NULL AND NOT rejected_by_day) AS held,
         bool_or(in_process) AS in_process,
         bool_or(held_until <= %(soon)s AND NOT rejected_by_day) AS expiring,
         sum(issued_in_period) AS issued,
         count(*) FILTER (WHERE rejected_in_period) AS rejected
  FROM per_case pc
  JOIN ({register}) r ON r.business_id = pc.business_id
  GROUP BY pc.type_id, pc.business_id, r.kelurahan_id, r.status, r.sector_id
),
counts AS (
  SELECT pb.area, pb.type_id,
         count(*) FILTER (WHERE active AND held) AS held,
         count(*) FILTER (WHERE active AND held AND {applies}) AS held_applicable,
         count(*) FILTER (WHERE active AND NOT held AND in_process) AS in_process,
         count(*) FILTER (WHERE active AND NOT held AND in_process AND {applies})
             AS in_process_applicable,
         count(*) FILTER (WHERE active AND expiring) AS expiring,
         coalesce(sum(issued), 0) AS issued,
         coalesce(sum(rejected), 0) AS rejected
  FROM per_business pb
  JOIN {type} ct ON ct.id = pb.type_id
  JOIN {sector} sec ON sec.id = pb.sector_id
  GROUP BY pb.area, pb.type_id
),
population AS (
  SELECT p.area, ct.id AS type_id, sum(p.businesses) FILTER (WHERE {applies}) AS applicable
  FROM (SELECT left(kelurahan_id, %(n)s) COLLATE "C" AS area, sector_id, count(*) AS businesses
        FROM ({register}) reg WHERE status = %(active)s GROUP BY 1, 2) p
  JOIN {sector} sec ON sec.id = p.sector_id
  CROSS JOIN {type} ct
  GROUP BY p.area, ct.id
)
SELECT area, type_id, coalesce(population.applicable, 0), coalesce(held, 0),
       coalesce(held_applicable, 0), coalesce(in_process, 0), coalesce(in_process_applicable, 0),
       coalesce(expiring, 0), coalesce(issued, 0), coalesce(rejected, 0)
FROM counts FULL JOIN population USING (area, type_id)
"""


@dataclass
class CertificateCounts:
    applicable: int = 0
    held: int = 0
    held_applicable: int = 0
    in_process: int = 0
    in_process_applicable: int = 0
    expiring: int = 0
    issued: int = 0
    rejected: int = 0

    def add(self, other: "CertificateCounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def needed(self) -> int:
        return self.applicable - self.held_applicable - self.in_process_applicable

    @property
    def held_pct(self) -> float | None:
        return percent(self.held_applicable, self.applicable)


# The city's cases are most of them: aggregate every case's transitions in one pass and join.
# A kecamatan's few: reach them from its businesses on the day, by index (never a scan of
# every case; the case's own kecamatan column is today's, not the day's).
_PER_CASE_CITY = """
  SELECT c.type_id, c.business_id, tr.*
  FROM {case} c
  JOIN (SELECT t.case_id, {case_on_day} FROM {transition} t GROUP BY t.case_id) tr
    ON tr.case_id = c.id"""
_PER_CASE_KECAMATAN = """
  SELECT c.type_id, c.business_id, {case_on_day}
  FROM ({register}) r
  CROSS JOIN LATERAL (SELECT c.id, c.type_id, c.business_id FROM {case} c
                      WHERE c.business_id = r.business_id OFFSET 0) c
  JOIN {transition} t ON t.case_id = c.id
  GROUP BY c.id, c.type_id, c.business_id"""


def certificate_sql(report: Report, on: datetime.date) -> tuple[str, dict]:
    """The certificate section's one query and its parameters."""
    from certifications.models import CaseTransition, CertificateCase, CertificateType
    from certifications.selectors import CASE_ON_DAY_SQL, applies_sql, case_on_day_params

    params = {**_params(report, on), **case_on_day_params(start=report.period.start, on=on)}
    city = report.scope.is_city
    # A kecamatan's register is read once (by the states' kelurahan index) and used thrice;
    # the city's is a scan the planner joins best where it is used.
    prelude = "" if city else f"reg AS MATERIALIZED ({_register(report.scope)}),"
    tables = {
        "register": _register(report.scope) if city else "SELECT * FROM reg",
        "case": CertificateCase._meta.db_table,
        "case_on_day": CASE_ON_DAY_SQL,
        "transition": CaseTransition._meta.db_table,
    }
    per_case = (_PER_CASE_CITY if city else _PER_CASE_KECAMATAN).format(**tables)
    sql = _CERTIFICATES_SQL.format(
        prelude=prelude,
        per_case=per_case,
        register=tables["register"],
        type=CertificateType._meta.db_table,
        sector=Sector._meta.db_table,
        applies=applies_sql("ct", "sec"),
    )
    return sql, params


def certificate_counts(
    report: Report, on: datetime.date
) -> dict[tuple[str, int], CertificateCounts]:
    """(area code, certificate type id) -> the counts of the module docstring, in one query."""
    return {
        (area, type_id): CertificateCounts(*(int(v) for v in values))
        for area, type_id, *values in _fetch(*certificate_sql(report, on))
    }


def add_certificates(report: Report) -> None:
    from certifications.models import CertificateType

    scope = report.scope
    on = reference_day(report.period.end)
    counts = certificate_counts(report, on)
    types = list(
        CertificateType.objects.order_by("order", "name").values_list("pk", "code", "name")
    )
    rows, per_area = [], []
    for type_id, code, name in types:
        total = CertificateCounts()
        for area in report.areas:
            area_counts = counts.get((area.code, type_id), CertificateCounts())
            total.add(area_counts)
            per_area.append((area, code, name, area_counts))
        rows.append(
            (
                code,
                (
                    name,
                    total.held,
                    total.held_pct,
                    total.in_process,
                    total.expiring,
                    total.needed,
                    total.issued,
                    total.rejected,
                ),
            )
        )
    table = Table(
        "sertifikat",
        _("Certificates by type"),
        [
            Column("type", _("Certificate"), TEXT, 28),
            Column("valid", _("Businesses holding one"), INT),
            Column("valid_pct", _("Share of the businesses that need it (%)"), PERCENT),
            Column("in_process", _("In process"), INT),
            Column("expiring", _("Expiring within 30 days"), INT),
            Column("needed", _("Still needed"), INT),
            Column("issued_in_period", _("Issued in the period"), INT),
            Column("rejected", _("Rejected in the period"), INT),
        ],
        rows,
    )
    note = _(
        "Counted on %(day)s, each business in the area it was in on that day, from the cases' "
        "history. Holding one: businesses active on that day with a certificate issued by then "
        "and not expired (the case not rejected); in process: active businesses holding none "
        "whose case was referred or submitted on that day; expiring: valid on that day and "
        "expiring within 30 days after it; still needed: active businesses the type applies to "
        "(PIRT, halal and BPOM MD: food businesses; cosmetics notification: parfum; NIB and "
        "trademark: all) with neither; the share is of those the type applies to. Issued in "
        "the period: certificates by their issue date, of every business in the register, "
        "active or not; rejected: cases rejected in the period."
    ) % {"day": formats.date_short(on)}
    tables = [table]
    if scope.is_city:
        area_table = Table(
            "sertifikat_wilayah",
            _("Certificates per kecamatan"),
            [
                Column("code", _("Code"), CODE, 14),
                Column("name", _("Kecamatan"), TEXT, 24),
                Column("type", _("Certificate"), TEXT, 28),
                Column("valid", _("Businesses holding one"), INT),
                Column("in_process", _("In process"), INT),
                Column("needed", _("Still needed"), INT),
            ],
            [
                (
                    f"{area.code}.{code}",
                    (area.code, area.name, name, c.held, c.in_process, c.needed),
                )
                for area, code, name, c in sorted(per_area, key=lambda r: r[0].code)
            ],
        )
        tables.append(area_table)
    summary = [
        ("cert_issued", _("Certificates issued in the period"), sum(r[1][6] for r in rows), INT),
        ("cert_in_process", _("Certificates in process"), sum(r[1][3] for r in rows), INT),
        (
            "cert_expiring",
            _("Certificates expiring within 30 days"),
            sum(r[1][4] for r in rows),
            INT,
        ),
    ]
    report.extra.setdefault("summary", []).extend(summary)
    tables[-1].note = note  # under the section's last table
    report.extra.setdefault("tables", []).extend(tables)
    report.extra["certificate_day"] = on
    _definitions(report, note)


def add_sections(report) -> None:
    """Add the bazaar and certificate sections (their apps are part of the project)."""
    add_bazaars(report)
    add_certificates(report)
