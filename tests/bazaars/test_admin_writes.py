"""The bazaar admin only collects input: the services' refusals come back on the same page,
in Indonesian, and nothing is saved."""

import pytest

from bazaars import services
from bazaars.models import Attendance, DailySales, ParticipationStatus
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, eligible_business
from tests.factories import admin_sudin
from tests.umkm.admin_forms import form_data

pytestmark = pytest.mark.django_db

S = ParticipationStatus


def test_day_page_omzet_without_transactions_is_refused_and_nothing_saved(client):
    b = bazaar(booths=2)
    p = accepted(b, name="Dapur Bu Sri")
    day = b.days.first()
    client.force_login(admin_sudin())
    response = client.post(
        f"/admin/bazaars/bazaar/{b.pk}/hari/{day.pk}/",
        {f"present-{p.pk}": "on", f"omzet-{p.pk}": "250.000", f"transactions-{p.pk}": ""},
    )
    assert response.status_code == 200
    assert "Baris A01 Dapur Bu Sri: isi omzet dan jumlah transaksi sekaligus" in (
        response.content.decode()
    )
    assert 'value="250.000"' in response.content.decode()  # what was typed stays on the page
    assert not Attendance.objects.exists() and not DailySales.objects.exists()


def test_bazaar_change_removing_a_day_with_sales_is_shown_on_the_form(client):
    b = bazaar(booths=2)
    p = accepted(b)
    first = b.days.order_by("date").first()
    services.daily_sales_record(actor=SYSTEM, participation=p, day=first, omzet=1, transactions=1)
    client.force_login(admin_sudin())
    url = f"/admin/bazaars/bazaar/{b.pk}/change/"
    data = form_data(client.get(url), title="Judul Baru")
    index = next(i for i in range(2) if data[f"days-{i}-id"] == str(first.pk))
    data[f"days-{index}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "sudah memiliki catatan kehadiran atau penjualan" in response.content.decode()
    b.refresh_from_db()
    assert b.title == "Bazar UMKM Jakarta Barat" and b.days.count() == 2


def test_bazaar_change_through_the_service_keeps_days_booths_and_dates(client):
    b = bazaar(booths=2)
    client.force_login(admin_sudin())
    url = f"/admin/bazaars/bazaar/{b.pk}/change/"
    data = form_data(client.get(url), title="Bazar Kemerdekaan", booth_count="3")
    data["days-1-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    b.refresh_from_db()
    assert (b.title, b.booth_count, b.days.count()) == ("Bazar Kemerdekaan", 3, 1)
    assert b.start_date == b.end_date
    assert b.history.latest().history_user is not None


def test_accepting_into_a_full_bazaar_is_an_error_on_the_page(client):
    b = bazaar(booths=1)
    accepted(b)
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
    client.force_login(admin_sudin())
    response = client.post(
        f"/admin/bazaars/participation/{p.pk}/change/",
        {"decision": S.ACCEPTED, "reason": "", "note": "ingin ikut"},
    )
    assert response.status_code == 200
    assert "Semua 1 booth" in response.content.decode()
    p.refresh_from_db()
    assert (p.status, p.note) == (S.APPLIED, "")
