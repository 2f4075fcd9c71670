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

The figures of a report are kept for reuse (`build_report`) under a key that includes the
register's data version (reports.models.DataVersion, changed by a trigger in the same
transaction as any write to the tables the figures read), so a kept report is always exact.
"""

import contextlib
import datetime
import hashlib
import time

from django.core.cache import cache
from django.db import connections, transaction
from django.utils import translation

from config.compute_once import compute_once
from config.routers import read_alias
from reports.selectors.base import (
    AreaRow,
    CountRow,
    MonthRow,
    Period,
    Report,
    Scope,
    TrainingRow,
    TrendRow,
    change_pct,
    city_scope,
    kecamatan_scope,
    percent,
    prorated_target,
)
from reports.selectors.business_list import business_rows, certificate_case_rows
from reports.selectors.register import compute

__all__ = [
    "AreaRow",
    "CountRow",
    "MonthRow",
    "Period",
    "Report",
    "Scope",
    "TrainingRow",
    "TrendRow",
    "build_report",
    "business_rows",
    "certificate_case_rows",
    "change_pct",
    "city_scope",
    "data_version",
    "kecamatan_scope",
    "percent",
    "prorated_target",
    "report_snapshot",
]


# --- Kept reports ------------------------------------------------------------------------------

# Part of every key: a change of what the figures mean (this module), or of how a kept report
# is written (3: lazy strings through config.cache_pickle, which an older release cannot read
# back while servers are reloaded one after another), must not meet old ones.
SNAPSHOT_FORMAT = 3
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


def compute_all(scope: Scope, period: Period, sections: bool) -> Report:
    report = compute(scope, period)
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
    in one snapshot (without one, nothing is kept). The report is remembered as recently
    asked, for the background worker to rebuild after the next write (reports.rebuild)."""
    report, _computed = keep_report(scope, period, sections=sections)
    if SNAPSHOTS:
        _remember_asked(scope, period, sections)
    return report


def keep_report(scope: Scope, period: Period, *, sections: bool) -> tuple[Report, bool]:
    """(the report, whether it was computed now): the kept one of the data version read in
    this snapshot, or computed and kept under it."""
    alias = read_alias()
    in_snapshot = connections[alias].in_atomic_block
    version = data_version() if SNAPSHOTS and in_snapshot else ""
    if not version:
        return compute_all(scope, period, sections), True
    key = _snapshot_key(scope, period, f"{version}:{int(sections)}")
    report = cache.get(key)
    if report is not None:
        return report, False
    # One computation per key at a time (config.compute_once). Another process (a request,
    # or the worker's rebuild after a write) already computing this very report under this
    # very version is waited for: its figures are the ones this snapshot would compute (same
    # version, same data).

    def keep(report: Report) -> None:
        report.kept_as = key
        cache.set(key, report, SNAPSHOT_SECONDS)

    return compute_once(
        key,
        lambda: compute_all(scope, period, sections),
        keep,
        mark_seconds=COMPUTING_SECONDS,
        wait_seconds=WAIT_SECONDS,
        step=_WAIT_STEP_SECONDS,
    )


# How long a computation marks its key (longer than the slowest report: the city with its
# sections takes seconds) and how long another asker waits for it before computing itself
# (the web unit's statement timeout, within gunicorn's 30 s: deploy/gunicorn.conf.py).
COMPUTING_SECONDS = 120
WAIT_SECONDS = 20
_WAIT_STEP_SECONDS = 0.02


# The reports asked for lately (scope, period, sections, language), most recent first: what
# the background worker rebuilds after a write (reports.rebuild). Approximate on purpose (a
# read-modify-write in the cache): it says what to prepare, never what to serve.
ASKED_KEY = "reports:asked"
ASKED_AT_MOST = 12
ASKED_SECONDS = 24 * 3600
_ASKED_REFRESH_SECONDS = 600  # a report asked again within this is not written again


def _remember_asked(scope: Scope, period: Period, sections: bool) -> None:
    entry = (
        scope.code,
        period.start.isoformat(),
        period.end.isoformat(),
        bool(sections),
        translation.get_language() or "",
    )
    asked = cache.get(ASKED_KEY) or {}
    now = time.time()
    if now - asked.get(entry, 0) < _ASKED_REFRESH_SECONDS:
        return
    asked[entry] = now
    recent = sorted(
        ((e, at) for e, at in asked.items() if now - at < ASKED_SECONDS), key=lambda i: -i[1]
    )
    cache.set(ASKED_KEY, dict(recent[:ASKED_AT_MOST]), ASKED_SECONDS)


def recently_asked() -> list[tuple[str, Period, bool, str]]:
    """(scope code, period, sections, language) of the reports asked lately, newest first."""
    asked = cache.get(ASKED_KEY) or {}
    return [
        (
            code,
            Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)),
            sections,
            language,
        )
        for (code, start, end, sections, language), _at in sorted(
            asked.items(), key=lambda i: -i[1]
        )
    ]


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
        # Compiling the report's large queries costs more than it saves (EXPLAIN ANALYZE at
        # 370,000 businesses: 0.67 s of JIT emission in the city's register query alone).
        cursor.execute("SET LOCAL jit = off")
        yield
