"""Sudin's view of the loop: completeness per mentor and kecamatan this month, businesses
silent for two months, reminders through the notification layer (once a day per mentor),
Pejabat's aggregates only; and moving up: a suggestion staff confirm as a dated change."""

import datetime
import random
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.actors import SYSTEM
from mentors import selectors, services
from mentors.models import Assignment
from mentors.services import ReportData
from tests.client import ProductionClient
from tests.factories import admin_sudin, kelurahan, operator, pejabat
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


def _oracle(month, code=None):
    """Completeness by hand, from the rows: each current assignment of an active business is
    due for its mentor and kecamatan; reported with a report of `month`; silent with none of
    `month` nor the month before."""
    previous = selectors.add_months(month, -1)
    months = {}
    for business_id, m in Mentoring.objects.values_list("business_id", "month"):
        months.setdefault(business_id, set()).add(m)
    tally = {}
    for a in Assignment.objects.filter(end=None).select_related("business__kelurahan"):
        kec = a.business.kelurahan.kecamatan_id
        if a.business.status != "aktif" or (code and kec != code):
            continue
        reported = months.get(a.business_id, set())
        due, done, silent = tally.get((a.mentor_id, kec), (0, 0, 0))
        tally[(a.mentor_id, kec)] = (
            due + 1,
            done + (month in reported),
            silent + (not reported & {month, previous}),
        )
    return tally


def _past_world():
    """Three mentors over two kecamatan, businesses active and not, one reassigned, one no
    longer assigned, reports over four months with gaps (filed directly, as a built past)."""
    rng = random.Random(15)
    this = timezone.localdate().replace(day=1)
    a, b, c = mentor("31.73.02"), mentor("31.73.01"), mentor("31.73.01")
    businesses = []
    for m in (a, a, a, a, b, b, b, c, c):
        for code in ("31.73.02", "31.73.01"):
            status = "nonaktif" if rng.random() < 0.2 else "aktif"
            businesses.append(
                assigned_business(m, kelurahan=kelurahan(f"{code}.1001"), status=status)
            )
    today = timezone.localdate()
    services.assignment_set(actor=SYSTEM, business=businesses[0], mentor=c, start=today)
    services.assignment_end(actor=SYSTEM, business=businesses[1], end=today)
    for business in businesses:
        author = Assignment.objects.filter(business=business).order_by("start").first()
        for back in range(4):
            if rng.random() < 0.5:
                continue
            month = selectors.add_months(this, -back)
            Mentoring.objects.create(
                mentor=author.mentor.user,
                business=business,
                month=month,
                date=min(today, month + datetime.timedelta(days=3)),
                topic="Kunjungan",
            )
    return this


def _sum_by(tally, index):
    out = {}
    for key, counts in tally.items():
        out[key[index]] = tuple(
            x + y for x, y in zip(out.get(key[index], (0, 0, 0)), counts, strict=True)
        )
    return out


def _got(tallies):
    def as_tuple(t):
        return (t.due, t.reported, t.silent)

    return (
        {pk: as_tuple(t) for pk, t in tallies.mentors.items()},
        {code: as_tuple(t) for code, t in tallies.kecamatan.items()},
    )


