"""A kept report is reused only while the data it was computed from is unchanged: every table
the report's queries read carries the trigger that changes the data version."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.selectors import (
    Period,
    build_report,
    city_scope,
    data_version,
    kecamatan_scope,
    report_snapshot,
)
from tests.reports.factories import GROGOL

pytestmark = pytest.mark.django_db
WATCHED = [
    *importlib.import_module("reports.migrations.0002_data_version").WATCHED_TABLES,
    *importlib.import_module("reports.migrations.0003_watch_sections").WATCHED_TABLES,
]


def _tables_read(sql: str) -> set[str]:
    known = {m._meta.db_table for m in apps.get_models()}
    return {t for t in known if f" {t} " in sql or f'"{t}"' in sql}


def test_every_table_the_report_reads_is_watched(world):
    from reports import selectors

    selectors.SNAPSHOTS = False
    try:
        with CaptureQueriesContext(connection) as captured, report_snapshot():
            build_report(kecamatan_scope(GROGOL), Period.for_year(2023), sections=True)
            build_report(city_scope(), Period.for_year(2023), sections=True)
    finally:
        selectors.SNAPSHOTS = True
    read = set().union(*(_tables_read(q["sql"]) for q in captured.captured_queries))
    read -= {"reports_dataversion"}
    assert {"umkm_businessstate", "umkm_businessstage", "umkm_owner"} <= read
    assert {"certifications_casetransition", "bazaars_participation"} <= read
    assert read <= set(WATCHED), " ".join(sorted(read - set(WATCHED)))


@pytest.mark.parametrize("table", WATCHED)
def test_a_write_to_a_watched_table_changes_the_version(table):
    before = data_version()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE false")  # noqa: S608  (a known name)
    assert data_version() not in ("", before)


def test_a_kept_report_is_reused_until_a_write(world):
    scope, period = (
        kecamatan_scope(GROGOL),
        Period(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
    )
    with report_snapshot():
        first = build_report(scope, period)
    with CaptureQueriesContext(connection) as captured, report_snapshot():
        again = build_report(scope, period)
    assert again.total == first.total
    # Only the version is read: no query of the figures.
    assert not any("umkm_" in q["sql"] for q in captured.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE umkm_mentoring SET monthly_omzet = monthly_omzet")
    with CaptureQueriesContext(connection) as captured, report_snapshot():
        build_report(scope, period)
    assert any("umkm_mentoring" in q["sql"] for q in captured.captured_queries)


def test_the_version_row_changes_once_per_transaction_and_each_write_still_counts():
    """One version row update per writing transaction (one per statement made a bulk update
    of owners take minutes); the transaction's later writes still change its own version."""

    def slot_row_version(cursor):
        cursor.execute(
            "SELECT ctid::text FROM reports_dataversion WHERE id = pg_backend_pid() % 64"
        )
        return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("UPDATE umkm_mentoring SET monthly_omzet = monthly_omzet")
        first = slot_row_version(cursor)
        versions = {data_version()}
        for table in ("umkm_training", "umkm_mentoring", "umkm_owner"):
            cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608  (known names)
            versions.add(data_version())
        assert slot_row_version(cursor) == first  # no new row version in this transaction
    assert len(versions) == 4 and "" not in versions


def _key_of(scope, period, sections=False):
    from reports import selectors

    with report_snapshot():
        version = data_version()
    return selectors._snapshot_key(scope, period, f"{version}:{int(sections)}")


def _later(seconds, fn):
    import threading

    timer = threading.Timer(seconds, fn)
    timer.start()
    return timer


def test_a_report_another_process_is_computing_is_waited_for_not_computed_again(world):
    """A second asker of the same report under the same version (a request while the worker
    rebuilds, or four requests after one write) takes the first one's figures."""
    from django.core.cache import cache

    scope, period = kecamatan_scope(GROGOL), Period.for_year(2023)
    cache.clear()
    key = _key_of(scope, period)
    with report_snapshot():
        theirs = selectors_compute(scope, period)
    theirs.total.active = 987654  # the other's very object: not one computed here
    cache.add(f"{key}:computing", True, 60)
    timer = _later(0.3, lambda: cache.set(key, theirs, 60))
    try:
        with CaptureQueriesContext(connection) as captured, report_snapshot():
            got = build_report(scope, period)
    finally:
        timer.join()
        cache.clear()
    assert got.total.active == 987654
    assert not any("umkm_" in q["sql"] for q in captured.captured_queries)


def test_when_the_other_computation_gives_up_the_report_is_computed_here(world):
    from django.core.cache import cache

    scope, period = kecamatan_scope(GROGOL), Period.for_year(2023)
    cache.clear()
    key = _key_of(scope, period)
    cache.add(f"{key}:computing", True, 60)
    timer = _later(0.3, lambda: cache.delete(f"{key}:computing"))  # it failed: no report
    try:
        with CaptureQueriesContext(connection) as captured, report_snapshot():
            got = build_report(scope, period)
    finally:
        timer.join()
    assert any("umkm_businessstate" in q["sql"] for q in captured.captured_queries)
    assert cache.get(key).total.active == got.total.active
    cache.clear()
    with report_snapshot():
        build_report(scope, period)  # alone: it marks the key itself
    assert cache.get(key) is not None
    assert cache.get(f"{key}:computing") is None  # and takes the mark away once kept
    cache.clear()


def selectors_compute(scope, period):
    from reports.selectors import compute_all

    return compute_all(scope, period, False)
