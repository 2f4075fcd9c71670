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
