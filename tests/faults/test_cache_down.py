"""Redis stops mid-run: pages keep answering from Postgres (cache errors are misses, sessions
live in the database), and when it is back nothing stale comes back with it.

Uses the real Redis of the development machine (CACHE_URL's server, 127.0.0.1:6379) under a
key prefix of its own, and a closed port for "Redis is away"; both through the settings
production uses (django-redis with IGNORE_EXCEPTIONS, settings.py)."""

import socket
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, public_business
from umkm import services as umkm_services

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def _redis(location: str, prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": settings.REDIS_CACHE_BACKEND,
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,  # what every redis:// CACHE_URL gets
        }
    }


@pytest.fixture
def redis_up_and_down(settings):
    """Two switches: the real Redis (under a prefix of this test's own) and a closed port."""
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    up, down = _redis(url, prefix), _redis(f"redis://127.0.0.1:{_closed_port()}/0", prefix)

    def switch(state: str):
        settings.CACHES = up if state == "up" else down  # Django resets its cache handles

    switch("up")
    yield switch
    switch("up")
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_pages_answer_while_redis_is_away_and_nothing_stale_returns(
    redis_up_and_down, client, admin_client
):
    from bazaars import cache as public_cache

    b = bazaar(title="Bazar September", booths=3)
    business = public_business(name="Sambal Mak Ijah")
    accepted(b, business)
    pages = ["/", "/bazar/", f"/bazar/{b.slug}/", "/umkm/", f"/umkm/{business.slug}/"]
    staff_pages = [reverse("admin:index"), reverse("admin:umkm_business_changelist")]

    for path in pages:  # Redis up: the pages are cached
        assert client.get(path).status_code == 200
    assert cache.get(public_cache.VERSION_KEY) is not None
    assert client.get("/healthz").json()["cache"] == "up"

    redis_up_and_down("down")
    for path in pages:
        assert client.get(path).status_code == 200, path
    for path in staff_pages:  # sessions live in Postgres: still signed in
        assert admin_client.get(path).status_code == 200, path
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["cache"] == "down"
    # A business withdraws its consent while Redis is away: the bump is lost...
    umkm_services.business_update(actor=SYSTEM, business=business, public_consent=False)
    assert client.get(f"/umkm/{business.slug}/").status_code == 404

    redis_up_and_down("up")
    # ...yet the entries cached before the outage do not come back with Redis.
    assert client.get(f"/umkm/{business.slug}/").status_code == 404
    assert "Sambal Mak Ijah" not in client.get(f"/bazar/{b.slug}/").content.decode()
    assert "Sambal Mak Ijah" not in client.get("/umkm/").content.decode()
    assert client.get("/healthz").json()["cache"] == "up"
    version = cache.get(public_cache.VERSION_KEY)
    client.get("/bazar/")
    assert cache.get(public_cache.VERSION_KEY) == version  # one bump, not one per request


def test_a_hung_redis_costs_a_request_at_most_its_socket_timeouts(redis_up_and_down, client):
    """A port that accepts and never answers (a hung Redis): the page still answers, bounded
    by SOCKET_TIMEOUT per call rather than the worker's timeout."""
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # accepts connections, never replies
    try:
        prefix = f"hung-{uuid.uuid4().hex[:8]}"
        settings_caches = _redis(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", prefix)
        from django.test import override_settings

        bazaar(title="Bazar September")
        with override_settings(CACHES=settings_caches):
            started = time.monotonic()
            assert client.get("/bazar/").status_code == 200
            elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert elapsed < 5, elapsed


# --- The version read over a connection of the thread's own (bazaars/cache.py) -------------


def _count_cache_gets(monkeypatch) -> list:
    from django.core.cache import caches

    calls = []
    backend_class = type(caches["default"])
    original = backend_class.get

    def counting(self, key, *args, **kwargs):
        calls.append(key)
        return original(self, key, *args, **kwargs)

    monkeypatch.setattr(backend_class, "get", counting)
    return calls


def test_the_version_is_read_directly_and_every_bump_is_seen_at_once(
    redis_up_and_down, monkeypatch
):
    from bazaars import cache as public_cache

    public_cache._cache_failed.clear()  # an earlier drill's outage, bumped for already
    first = public_cache.public_version()
    assert first and first == cache.get(public_cache.VERSION_KEY)
    gets = _count_cache_gets(monkeypatch)
    assert [public_cache.public_version() for _ in range(3)] == [first] * 3
    assert public_cache.VERSION_KEY not in gets  # not through django-redis' pool
    cache.incr(public_cache.VERSION_KEY)  # another process's bump
    assert public_cache.public_version() == first + 1
    public_cache.bump_public_version()
    assert public_cache.public_version() == first + 2
    # The connection is made with the cache's own settings: a hung Redis is bounded alike.
    connection = public_cache._direct.state[2]
    assert connection.socket_timeout == settings.REDIS_CACHE_OPTIONS["SOCKET_TIMEOUT"]
    assert connection.db == 14


def test_a_connection_the_server_closed_gets_one_fresh_try(redis_up_and_down):
    import redis

    from bazaars import cache as public_cache

    public_cache._cache_failed.clear()
    version = public_cache.public_version()
    connection = public_cache._direct.state[2]
    connection.send_command("CLIENT", "ID")
    own_id = connection.read_response()
    redis.Redis.from_url("redis://127.0.0.1:6379/14").client_kill_filter(_id=own_id)
    assert public_cache.public_version() == version
    assert not public_cache._cache_failed.is_set()  # no needless bump of every page


def test_one_read_that_times_out_gets_one_fresh_try(redis_up_and_down, monkeypatch):
    """A connection a network dropped silently while idle times out once: no outage."""
    import redis

    from bazaars import cache as public_cache

    public_cache._cache_failed.clear()
    version = public_cache.public_version()
    connection = public_cache._direct.state[2]
    original, failures = connection.read_response, []

    def once_timed_out(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise redis.exceptions.TimeoutError("Timeout reading from socket")
        return original(*args, **kwargs)

    monkeypatch.setattr(connection, "read_response", once_timed_out)
    assert public_cache.public_version() == version
    assert failures and not public_cache._cache_failed.is_set()


def test_a_hung_redis_costs_the_version_read_two_socket_timeouts_at_most(
    redis_up_and_down, settings
):
    import time

    from bazaars import cache as public_cache

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)  # accepts connections, never replies
    try:
        location = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        settings.CACHES = _redis(location, "hung-version")
        started = time.monotonic()
        assert public_cache.public_version() == 0  # the cache is away: pages from Postgres
        elapsed = time.monotonic() - started
        assert public_cache._cache_failed.is_set()  # bumped once Redis answers again
    finally:
        listener.close()
        public_cache._cache_failed.clear()
    timeout = settings.REDIS_CACHE_OPTIONS["SOCKET_TIMEOUT"]
    # The read and its one fresh try; not the two again through cache.get and add().
    assert 2 * timeout <= elapsed < 3 * timeout, elapsed
