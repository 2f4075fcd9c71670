"""The figures of the kecamatan report, computed in SQL for one kecamatan or the whole city.

One function, `build_report(scope, period)`, answers everything the dashboard shows; the XLSX,
CSV and PDF exports render the very same `Report` object (see reports.tables), so a figure on
screen and in a file can never disagree.

Every figure is defined for a period (first to last day, both inclusive) and its *reference
day*: the period's last day, or today while the period runs (reports.asof.reference_day). What
the register held on the reference day comes from the dated states (reports.asof), never from
today's columns. The same words are on the page, under each figure (reports.tables.DEFINITIONS):

- *in the register* on the reference day: mentored (binaan_since) on or before it; a business
  counts for the kelurahan (and so kecamatan) it was in **on the reference day**: one that moved
  is counted where it was then, for every figure below;
- *active*: in the register with status "active" on the reference day;
- *new*: binaan_since from the period's first day to the reference day (any status);
- *moved up (naik kelas)*: businesses whose status changed into "naik kelas" on a day from the
  period's first day to the reference day (a state range with that status starting then, after
  one with another status); registered as naik kelas from the start is no move;
- *target*: the yearly target of each kecamatan (18 a year unless set) **pro-rated by days**:
  each year the period touches gives target x (days of the period in that year / days of that
  year), summed and rounded half up; a whole calendar year gets exactly its target;
- sector (the business's sector), scale (of the reference day) and 7P stage (the highest stage,
  by the stages' order, with reached_on on or before the reference day, from BusinessStage)
  count active and new businesses;
- owners by gender and by age group (age on the reference day from the birth date: <25, 25-34,
  35-44, 45-54, >=55, unknown) count distinct owners of active and of new businesses:
  aggregates only, never a person's row;
- *trainings held*: trainings starting in the period held in the area (for the city also the
  city-wide ones) or with a trainee from the area; *trainees* count the area's distinct people
  (the enrolments' owners), the distinct businesses, and the enrolments in them; *passed*
  counts distinct people who passed at least one of them;
- *mentoring*: sessions dated from the period's first day to the reference day for the area's
  businesses, and the distinct businesses mentored; *omzet* is the median, over the mentored
  businesses that reported one, of each business's average monthly omzet in those sessions,
  beside the same median for the same days a year earlier and the change between them (%);
- *trend* (a period over several years): the figures above for each calendar year's part of
  the period, on that part's own reference day;
- *ranking*: the city's kecamatan by new businesses against their target (%), highest first.

The figures of a report are kept for reuse (`_snapshot`) under a key that includes the
register's data version (reports.models.DataVersion, changed by a trigger in the same
transaction as any write to the tables the figures read), so a kept report is always exact.
"""

