"""The replay of kept public pages at the top of the middleware stack
(bazaars.middleware.PublicPageReplayMiddleware): what the whole stack gave an anonymous
visitor, headers and bytes, with no token and no cookie of anyone's; never to anyone signed in
or carrying a cookie of their own, never after a change or a withdrawn consent.

A replayed request never reached AuthenticationMiddleware: its request has no `user`."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from tests.bazaars.factories import accepted, bazaar, public_business
from tests.conftest import ProductionClient
from tests.factories import admin_sudin
from umkm.services import business_update

pytestmark = pytest.mark.django_db


def _replayed(response) -> bool:
    return not hasattr(response.wsgi_request, "user")


def _public_pages() -> list[str]:
    business = public_business(name="Kopi Tugu Tani")
    soon = timezone.localdate() + datetime.timedelta(days=10)
    fair = bazaar(title="Bazar Tahun Baru", booths=3, days=[soon])
    accepted(fair, business)
    return ["/", "/bazar/", f"/bazar/{fair.slug}/", "/umkm/", f"/umkm/{business.slug}/"]


def test_second_anonymous_visit_is_replayed_with_the_whole_stacks_headers(shared_cache):
    for path in _public_pages():
        first = ProductionClient().get(path)
        assert first.status_code == 200 and not _replayed(first), path
        visitor = ProductionClient()
        again = visitor.get(path)
        assert again.status_code == 200 and _replayed(again), path
        assert dict(again.items()) == dict(first.items()), path  # CSP, HSTS, nosniff, Vary ...
        assert "Content-Security-Policy" in again and again["X-Frame-Options"] == "DENY"
        # nothing of the first visitor's: no token in the page, no cookie set, the same bytes
        assert again.content == first.content, path
        assert not first.cookies and not again.cookies, path
        assert "csrfmiddlewaretoken" not in again.content.decode(), path
        assert int(again["Content-Length"]) == len(again.content)


def test_language_cookie_gets_the_page_of_its_language(shared_cache):
    ProductionClient().get("/bazar/")
    english = ProductionClient()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = english.get("/bazar/")
    assert first["Content-Language"] == "en" and not _replayed(first)
    again = english.get("/bazar/")
    assert again["Content-Language"] == "en" and _replayed(again)
    assert ProductionClient().get("/bazar/")["Content-Language"] == "id"


def test_signed_in_visitor_or_other_cookie_goes_down_the_whole_stack(shared_cache):
    ProductionClient().get("/bazar/")
    assert _replayed(ProductionClient().get("/bazar/"))
    staff = ProductionClient()
    staff.force_login(admin_sudin())
    response = staff.get("/bazar/")
    assert not _replayed(response) and "no-store" in response["Cache-Control"]
    other = ProductionClient()
    other.cookies["messages"] = "x"
    assert not _replayed(other.get("/bazar/"))
    assert not _replayed(ProductionClient().head("/bazar/"))


def test_only_pages_the_stack_served_with_200_are_replayed(shared_cache):
    for path in ("/umkm/tidak-ada/", "/admin/login/", "/healthz"):
        ProductionClient().get(path)
        assert not _replayed(ProductionClient().get(path)), path


def test_withdrawn_consent_and_staff_change_reach_the_next_anonymous_request(shared_cache):
    business = public_business(name="Roti Gambang Sentosa")
    profile = f"/umkm/{business.slug}/"
    ProductionClient().get(profile)
    assert _replayed(ProductionClient().get(profile))

    business_update(actor=admin_sudin(), business=business, name="Roti Gambang Jaya")
    renamed = ProductionClient().get(profile)
    assert not _replayed(renamed) and "Roti Gambang Jaya" in renamed.content.decode()
    assert _replayed(ProductionClient().get(profile))

    business.refresh_from_db()
    business_update(actor=admin_sudin(), business=business, public_consent=False)
    assert ProductionClient().get(profile).status_code == 404
    assert "Roti Gambang" not in ProductionClient().get("/umkm/").content.decode()


def test_a_bump_made_by_another_process_ends_this_ones_replays(shared_cache):
    from django.core.cache import cache

    from bazaars.cache import VERSION_KEY

    ProductionClient().get("/bazar/")
    assert _replayed(ProductionClient().get("/bazar/"))
    cache.incr(VERSION_KEY)
    assert not _replayed(ProductionClient().get("/bazar/"))
