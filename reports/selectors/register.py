"""The register's figures of a report (reports.selectors' docstring defines them): the
businesses of the reference day by area, sector, scale, 7P stage and owner; trainees;
mentoring. A fixed number of queries, whatever the data size."""

import datetime

from django.db.models import F
from django.utils.translation import gettext as _

from reports.asof import (
    moved_up_sql,
    register_on_sql,
    stage_on_join_sql,
    years_before,
)
from reports.selectors.base import (
    AGE_GROUPS,
    AreaRow,
    CountRow,
    MonthRow,
    Period,
    Report,
    Scope,
    TrainingRow,
    areas_of,
    fetch,
    in_scope_sql,
    prorated_target,
    yearly_targets,
)
from reports.selectors.trend import trend
from umkm.models import (
    BusinessStatus,
    Enrolment,
    Gender,
    Mentoring,
    Scale,
    Sector,
    Stage,
    Training,
)

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
  {stage_join}
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


def compute(scope: Scope, period: Period) -> Report:
    """Every figure of the report in a fixed number of queries, whatever the data size."""
    on = period.reference_day
    areas = areas_of(scope)
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
        stage_join=stage_on_join_sql("r.business_id", few=not scope.is_city),
        moved_up=moved_up_sql(),
        age_cases=_age_cases(on, params),
    )
    for g, area, sector_id, scale, stage_order, gender, age, active, new, naik in fetch(
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
    yearly = yearly_targets(period, kecamatan_codes)
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
    for g, area, training_id, people, businesses, enrolments, passed_people, passed in fetch(
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
    for part, tag, g, area, month, sessions, mentored, median in fetch(sql, params):
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
        trend=trend(scope, period, in_scope, params, yearly),
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