import contextlib
import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from config.routers import read_alias
from exports.sql import formula_safe
from reports.asof import (
    moved_up_sql,
    reference_day,
    register_on_sql,
    stage_on_sql,
    years_before,
)
from umkm.models import (
    DEFAULT_YEARLY_TARGET,
    Business,
    BusinessStage,
    BusinessStatus,
    Enrolment,
    Gender,
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

# Age groups of owners on the reference day: (key, lowest age, label); "unknown" without a
# birth date.
AGE_GROUPS = [
    ("u25", 0, "< 25"),
    ("25_34", 25, "25–34"),
    ("35_44", 35, "35–44"),
    ("45_54", 45, "45–54"),
    ("55", 55, "≥ 55"),
]


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

    @property
    def reference_day(self) -> datetime.date:
        """The day the period's figures are counted on: its last, or today while it runs."""
        return reference_day(self.end)

    def months(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months

    def year_parts(self) -> list["Period"]:
        """The period cut at each new year: one part per calendar year it touches."""
        return [
            Period(max(self.start, datetime.date(y, 1, 1)), min(self.end, datetime.date(y, 12, 31)))
            for y in self.years
        ]


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


def percent(part: int, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def change_pct(now: int | None, before: int | None) -> float | None:
    """The change from `before` to `now` in percent of `before` (None without both)."""
    if now is None or not before:
        return None
    return round(100 * (now - before) / before, 1)


@dataclass
class AreaRow:
    code: str
    name: str
    active: int = 0
    new: int = 0
    target: int | None = None
    naik_kelas: int = 0
    trainees: int = 0  # distinct people (the enrolments' owners)
    trainee_businesses: int = 0
    enrolments: int = 0
    passed: int = 0  # distinct people who passed
    sessions: int = 0
    mentored: int = 0
    omzet: int | None = None  # median monthly omzet of the mentored businesses
    omzet_before: int | None = None  # the same, a year earlier

    @property
    def target_pct(self) -> float | None:
        return percent(self.new, self.target)

    @property
    def omzet_change(self) -> float | None:
        return change_pct(self.omzet, self.omzet_before)


@dataclass
class CountRow:
    """One line of a breakdown (sector, scale, stage, gender, age): active and new."""

    key: str
    label: str
    active: int = 0
    new: int = 0


@dataclass
class MonthRow:
    month: datetime.date
    sessions: int = 0
    mentored: int = 0
    omzet: int | None = None  # median, as AreaRow.omzet, for the month


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
    trainees: int  # enrolments of the scope's businesses (one person each in a training)
    passed: int


@dataclass
class TrendRow:
    """A calendar year's part of the period, counted on its own reference day."""

    year: int
    start: datetime.date
    end: datetime.date
    on: datetime.date
    active: int = 0
    new: int = 0
    target: int = 0
    naik_kelas: int = 0

    @property
    def target_pct(self) -> float | None:
        return percent(self.new, self.target)


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
    genders: list[CountRow] = field(default_factory=list)
    ages: list[CountRow] = field(default_factory=list)
    trend: list[TrendRow] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def on(self) -> datetime.date:
        """The reference day."""
        return self.period.reference_day

    @property
    def trainings_held(self) -> int:
        return len(self.trainings)

    @property
    def ranking(self) -> list[AreaRow]:
        """The city's kecamatan by progress to target, highest first (ties by name)."""
        if not self.scope.is_city:
            return []
        return sorted(
            self.areas,
            key=lambda a: (a.target_pct is None, -(a.target_pct or 0), -a.new, a.name),
        )


# --- The queries ---------------------------------------------------------------------------


def _areas(scope: Scope) -> list[AreaRow]:
    if scope.is_city:
        qs = Kecamatan.objects.filter(city_id=scope.code)
    else:
        qs = Kelurahan.objects.filter(kecamatan_id=scope.code)
    return [AreaRow(code, name) for code, name in qs.order_by("code").values_list("code", "name")]


def prorated_target(yearly: dict[int, int], period: Period) -> int:
    """The target of a period from the yearly targets ({year: target}): each year's target
    times the share of that year's days in the period, summed, rounded half up."""
    total = Fraction(0)
    for part in period.year_parts():
        year = part.start.year
        days_in_year = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
        total += Fraction(yearly[year] * ((part.end - part.start).days + 1), days_in_year)
    return int(Decimal(total.numerator / Decimal(total.denominator)).quantize(0, ROUND_HALF_UP))


def _yearly_targets(period: Period, kecamatan_codes: list[str]) -> dict[str, dict[int, int]]:
    """{kecamatan: {year: target}} for the years the period touches (default 18 a year)."""
    rows = YearlyTarget.objects.filter(
        kecamatan_id__in=kecamatan_codes, year__in=list(period.years)
    ).values_list("kecamatan_id", "year", "target")
    set_targets = {(code, year): target for code, year, target in rows}
    return {
        code: {y: set_targets.get((code, y), DEFAULT_YEARLY_TARGET) for y in period.years}
        for code in kecamatan_codes
    }


def _fetch(sql: str, params: dict) -> list[tuple]:
    # Raw SQL does not pass the database router: ask it which database a report read uses
    # (the replica inside config.routers.report_reads(), when configured).
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def in_scope_sql(scope: Scope, kelurahan_codes: list[str], column: str = "s.kelurahan_id") -> str:
    """The filter of a state's kelurahan to the scope: the city by prefix (it scans anyway);
    a kecamatan by one equality per kelurahan, so that the states' GiST index (kelurahan,
    valid) answers each (it cannot take "= ANY(array)")."""
    if scope.is_city or not kelurahan_codes:
        return f"{column} LIKE %(prefix)s"
    return "(" + " OR ".join(f"{column} = %(kel{i})s" for i in range(len(kelurahan_codes))) + ")"


# Each statement scans its tables once and answers several tables of the report at once
# (GROUPING SETS); GROUPING(...) says which set a row belongs to. The register of the
# reference day is built once (a materialized CTE) and read by the business breakdowns and by
# the owners' (one row per owner, so that an owner of two businesses counts once).
_BUSINESS_SQL = """
WITH reg AS MATERIALIZED (
  SELECT left(r.kelurahan_id, %(n)s) AS area, r.sector_id, r.scale, st.stage_order,
         r.owner_id, r.gender, r.birth_date,
         r.status = %(active)s AS is_active, r.binaan_since >= %(start)s AS is_new,
         mu.business_id IS NOT NULL AS moved_up
  FROM ({register}) r
  LEFT JOIN ({stage}) st ON st.business_id = r.business_id
  LEFT JOIN ({moved_up}) mu ON mu.business_id = r.business_id
)
SELECT GROUPING(area, sector_id, scale, stage_order) AS g, area, sector_id, scale, stage_order,
       NULL AS gender, NULL AS age_group,
       count(*) FILTER (WHERE is_active) AS active, count(*) FILTER (WHERE is_new) AS new,
       count(*) FILTER (WHERE moved_up) AS naik_kelas
FROM reg
GROUP BY GROUPING SETS ((area), (sector_id), (scale), (stage_order))
UNION ALL
SELECT 16 + GROUPING(gender, age_group), NULL, NULL, NULL, NULL, gender, age_group,
       count(*) FILTER (WHERE is_active), count(*) FILTER (WHERE is_new), 0
FROM (SELECT owner_id, min(gender) AS gender,
             CASE WHEN min(birth_date) IS NULL THEN 'unknown'
                  {age_cases}
             END AS age_group,
             bool_or(is_active) AS is_active, bool_or(is_new) AS is_new
      FROM reg GROUP BY owner_id) o
GROUP BY GROUPING SETS ((gender), (age_group))
"""
_BY_AREA, _BY_SECTOR, _BY_SCALE, _BY_STAGE = 0b0111, 0b1011, 0b1101, 0b1110
_BY_GENDER, _BY_AGE = 16 + 0b01, 16 + 0b10

_ENROLMENT_SQL = """
SELECT GROUPING(area, training_id) AS g, area, training_id,
       count(DISTINCT owner_id) AS people, count(DISTINCT business_id) AS businesses,
       count(*) AS enrolments, count(DISTINCT owner_id) FILTER (WHERE passed) AS passed_people,
       count(*) FILTER (WHERE passed) AS passed
FROM (SELECT left(r.kelurahan_id, %(n)s) AS area, e.training_id, e.owner_id, e.business_id,
             e.passed
      FROM {enrolment} e
      JOIN ({register}) r ON r.business_id = e.business_id
      WHERE e.training_id = ANY(%(trainings)s)) x
GROUP BY GROUPING SETS ((area), (training_id), ())
"""

# Sessions of two windows: the period (to its reference day) and the same days a year earlier.
_MENTORING_SQL = """
WITH sess AS MATERIALIZED (
  SELECT w.tag, left(r.kelurahan_id, %(n)s) AS area, m.business_id,
         date_trunc('month', m.date)::date AS month, m.monthly_omzet
  FROM (VALUES (1, %(start)s::date, %(on)s::date),
               (0, %(prev_start)s::date, %(prev_on)s::date)) AS w(tag, first, last)
  JOIN {mentoring} m ON m.date BETWEEN w.first AND w.last
  JOIN ({register}) r ON r.business_id = m.business_id
),
per_business AS (
  SELECT tag, area, business_id, avg(monthly_omzet) AS omzet
  FROM sess WHERE monthly_omzet IS NOT NULL GROUP BY tag, area, business_id
),
per_month AS (
  SELECT month, business_id, avg(monthly_omzet) AS omzet
  FROM sess WHERE tag = 1 AND monthly_omzet IS NOT NULL GROUP BY month, business_id
)
SELECT 'count' AS part, 1 AS tag, GROUPING(area, month) AS g, area, month,
       count(*) AS sessions, count(DISTINCT business_id) AS mentored, NULL::float AS median
FROM sess WHERE tag = 1
GROUP BY GROUPING SETS ((area), (month), ())
UNION ALL
SELECT 'median', tag, GROUPING(area), area, NULL, 0, 0,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY omzet)
FROM per_business GROUP BY tag, GROUPING SETS ((area), ())
UNION ALL
SELECT 'month', 1, 0, NULL, month, 0, 0, percentile_cont(0.5) WITHIN GROUP (ORDER BY omzet)
FROM per_month GROUP BY month
"""

# One register per year's part of the period, each on its own reference day.
_TREND_SQL = """
WITH y AS (SELECT * FROM unnest(%(t_years)s::int[], %(t_starts)s::date[], %(t_ons)s::date[])
           AS y(year, first, on_))
SELECT year, sum(active)::int, sum(new)::int, sum(naik_kelas)::int FROM (
  SELECT y.year, count(*) FILTER (WHERE r.status = %(active)s) AS active,
         count(*) FILTER (WHERE r.binaan_since >= y.first) AS new, 0 AS naik_kelas
  FROM y CROSS JOIN LATERAL ({register}) r
  GROUP BY y.year
  UNION ALL
  SELECT y.year, 0, 0, count(*)
  FROM y CROSS JOIN LATERAL (
    SELECT r.business_id FROM ({register}) r JOIN ({moved_up}) mu USING (business_id)) x
  GROUP BY y.year
) parts
GROUP BY year
"""


def _age_cases(on: datetime.date, params: dict) -> str:
    """CASE branches of the age groups: born on or before `on` minus N years = aged N+."""
    cases = []
    for key, lowest, _label in reversed(AGE_GROUPS):
        if lowest == 0:
            cases.append(f"ELSE '{key}'")
            continue
        params[f"born_{key}"] = years_before(on, lowest)
        cases.append(f"WHEN min(birth_date) <= %(born_{key})s THEN '{key}'")
    return "\n                  ".join(cases)


def _compute(scope: Scope, period: Period) -> Report:
    """Every figure of the report in a fixed number of queries, whatever the data size."""
    on = period.reference_day
    areas = _areas(scope)
    by_code = {row.code: row for row in areas}
    total = AreaRow(scope.code, scope.name)
    kelurahan_codes = [a.code for a in areas] if not scope.is_city else []
    in_scope = in_scope_sql(scope, kelurahan_codes)
    params = {
        "n": scope.area_code_length,
        "prefix": scope.prefix + "%",
        "start": period.start,
        "end": period.end,
        "on": on,
        "prev_start": years_before(period.start, 1),
        "prev_on": years_before(on, 1),
        "active": BusinessStatus.AKTIF,
        "naik_kelas": BusinessStatus.NAIK_KELAS,
        **{f"kel{i}": code for i, code in enumerate(kelurahan_codes)},
    }
    register = register_on_sql(in_scope)

    sectors = {
        pk: CountRow(code, name)
        for pk, code, name in Sector.objects.order_by("order", "name").values_list(
            "pk", "code", "name"
        )
    }
    scales = {value: CountRow(value or "unknown", str(label)) for value, label in Scale.choices}
    stages = {
        order: CountRow(code, f"{order}. {name}")
        for code, name, order in Stage.objects.order_by("order").values_list(
            "code", "name", "order"
        )
    }
    stages[None] = CountRow("none", _("No stage recorded"))
    genders = {value: CountRow(value, str(label)) for value, label in Gender.choices}
    genders[None] = CountRow("unknown", _("Unknown"))
    ages = {key: CountRow(key, label) for key, _lowest, label in AGE_GROUPS}
    ages["unknown"] = CountRow("unknown", _("Unknown"))

    # The register of the reference day: per area, sector, scale and stage; owners.
    sql = _BUSINESS_SQL.format(
        register=register_on_sql(in_scope, owner=True),
        stage=stage_on_sql(),
        moved_up=moved_up_sql(),
        age_cases=_age_cases(on, params),
    )
    for g, area, sector_id, scale, stage_order, gender, age, active, new, naik in _fetch(
        sql, params
    ):
        if g == _BY_AREA:
            row = by_code[area]
            row.active, row.new, row.naik_kelas = active, new, naik
            continue
        table, key = {
            _BY_SECTOR: (sectors, sector_id),
            _BY_SCALE: (scales, scale),
            _BY_STAGE: (stages, stage_order),
            _BY_GENDER: (genders, gender if gender in genders else None),
            _BY_AGE: (ages, age),
        }[g]
        table[key].active += active
        table[key].new += new

    # Targets: per kecamatan (city) or for the kecamatan alone, pro-rated by days.
    kecamatan_codes = [a.code for a in areas] if scope.is_city else [scope.code]
    yearly = _yearly_targets(period, kecamatan_codes)
    targets = {code: prorated_target(yearly[code], period) for code in kecamatan_codes}
    if scope.is_city:
        for area in areas:
            area.target = targets[area.code]
    total.target = sum(targets.values())

    # Trainees: per area, per training and in total (of the trainings starting in the period).
    trainings = list(
        Training.objects.filter(start_date__range=(period.start, period.end))
        .annotate(kecamatan_name=F("kecamatan__name"))
        .order_by("start_date", "title", "id")
    )
    params["trainings"] = [t.pk for t in trainings]
    per_training = {}
    sql = _ENROLMENT_SQL.format(enrolment=Enrolment._meta.db_table, register=register)
    for g, area, training_id, people, businesses, enrolments, passed_people, passed in _fetch(
        sql, params
    ):
        if g == 0b01:
            row = by_code[area]
        elif g == 0b11:
            row = total
        else:
            per_training[training_id] = (enrolments, passed)
            continue
        row.trainees, row.trainee_businesses = people, businesses
        row.enrolments, row.passed = enrolments, passed_people

    # Mentoring: per area, per month and in total; medians now and a year earlier.
    months = {m: MonthRow(m) for m in period.months()}
    sql = _MENTORING_SQL.format(mentoring=Mentoring._meta.db_table, register=register)
    for part, tag, g, area, month, sessions, mentored, median in _fetch(sql, params):
        median = None if median is None else round(median)
        if part == "count":
            row = by_code[area] if g == 0b01 else months[month] if g == 0b10 else total
            row.sessions, row.mentored = sessions, mentored
        elif part == "median":
            row = by_code[area] if g == 0 else total
            if tag == 1:
                row.omzet = median
            else:
                row.omzet_before = median
        else:
            months[month].omzet = median

    for name in ("active", "new", "naik_kelas"):
        setattr(total, name, sum(getattr(a, name) for a in areas))

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
        genders=list(genders.values()),
        ages=list(ages.values()),
        trend=_trend(scope, period, in_scope, params, yearly),
    )


def _trend(scope, period, in_scope, params, yearly) -> list[TrendRow]:
    """Year by year, when the period spans years (parts after today are left out)."""
    if len(period.years) < 2:
        return []
    parts = [p for p in period.year_parts() if p.start <= p.reference_day]
    rows = {p.start.year: TrendRow(p.start.year, p.start, p.end, p.reference_day) for p in parts}
    for row in rows.values():
        part = Period(row.start, row.end)
        row.target = sum(prorated_target(targets, part) for targets in yearly.values())
    sql = _TREND_SQL.format(
        register=register_on_sql(in_scope, on="y.on_"),
        moved_up=moved_up_sql(start="y.first", on="y.on_"),
    )
    params = {
        **params,
        "t_years": list(rows),
        "t_starts": [r.start for r in rows.values()],
        "t_ons": [r.on for r in rows.values()],
    }
    for year, active, new, naik in _fetch(sql, params):
        rows[year].active, rows[year].new, rows[year].naik_kelas = active, new, naik
    return list(rows.values())


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


# --- Kept reports ------------------------------------------------------------------------------

# Part of every key: a change of what the figures mean (this module) must not meet old ones.
SNAPSHOT_FORMAT = 1
SNAPSHOT_SECONDS = 24 * 3600
# The benchmark turns this off to measure the figures' queries themselves.
SNAPSHOTS = True


def data_version() -> str:
    """The register's data version, read in the report's own snapshot (reports.models)."""
    from reports.models import DataVersion

    with connections[read_alias()].cursor() as cursor:
        # A transaction that has itself written (the trigger marks it, migration 0004) also
        # counts its own statements, which no committed token says yet.
        cursor.execute(
            f"SELECT md5(string_agg(token::text, '' ORDER BY id)),"  # noqa: S608
            " CASE WHEN current_setting('reports.version_changed_in', true)"
            " = txid_current_if_assigned()::text"
            " THEN current_setting('reports.writes_in_transaction', true) END"
            f" FROM {DataVersion._meta.db_table}"
        )
        row = cursor.fetchone()
    if not row or row[0] is None:
        return ""
    return f"{row[0]}:{row[1]}" if row[1] else str(row[0])


def _snapshot_key(scope: Scope, period: Period, version: str) -> str:
    raw = "|".join(
        [
            str(SNAPSHOT_FORMAT),
            version,
            read_alias(),
            scope.code,
            period.start.isoformat(),
            period.end.isoformat(),
            period.reference_day.isoformat(),
            translation.get_language() or "",
        ]
    )
    return "report:" + hashlib.sha256(raw.encode()).hexdigest()


def _compute_all(scope: Scope, period: Period, sections: bool) -> Report:
    report = _compute(scope, period)
    if sections:
        # The bazaar and certificate sections (reports.sections, built on this module).
        from reports.sections import add_sections

        add_sections(report)
    return report


def build_report(scope: Scope, period: Period, *, sections: bool = False) -> Report:
    """Every figure of the report; with `sections`, also the bazaar and certificate sections
    (reports.sections). A report already computed for the same scope, period, reference day,
    language, sections and data version is reused: the version changes in the same
    transaction as any write the figures read (reports.models.DataVersion), so a reused
    report is exact. Call it inside report_snapshot(), so the version and the figures are read
    in one snapshot (without one, nothing is kept)."""
    alias = read_alias()
    in_snapshot = connections[alias].in_atomic_block
    version = data_version() if SNAPSHOTS and in_snapshot else ""
    if not version:
        return _compute_all(scope, period, sections)
    key = _snapshot_key(scope, period, f"{version}:{int(sections)}")
    report = cache.get(key)
    if report is None:
        report = _compute_all(scope, period, sections)
        cache.set(key, report, SNAPSHOT_SECONDS)
    return report


# --- The business list (exports) -------------------------------------------------------------


def _choice_label(field_name: str, choices) -> Case:
    return Case(
        *[When(**{field_name: value}, then=Value(str(label))) for value, label in choices],
        default=Value(""),
        output_field=CharField(),
    )


def business_rows(scope: Scope, period: Period):
    """The businesses in the register on the period's reference day, one row each, with the
    kelurahan, scale, status and 7P stage of that day (as the report counts them), never NIK,
    phone or home address. Every text column that comes from data is formula-safe here, in
    SQL (exports.sql), for COPY.

    A values_list queryset: the XLSX iterates it, the CSV streams its SQL through COPY.
    """
    on = period.reference_day
    stage_on = (
        BusinessStage.objects.filter(business=OuterRef("pk"), reached_on__lte=on)
        .order_by("-stage__order")
        .values("stage__name")[:1]
    )
    return (
        Business.objects.filter(
            binaan_since__lte=on,
            states__valid__contains=on,
            states__kelurahan__code__startswith=scope.prefix,
        )
        .annotate(
            kelurahan_on=F("states__kelurahan_id"),
            scale_on=F("states__scale"),
            status_on=F("states__status"),
            stage_on=Subquery(stage_on),
        )
        .order_by("kelurahan_on", "name", "id")
        .values_list(
            formula_safe("name"),
            formula_safe("sector__name"),
            formula_safe("states__kelurahan__name"),
            formula_safe("states__kelurahan__kecamatan__name"),
            _choice_label("scale_on", Scale.choices),
            _choice_label("status_on", BusinessStatus.choices),
            formula_safe("stage_on"),
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
