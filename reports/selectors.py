"""The figures of the kecamatan report, computed in SQL for one kecamatan or the whole city.

One function, `build_report(scope, period)`, answers everything the dashboard shows; the XLSX,
CSV and PDF exports render the very same `Report` object (see reports.tables), so a figure on
screen and in a file can never disagree.

Definitions (also on the page, under "How the figures are counted"):
- a business belongs to the area of its business kelurahan, and is *in the register* for the
  period when it was mentored (binaan_since) on or before the period's last day;
- *active*: in the register and status "active" (the status as it stands today);
- *new*: binaan_since within the period (any status), against the yearly target of every
  kecamatan and every year the period touches (18 per kecamatan and year unless set);
- *naik kelas*: in the register and status "moved up";
- sector, scale and 7P stage tables count active and new businesses by their current values;
- *trainings held*: trainings starting in the period held in the area (for the city also the
  city-wide ones) or with a trainee from the area; *trainees* and *passed* count enrolments of
  the area's businesses in trainings starting in the period;
- *mentoring*: sessions dated in the period for the area's businesses, the distinct businesses
  mentored, and the sum of the monthly omzet the mentors reported in those sessions.
"""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils.translation import gettext as _

from config.routers import read_alias
from exports.sql import formula_safe
from umkm.models import (
    DEFAULT_YEARLY_TARGET,
    Business,
    BusinessStatus,
    Enrolment,
    Kecamatan,
    Kelurahan,
    Mentoring,
    Scale,
    Sector,
    Stage,
    Training,
    YearlyTarget,
)

CITY_CODE_LENGTH = 5  # 31.73
KECAMATAN_CODE_LENGTH = 8  # 31.73.02
KELURAHAN_CODE_LENGTH = 13  # 31.73.02.1002


@dataclass(frozen=True)
class Period:
    """A closed range of days; `year` is set when it is exactly one calendar year."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def for_year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def year(self) -> int | None:
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            return self.start.year if self.start.year == self.end.year else None
        return None

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def months(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


@dataclass(frozen=True)
class Scope:
    """The whole city (code "31.73") or one of its kecamatan ("31.73.02")."""

    code: str
    name: str

    @property
    def is_city(self) -> bool:
        return len(self.code) == CITY_CODE_LENGTH

    @property
    def prefix(self) -> str:
        """Every kelurahan code of the scope starts with this (codes are hierarchical)."""
        return self.code + "."

    @property
    def area_code_length(self) -> int:
        """Side by side: the city's kecamatan, or the kecamatan's kelurahan."""
        return KECAMATAN_CODE_LENGTH if self.is_city else KELURAHAN_CODE_LENGTH


def city_scope() -> Scope:
    from umkm.models import City

    city = City.objects.get(code=settings.OFFICE_CITY_CODE)
    return Scope(city.code, city.name)


def kecamatan_scope(code: str) -> Scope:
    """A kecamatan of the office's city, or 404."""
    kecamatan = Kecamatan.objects.filter(code=code, city_id=settings.OFFICE_CITY_CODE).first()
    if kecamatan is None:
        raise Http404
    return Scope(kecamatan.code, kecamatan.name)


@dataclass
class AreaRow:
    code: str
    name: str
    active: int = 0
    new: int = 0
    target: int | None = None
    naik_kelas: int = 0
    trainees: int = 0
    passed: int = 0
    sessions: int = 0
    mentored: int = 0
    omzet: int = 0

    @property
    def target_pct(self) -> float | None:
        return percent(self.new, self.target)


@dataclass
class CountRow:
    """One line of a breakdown (sector, scale, stage): active and new businesses."""

    key: str
    label: str
    active: int = 0
    new: int = 0


@dataclass
class MonthRow:
    month: datetime.date
    sessions: int = 0
    mentored: int = 0
    omzet: int = 0


@dataclass
class TrainingRow:
    id: int
    title: str
    topic: str
    organiser: str
    start_date: datetime.date
    end_date: datetime.date
    place: str
    kecamatan: str
    capacity: int
    trainees: int
    passed: int


