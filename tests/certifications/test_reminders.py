import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from certifications import selectors
from tests.certifications.factories import issued_case, open_case
from tests.factories import (
    BusinessFactory,
    UserFactory,
    admin_sudin,
    kelurahan,
    operator,
    pejabat,
)

pytestmark = pytest.mark.django_db


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


def test_reminders_go_to_the_kecamatan_operator_and_admin_sudin(situation):
    admin_sudin(username="sudin", email="sudin@example.org")
    operator("31.73.02", username="op_grogol", email="grogol@example.org")
    operator("31.73.01", username="op_cengkareng", email="cengkareng@example.org")
    operator("31.73.03", username="op_taman_sari", email="tamansari@example.org")
    operator("31.73.02", username="op_tanpa_email", email="")
    pejabat(username="pejabat", email="pejabat@example.org")
    UserFactory(username="staf_lain", email="lain@example.org")

    call_command("send_certificate_reminders")

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {
        "sudin@example.org",
        "grogol@example.org",
        "cengkareng@example.org",
    }
    sudin = by_recipient["sudin@example.org"].body
    assert "Warung Grogol" in sudin and "Dapur Cengkareng" in sudin
    assert "Roti Aman" not in sudin
    expires = (timezone.localdate() + datetime.timedelta(days=12)).strftime("%d-%m-%Y")
    grogol_mail = by_recipient["grogol@example.org"]
    assert "Warung Grogol" in grogol_mail.body and expires in grogol_mail.body
    assert "Dapur Cengkareng" not in grogol_mail.body
    assert "Pengingat sertifikat" in grogol_mail.subject
    assert "Dapur Cengkareng" in by_recipient["cengkareng@example.org"].body
    assert "Warung Grogol" not in by_recipient["cengkareng@example.org"].body


def test_reminders_never_carry_personal_data(situation):
    grogol, cengkareng = situation
    admin_sudin(email="sudin@example.org")
    call_command("send_certificate_reminders")
    body = mail.outbox[0].body
    for business in (grogol, cengkareng):
        owner = business.owner
        for private in (owner.nik, owner.phone, owner.address, business.address, owner.full_name):
            assert private not in body


def test_no_email_when_nothing_to_remind():
    admin_sudin(email="sudin@example.org")
    BusinessFactory(
        name="Usaha Fesyen", sector=__import__("tests.factories").factories.sector("fesyen")
    )
    call_command("send_certificate_reminders")
    assert mail.outbox == []


def test_expiring_within_30_days_counts_day_30_and_not_day_31():
    # "Expiring within 30 days" (certifications.selectors.EXPIRING_DAYS): still valid today
    # and expiring on one of the next 30 days, today and the 30th day included.
    for days_left, name in ((0, "Habis Hari Ini"), (30, "Tiga Puluh Hari"), (31, "Tiga Satu")):
        _expiring_pirt(BusinessFactory(name=name), days_left)
    admin_sudin(email="sudin@example.org")

    call_command("send_certificate_reminders")

    body = mail.outbox[0].body
    assert "Habis Hari Ini" in body and "Tiga Puluh Hari" in body
    assert "Tiga Satu" not in body
    listed = selectors.expiring_cases(on=timezone.localdate())
    assert [c.business.name for c in listed] == ["Habis Hari Ini", "Tiga Puluh Hari"]
