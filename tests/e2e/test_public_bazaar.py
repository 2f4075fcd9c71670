"""The public on a phone: from the home page to the next bazaar, its sellers by sector, its
.ics, and a seller's profile; the schedule and the directory. Accessible and light."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.bazaars.factories import (
    VenueFactory,
    accepted,
    bazaar,
    eligible_business,
    public_business,
)
from tests.e2e.helpers import (
    PUBLIC_PAGE_BUDGET,
    assert_no_serious_axe_violations,
    page_weight,
    screenshot,
    visit,
)
from tests.factories import sector


@pytest.fixture
def next_bazaar(settings):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False  # the food rule has its own tests
    soon = timezone.localdate() + datetime.timedelta(days=12)
    b = bazaar(
        title="Bazar UMKM Akhir Tahun",
        booths=6,
        days=[soon, soon + datetime.timedelta(days=1)],
        # A fixed name: the factory's numbered one depends on the tests run before, and would
        # change the screenshots from run to run.
        venue=VenueFactory(name="Taman Kota Intan"),
    )
    accepted(
        b,
        public_business(
            name="Keripik Bu Sri", sector=sector("kuliner"), products="keripik singkong, rempeyek"
        ),
    )
    accepted(
        b,
        public_business(
            name="Batik Palmerah", sector=sector("fesyen"), products="kemeja batik tulis"
        ),
    )
    hidden = eligible_business(name="Warung Tidak Setuju Tampil")  # no public consent
    accepted(b, hidden)
    return b, hidden


def test_public_finds_the_next_bazaar_its_sellers_and_a_profile_on_a_phone(phone_page, next_bazaar):
    page = phone_page
    b, hidden = next_bazaar
    visit(page, "/")
    page.get_by_role("link", name="Bazar UMKM Akhir Tahun").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bazar UMKM Akhir Tahun")
    expect(page.get_by_role("heading", name="Kuliner")).to_be_visible()
    expect(page.get_by_role("heading", name="Fesyen")).to_be_visible()
    expect(page.get_by_text("Keripik Bu Sri")).to_be_visible()
    assert "Warung Tidak Setuju Tampil" not in page.content()
    assert hidden.owner.phone not in page.content()
    screenshot(page, "bazaar-detail")
    assert_no_serious_axe_violations(page)
    detail_url = page.url
    assert page_weight(page, detail_url).total < PUBLIC_PAGE_BUDGET

    with page.expect_download() as download:
        page.get_by_role("link", name="iCal").first.click()
    with open(download.value.path(), "rb") as ics:
        calendar = Calendar.from_ical(ics.read())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    assert {e.decoded("dtstart").date() for e in events} == {d.date for d in b.days.all()}

    page.get_by_role("link", name="Keripik Bu Sri").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keripik Bu Sri")
    expect(page.get_by_text("keripik singkong, rempeyek")).to_be_visible()
    screenshot(page, "business-profile")
    assert_no_serious_axe_violations(page)
    assert page_weight(page, page.url).total < PUBLIC_PAGE_BUDGET


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_schedule_and_directory_are_accessible_and_light(open_page, device, next_bazaar):
    page = open_page(device)
    for path, name in (("/bazar/", "bazaar-schedule"), ("/umkm/", "umkm-directory")):
        visit(page, path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, name)
        assert_no_serious_axe_violations(page)
        weight = page_weight(page, path)
        assert weight.total < PUBLIC_PAGE_BUDGET, weight.report()
