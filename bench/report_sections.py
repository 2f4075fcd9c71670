"""Benchmark of the report's bazaar and certificate sections as of a reference day.

    .venv/bin/python bench/report_sections.py            # 370,000 businesses, 200,000 cases
    .venv/bin/python bench/report_sections.py --runs 10

It fills its own database, BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/umkm_sections_bench), with bench/reports.py's rows (businesses,
bazaars with check-ins and sales, ~200,000 certificate cases), then gives every case a dated
history of transitions (opened, referred, submitted, issued or rejected, spread over 2019-2024),
since the sections read a case's state on the day from its transitions.

Then, for the city and for one kecamatan (Cengkareng, 15,000 businesses), 2023:
1. the two sections as the report builds them (reports.sections.add_bazaars and
   add_certificates: five queries), p50 / p95 over --runs;
2. side by side, the certificates app's own as-of selector (certifications.selectors.
   coverage_by_type: one ORM query per type) on the same businesses and day, the alternative a
   report could have used;
3. whether the plan of the kecamatan's certificate query reads the whole case table (a
   sequential scan of certifications_certificatecase) or finds the cases by index.
The load average is printed beside the figures (the machine is shared).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/umkm_sections_bench"
ONE_KECAMATAN = "31.73.01"

# Dated transitions for the bench's cases (which bench/reports.py inserts without any).
TRANSITIONS_SQL = """
CREATE TEMP TABLE bench_case AS
  SELECT c.id, c.status, c.number, c.issued_on, c.expires_on,
         TIMESTAMPTZ '2019-01-01 09:00+07' + ((c.id % 2000) || ' days')::interval AS opened
  FROM certifications_certificatecase c
  WHERE NOT EXISTS (SELECT 1 FROM certifications_casetransition t WHERE t.case_id = c.id);

INSERT INTO certifications_casetransition (case_id, from_status, to_status, at, note, number,
                                           issued_on, expires_on)
SELECT id, '', 'issued', (issued_on + 1)::timestamp AT TIME ZONE 'Asia/Jakarta', '', number,
       issued_on, expires_on
FROM bench_case WHERE status = 'issued';

INSERT INTO certifications_casetransition (case_id, from_status, to_status, at, note, number)
SELECT id, '', 'needed', opened, '', '' FROM bench_case WHERE status <> 'issued';

INSERT INTO certifications_casetransition (case_id, from_status, to_status, at, note, number)
SELECT id, 'needed', 'referred', opened + interval '10 days', '', ''
FROM bench_case WHERE status IN ('referred', 'submitted');

INSERT INTO certifications_casetransition (case_id, from_status, to_status, at, note, number)
SELECT id, 'referred', 'submitted', opened + interval '20 days', '', ''
FROM bench_case WHERE status = 'submitted';

INSERT INTO certifications_casetransition (case_id, from_status, to_status, at, note, number)
SELECT id, 'needed', 'rejected', opened + interval '15 days', 'bench', ''
FROM bench_case WHERE status = 'rejected';
"""


def _percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fill_transitions() -> None:
    from django.db import connection

    from certifications.models import CaseTransition

    if CaseTransition.objects.exists():
        print("Transitions already present: reused.")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(TRANSITIONS_SQL)
        cursor.execute("ANALYZE certifications_casetransition")
    print(f"Transitions filled in {time.perf_counter() - started:.0f} s.")


def _timed(function, runs):
    function()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), _percentile(times, 95)


def bench(runs: int) -> None:
    from django.db import connection

    from certifications.selectors import coverage_by_type
    from reports import sections
    from reports.asof import reference_day
    from reports.selectors import (
        Period,
        build_report,
        city_scope,
        kecamatan_scope,
        report_snapshot,
    )
    from umkm.models import Business

    period = Period.for_year(2023)
    on = reference_day(period.end)
    for name, scope in (("city", city_scope()), ("kecamatan", kecamatan_scope(ONE_KECAMATAN))):
        report = build_report(scope, period)

        def both(report=report):
            # As the report runs them: inside its read-only snapshot (work_mem, parallelism).
            with report_snapshot():
                report.extra.clear()
                sections.add_bazaars(report)
                sections.add_certificates(report)

        p50, p95 = _timed(both, runs)
        print(
            f"{name:9} sections (bazaars + certificates): p50 {p50 * 1000:6.0f} ms"
            f"  p95 {p95 * 1000:6.0f} ms  ({runs} runs, load {_load()})"
        )
        population = Business.objects.filter(
            states__valid__contains=on,
            states__kelurahan__code__startswith=scope.prefix,
            states__status="aktif",
            binaan_since__lte=on,
        )
        orm_runs = max(1, runs // 5)
        p50, _p95 = _timed(
            lambda population=population: coverage_by_type(population, on=on), orm_runs
        )
        print(
            f"{name:9} certifications.selectors.coverage_by_type (ORM, per type): "
            f"p50 {p50 * 1000:6.0f} ms  ({orm_runs} runs, load {_load()})"
        )
    report = build_report(kecamatan_scope(ONE_KECAMATAN), period)
    sql, params = sections.certificate_sql(report, on)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    seq = "Seq Scan on certifications_certificatecase" in plan
    print(
        "kecamatan certificate query: "
        + ("reads the whole case table (Seq Scan)" if seq else "finds the cases by index")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--businesses", type=int, default=370_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    sys.path.insert(0, str(ROOT))
    from bench import reports as base

    os.environ.update(base._env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    base.prepare(url, args.businesses)

    import django

    django.setup()
    base.fill(args.businesses)
    fill_transitions()
    base.analyse()
    bench(args.runs)


if __name__ == "__main__":
    main()
