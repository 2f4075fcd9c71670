"""The public pages: what a visitor sees, what never shows, a fixed number of queries, the
iCalendar feed and the cache that follows staff changes at once."""

import datetime

import icalendar
import pytest
from django.core.cache import cache
from django.utils import timezone

from bazaars import services
from bazaars.models import Bazaar, ParticipationStatus
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, public_business
from tests.client import ProductionClient
from tests.factories import OwnerFactory, kelurahan

pytestmark = pytest.mark.django_db

S = ParticipationStatus
SOON = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_schedule_lists_upcoming_and_past_bazaars(client):
    past = bazaar(title="Bazar UMKM April 2023", days=[datetime.date(2023, 4, 12)])
    soon = bazaar(title="Bazar Akhir Tahun", days=[SOON, SOON + datetime.timedelta(days=1)])
    response = client.get("/bazar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Bazar Akhir Tahun") < html.index("Bazar UMKM April 2023")
    assert soon.get_absolute_url() in html and past.get_absolute_url() in html
    assert "12 April 2023" in html
    assert 'href="/bazar/"' in html  # the nav link


def test_schedule_filters_by_year_month_and_kecamatan(client):
    bazaar(title="Bazar April", days=[datetime.date(2023, 4, 12)])
    bazaar(title="Bazar September", days=[datetime.date(2023, 9, 25)])
    bazaar(title="Bazar 2024", days=[datetime.date(2024, 9, 25)])
    html = client.get("/bazar/?tahun=2023&bulan=9").content.decode()
    assert "Bazar September" in html
    assert "Bazar April" not in html and "Bazar 2024" not in html
    html = client.get("/bazar/?kecamatan=31.73.01").content.decode()
    assert "Bazar September" not in html  # every venue is in Grogol Petamburan (31.73.02)
    html = client.get("/bazar/?tahun=abc&kecamatan=<script>").content.decode()
    assert "Bazar 2024" in html and "<script>" not in html


def test_draft_bazaar_answers_404_everywhere(client):
    draft = bazaar(title="Bazar Rahasia", publish=False)
    assert client.get(f"/bazar/{draft.slug}/").status_code == 404
    assert client.get(f"/bazar/{draft.slug}.ics").status_code == 404
    assert "Bazar Rahasia" not in client.get("/bazar/").content.decode()
    assert b"Bazar Rahasia" not in client.get("/bazar/jadwal.ics").content


def test_detail_shows_days_venue_map_and_consenting_businesses_by_sector(client):
    b = bazaar(title="Bazar September", booths=5)
    kuliner = accepted(b, public_business(name="Dapur Bu Sri", products="Kue lapis"))
    fesyen = public_business(name="Batik Kembangan")
    from tests.factories import sector

    fesyen.sector = sector("fesyen")
    fesyen.save()
    accepted(b, fesyen)
    accepted(b, name="Warung Tanpa Izin")  # no public consent
    applied = public_business(name="Belum Diputuskan")
    services.participation_apply(actor=SYSTEM, bazaar=b, business=applied)
    html = client.get(f"/bazar/{b.slug}/").content.decode()
    assert "Senin, 25 September 2023" in html and "09.00–21.00" in html
    assert "https://www.openstreetmap.org/?mlat=-6.168300&amp;mlon=106.758900" in html
    assert "Kuliner" in html and "Fesyen" in html
    assert "Dapur Bu Sri" in html and kuliner.booth.code in html
    assert "Batik Kembangan" in html
    assert "Warung Tanpa Izin" not in html
    assert "Belum Diputuskan" not in html
    assert f'href="/umkm/{kuliner.business.slug}/"' in html
    assert 'property="og:title" content="Bazar September"' in html
    assert "25–26 September 2023" in html  # og:description


