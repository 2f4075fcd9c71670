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
def shared_cache(shared_cache):
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


def test_home_page_is_cached_and_shows_a_bazaar_change_at_once(client, shared_cache, count_queries):
    import datetime

    from django.utils import timezone

    from bazaars.services import bazaar_update
    from tests.bazaars.factories import bazaar

    soon = timezone.localdate() + datetime.timedelta(days=10)
    planned = bazaar(title="Bazar Tahun Baru", booths=5, days=[soon])
    assert "Bazar Tahun Baru" in _served_from_cache(client, "/", count_queries)

    bazaar_update(actor=admin_sudin(), bazaar=planned, title="Bazar Imlek")

    html = _served_from_cache(client, "/", count_queries)
    assert "Bazar Imlek" in html and "Bazar Tahun Baru" not in html


def test_a_kept_page_returns_its_own_address_from_the_language_form_not_a_visitors(
    client, shared_cache, count_queries
):
    """The page is kept for everybody: what one visitor added to the address is not handed
    to the next one (the language form's `next`)."""
    first = client.get("/?utm=promo-kemarin").content.decode()
    assert 'name="next" type="hidden" value="/"' in first
    later = _served_from_cache(client, "/bazar/?x=1", count_queries)
    assert 'name="next" type="hidden" value="/bazar/"' in later
    assert "promo-kemarin" not in _served_from_cache(client, "/", count_queries)


def test_a_page_kept_in_the_process_is_not_served_after_a_change_made_elsewhere(
    client, shared_cache, count_queries
):
    """Each process keeps a copy of the pages it served; a bump made by another process (here:
    straight in the shared cache, as another server's save would) must still reach the next
    request, and a copy from before a cache that lost its keys must never match again."""
    from django.core.cache import cache

    from bazaars.cache import VERSION_KEY

    business = public_business(name="Roti Gambang Sentosa")
    profile = f"/umkm/{business.slug}/"
    _served_from_cache(client, profile, count_queries)
    type(business).objects.filter(pk=business.pk).update(name="Roti Gambang Baru")
    cache.incr(VERSION_KEY)  # another process's bump: this one's copy is not asked
    assert "Roti Gambang Baru" in client.get(profile).content.decode()

    type(business).objects.filter(pk=business.pk).update(name="Roti Gambang Lagi")
    cache.clear()  # the shared cache restarted empty: the version starts afresh
    assert "Roti Gambang Lagi" in client.get(profile).content.decode()
