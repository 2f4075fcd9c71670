"""The cached public pages as production runs them: the suite's own settings are production's
(tests/settings.py, DEBUG off) and the cache is shared and keeps a page for the hour (a file
cache here, standing in for Redis; local memory would keep pages only seconds). A staff
change and a consent withdrawal must reach the very next public request: the cache version
is bumped by signal receivers, and with DEBUG off nothing but the signal holds a receiver,
so one connected weakly is collected and the pages stay stale for the hour."""

import gc

import pytest
from django.conf import settings

from bazaars.cache import PAGE_TIMEOUT, page_timeout
from tests.bazaars.factories import public_business
from tests.factories import admin_sudin
from umkm.services import business_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    assert page_timeout() == PAGE_TIMEOUT  # an hour: only the version makes a page fresh


def _served_from_cache(client, path, count_queries) -> str:
    client.get(path)
    with count_queries() as q:
        html = client.get(path).content.decode()
    assert q.count == 0, f"{path} was not cached"
    return html


def test_staff_change_and_consent_withdrawal_reach_the_next_public_request(
    client, shared_cache, count_queries
):
    assert settings.TASKS_BACKEND == "database" and settings.SECURE_SSL_REDIRECT  # production
    gc.collect()  # whatever only a weak reference held is gone, as in a long-running server
    staff = admin_sudin()
    business = public_business(name="Kopi Tugu Tani")
    profile = f"/umkm/{business.slug}/"
    assert "Kopi Tugu Tani" in _served_from_cache(client, profile, count_queries)
    assert "Kopi Tugu Tani" in _served_from_cache(client, "/umkm/", count_queries)

    business_update(actor=staff, business=business, name="Kopi Tugu Tani Jaya")  # staff edit

    assert "Kopi Tugu Tani Jaya" in client.get(profile).content.decode()
    assert "Kopi Tugu Tani Jaya" in client.get("/umkm/").content.decode()
    _served_from_cache(client, profile, count_queries)
    _served_from_cache(client, "/umkm/", count_queries)

    business.refresh_from_db()
    business_update(actor=staff, business=business, public_consent=False)  # consent withdrawn

    assert client.get(profile).status_code == 404
    assert "Kopi Tugu Tani" not in client.get("/umkm/").content.decode()
