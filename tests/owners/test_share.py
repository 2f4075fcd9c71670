"""Public pages that spread on WhatsApp: every bazaar and business page has an og:image (the
poster or photo in share size, else a drawn card) and the other share tags; counts on cards say
how many take part and how many the page lists."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from tests.bazaars.factories import accepted, bazaar, public_business
from tests.factories import sector

pytestmark = pytest.mark.django_db


def _meta(page: str, prop: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)
    assert found, prop
    return found.group(1)


def _stored(url: str):
    name = url.split("/media/", 1)[1]
    with default_storage.open(name) as fh:
        return Image.open(io.BytesIO(fh.read()))


def test_bazaar_and_business_pages_carry_share_tags_and_a_drawn_card(client):
    b = bazaar(title="Bazar Ramadan Kembangan")
    shop = public_business(name="Kopi Pak Ujang", slug="kopi-pak-ujang", sector=sector("fesyen"))
    accepted(b, shop)
    for url in (f"/bazar/{b.slug}/", "/umkm/kopi-pak-ujang/"):
        page = client.get(url).content.decode()
        assert _meta(page, "og:type") == "website"
        assert _meta(page, "og:url").endswith(url)
        assert _meta(page, "og:site_name")
        assert _meta(page, "twitter:card") == "summary_large_image"
        assert (_meta(page, "og:image:width"), _meta(page, "og:image:height")) == ("1200", "630")
        image = _stored(_meta(page, "og:image"))
        assert image.size == (1200, 630) and image.format == "PNG"
        assert "https://wa.me/?text=" in page  # the share button


def test_the_card_is_drawn_once_and_again_when_what_it_shows_changes(client):
    b = bazaar(title="Bazar Kartu")
    first = _meta(client.get(f"/bazar/{b.slug}/").content.decode(), "og:image")
    again = _meta(client.get(f"/bazar/{b.slug}/").content.decode(), "og:image")
    assert first == again
    accepted(b, public_business(sector=sector("fesyen")))
    changed = _meta(client.get(f"/bazar/{b.slug}/").content.decode(), "og:image")
    assert changed != first


def test_counts_say_how_many_take_part_and_how_many_are_listed(client):
    b = bazaar(title="Bazar Hitung", booths=3)
    accepted(b, public_business(sector=sector("fesyen")))
    accepted(b, public_business(sector=sector("fesyen")))
    accepted(b, sector=sector("fesyen"))  # did not consent: not listed
    schedule = client.get("/bazar/").content.decode()
    assert "3 usaha, 2 tampil" in schedule
    detail = client.get(f"/bazar/{b.slug}/").content.decode()
    assert "3 usaha, 2 tampil" in detail
    assert detail.count('class="participants"') == 1
    assert detail.count("/umkm/") >= 2


def test_when_all_are_listed_the_card_says_one_number(client):
    b = bazaar(title="Bazar Semua")
    accepted(b, public_business(sector=sector("fesyen")))
    schedule = client.get("/bazar/").content.decode()
    assert re.search(r">1 usaha\s*<", schedule) and "tampil" not in schedule


def test_a_redrawn_card_replaces_the_old_one(client):
    b = bazaar(title="Bazar Kartu Lama")
    first = _meta(client.get(f"/bazar/{b.slug}/").content.decode(), "og:image")
    accepted(b, public_business(sector=sector("fesyen")))
    client.get(f"/bazar/{b.slug}/")
    assert not default_storage.exists(first.split("/media/", 1)[1])


@pytest.mark.parametrize("how", ["owner withdraws", "staff withdraw", "data erased"])
def test_the_business_card_leaves_the_public_storage_with_the_listing(
    client, how, django_capture_on_commit_callbacks
):
    from owners import services as owner_services
    from owners.signin import account_for
    from tests.factories import admin_sudin
    from umkm import pdp
    from umkm import services as register_services

    shop = public_business(name="Kopi Bu Tini", slug="kopi-bu-tini", sector=sector("fesyen"))
    card = _meta(client.get("/umkm/kopi-bu-tini/").content.decode(), "og:image")
    name = card.split("/media/", 1)[1]
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "owner withdraws":
            user = account_for(shop.owner).user
            owner_services.consent_set(actor=user, business=shop, public=False)
        elif how == "staff withdraw":
            register_services.business_update(
                actor=admin_sudin(), business=shop, public_consent=False
            )
        else:
            pdp.anonymise_owner(owner=shop.owner, requested_by="Pemilik", purpose="Uji")
    assert not default_storage.exists(name)
    assert client.get("/umkm/kopi-bu-tini/").status_code == 404
