"""Nothing is recorded for a bazaar day that has not come yet (Asia/Jakarta): not through the
services, not through the admin's day page. Today is the last day accepted."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bazaars import services
from bazaars.models import Attendance, DailySales
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar
from tests.factories import admin_sudin

pytestmark = pytest.mark.django_db


def _bazaar_from_today(days: int = 2):
    today = timezone.localdate()
    b = bazaar(booths=2, days=[today + datetime.timedelta(days=n) for n in range(days)])
    return b, accepted(b, name="Dapur Bu Sri"), list(b.days.order_by("date"))


def test_check_in_on_a_future_day_is_refused_by_the_service():
    _b, p, (today, tomorrow) = _bazaar_from_today()
    with pytest.raises(ValidationError) as exc:
        services.attendance_set(actor=SYSTEM, participation=p, day=tomorrow)
    assert exc.value.message_dict["day"] == [
        f"Hari bazar {tomorrow.date:%d/%m/%Y} belum tiba: check-in dan penjualan baru bisa "
        "dicatat mulai hari itu."
    ]
    assert not Attendance.objects.exists()
    # Today is accepted.
    services.attendance_set(actor=SYSTEM, participation=p, day=today)
    assert Attendance.objects.filter(day=today).count() == 1


def test_sales_on_a_future_day_are_refused_by_the_service():
    _b, p, (today, tomorrow) = _bazaar_from_today()
    with pytest.raises(ValidationError) as exc:
        services.daily_sales_record(
            actor=SYSTEM, participation=p, day=tomorrow, omzet=100_000, transactions=2
        )
    assert "day" in exc.value.message_dict
    assert not DailySales.objects.exists()
    services.daily_sales_record(
        actor=SYSTEM, participation=p, day=today, omzet=100_000, transactions=2
    )
    assert DailySales.objects.get().day == today


def test_a_whole_future_day_page_is_refused_by_the_service():
    _b, p, (_today, tomorrow) = _bazaar_from_today()
    entry = services.DayEntry(participation=p, present=True, omzet="50.000", transactions="1")
    with pytest.raises(ValidationError):
        services.day_record(actor=SYSTEM, day=tomorrow, entries=[entry])
    assert not Attendance.objects.exists() and not DailySales.objects.exists()


def test_the_admin_day_page_refuses_a_future_day_in_indonesian(client):
    b, p, (today, tomorrow) = _bazaar_from_today()
    client.force_login(admin_sudin())
    url = f"/admin/bazaars/bazaar/{b.pk}/hari/{{}}/"
    data = {f"present-{p.pk}": "on", f"omzet-{p.pk}": "250.000", f"transactions-{p.pk}": "3"}
    response = client.post(url.format(tomorrow.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Hari bazar {tomorrow.date:%d/%m/%Y} belum tiba" in html
    assert not Attendance.objects.exists() and not DailySales.objects.exists()
    # The same page for today saves.
    response = client.post(url.format(today.pk), data)
    assert response.status_code == 302
    assert DailySales.objects.get().omzet == 250_000