def test_completeness_agrees_with_a_count_by_hand_on_a_built_past():
    this = _past_world()
    sudin = admin_sudin()
    for month in (this, selectors.add_months(this, -1), selectors.add_months(this, -2)):
        expected = _oracle(month)
        per_mentor, per_kec = _sum_by(expected, 0), _sum_by(expected, 1)
        assert _got(selectors._completeness_rows(sudin, month)) == (per_mentor, per_kec), month
        data = selectors.completeness(sudin, month=month)
        assert {r["code"]: (r["due"], r["reported"], r["silent"]) for r in data["kecamatan"]} == (
            per_kec
        )
        assert {
            r["mentor_id"]: (r["due"], r["reported"], r["silent"]) for r in data["mentors"]
        } == (per_mentor)
        behind = sum(1 for _d, _r, silent in per_mentor.values() if silent)
        assert data["mentors_behind"] == behind
        assert data["silent_count"] == sum(s for _d, _r, s in expected.values())
        assert (data["due"], data["reported"]) == (
            sum(d for d, _r, _s in expected.values()),
            sum(r for _d, r, _s in expected.values()),
        )
        assert selectors.mentors_behind_count(sudin, on=month) == behind
        listed = selectors.without_report(sudin, month=month, limit=1000)
        assert len(listed) == data["silent_count"]
    grogol = _oracle(this, "31.73.02")
    got = _got(selectors._completeness_rows(operator("31.73.02"), this))
    assert got == (_sum_by(grogol, 0), _sum_by(grogol, 1)) and grogol
    assert selectors.mentors_behind_count(operator("31.73.02")) == sum(
        1 for _d, _r, silent in _sum_by(grogol, 0).values() if silent
    )


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
    from tests.worker import run_queued_tasks

    client = _client(admin_sudin())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentors_staff:reminders"))
    assert response.status_code == 302
    # The click queues the sending: thousands of gateway calls are the worker's, not a request's.
    assert mail.outbox == []
    assert "latar belakang" in client.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued_tasks() == 1
    assert [m.to for m in mail.outbox] == [[behind.email]]
    assert "1" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mentors_staff:reminders"))
        run_queued_tasks()
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


def _desk_entries(user):
    html = _client(user).get(reverse("admin:index")).content.decode()
    desk = html[html.index('class="desk-worklist') : html.index("</section>")]
    return {
        label: (int(count), url)
        for url, count, label in re.findall(
            r'<a href="([^"]+)"><span class="desk-count">(\d+)</span> '
            r'<span class="desk-label">([^<]+)</span>',
            desk,
        )
    }


BEHIND = "Pendamping dengan usaha tanpa laporan dua bulan"


def test_the_staff_desk_counts_mentors_behind_and_links_to_the_page_that_lists_them():
    quiet_grogol, done, quiet_cengkareng = (
        mentor("31.73.02"),
        mentor("31.73.02"),
        mentor("31.73.01"),
    )
    silent = [assigned_business(quiet_grogol), assigned_business(quiet_cengkareng)]
    _file(done, assigned_business(done))
    sudin = admin_sudin()
    count, url = _desk_entries(sudin)[BEHIND]
    assert (count, url) == (2, reverse("mentors_staff:completeness"))
    page = _client(sudin).get(url).content.decode()
    summary = re.search(r'<p id="silent-summary">([^<]+)</p>', page).group(1)
    assert summary.startswith("2 usaha dari 2 pendamping")
    for business in silent:
        assert business.name in page

    assert _desk_entries(operator("31.73.02"))[BEHIND][0] == 1  # their kecamatan's mentor only
    assert BEHIND not in _desk_entries(operator("31.73.05"))  # nothing waits there: left off


def test_the_desk_leaves_the_entry_off_when_every_mentor_reported():
    m = mentor()
    _file(m, assigned_business(m))
    assert BEHIND not in _desk_entries(admin_sudin())


SUGGESTS = "Laporan pendampingan menyarankan perubahan: konfirmasikan"


def test_the_business_page_points_staff_to_a_suggestion_only_when_there_is_one():
    m = mentor()
    growing = assigned_business(m, yearly_omzet=60_000_000, capital=None)
    _grow(m, growing, start=200_000_000, step=1.05)  # ~2.6 bn a year: kecil
    steady = assigned_business(m, yearly_omzet=60_000_000, capital=None)
    _grow(m, steady, start=5_000_000, step=1.0)
    sudin = admin_sudin()
    page = _client(sudin).get(reverse("admin:umkm_business_change", args=[growing.pk]))
    html = page.content.decode()
    assert SUGGESTS in html
    assert reverse("mentors_staff:suggestion", args=[growing.pk]) in html
    quiet = _client(sudin).get(reverse("admin:umkm_business_change", args=[steady.pk]))
    assert SUGGESTS not in quiet.content.decode()
    other = operator("31.73.01")  # not the business's kecamatan: no page, no link
    assert _client(other).get(
        reverse("admin:umkm_business_change", args=[growing.pk])
    ).status_code in (302, 404)
