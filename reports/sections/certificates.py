"""The certificate section of the report.

Every figure is counted on the period's *reference day* D (its last day, never after today:
reports.asof.reference_day) and each business counts for the area (kelurahan, kecamatan) it
was in on D, as the register's dated states say (reports.asof.register_on_sql): a business
that moved is counted where it was.

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

from django.utils.translation import gettext_lazy as _

from config import formats
from reports.asof import reference_day
from reports.sections.common import add_definitions, base_params, scope_register
from reports.selectors import Report, percent
from reports.selectors.base import fetch
from reports.tables import CODE, INT, PERCENT, TEXT, Column, Table
from umkm.models import Sector

# Per area (of the business on %(on)s) and certificate type. `per_case`: each case's state
# on the day (certifications.selectors.cases_on_day_sql, the one statement of the rule);
# `per_business`: one row per business and type with a case; `population`: the businesses
# active on the day, per area and sector, to count those the type applies to. Areas compare
# as bytes (COLLATE "C"): codes are ASCII.
_CERTIFICATES_SQL = """
WITH {prelude} per_case AS ({per_case}),
per_business AS (
  SELECT pc.type_id, pc.business_id, left(r.kelurahan_id, %(n)s) COLLATE "C" AS area,
         r.status = %(active)s AS active, r.sector_id,
         bool_or(held) AS held,
         bool_or(in_process) AS in_process,
         bool_or(expiring) AS expiring,
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
  SELECT c.type_id, c.business_id, cs.*
  FROM {case} c
  JOIN ({cases_on_day}) cs ON cs.case_id = c.id"""
# The kecamatan's cases, reached from its register: the FROM clause of cases_on_day_sql.
_KECAMATAN_CASES = """({register}) r
  CROSS JOIN LATERAL (SELECT c.id, c.type_id, c.business_id FROM {case} c
                      WHERE c.business_id = r.business_id OFFSET 0) c
  JOIN {transition} t ON t.case_id = c.id"""


def certificate_sql(report: Report, on: datetime.date) -> tuple[str, dict]:
    """The certificate section's one query and its parameters."""
    from certifications.models import CaseTransition, CertificateCase, CertificateType
    from certifications.selectors import applies_sql, case_on_day_params, cases_on_day_sql

    params = {**base_params(report, on), **case_on_day_params(start=report.period.start, on=on)}
    city = report.scope.is_city
    # A kecamatan's register is read once (by the states' kelurahan index) and used thrice;
    # the city's is a scan the planner joins best where it is used.
    prelude = "" if city else f"reg AS MATERIALIZED ({scope_register(report.scope)}),"
    register = scope_register(report.scope) if city else "SELECT * FROM reg"
    case, transition = CertificateCase._meta.db_table, CaseTransition._meta.db_table
    if city:
        per_case = _PER_CASE_CITY.format(case=case, cases_on_day=cases_on_day_sql())
    else:
        source = _KECAMATAN_CASES.format(register=register, case=case, transition=transition)
        per_case = cases_on_day_sql(source, extra=("c.type_id", "c.business_id"))
    sql = _CERTIFICATES_SQL.format(
        prelude=prelude,
        per_case=per_case,
        register=register,
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
        for area, type_id, *values in fetch(*certificate_sql(report, on))
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
    add_definitions(report, note)
