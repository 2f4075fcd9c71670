"""The replica router: report reads go to the "replica" alias when one is configured, and
never once the request or job has written. In the tests the replica is a second connection
to the test database (TEST MIRROR, `make test` sets DATABASE_REPLICA_URL), so which
connection ran a query shows where the router sent it."""

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from config.routers import (
    PrimaryPinningMiddleware,
    forget_replica_health,
    new_unit_of_work,
    pinned_to_primary,
    read_alias,
    report_reads,
)
from tests.config.settings_probe import run_probe
from tests.factories import BusinessFactory
from umkm.models import Business, Sector

needs_replica = pytest.mark.skipif(
    "replica" not in connections,
    reason="DATABASE_REPLICA_URL is not set (make test sets it to the test database)",
)


@pytest.fixture
def replica_on(settings):
    settings.REPLICA_READS = True
    forget_replica_health()  # each test asks the replica afresh
    yield
    forget_replica_health()


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_report_reads_go_to_the_replica_until_the_first_write(replica_on):
    BusinessFactory.create_batch(2)
    with (
        new_unit_of_work(),
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        with report_reads():
            assert Business.objects.count() == 2
        assert len(on_replica) == 1 and len(on_primary) == 0

        Sector.objects.create(code="uji", name="Uji", order=99)  # a write pins to the primary
        with report_reads():
            assert Business.objects.count() == 2
        assert len(on_replica) == 1
        assert len(on_primary) == 2
    with new_unit_of_work(), report_reads():
        assert read_alias() == "replica"  # the next request starts unpinned


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reads_outside_reports_stay_on_the_primary(replica_on):
    with new_unit_of_work(), CaptureQueriesContext(connections["replica"]) as on_replica:
        Business.objects.count()
        assert read_alias() == "default"
    assert len(on_replica) == 0


@needs_replica
def test_replica_reads_off_sends_every_read_to_the_primary(settings):
    settings.REPLICA_READS = False
    with new_unit_of_work(), report_reads():
        assert read_alias() == "default"


@needs_replica
@pytest.mark.django_db(databases=["default", "replica"])  # the router asks the replica first
def test_middleware_pins_posts_and_starts_each_request_unpinned(replica_on):
    seen = []

    def view(request):
        with report_reads():
            seen.append((request.method, pinned_to_primary(), read_alias()))
        return HttpResponse()

    middleware = PrimaryPinningMiddleware(view)
    factory = RequestFactory()
    before = pinned_to_primary()
    middleware(factory.post("/laporan/"))
    middleware(factory.get("/laporan/"))

    assert seen == [("POST", True, "default"), ("GET", False, "replica")]
    assert pinned_to_primary() == before  # a request's pin ends with it


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_without_a_replica_everything_reads_the_primary(settings):
    databases = {k: v for k, v in settings.DATABASES.items() if k != "replica"}
    settings.DATABASES = databases
    with new_unit_of_work(), report_reads():
        assert read_alias() == "default"


def test_migrations_run_on_the_primary_only():
    from config.routers import ReplicaRouter

    router = ReplicaRouter()
    assert router.allow_migrate("default", "umkm")
    assert not router.allow_migrate("replica", "umkm")


REPLICA_PROBE = """
import django
django.setup()
from config.routers import new_unit_of_work, report_reads
from umkm.models import Sector
with new_unit_of_work():
    with report_reads():
        print("report read:", *Sector.objects.values_list("name", flat=True))
    print("other read:", Sector.objects.filter(name="Replika").count())
    Sector.objects.filter(code="tidak-ada").update(name="x")  # a write: pins to the primary
    with report_reads():
        print("after a write:", Sector.objects.filter(name="Replika").count())
"""


@pytest.mark.django_db(transaction=True)
def test_report_reads_reach_a_second_database_on_the_same_server():
    """A real second database (not a mirror) holding one different sector: what the report
    read returns shows which database answered."""
    import os

    import psycopg
    from django.db import connection

    primary = connection.settings_dict
    replica_name = f"{primary['NAME']}_replica"
    server = {
        "host": primary["HOST"] or "127.0.0.1",
        "port": primary["PORT"] or 5432,
        "user": primary["USER"],
        "password": primary["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{replica_name}"')
        admin.execute(f'CREATE DATABASE "{replica_name}"')
    try:
        with psycopg.connect(dbname=replica_name, autocommit=True, **server) as replica:
            replica.execute(
                "CREATE TABLE umkm_sector (id bigint PRIMARY KEY, code varchar(30), "
                'name varchar(60), is_food boolean, "order" smallint)'
            )
            replica.execute("INSERT INTO umkm_sector VALUES (1, 'replika', 'Replika', false, 0)")
        auth = f"{server['user']}" + (f":{server['password']}" if server["password"] else "")
        base = f"postgres://{auth}@{server['host']}:{server['port']}"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=f"{base}/{primary['NAME']}",
            DATABASE_REPLICA_URL=f"{base}/{replica_name}",
            REPLICA_READS="1",
        )
        done = run_probe(REPLICA_PROBE, env)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{replica_name}" WITH (FORCE)')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "report read: Replika",  # the replica answered
        "other read: 0",  # everything else reads the primary
        "after a write: 0",  # pinned to the primary after the write
    ]
