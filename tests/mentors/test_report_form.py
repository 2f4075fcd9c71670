"""The monthly report form: clear Indonesian messages for bad input and nothing saved; one
report per business and month; a first report marks Pendampingan; a certificate need opens a
case "needed" for Sudin; corrections keep history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from certifications.models import CaseStatus, CertificateCase, CertificateType
from tests.mentors.factories import assigned_business, desk_client, mentor
from umkm.models import BusinessStage, Mentoring

pytestmark = pytest.mark.django_db


def _post(client, business, **overrides):
    today = timezone.localdate()
    data = {
        "month": today.strftime("%Y-%m"),
        "date": today.isoformat(),
        "topic": "Pemasaran daring",
        "notes": "Foto produk diperbaiki",
        "monthly_omzet": "Rp2.500.000",
        "workers_male": "1",
        "workers_female": "2",
        "assets": "15.000.000",
        **overrides,
    }
    return client.post(reverse("mentors:report_new", args=[business.pk]), data)


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    return {k: list(v) for k, v in response.context["form"].errors.items()}


@pytest.fixture
def desk():
    m = mentor()
    return m, assigned_business(m), desk_client(m)


def test_a_good_report_is_saved_marks_pendampingan_and_reads_rupiah_as_typed(desk):
    m, business, client = desk
    response = _post(client, business, needs=["bazar"])
    report = Mentoring.objects.get(business=business)
    assert response.status_code == 302
    assert response["Location"] == reverse("mentors:report", args=[report.pk])
    assert (report.monthly_omzet, report.assets) == (2_500_000, 15_000_000)
    assert (report.workers_male, report.workers_female, report.workers) == (1, 2, 3)
    assert report.needs == ["bazar"]
    assert report.mentor == m.user
    assert report.month == timezone.localdate().replace(day=1)
    assert BusinessStage.objects.filter(business=business, stage__code="pendampingan").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Rp2.500.000" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"monthly_omzet": "abc"}, "monthly_omzet", "Tulis jumlah rupiah"),
        ({"assets": "-5000"}, "assets", "Tidak boleh negatif"),
        ({"workers_male": "-1"}, "workers_male", "Tidak boleh negatif"),
        ({"workers_female": "dua"}, "workers_female", "Tulis bilangan bulat"),
        ({"month": "2999-01", "date": "2999-01-05"}, "month", "belum tiba"),
        ({"date": "2999-01-05"}, "date", "masa depan"),
        ({"month": "bulan"}, "month", "Pilih bulan"),
        ({"needs": ["sertifikat"]}, "certificate_type", "sertifikat"),
    ],
)
def test_bad_input_gets_an_indonesian_message_and_nothing_is_saved(desk, overrides, field, message):
    _m, business, client = desk
    with override("id"):
        errors = _errors(_post(client, business, **overrides))
    assert field in errors, errors
    assert any(message.lower() in e.lower() for e in errors[field]), errors[field]
    assert not Mentoring.objects.filter(business=business).exists()
    assert not CertificateCase.objects.filter(business=business).exists()
    assert not BusinessStage.objects.filter(business=business, stage__code="pendampingan").exists()


def test_a_second_report_for_the_same_month_is_refused_and_the_first_kept(desk):
    _m, business, client = desk
    assert _post(client, business).status_code == 302
    errors = _errors(_post(client, business, topic="Laporan kedua", monthly_omzet="9000000"))
    assert any("sudah memiliki laporan" in e for e in errors["month"]), errors
    report = Mentoring.objects.get(business=business)
    assert (report.topic, report.monthly_omzet) == ("Pemasaran daring", 2_500_000)


def test_visit_date_outside_the_month_reported_is_refused(desk):
    _m, business, client = desk
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    errors = _errors(_post(client, business, date=last_month.isoformat()))
    assert any("bulan yang dilaporkan" in e for e in errors["date"]), errors
    assert not Mentoring.objects.filter(business=business).exists()


def test_certificate_needed_opens_a_needed_case_for_sudin(desk):
    m, business, client = desk
    halal = CertificateType.objects.get(code="halal")
    response = _post(client, business, needs=["sertifikat"], certificate_type=halal.pk)
    assert response.status_code == 302
    case = CertificateCase.objects.get(business=business)
    assert (case.type, case.status) == (halal, CaseStatus.NEEDED)
    assert m.full_name in case.note


def test_asking_again_next_month_does_not_open_a_second_case(desk):
    _m, business, client = desk
    halal = CertificateType.objects.get(code="halal")
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    assert (
        _post(
            client,
            business,
            month=last.strftime("%Y-%m"),
            date=last.isoformat(),
            needs=["sertifikat"],
            certificate_type=halal.pk,
        ).status_code
        == 302
    )
    assert (
        _post(client, business, needs=["sertifikat"], certificate_type=halal.pk).status_code == 302
    )
    assert Mentoring.objects.filter(business=business).count() == 2
    assert CertificateCase.objects.filter(business=business).count() == 1


def test_a_per_product_certificate_without_product_saves_nothing(desk):
    _m, business, client = desk
    pirt = CertificateType.objects.get(code="pirt")
    with override("id"):
        errors = _errors(_post(client, business, needs=["sertifikat"], certificate_type=pirt.pk))
    assert any("sebutkan produknya" in e.lower() for e in errors["certificate_product"]), errors
    assert not Mentoring.objects.filter(business=business).exists()
    assert not CertificateCase.objects.filter(business=business).exists()


def test_a_correction_keeps_the_earlier_text_in_history(desk):
    _m, business, client = desk
    _post(client, business)
    report = Mentoring.objects.get(business=business)
    response = client.post(
        reverse("mentors:report_edit", args=[report.pk]),
        {
            "date": report.date.isoformat(),
            "topic": "Pemasaran daring",
            "monthly_omzet": "3.000.000",
            "workers_male": "1",
            "workers_female": "2",
            "assets": "15000000",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.monthly_omzet == 3_000_000
    assert [h.monthly_omzet for h in report.history.order_by("history_id")] == [
        2_500_000,
        3_000_000,
    ]
