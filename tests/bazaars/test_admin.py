"""Bazaars in admin: bulk decisions, booth clashes, kecamatan scope, day entry, exports."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from bazaars import services
from bazaars.models import Attendance, Bazaar, DailySales, ParticipationStatus
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, eligible_business
from tests.factories import admin_sudin, kelurahan, operator, pejabat

pytestmark = pytest.mark.django_db

S = ParticipationStatus
PASSWORD = "kata-sandi-uji-123"


def _login(client, user):
    client.force_login(user)
    return client


def _apply(b, **kwargs):
    return services.participation_apply(
        actor=SYSTEM, bazaar=b, business=eligible_business(**kwargs)
    )


def _action(client, action, participations):
    return client.post(
        "/admin/bazaars/participation/",
        {"action": action, "_selected_action": [p.pk for p in participations]},
        follow=True,
    )


def test_admin_pages_open_for_admin_sudin(client):
    b = bazaar()
    p = accepted(b)
    _login(client, admin_sudin())
    for url in (
        "/admin/bazaars/bazaar/",
        f"/admin/bazaars/bazaar/{b.pk}/change/",
        "/admin/bazaars/participation/",
        f"/admin/bazaars/participation/{p.pk}/change/",
        f"/admin/bazaars/bazaar/{b.pk}/usulan/",
        f"/admin/bazaars/bazaar/{b.pk}/hari/{b.days.first().pk}/",
        "/admin/bazaars/venue/",
    ):
        assert client.get(url).status_code == 200, url
    assert "Selesai" in client.get("/admin/bazaars/bazaar/").content.decode()  # 2023: finished


def test_bulk_accept_waitlist_and_reject(client):
    b = bazaar(booths=2)
    ps = [_apply(b) for _ in range(4)]
    _login(client, admin_sudin())
    _action(client, "accept", ps[:2])
    _action(client, "waitlist", ps[2:3])
    _action(client, "reject", ps[3:])
    statuses = [p.status for p in (type(ps[0]).objects.get(pk=p.pk) for p in ps)]
    assert statuses == [S.ACCEPTED, S.ACCEPTED, S.WAITLISTED, S.REJECTED]


def test_bulk_accept_beyond_the_booths_shows_an_error_and_changes_nothing(client):
    b = bazaar(booths=2)
    ps = [_apply(b) for _ in range(3)]
    _login(client, admin_sudin())
    response = _action(client, "accept", ps)
    assert "Hanya 2 dari 2 booth yang kosong" in response.content.decode()
    assert b.participations.accepted().count() == 0


def test_booth_clash_in_admin_is_a_clear_indonesian_error(client):
    b = bazaar(booths=2)
    first, second = accepted(b, name="Dapur Bu Sri"), accepted(b)
    _login(client, admin_sudin())
    response = client.post(
        f"/admin/bazaars/participation/{second.pk}/change/",
        {"booth": first.booth.pk, "decision": "", "reason": "", "note": ""},
    )
    assert response.status_code == 200
    assert "Booth A01 sudah dipakai oleh Dapur Bu Sri." in response.content.decode()
    second.refresh_from_db()
    assert second.booth.code == "A02"


def test_booth_moved_in_admin(client):
    b = bazaar(booths=3)
    p = accepted(b)
    _login(client, admin_sudin())
    response = client.post(
        f"/admin/bazaars/participation/{p.pk}/change/",
        {"booth": b.booths.get(code="A03").pk, "decision": "", "reason": "", "note": "pindah"},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.booth.code, p.note) == ("A03", "pindah")


def test_override_needs_a_reason_in_admin(client):
    from tests.factories import BusinessFactory

    b = bazaar()
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=BusinessFactory())
    _login(client, admin_sudin())
    url = f"/admin/bazaars/participation/{p.pk}/change/"
    response = client.post(url, {"decision": "accepted", "reason": "", "note": ""})
    assert "belum lulus pelatihan" in response.content.decode()
    response = client.post(url, {"decision": "accepted", "reason": "Rekomendasi lurah", "note": ""})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == S.ACCEPTED and p.override_reason == "Rekomendasi lurah"


def test_operator_sees_and_changes_only_their_kecamatan(client):
    b = bazaar(booths=5)
    mine = _apply(b, name="Usaha Grogol")
    theirs = _apply(b, name="Usaha Cengkareng", kelurahan=kelurahan("31.73.01.1001"))
    _login(client, operator("31.73.02"))
    listing = client.get("/admin/bazaars/participation/").content.decode()
    assert "Usaha Grogol" in listing and "Usaha Cengkareng" not in listing
    assert client.get(f"/admin/bazaars/participation/{theirs.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    _action(client, "accept", [mine, theirs])  # the foreign one is not even in their queryset
    response = client.post(
        f"/admin/bazaars/participation/{theirs.pk}/change/",
        {"decision": "accepted", "reason": "", "note": ""},
    )
    assert response.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.status == S.APPLIED
    assert mine.status == S.ACCEPTED


def test_operator_cannot_add_a_participation_for_another_kecamatan(client):
    b = bazaar()
    outside = eligible_business(kelurahan=kelurahan("31.73.01.1001"))
    _login(client, operator("31.73.02"))
    response = client.post(
        "/admin/bazaars/participation/add/", {"bazaar": b.pk, "business": outside.pk, "note": ""}
    )
    assert response.status_code == 200  # the form again, with an error
    assert not b.participations.exists()


def test_day_entry_records_check_in_and_sales(client):
    b = bazaar(booths=2)
    p = accepted(b)
    day = b.days.first()
    _login(client, admin_sudin())
    url = f"/admin/bazaars/bazaar/{b.pk}/hari/{day.pk}/"
    response = client.post(
        url, {f"present-{p.pk}": "on", f"omzet-{p.pk}": "-5", f"transactions-{p.pk}": "3"}
    )
    assert "kolom omzet" in response.content.decode()
    assert not DailySales.objects.exists()
    response = client.post(
        url, {f"present-{p.pk}": "on", f"omzet-{p.pk}": "1.250.000", f"transactions-{p.pk}": "41"}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(participation=p, day=day).exists()
    sales = DailySales.objects.get(participation=p, day=day)
    assert (sales.omzet, sales.transactions) == (1_250_000, 41)


def test_fair_selection_page_accepts_the_ticked_businesses(client):
    b = bazaar(booths=3, days=[timezone.localdate() + datetime.timedelta(days=10)])
    # One per kecamatan: with 3 booths and 8 kecamatan, at most 1 per kecamatan is proposed.
    businesses = [
        eligible_business(kelurahan=kelurahan(code), name=f"Usaha {n}")
        for n, code in enumerate(("31.73.01.1001", "31.73.02.1002", "31.73.03.1001"))
    ]
    _login(client, admin_sudin())
    html = client.get(f"/admin/bazaars/bazaar/{b.pk}/usulan/").content.decode()
    for business in businesses:
        assert business.name in html
    client.post(
        f"/admin/bazaars/bazaar/{b.pk}/usulan/", {"business": [businesses[0].pk, businesses[2].pk]}
    )
    assert set(b.participations.accepted().values_list("business_id", flat=True)) == {
        businesses[0].pk,
        businesses[2].pk,
    }


def test_exports_have_no_personal_data_and_are_safe_for_spreadsheets(client):
    b = bazaar(booths=3)
    p = accepted(b, name='=HYPERLINK("http://x")', nib="1234567890123")
    services.daily_sales_record(
        actor=SYSTEM, participation=p, day=b.days.first(), omzet=500_000, transactions=12
    )
    owner = p.business.owner
    _login(client, pejabat())
    response = client.get(f"/admin/bazaars/bazaar/{b.pk}/ekspor.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][5] == "1234567890123"
    assert rows[1][9] == "500000"
    for secret in (owner.nik, owner.phone, owner.address, p.business.address):
        assert secret not in text
    response = client.get(f"/admin/bazaars/bazaar/{b.pk}/ekspor.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][1].startswith("'=")
    assert values[1][5] == "1234567890123" and isinstance(values[1][5], str)
    flat = " ".join(str(v) for row in values for v in row)
    assert owner.nik not in flat and owner.phone not in flat


def test_operator_export_lists_only_their_kecamatan(client):
    b = bazaar(booths=3)
    accepted(b, name="Usaha Grogol")
    accepted(b, name="Usaha Cengkareng", kelurahan=kelurahan("31.73.01.1001"))
    _login(client, operator("31.73.02"))
    response = client.get(f"/admin/bazaars/bazaar/{b.pk}/ekspor.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Usaha Grogol" in text and "Usaha Cengkareng" not in text


def test_bazaar_created_in_admin_gets_its_dates_and_booths(client):
    from tests.bazaars.factories import VenueFactory

    venue = VenueFactory()
    _login(client, admin_sudin())
    data = {
        "title": "Bazar Kemerdekaan",
        "slug": "bazar-kemerdekaan",
        "description": "",
        "venue": venue.pk,
        "organiser": "Sudin PPKUKM",
        "booth_count": 4,
        "applications_open": "",
        "applications_close": "",
        "days-TOTAL_FORMS": 2,
        "days-INITIAL_FORMS": 0,
        "days-0-date": "2024-08-17",
        "days-0-opens_at": "09:00",
        "days-0-closes_at": "21:00",
        "days-1-date": "2024-08-18",
        "days-1-opens_at": "09:00",
        "days-1-closes_at": "17:00",
        "booths-TOTAL_FORMS": 0,
        "booths-INITIAL_FORMS": 0,
        "participations-TOTAL_FORMS": 0,
        "participations-INITIAL_FORMS": 0,
    }
    response = client.post("/admin/bazaars/bazaar/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    b = Bazaar.objects.get(slug="bazar-kemerdekaan")
    assert (b.start_date, b.end_date) == (datetime.date(2024, 8, 17), datetime.date(2024, 8, 18))
    assert list(b.booths.values_list("code", flat=True)) == ["A01", "A02", "A03", "A04"]
    assert b.status == "draft"
    response = client.post(
        "/admin/bazaars/bazaar/",
        {"action": "publish", "_selected_action": [b.pk]},
        follow=True,
    )
    b.refresh_from_db()
    assert b.status == "published" and b.published_at is not None
    assert "1 bazar diterbitkan." in response.content.decode()


def test_cancelling_a_bazaar_says_so(client):
    b = bazaar(booths=2)
    _login(client, admin_sudin())
    response = client.post(
        "/admin/bazaars/bazaar/", {"action": "cancel", "_selected_action": [b.pk]}, follow=True
    )
    b.refresh_from_db()
    assert b.status == "cancelled"
    assert "1 bazar dibatalkan." in response.content.decode()


def test_ids_in_admin_forms_are_never_formatted_with_thousand_separators(client):
    b = bazaar(booths=2, days=[timezone.localdate() + datetime.timedelta(days=10)])
    business = eligible_business(id=123456, name="Usaha Besar")
    _login(client, admin_sudin())
    html = client.get(f"/admin/bazaars/bazaar/{b.pk}/usulan/").content.decode()
    assert 'value="123456"' in html
    accepted(b, business)
    p = b.participations.get()
    html = client.get(f"/admin/bazaars/bazaar/{b.pk}/hari/{b.days.first().pk}/").content.decode()
    assert f'name="omzet-{p.pk}"' in html