def test_no_personal_data_on_any_public_page(client):
    b = bazaar(title="Bazar September", booths=3)
    owner = OwnerFactory(
        phone="+6281298765432", address="Jl. Rahasia Pribadi No. 7 RT 3 RW 4", full_name="Siti"
    )
    business = public_business(owner=owner, name="Keripik Siti")
    accepted(b, business)
    pages = [
        client.get("/bazar/"),
        client.get(f"/bazar/{b.slug}/"),
        client.get(f"/umkm/{business.slug}/"),
        client.get("/bazar/jadwal.ics"),
        client.get(f"/bazar/{b.slug}.ics"),
    ]
    for response in pages:
        assert response.status_code == 200
        content = response.content.decode()
        for secret in (owner.nik, owner.phone, "81298765432", owner.address, business.address):
            assert secret not in content
    assert "Keripik Siti" in pages[1].content.decode()


def test_business_profile_only_for_consenting_businesses(client):
    b = bazaar(title="Bazar September", booths=3)
    shown = public_business(name="Sambal Mak Ijah", products="Sambal bawang, sambal ijo")
    accepted(b, shown)
    hidden = accepted(b, name="Tanpa Persetujuan").business
    html = client.get(f"/umkm/{shown.slug}/").content.decode()
    assert "Sambal bawang, sambal ijo" in html and "Bazar September" in html
    assert client.get(f"/umkm/{hidden.slug}/").status_code == 404
    assert client.get("/umkm/tidak-ada/").status_code == 404


def test_ical_feed_parses_back_with_the_right_dates(client):
    b = bazaar(
        title="Bazar September", days=[datetime.date(2023, 9, 25), datetime.date(2023, 9, 26)]
    )
    bazaar(title="Bazar April", days=[datetime.date(2023, 4, 12)])
    response = client.get("/bazar/jadwal.ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 3
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Jakarta"
    september = sorted(
        (e.decoded("DTSTART"), e.decoded("DTEND"), str(e["UID"]))
        for e in events
        if str(e["SUMMARY"]) == "Bazar September"
    )
    start, end, _uid = september[0]
    assert start.isoformat() == "2023-09-25T09:00:00+07:00"
    assert end.isoformat() == "2023-09-25T21:00:00+07:00"
    assert september[1][0].date() == datetime.date(2023, 9, 26)
    assert str(start.tzinfo) == "Asia/Jakarta"
    single = icalendar.Calendar.from_ical(client.get(f"/bazar/{b.slug}.ics").content)
    assert sorted(str(e["UID"]) for e in single.walk("VEVENT")) == sorted(
        s[2] for s in september
    )  # the UIDs are stable between the feed and the single calendar


def _fill(n_bazaars: int, n_participants: int):
    """n upcoming and n past bazaars, each with n accepted consenting businesses."""
    for i in range(n_bazaars):
        for day in (SOON + datetime.timedelta(days=i), datetime.date(2023, 4, 1 + i)):
            b = bazaar(title=f"Bazar {day}", booths=n_participants, days=[day])
            for _ in range(n_participants):
                accepted(b, public_business())
    return b


@pytest.mark.parametrize("url", ["/bazar/", "detail"])
def test_public_pages_use_a_fixed_number_of_queries(client, count_queries, settings, url):
    settings.BAZAAR_PUBLIC_CACHE = False
    counts = []
    for n in (1, 4):
        Bazaar.objects.all().delete()
        last = _fill(n, n)
        target = last.get_absolute_url() if url == "detail" else url
        client.get(target)  # warm-up: session, translations
        with count_queries() as q:
            assert client.get(target).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_business_profile_uses_a_fixed_number_of_queries(client, count_queries, settings):
    settings.BAZAAR_PUBLIC_CACHE = False
    counts = []
    for n in (1, 3):
        business = public_business()
        for i in range(n):
            accepted(bazaar(title=f"Bazar {n}-{i}"), business)
        with count_queries() as q:
            assert client.get(f"/umkm/{business.slug}/").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_cached_pages_show_a_staff_change_on_the_next_request(client, count_queries):
    b = bazaar(title="Bazar Akhir Tahun", booths=3, days=[SOON], publish=False)
    assert "Bazar Akhir Tahun" not in client.get("/bazar/").content.decode()
    services.bazaar_publish(actor=SYSTEM, bazaar=b)  # a bazaar published
    assert "Bazar Akhir Tahun" in client.get("/bazar/").content.decode()

    detail = f"/bazar/{b.slug}/"
    client.get(detail)
    with count_queries() as q:
        client.get(detail)
    assert q.count == 0  # served from the cache

    business = public_business(name="Kopi Tugu Tani")
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=business)
    assert "Kopi Tugu Tani" not in client.get(detail).content.decode()
    services.participation_decide(actor=SYSTEM, participation=p, status=S.ACCEPTED)  # accepted
    html = client.get(detail).content.decode()
    assert "Kopi Tugu Tani" in html and "A01" in html

    services.booth_assign(actor=SYSTEM, participation=p, booth=b.booths.get(code="A03"))  # moved
    html = client.get(detail).content.decode()
    assert "A03" in html and "A01" not in html

    business.name = "Kopi Tugu Tani Baru"  # a business renamed in admin
    business.save()
    assert "Kopi Tugu Tani Baru" in client.get(detail).content.decode()


