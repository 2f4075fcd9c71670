"""The public page cache under production conditions: a request with another Host header
never changes what the next normal request gets, and the invalidation receivers survive
garbage collection (issue 19: a weak closure receiver was collected with DEBUG off)."""

import gc

import django.utils.inspect
import icalendar
import pytest
from django.core.cache import cache

from bazaars.cache import VERSION_KEY, public_version
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, public_business
from umkm import services as umkm_services

pytestmark = pytest.mark.django_db

NORMAL = {"HTTP_HOST": "portal.example.go.id", "secure": True}
OTHER = {"HTTP_HOST": "evil.example.com"}


@pytest.fixture(autouse=True)
def _production_like(settings):
    cache.clear()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["portal.example.go.id", "evil.example.com"]


def _forget_debug_references():
    """As in production: with DEBUG on when the apps were loaded, Signal.connect() checks each
    receiver's signature through an lru_cache that keeps the function alive. That is why the
    weak closure survived in development and died in production; drop it, then collect."""
    django.utils.inspect._get_func_parameters.cache_clear()
    gc.collect()


def _feed_urls(content: bytes) -> set[str]:
    cal = icalendar.Calendar.from_ical(content)
    return {str(e["UID"]).split("@")[1] for e in cal.walk("VEVENT")} | {
        str(e["URL"]) for e in cal.walk("VEVENT")
    }


@pytest.mark.parametrize("site_url", ["", "https://portal.example.go.id"])
def test_another_host_header_does_not_change_the_next_normal_request(client, settings, site_url):
    settings.SITE_URL = site_url
    b = bazaar(title="Bazar September")
    pages = [f"/bazar/{b.slug}/", "/bazar/jadwal.ics", f"/bazar/{b.slug}.ics"]
    for path in pages:
        hostile = client.get(path, **OTHER).content  # first: fills the cache if it can
        normal = client.get(path, **NORMAL).content
        assert b"evil.example.com" not in normal, path
        assert b"https://portal.example.go.id/bazar/" in normal, path
        if site_url:  # one address for everyone, whatever the header said
            assert b"evil.example.com" not in hostile
    uids = _feed_urls(client.get("/bazar/jadwal.ics", **NORMAL).content)
    assert uids == {"portal.example.go.id", f"https://portal.example.go.id/bazar/{b.slug}/"}


def test_og_url_comes_from_site_url(client, settings):
    settings.SITE_URL = "https://portal.example.go.id/"
    b = bazaar(title="Bazar September")
    html = client.get(f"/bazar/{b.slug}/", **OTHER).content.decode()
    url = f"https://portal.example.go.id/bazar/{b.slug}/"
    assert f'<meta property="og:url" content="{url}">' in html


def test_deploy_check_warns_without_site_url(settings):
    from config.site import check_site_url

    settings.SITE_URL = ""
    assert [w.id for w in check_site_url()] == ["config.W001"]
    settings.SITE_URL = "https://portal.example.go.id"
    assert check_site_url() == []


def test_invalidation_survives_garbage_collection(client):
    """With DEBUG off, as in production: a receiver held weakly would be gone after a
    collection, the version would not move and a withdrawn consent would stay public."""
    b = bazaar(title="Bazar September", booths=3)
    business = public_business(name="Sambal Mak Ijah")
    accepted(b, business)
    profile, detail = f"/umkm/{business.slug}/", f"/bazar/{b.slug}/"
    assert client.get(profile, **NORMAL).status_code == 200
    assert "Sambal Mak Ijah" in client.get(detail, **NORMAL).content.decode()
    assert "Sambal Mak Ijah" in client.get("/umkm/", **NORMAL).content.decode()
    _forget_debug_references()
    before = public_version()

    umkm_services.business_update(actor=SYSTEM, business=business, public_consent=False)

    assert cache.get(VERSION_KEY) > before
    assert client.get(profile, **NORMAL).status_code == 404
    assert "Sambal Mak Ijah" not in client.get(detail, **NORMAL).content.decode()
    assert "Sambal Mak Ijah" not in client.get("/umkm/", **NORMAL).content.decode()


def test_every_cached_model_has_a_strong_receiver():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from bazaars.apps import CACHED_MODELS, invalidate_public_pages

    _forget_debug_references()
    for label in CACHED_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            assert invalidate_public_pages in signal._live_receivers(model)[0], (label, signal)
