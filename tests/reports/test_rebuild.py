"""After a write, the background worker rebuilds the reports asked for lately (reports.rebuild):
the next request finds them kept, with the write in them. Without the worker's run the next
request still gives exact figures (it computes them itself)."""

import datetime

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from reports.rebuild import RebuildKeptReportsMiddleware
from tests.factories import admin_sudin, pejabat
from tests.reports.conftest import figures
from tests.reports.factories import GROGOL
from tests.reports.test_as_of import past  # noqa: F401  (the fixture: a known past)
from tests.worker import run_queued_tasks
from umkm.services import business_update

pytestmark = pytest.mark.django_db
D = datetime.date
URL = f"/laporan/kecamatan/{GROGOL}/?tahun=2023"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _staff_post(write):
    """A staff form post that makes `write` (as the view would), through the middleware."""

    def view(request):
        write()
        return HttpResponse("ok")

    request = RequestFactory().post("/admin/umkm/business/1/change/")
    return RebuildKeptReportsMiddleware(view)(request)


def _close(business, day):
    business_update(
        actor=admin_sudin(username="staf-rebuild"),
        business=business,
        status="nonaktif",
        effective_on=day,
        reason="tutup",
    )


def _rebuilds_queued() -> int:
    return DBTaskResult.objects.filter(task_path="reports.rebuild.rebuild_kept_reports").count()


def test_after_a_write_the_worker_keeps_the_report_the_next_request_reads(past, client):  # noqa: F811
    client.force_login(pejabat(username="pejabat-rebuild"))
    assert figures(client.get(URL).content.decode())["kartu.active"] == "3"

    _staff_post(lambda: _close(past["E"], D(2023, 12, 31)))
    _staff_post(lambda: None)  # a second post before the worker ran: still one task
    assert _rebuilds_queued() == 1
    assert run_queued_tasks() == 1

    with CaptureQueriesContext(connection) as captured:
        shown = figures(client.get(URL).content.decode())
    assert shown["kartu.active"] == "2"
    # Kept by the worker: the request read the version, not the register.
    assert not any("umkm_businessstate" in q["sql"] for q in captured.captured_queries)


def test_a_post_that_changes_nothing_the_figures_read_queues_nothing(past, client):  # noqa: F811
    client.force_login(pejabat(username="pejabat-rebuild"))
    client.get(URL)
    _staff_post(lambda: _close(past["E"], D(2023, 12, 31)))
    run_queued_tasks()
    _staff_post(lambda: None)  # e.g. a sign-in: the data version is the rebuilt one
    assert _rebuilds_queued() == 1


def test_without_the_workers_run_the_next_request_is_still_exact(past, client):  # noqa: F811
    client.force_login(pejabat(username="pejabat-rebuild"))
    assert figures(client.get(URL).content.decode())["kartu.active"] == "3"
    _staff_post(lambda: _close(past["E"], D(2023, 12, 31)))
    # The task waits in the queue; the request computes the figures with the write.
    assert _rebuilds_queued() == 1
    assert figures(client.get(URL).content.decode())["kartu.active"] == "2"