@dataclass
class Report:
    scope: Scope
    period: Period
    areas: list[AreaRow]
    total: AreaRow
    trainings: list[TrainingRow]
    sectors: list[CountRow]
    scales: list[CountRow]
    stages: list[CountRow]
    months: list[MonthRow]
    extra: dict = field(default_factory=dict)

    @property
    def trainings_held(self) -> int:
        return len(self.trainings)


def percent(part: int, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- The queries ---------------------------------------------------------------------------


def _businesses(scope: Scope, period: Period):
    return Business.objects.filter(
        kelurahan__code__startswith=scope.prefix, binaan_since__lte=period.end
    )


def _areas(scope: Scope) -> list[AreaRow]:
    if scope.is_city:
        qs = Kecamatan.objects.filter(city_id=scope.code)
    else:
        qs = Kelurahan.objects.filter(kecamatan_id=scope.code)
    return [AreaRow(code, name) for code, name in qs.order_by("code").values_list("code", "name")]


def _targets(scope: Scope, period: Period, kecamatan_codes: list[str]) -> dict[str, int]:
    """Each kecamatan's target summed over the years the period touches (default 18 a year)."""
    rows = YearlyTarget.objects.filter(
        kecamatan_id__in=kecamatan_codes, year__in=list(period.years)
    ).values_list("kecamatan_id", "year", "target")
    set_targets = {(code, year): target for code, year, target in rows}
    return {
        code: sum(set_targets.get((code, year), DEFAULT_YEARLY_TARGET) for year in period.years)
        for code in kecamatan_codes
    }


def _fetch(sql: str, params: dict) -> list[tuple]:
    # Raw SQL does not pass the database router: ask it which database a report read uses
    # (the replica inside config.routers.report_reads(), when configured).
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Each statement scans its table once and answers several tables of the report at once
# (GROUPING SETS); GROUPING(...) says which set a row belongs to.
_BUSINESS_SQL = """
SELECT g, area, sector_id, scale, stage_id, active, new, naik_kelas FROM (
  SELECT GROUPING(area, sector_id, scale, stage_id) AS g, area, sector_id, scale, stage_id,
         count(*) FILTER (WHERE status = %(active)s) AS active,
         count(*) FILTER (WHERE binaan_since >= %(start)s) AS new,
         count(*) FILTER (WHERE status = %(naik_kelas)s) AS naik_kelas
  FROM (SELECT left(kelurahan_id, %(n)s) AS area, sector_id, scale,
               current_stage_id AS stage_id, status, binaan_since
        FROM {business} b
        WHERE {in_scope} AND binaan_since <= %(end)s) b
  GROUP BY GROUPING SETS ((area), (sector_id), (scale), (stage_id))
) grouped
"""
_BY_AREA, _BY_SECTOR, _BY_SCALE, _BY_STAGE = 0b0111, 0b1011, 0b1101, 0b1110

_ENROLMENT_SQL = """
SELECT GROUPING(area, training_id) AS g, area, training_id,
       count(*) AS trainees, count(*) FILTER (WHERE passed) AS passed
FROM (SELECT left(b.kelurahan_id, %(n)s) AS area, e.training_id, e.passed
      FROM {enrolment} e
      JOIN {business} b ON b.id = e.business_id
      WHERE e.training_id = ANY(%(trainings)s) AND {in_scope}{e_ids}) x
GROUP BY GROUPING SETS ((area), (training_id))
"""

_MENTORING_SQL = """
SELECT GROUPING(area, month) AS g, area, month, count(*) AS sessions,
       count(DISTINCT business_id) AS mentored, coalesce(sum(monthly_omzet), 0) AS omzet
FROM (SELECT left(b.kelurahan_id, %(n)s) AS area, date_trunc('month', m.date)::date AS month,
             m.business_id, m.monthly_omzet
      FROM {mentoring} m
      JOIN {business} b ON b.id = m.business_id
      WHERE m.date BETWEEN %(start)s AND %(end)s AND {in_scope}{m_ids}) x
GROUP BY GROUPING SETS ((area), (month))
"""


def _sql(template: str, scope: Scope) -> str:
    # A kecamatan's few kelurahan by equality (the business kelurahan index answers it); the
    # whole city by prefix (a scan of the table is what it needs anyway).
    in_scope = (
        "b.kelurahan_id LIKE %(prefix)s" if scope.is_city else "b.kelurahan_id = ANY(%(kelurahan)s)"
    )
    # A kecamatan's businesses are few: look their trainees and sessions up by index.
    ids = (
        ""
        if scope.is_city
        else " AND {alias}.business_id = ANY(ARRAY(SELECT id FROM {business} "
        "WHERE kelurahan_id = ANY(%(kelurahan)s)))"
    )
    return template.format(
        in_scope=in_scope,
        e_ids=ids.format(alias="e", business=Business._meta.db_table),
        m_ids=ids.format(alias="m", business=Business._meta.db_table),
        business=Business._meta.db_table,
        enrolment=Enrolment._meta.db_table,
        training=Training._meta.db_table,
        mentoring=Mentoring._meta.db_table,
    )


def build_report(scope: Scope, period: Period) -> Report:
    """Every figure of the report in a fixed number of queries (eight), whatever the data
    size: three scans of the big tables (businesses, trainees, mentoring) and small look-ups."""
    areas = _areas(scope)
    by_code = {row.code: row for row in areas}
    total = AreaRow(scope.code, scope.name)
    params = {
        "n": scope.area_code_length,
        "prefix": scope.prefix + "%",
        "start": period.start,
        "end": period.end,
        "active": BusinessStatus.AKTIF,
        "naik_kelas": BusinessStatus.NAIK_KELAS,
        "kelurahan": [a.code for a in areas],
    }

    # Businesses: per area, sector, scale and current stage.
    sectors = {
        pk: CountRow(code, name)
        for pk, code, name in Sector.objects.order_by("order", "name").values_list(
            "pk", "code", "name"
        )
    }
    scales = {value: CountRow(value or "unknown", str(label)) for value, label in Scale.choices}
    stages = {
        pk: CountRow(code, f"{order}. {name}")
        for pk, code, name, order in Stage.objects.order_by("order").values_list(
            "pk", "code", "name", "order"
        )
    }
    stages[None] = CountRow("none", _("No stage recorded"))
    business_rows_ = _fetch(_sql(_BUSINESS_SQL, scope), params)
    for g, area, sector_id, scale, stage_id, active, new, naik_kelas in business_rows_:
        if g == _BY_AREA:
            row = by_code[area]
            row.active, row.new, row.naik_kelas = active, new, naik_kelas
            continue
        table, key = {
            _BY_SECTOR: (sectors, sector_id),
            _BY_SCALE: (scales, scale),
            _BY_STAGE: (stages, stage_id),
        }[g]
        table[key].active, table[key].new = active, new

    # Targets: per kecamatan (city) or for the kecamatan alone.
    kecamatan_codes = [a.code for a in areas] if scope.is_city else [scope.code]
    targets = _targets(scope, period, kecamatan_codes)
    if scope.is_city:
        for area in areas:
            area.target = targets[area.code]
    total.target = sum(targets.values())

    # Trainees: per area and per training (of the trainings starting in the period).
    trainings = list(
        Training.objects.filter(start_date__range=(period.start, period.end))
        .annotate(kecamatan_name=F("kecamatan__name"))
        .order_by("start_date", "title", "id")
    )
    params["trainings"] = [t.pk for t in trainings]
    per_training = {}
    for g, area, training_id, trainees, passed in _fetch(_sql(_ENROLMENT_SQL, scope), params):
        if g == 0b01:
            by_code[area].trainees, by_code[area].passed = trainees, passed
        else:
            per_training[training_id] = (trainees, passed)

    # Mentoring: per area and per month.
    months = {m: MonthRow(m) for m in period.months()}
    for g, area, month, sessions, mentored, omzet in _fetch(_sql(_MENTORING_SQL, scope), params):
        row = by_code[area] if g == 0b01 else months[month]
        row.sessions, row.mentored, row.omzet = sessions, mentored, int(omzet)

    for name in ("active", "new", "naik_kelas", "trainees", "passed", "sessions", "mentored"):
        setattr(total, name, sum(getattr(a, name) for a in areas))
    total.omzet = sum(a.omzet for a in areas)

    return Report(
        scope=scope,
        period=period,
        areas=areas,
        total=total,
        trainings=_trainings(scope, trainings, per_training),
        sectors=list(sectors.values()),
        scales=list(scales.values()),
        stages=list(stages.values()),
        months=list(months.values()),
    )


def _trainings(scope: Scope, trainings: list, per_training: dict) -> list[TrainingRow]:
    """Of the trainings starting in the period, those held in the scope (for the city also its
    city-wide ones) or with trainees from it (per_training: id -> (trainees, passed))."""

    def held_here(t) -> bool:
        if t.kecamatan_id is None:
            return scope.is_city
        return t.kecamatan_id == scope.code or t.kecamatan_id.startswith(scope.prefix)

    return [
        TrainingRow(
            id=t.pk,
            title=t.title,
            topic=t.topic,
            organiser=t.organiser,
            start_date=t.start_date,
            end_date=t.end_date,
            place=t.place,
            kecamatan=t.kecamatan_name or _("City-wide"),
            capacity=t.capacity,
            trainees=per_training.get(t.pk, (0, 0))[0],
            passed=per_training.get(t.pk, (0, 0))[1],
        )
        for t in trainings
        if held_here(t) or t.pk in per_training
    ]


# --- The business list (exports) -------------------------------------------------------------


def _choice_label(field_name: str, choices) -> Case:
    return Case(
        *[When(**{field_name: value}, then=Value(str(label))) for value, label in choices],
        default=Value(""),
        output_field=CharField(),
    )


def business_rows(scope: Scope, period: Period):
    """The businesses of the report, one row each, never NIK, phone or home address. Every text
    column that comes from data is formula-safe here, in SQL (exports.sql), for COPY.

    A values_list queryset: the XLSX iterates it, the CSV streams its SQL through COPY.
    """
    return (
        _businesses(scope, period)
        .order_by("kelurahan_id", "name", "id")
        .values_list(
            formula_safe("name"),
            formula_safe("sector__name"),
            formula_safe("kelurahan__name"),
            formula_safe("kelurahan__kecamatan__name"),
            _choice_label("scale", Scale.choices),
            _choice_label("status", BusinessStatus.choices),
            formula_safe("current_stage__name"),
            ExtractYear("binaan_since"),
            "binaan_since",
            formula_safe("nib"),
        )
    )


def certificate_case_rows(scope: Scope, period: Period):
    """Certificate cases of the report's businesses (every status), for the exports."""
    from certifications.models import CaseStatus, CertificateCase

    return (
        CertificateCase.objects.filter(
            business__kelurahan__code__startswith=scope.prefix,
            business__binaan_since__lte=period.end,
        )
        .order_by("business__kelurahan_id", "business__name", "type__order", "id")
        .values_list(
            formula_safe("business__name"),
            formula_safe("business__kelurahan__name"),
            formula_safe("business__kelurahan__kecamatan__name"),
            formula_safe("type__name"),
            formula_safe("product"),
            _choice_label("status", CaseStatus.choices),
            formula_safe("number"),
            "issued_on",
            "expires_on",
        )
    )


@contextlib.contextmanager
def report_snapshot():
    """All of a report's queries in one read-only snapshot, so every figure (and every file
    built from them) describes the same moment; with room to sort in memory (the certificate
    grouping spills to disk at Postgres's default work_mem) and parallel scans; on the
    database the report reads from (the replica inside report_reads() when configured)."""
    alias = read_alias()
    conn = connections[alias]
    with transaction.atomic(using=alias), conn.cursor() as cursor:
        if not conn.savepoint_ids:  # the outermost transaction: its first statement
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # The report's scans are few and large: let the planner split them over parallel
        # workers more readily than its defaults do (measured: the city report -8 %).
        cursor.execute("SET LOCAL parallel_setup_cost = 100")
        cursor.execute("SET LOCAL parallel_tuple_cost = 0.01")
        yield
