"""The report's shapes: its period, scope and rows, and what every part of it shares
(the targets, the area filter, the read through the router). The definitions of the
figures are in the docstring of reports.selectors."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import connections
from django.http import Http404

from config.routers import read_alias
from reports.asof import (
    reference_day,
)
from umkm.models import (
    DEFAULT_YEARLY_TARGET,
    Kecamatan,
    Kelurahan,
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
    # The key it is kept under (reports.selectors.keep_report); "" when not kept. The page
    # keeps its rendered tables under it too (reports/dashboard.html).
    kept_as: str = ""

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


def areas_of(scope: Scope) -> list[AreaRow]:
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


def yearly_targets(period: Period, kecamatan_codes: list[str]) -> dict[str, dict[int, int]]:
    """{kecamatan: {year: target}} for the years the period touches (default 18 a year)."""
    rows = YearlyTarget.objects.filter(
        kecamatan_id__in=kecamatan_codes, year__in=list(period.years)
    ).values_list("kecamatan_id", "year", "target")
    set_targets = {(code, year): target for code, year, target in rows}
    return {
        code: {y: set_targets.get((code, y), DEFAULT_YEARLY_TARGET) for y in period.years}
        for code in kecamatan_codes
    }


def fetch(sql: str, params: dict) -> list[tuple]:
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
