"""Sudin's view of the loop: completeness per mentor and kecamatan this month, businesses
silent for two months, reminders through the notification layer (once a day per mentor),
Pejabat's aggregates only; and moving up: a suggestion staff confirm as a dated change."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.actors import SYSTEM
from mentors import selectors, services
from mentors.services import ReportData
from tests.client import ProductionClient
from tests.factories import admin_sudin, operator, pejabat
from tests.mentors.factories import assigned_business, mentor
from umkm.models import Business, BusinessState, Mentoring

pytestmark = pytest.mark.django_db


def _file(m, business, month=None, **kw):
    today = timezone.localdate()
    month = month or today.replace(day=1)
    day = min(today, month + datetime.timedelta(days=4))
    return services.report_file(
        actor=m.user,
        business=business,
        data=ReportData(month=month, date=day, topic="Kunjungan", **kw),
    ).obj


def _client(user):
    client = ProductionClient()
    client.force_login(user)
    return client


def test_completeness_counts_reported_of_due_per_mentor_and_kecamatan():
    a, b = mentor("31.73.02"), mentor("31.73.01")
    a_businesses = [assigned_business(a) for _ in range(3)]
    assigned_business(b)
    _file(a, a_businesses[0])
    data = selectors.completeness(admin_sudin())
    per_mentor = {r["name"]: (r["reported"], r["due"]) for r in data["mentors"]}
    assert per_mentor == {a.full_name: (1, 3), b.full_name: (0, 1)}
    per_kec = {r["code"]: (r["reported"], r["due"]) for r in data["kecamatan"]}
    assert per_kec == {"31.73.02": (1, 3), "31.73.01": (0, 1)}
    assert (data["reported"], data["due"]) == (1, 4)


def test_operator_sees_their_kecamatan_and_pejabat_aggregates_only():
    a, b = mentor("31.73.02"), mentor("31.73.01")
    business = assigned_business(a)
    assigned_business(b)
    grogol = selectors.completeness(operator("31.73.02"))
    assert [r["code"] for r in grogol["kecamatan"]] == ["31.73.02"]
    assert [r["name"] for r in grogol["mentors"]] == [a.full_name]

    html = _client(pejabat()).get(reverse("mentors_staff:completeness")).content.decode()
    assert a.full_name not in html and business.name not in html
    assert "Per pendamping" not in html and "Per mentor" not in html


def test_businesses_silent_for_two_months_are_listed():
    m = mentor()
    quiet, talking = assigned_business(m), assigned_business(m)
    last = selectors.add_months(timezone.localdate().replace(day=1), -1)
    _file(m, talking, month=last)
    rows = selectors.without_report(admin_sudin())
    assert [r["business_id"] for r in rows] == [quiet.pk]
    assert selectors.mentors_behind_count(admin_sudin()) == 1


def test_reminders_go_once_a_day_to_mentors_behind(django_capture_on_commit_callbacks):
    behind, done = mentor(), mentor()
    assigned_business(behind)
    _file(done, assigned_business(done))
    client = _client(admin_sudin())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentors_staff:reminders"))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[behind.email]]
    assert "1" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mentors_staff:reminders"))
    assert len(mail.outbox) == 1  # the once-only key: not twice on the same day


def test_a_mentor_without_email_is_reminded_by_sms(
    django_capture_on_commit_callbacks, notification_outbox
):
    m = mentor(email="")
    assigned_business(m)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(actor=SYSTEM) == 1
    assert [msg.to for msg in notification_outbox] == [m.phone]


def test_operator_and_pejabat_cannot_send_reminders():
    for user in (operator(), pejabat()):
        assert _client(user).post(reverse("mentors_staff:reminders")).status_code == 403


def _grow(m, business, months=7, start=5_000_000, step=1.15, assets=None):
    month = timezone.localdate().replace(day=1)
    for back in range(months, 0, -1):
        omzet = int(start * step ** (months - back))
        _file(
            m,
            business,
            month=selectors.add_months(month, -back),
            monthly_omzet=omzet,
            assets=assets,
        )


def test_growth_suggests_a_change_and_nothing_changes_until_staff_confirm():
    m = mentor()
    business = assigned_business(m, yearly_omzet=60_000_000, capital=None)
    _grow(m, business, start=200_000_000, step=1.05)  # ~2.6 bn a year: kecil
    facts = selectors.suggestion(business)
    assert facts["new_scale"] == "kecil"
    business.refresh_from_db()
    assert business.scale == "mikro"  # nothing changed on its own

    sudin = admin_sudin()
    page = _client(sudin).get(reverse("mentors_staff:suggestion", args=[business.pk]))
    assert page.status_code == 200
    day = timezone.localdate()
    response = _client(sudin).post(
        reverse("mentors_staff:suggestion", args=[business.pk]),
        {
            "yearly_omzet": facts["yearly_omzet"],
            "capital": "",
            "effective_on": day.isoformat(),
            "reason": "Laporan pendampingan bulanan",
        },
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.scale == "kecil"
    state = BusinessState.objects.filter(business=business).order_by("-id").first()
    assert state.scale == "kecil"
    assert state.reason == "Laporan pendampingan bulanan"


def test_a_mentor_or_pejabat_cannot_confirm_a_change():
    m = mentor()
    business = assigned_business(m)
    url = reverse("mentors_staff:suggestion", args=[business.pk])
    assert _client(pejabat()).post(url, {"yearly_omzet": 1}).status_code == 404
    assert Business.objects.get(pk=business.pk).yearly_omzet == business.yearly_omzet
    assert not Mentoring.objects.filter(business=business).exists()
