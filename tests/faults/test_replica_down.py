"""The read replica down or behind: report reads go to the primary within a second (the
pages answer), and a browser that has just written never reads from the replica until it has
caught up. A real streaming replica is exercised by bench/replica_drill.py; here the replica
alias (a second connection to the test database, `make test`) is pointed at a closed port."""

import socket
import time

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from config.routers import (
    PIN_COOKIE,
    PrimaryPinningMiddleware,
    forget_replica_health,
    read_alias,
    report_reads,
)
from tests.factories import BusinessFactory, pejabat
from umkm.models import Business, Sector

needs_replica = pytest.mark.skipif(
    "replica" not in connections, reason="DATABASE_REPLICA_URL is not set (make test sets it)"
)
pytestmark = [
    needs_replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def replica(settings):
    """Switches for the replica: "down" (a closed port) and "up" (the test database again)."""
    settings.REPLICA_READS = True
    settings.REPLICA_CHECK_SECONDS = 0  # a down replica is asked again at once (brought back)
    conn = connections["replica"]
    original = conn.settings_dict
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]

    def switch(state: str):
        conn.close()
        conn.settings_dict = {**original, "PORT": closed} if state == "down" else original

    forget_replica_health()
    yield switch
    switch("up")
    forget_replica_health()


def test_report_reads_fall_back_to_the_primary_within_a_second(replica, client):
    from django.test.utils import override_settings

    from config.routers import new_unit_of_work

    BusinessFactory.create_batch(2)
    with new_unit_of_work(), report_reads():
        assert read_alias() == "replica"

    replica("down")
    started = time.monotonic()
    with (
        new_unit_of_work(),
        report_reads(),
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        assert Business.objects.count() == 2
    assert time.monotonic() - started < 1
    assert len(on_primary) == 1

    # A report page and its export answer while the replica is away.
    client.force_login(pejabat(username="pejabat-replika"))
    with override_settings(BAZAAR_REQUIRE_FOOD_CERTIFICATE=False):
        for path in ("/laporan/", "/laporan/kecamatan/31.73.02/", "/laporan/ekspor/csv/"):
            response = client.get(path)
            assert response.status_code in (200, 302), (path, response.status_code)

    replica("up")  # back: the next check uses it again
    with new_unit_of_work(), report_reads():
        assert read_alias() == "replica"


def test_a_replica_too_far_behind_is_skipped(replica, settings):
    from config.routers import new_unit_of_work

    settings.REPLICA_MAX_LAG_SECONDS = -1  # any lag at all is too much (the mirror has 0 s)
    with new_unit_of_work(), report_reads():
        assert read_alias() == "default"
    settings.REPLICA_MAX_LAG_SECONDS = 5
    forget_replica_health()
    with new_unit_of_work(), report_reads():
        assert read_alias() == "replica"


def test_a_down_replica_is_asked_once_per_interval_not_once_per_request(replica, settings):
    from config.routers import new_unit_of_work

    settings.REPLICA_CHECK_SECONDS = 60
    replica("down")
    started = time.monotonic()
    for _ in range(50):
        with new_unit_of_work(), report_reads():
            assert read_alias() == "default"
    assert time.monotonic() - started < 1


def _reports_view(request):
    """A view that writes on POST (and on GET with ?tulis) and reads a report figure."""
    if request.method == "POST" or "tulis" in request.GET:
        stamp = time.monotonic_ns()
        Sector.objects.create(code=f"uji-{stamp}", name=f"Uji {stamp}", order=99)
    with report_reads():
        return HttpResponse(read_alias())


def test_a_browser_reads_its_own_writes_after_the_request_that_wrote(replica, settings):
    middleware = PrimaryPinningMiddleware(_reports_view)
    factory = RequestFactory()

    assert middleware(factory.get("/laporan/")).content == b"replica"
    wrote = middleware(factory.post("/laporan/"))
    assert wrote.content == b"default"
    cookie = wrote.cookies[PIN_COOKIE]
    assert (
        int(cookie["max-age"]) == settings.REPLICA_PIN_SECONDS >= settings.REPLICA_MAX_LAG_SECONDS
    )
    assert cookie["httponly"]

    # The same browser, next request: the primary, so it sees what it wrote...
    factory.cookies[PIN_COOKIE] = cookie.value
    assert middleware(factory.get("/laporan/")).content == b"default"
    # ...other browsers keep the replica...
    assert middleware(RequestFactory().get("/laporan/")).content == b"replica"
    # ...and once the pin has run out, so does this one.
    factory.cookies[PIN_COOKIE] = str(int(time.time()) - 1)
    assert middleware(factory.get("/laporan/")).content == b"replica"
    factory.cookies[PIN_COOKIE] = "not-a-number"
    assert middleware(factory.get("/laporan/")).content == b"replica"

    # A GET that writes pins as well; one that only reads sets no cookie.
    assert PIN_COOKIE in middleware(factory.get("/laporan/?tulis=1")).cookies
    assert PIN_COOKIE not in middleware(RequestFactory().get("/laporan/")).cookies


def test_a_replica_that_fails_mid_request_is_read_again_from_the_primary(replica):
    """The replica answered the health query, then stopped before the report's own queries
    (pg_ctl stop under load): the report is built once more on the primary, not a 503."""
    from config.routers import new_unit_of_work, report_read

    BusinessFactory.create_batch(2)
    used = []

    def build():
        alias = read_alias()
        used.append(alias)
        if alias == "replica":
            replica("down")  # it goes away between the check and the first query
        return Business.objects.count()

    with new_unit_of_work():
        assert report_read(build) == 2
        assert used == ["replica", "default"]
        with report_reads():
            assert read_alias() == "default"  # the rest of the request stays on the primary
