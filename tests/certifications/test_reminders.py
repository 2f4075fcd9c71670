import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from certifications import reminders, selectors
from config import formats
from notifications.models import Delivery
from tests.certifications.factories import issued_case, open_case
from tests.client import ProductionClient
from tests.factories import (
    BusinessFactory,
    UserFactory,
    admin_sudin,
    kelurahan,
    operator,
    pejabat,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the command; notify() sends once its sent-log row commits, so run those callbacks
    (the test's own transaction never commits)."""

    def run(**options):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_certificate_reminders", **options)

    return run


def _expiring_pirt(business, days_left: int):
    expires = timezone.localdate() + datetime.timedelta(days=days_left)
    issued_on = expires.replace(year=expires.year - 5)
    number = f"2063173010001{expires.year % 100:02d}"
    return issued_case(business, "pirt", number=number, issued_on=issued_on, product="Sambal")


@pytest.fixture
def situation():
    grogol = BusinessFactory(name="Warung Grogol", kelurahan=kelurahan("31.73.02.1002"))
    cengkareng = BusinessFactory(name="Dapur Cengkareng", kelurahan=kelurahan("31.73.01.1001"))
    _expiring_pirt(grogol, 12)
    open_case(cengkareng, "nib")  # Kuliner without PIRT or halal
    fine = BusinessFactory(name="Roti Aman", kelurahan=kelurahan("31.73.02.1002"))
    _expiring_pirt(fine, 200)
    return grogol, cengkareng


def test_reminders_go_to_the_kecamatan_operator_and_admin_sudin(situation, send):
    admin_sudin(username="sudin", email="sudin@example.org")
    operator("31.73.02", username="op_grogol", email="grogol@example.org")
    operator("31.73.01", username="op_cengkareng", email="cengkareng@example.org")
    operator("31.73.03", username="op_taman_sari", email="tamansari@example.org")
    operator("31.73.02", username="op_tanpa_email", email="")
    pejabat(username="pejabat", email="pejabat@example.org")
    UserFactory(username="staf_lain", email="lain@example.org")

    send()

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {
        "sudin@example.org",
        "grogol@example.org",
        "cengkareng@example.org",
    }
    sudin = by_recipient["sudin@example.org"].body
    assert "Warung Grogol" in sudin and "Dapur Cengkareng" in sudin
    assert "Roti Aman" not in sudin
    expires = formats.date_text(timezone.localdate() + datetime.timedelta(days=12))
    grogol_mail = by_recipient["grogol@example.org"]
    assert "Warung Grogol" in grogol_mail.body and expires in grogol_mail.body
    assert "Dapur Cengkareng" not in grogol_mail.body
    assert "Pengingat sertifikat" in grogol_mail.subject
    assert "Dapur Cengkareng" in by_recipient["cengkareng@example.org"].body
    assert "Warung Grogol" not in by_recipient["cengkareng@example.org"].body


def test_reminders_never_carry_personal_data(situation, send):
    grogol, cengkareng = situation
    admin_sudin(email="sudin@example.org")
    send()
    body = mail.outbox[0].body
    for business in (grogol, cengkareng):
        owner = business.owner
        for private in (owner.nik, owner.phone, owner.address, business.address, owner.full_name):
            assert private not in body


def test_no_email_when_nothing_to_remind(send):
    admin_sudin(email="sudin@example.org")
    BusinessFactory(
        name="Usaha Fesyen", sector=__import__("tests.factories").factories.sector("fesyen")
    )
    send()
    assert mail.outbox == []


def test_expiring_within_30_days_counts_day_30_and_not_day_31(send):
    # "Expiring within 30 days" (certifications.selectors.EXPIRING_DAYS): still valid today
    # and expiring on one of the next 30 days, today and the 30th day included.
    for days_left, name in ((0, "Habis Hari Ini"), (30, "Tiga Puluh Hari"), (31, "Tiga Satu")):
        _expiring_pirt(BusinessFactory(name=name), days_left)
    admin_sudin(email="sudin@example.org")

    send()

    body = mail.outbox[0].body
    assert "Habis Hari Ini" in body and "Tiga Puluh Hari" in body
    assert "Tiga Satu" not in body
    listed = selectors.expiring_cases(on=timezone.localdate())
    assert [c.business.name for c in listed] == ["Habis Hari Ini", "Tiga Puluh Hari"]


# --- Reminders a person can trust (issue 18) ------------------------------------------------


def test_a_second_run_the_same_day_sends_nothing_new(situation, send):
    admin_sudin(username="sudin", email="sudin@example.org")
    operator("31.73.02", username="op_grogol", email="grogol@example.org")

    send()
    assert sorted(m.to[0] for m in mail.outbox) == ["grogol@example.org", "sudin@example.org"]
    send()
    assert len(mail.outbox) == 2  # nothing new
    # A recipient added later that day still gets the day's mail, once.
    operator("31.73.01", username="op_cengkareng", email="cengkareng@example.org")
    send()
    send()
    assert [m.to[0] for m in mail.outbox[2:]] == ["cengkareng@example.org"]

    # The sent-log (notifications' Delivery): one row per recipient and day.
    today = timezone.localdate()
    rows = Delivery.objects.filter(kind=reminders.KIND)
    assert rows.count() == 3 and {r.status for r in rows} == {Delivery.Status.SENT}
    assert all(r.dedupe_key.endswith(f":{today.isoformat()}") for r in rows)
    # The next day is a new day.
    send(date=today + datetime.timedelta(days=1))
    assert len(mail.outbox) == 6


def test_a_failed_send_is_logged_and_the_next_run_sends_it(situation, settings, send):
    admin_sudin(username="sudin", email="sudin@example.org")
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": "tests.certifications.failing_mail.Backend"}}
    send()
    row = Delivery.objects.get(kind=reminders.KIND)
    assert row.status == Delivery.Status.FAILED and mail.outbox == []

    settings.MAILERS = working
    send()
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT
    assert [m.to[0] for m in mail.outbox] == ["sudin@example.org"]
    send()
    assert len(mail.outbox) == 1


def _kuliner(name, code):
    return BusinessFactory(name=name, kelurahan=kelurahan(code))


@pytest.fixture
def many_without(monkeypatch):
    """Five Kuliner businesses without PIRT/halal in Grogol Petamburan, one in Cengkareng,
    and a list cut at two lines per kecamatan."""
    monkeypatch.setattr(reminders, "MAX_PER_KECAMATAN", 2)
    grogol = [_kuliner(f"Warung Grogol {i}", "31.73.02.1002") for i in range(1, 6)]
    cengkareng = [_kuliner("Dapur Cengkareng", "31.73.01.1001")]
    return grogol, cengkareng


def test_totals_match_the_list_grouped_by_kecamatan_and_a_cut_says_so(many_without, settings, send):
    settings.SITE_URL = "https://umkm.example.go.id"
    admin_sudin(username="sudin", email="sudin@example.org")
    send()
    body = mail.outbox[0].body

    assert "6 usaha Kuliner belum memiliki" in body
    assert "Kecamatan Cengkareng: 1" in body and "Kecamatan Grogol Petamburan: 5" in body
    # Cengkareng (31.73.01) before Grogol Petamburan (31.73.02): kode order.
    assert body.index("Kecamatan Cengkareng") < body.index("Kecamatan Grogol Petamburan")
    lines = [line for line in body.splitlines() if line.startswith("- Warung Grogol")]
    assert len(lines) == 2
    link = (
        "https://umkm.example.go.id/admin/umkm/business/"
        "?sertifikat_pangan=tidak-ada&kecamatan=31.73.02"
    )
    assert f"Hanya 2 pertama dari 5 yang dicantumkan di sini; semuanya di admin: {link}" in body
    assert "dan 66 lainnya" not in body and "lainnya" not in body
    # Nothing cut in Cengkareng: no "only the first" line for it.
    assert body.count("Hanya ") == 1
    assert "Semuanya di admin: https://umkm.example.go.id/admin/umkm/business/" in body


def test_the_link_opens_the_admin_list_of_exactly_those_businesses(many_without, send):
    grogol, _cengkareng = many_without
    sudin = admin_sudin(username="sudin", email="sudin@example.org")
    BusinessFactory(name="Fesyen Grogol", kelurahan=kelurahan("31.73.02.1002"),
                    sector=__import__("tests.factories").factories.sector("fesyen"))  # fmt: skip
    send()
    body = mail.outbox[0].body
    url = next(
        word for word in body.split() if "sertifikat_pangan=tidak-ada&kecamatan=31.73.02" in word
    )
    client = ProductionClient()
    client.force_login(sudin)
    page = client.get(url)
    assert page.status_code == 200
    listed = {b.name for b in page.context["cl"].result_list}
    assert listed == {b.name for b in grogol}
    assert page.context["cl"].result_count == 5


def test_kecamatan_without_an_operator_are_reported_to_sudin(many_without, send):
    admin_sudin(username="sudin", email="sudin@example.org")
    operator("31.73.02", username="op_grogol", email="grogol@example.org")
    operator("31.73.01", username="op_tanpa_email", email="")  # receives nothing
    send()
    by_recipient = {m.to[0]: m.body for m in mail.outbox}

    sudin = by_recipient["sudin@example.org"]
    heading = "Kecamatan dalam daftar ini yang tidak punya operator penerima pengingat ini"
    assert heading in sudin
    unattended = sudin[sudin.index(heading) :]
    assert "- Cengkareng (31.73.01)" in unattended
    assert "Grogol Petamburan" not in unattended
    assert heading not in by_recipient["grogol@example.org"]
