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

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Concat, ExtractYear, Left, TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _

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


def _business_counts(period: Period) -> dict:
    new = Q(binaan_since__gte=period.start)
    return {
        "active": Count("id", filter=Q(status=BusinessStatus.AKTIF)),
        "new": Count("id", filter=new),
        "naik_kelas": Count("id", filter=Q(status=BusinessStatus.NAIK_KELAS)),
    }


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


def build_report(scope: Scope, period: Period) -> Report:
    """Every figure of the report in a fixed number of queries, whatever the data size."""
    n = scope.area_code_length
    areas = _areas(scope)
    by_code = {row.code: row for row in areas}
    total = AreaRow(scope.code, scope.name)

    # Businesses per area.
    businesses = _businesses(scope, period)
    for row in (
        businesses.annotate(area=Left("kelurahan_id", n))
        .values("area")
        .annotate(**_business_counts(period))
        .order_by()
    ):
        area = by_code[row["area"]]
        area.active, area.new, area.naik_kelas = row["active"], row["new"], row["naik_kelas"]

    # Targets: per kecamatan (city) or for the kecamatan alone.
    kecamatan_codes = [a.code for a in areas] if scope.is_city else [scope.code]
    targets = _targets(scope, period, kecamatan_codes)
    if scope.is_city:
        for area in areas:
            area.target = targets[area.code]
    total.target = sum(targets.values())

    # Trainees per area.
    for row in (
        Enrolment.objects.filter(
            training__start_date__range=(period.start, period.end),
            business__kelurahan__code__startswith=scope.prefix,
        )
        .annotate(area=Left("business__kelurahan_id", n))
        .values("area")
        .annotate(trainees=Count("id"), passed=Count("id", filter=Q(passed=True)))
        .order_by()
    ):
        area = by_code[row["area"]]
        area.trainees, area.passed = row["trainees"], row["passed"]

    # Mentoring per area.
    mentoring = Mentoring.objects.filter(
        date__range=(period.start, period.end), business__kelurahan__code__startswith=scope.prefix
    )
    for row in (
        mentoring.annotate(area=Left("business__kelurahan_id", n))
        .values("area")
        .annotate(
            sessions=Count("id"),
            mentored=Count("business_id", distinct=True),
            omzet=Sum("monthly_omzet", default=0),
        )
        .order_by()
    ):
        area = by_code[row["area"]]
        area.sessions, area.mentored, area.omzet = row["sessions"], row["mentored"], row["omzet"]

    for name in ("active", "new", "naik_kelas", "trainees", "passed", "sessions", "mentored"):
        setattr(total, name, sum(getattr(a, name) for a in areas))
    total.omzet = sum(a.omzet for a in areas)

    # Omzet and sessions per month.
    months = {m: MonthRow(m) for m in period.months()}
    for row in (
        mentoring.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(
            sessions=Count("id"),
            mentored=Count("business_id", distinct=True),
            omzet=Sum("monthly_omzet", default=0),
        )
        .order_by()
    ):
        month = months[row["month"]]
        month.sessions, month.mentored, month.omzet = (
            row["sessions"],
            row["mentored"],
            row["omzet"],
        )

    sectors, scales, stages = _breakdowns(businesses, period)
    return Report(
        scope=scope,
        period=period,
        areas=areas,
        total=total,
        trainings=_trainings(scope, period),
        sectors=sectors,
        scales=scales,
        stages=stages,
        months=list(months.values()),
    )


def _breakdowns(businesses, period: Period):
    """Sector, scale and current 7P stage in one scan, grouped by all three, folded per table
    (a few hundred groups at most, whatever the number of businesses)."""
    counts = _business_counts(period)
    groups = list(
        businesses.values("sector_id", "scale", "current_stage_id")
        .annotate(active=counts["active"], new=counts["new"])
        .order_by()
    )
    sectors = {
        pk: CountRow(code, name)
        for pk, code, name in Sector.objects.order_by("order", "name").values_list(
            "pk", "code", "name"
        )
    }
    scales = {value: CountRow(value or "unknown", str(label)) for value, label in Scale.choices}
    stage_rows = {
        pk: CountRow(code, f"{order}. {name}")
        for pk, code, name, order in Stage.objects.order_by("order").values_list(
            "pk", "code", "name", "order"
        )
    }
    stage_rows[None] = CountRow("none", _("No stage recorded"))
    for group in groups:
        for table, key in (
            (sectors, group["sector_id"]),
            (scales, group["scale"]),
            (stage_rows, group["current_stage_id"]),
        ):
            table[key].active += group["active"]
            table[key].new += group["new"]
    return list(sectors.values()), list(scales.values()), list(stage_rows.values())


def _trainings(scope: Scope, period: Period) -> list[TrainingRow]:
    has_trainee = Exists(
        Enrolment.objects.filter(
            training=OuterRef("pk"), business__kelurahan__code__startswith=scope.prefix
        )
    )
    held_here = Q(kecamatan__code__startswith=scope.prefix) | Q(kecamatan_id=scope.code)
    if scope.is_city:
        held_here |= Q(kecamatan__isnull=True)
    trainee_here = Q(enrolments__business__kelurahan__code__startswith=scope.prefix)
    # Trainees and passed count only the scope's businesses.
    qs = (
        Training.objects.filter(start_date__range=(period.start, period.end))
        .filter(held_here | has_trainee)
        .annotate(
            trainees=Count("enrolments", filter=trainee_here),
            passed=Count("enrolments", filter=trainee_here & Q(enrolments__passed=True)),
            kecamatan_name=F("kecamatan__name"),
        )
        .order_by("start_date", "title", "id")
    )
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
            trainees=t.trainees,
            passed=t.passed,
        )
        for t in qs
    ]


# --- The business list (exports) -------------------------------------------------------------

# A cell starting with one of these is read by spreadsheets as a formula (OWASP: CSV injection).
FORMULA_START_REGEX = r"^[=+\-@\t\r\n]"


def formula_safe(field_name: str):
    """SQL twin of reports.tables.safe_cell: prefix a quote when the text would start a formula."""
    return Case(
        When(**{f"{field_name}__regex": FORMULA_START_REGEX}, then=Concat(Value("'"), field_name)),
        default=F(field_name),
        output_field=CharField(),
    )


def _choice_label(field_name: str, choices) -> Case:
    return Case(
        *[When(**{field_name: value}, then=Value(str(label))) for value, label in choices],
        default=Value(""),
        output_field=CharField(),
    )


def business_rows(scope: Scope, period: Period):
    """The businesses of the report, one row each, never NIK, phone or home address.

    A values_list queryset: the XLSX iterates it, the CSV streams its SQL through COPY.
    """
    return (
        _businesses(scope, period)
        .order_by("kelurahan_id", "name", "id")
        .values_list(
            formula_safe("name"),
            "sector__name",
            "kelurahan__name",
            "kelurahan__kecamatan__name",
            _choice_label("scale", Scale.choices),
            _choice_label("status", BusinessStatus.choices),
            "current_stage__name",
            ExtractYear("binaan_since"),
            "binaan_since",
            "nib",
        )
    )