def test_cached_page_holds_nothing_of_its_visitor_and_its_language_form_works():
    """The footer's language switch needs no token (config.views.set_language), so a cached
    page is the same bytes for everybody and sets no CSRF cookie; the switch still works with
    CSRF checks on, as a browser posting the form without a token would."""
    bazaar(title="Bazar September")
    first = ProductionClient().get("/bazar/")
    second = ProductionClient().get("/bazar/")
    assert first.content == second.content
    assert not first.cookies and not second.cookies
    assert 'name="csrfmiddlewaretoken"' not in first.content.decode()
    browser = ProductionClient(enforce_csrf_checks=True)
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": "/bazar/"})
    assert switched.status_code == 302 and switched["Location"] == "/bazar/"
    assert browser.get("/bazar/")["Content-Language"] == "en"
    # `next` stays on this site: another host sends the visitor home, not away
    away = browser.post("/i18n/setlang/", {"language": "en", "next": "https://example.org/"})
    assert away["Location"] == "/"
    # and a GET changes nothing (Django's view: POST only)
    browser.get("/i18n/setlang/?language=id&next=/bazar/")
    assert browser.get("/bazar/")["Content-Language"] == "en"


def test_venue_without_coordinates_links_a_map_search():
    from tests.bazaars.factories import VenueFactory

    venue = VenueFactory(latitude=None, longitude=None, name="GOR Kembangan", kelurahan=kelurahan())
    assert venue.map_url.startswith("https://www.openstreetmap.org/search?query=GOR+Kembangan")


def test_schedule_pages_both_lists_and_keeps_years_unformatted(client):
    for i in range(13):
        bazaar(title=f"Bazar Lampau {i:02d}", booths=1, days=[datetime.date(2022, 1, 1 + i)])
    html = client.get("/bazar/?tahun=2022").content.decode()
    assert "Bazar Lampau 12" in html and "Bazar Lampau 00" not in html  # 12 per page
    assert 'href="?tahun=2022&amp;halaman=2"' in html
    assert '<option value="2022" selected>2022</option>' in html  # not "2.022"
    html = client.get("/bazar/?tahun=2022&halaman=2").content.decode()
    assert "Bazar Lampau 00" in html and "Bazar Lampau 12" not in html


def test_cancelled_bazaar_stays_visible_as_cancelled_and_in_the_feed(client):
    b = bazaar(title="Bazar Batal", days=[SOON])
    services.bazaar_cancel(actor=SYSTEM, bazaar=b)
    html = client.get(f"/bazar/{b.slug}/").content.decode()
    assert "Bazar ini dibatalkan." in html
    cal = icalendar.Calendar.from_ical(client.get("/bazar/jadwal.ics").content)
    assert [str(e["STATUS"]) for e in cal.walk("VEVENT")] == ["CANCELLED"]


def test_schedule_ignores_malformed_filters(client):
    bazaar(title="Bazar September")
    for query in ("kecamatan=31.7%0A.01", "kecamatan=ab.cd.ef", "bulan=13", "tahun=99999"):
        response = client.get(f"/bazar/?{query}")
        assert response.status_code == 200
        assert "Bazar September" in response.content.decode()
