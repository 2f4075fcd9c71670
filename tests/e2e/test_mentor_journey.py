"""A mentor on a phone: signs in on their desk, finds a business due this month, files the
month's report with a need (a halal certificate), and sees it on the business. Sudin then
sees this month's completeness change and the new certificate case "needed"."""

import re

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from certifications.models import CaseStatus, CertificateCase
from tests.e2e.helpers import login_admin, page_weight, screenshot, visit
from tests.factories import OwnerFactory, admin_sudin, kelurahan
from tests.mentors.factories import assigned_business, mentor

PASSWORD = "kata-sandi-uji-123"


def _code(user) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_mentor_files_the_months_report_and_sudin_sees_it(open_page):
    m = mentor("31.73.02", username="pendamping.grogol", full_name="Sri Lestari")
    owner = OwnerFactory(full_name="Wati Susanti", kelurahan=kelurahan("31.73.02.1001"))
    due = assigned_business(m, name="Keripik Bu Wati", owner=owner)
    other = assigned_business(m, name="Batik Jelambar")
    from mentors import services
    from mentors.services import ReportData

    services.report_file(
        actor=m.user,
        business=other,
        data=ReportData(
            month=timezone.localdate().replace(day=1), date=timezone.localdate(), topic="Kemasan"
        ),
    )
    admin_sudin(username="sudin.barat")

    page = open_page("phone")
    visit(page, "/pendamping/")  # not signed in: the desk's own sign-in page
    expect(page).to_have_url(re.compile(r"/pendamping/masuk/"))
    page.get_by_label("Nama pengguna").fill("pendamping.grogol")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    if settings.OTP_REQUIRED:
        page.locator("input[name=otp_token]").fill(_code(m.user))
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Usaha dampingan saya")
    expect(page.locator("main")).to_contain_text("1 belum dilaporkan")
    row = page.locator(".desk-list li", has_text="Keripik Bu Wati")
    expect(row).to_contain_text("Belum dilaporkan bulan ini")
    expect(page.locator(".desk-list li", has_text="Batik Jelambar")).to_contain_text(
        "Sudah dilaporkan"
    )
    screenshot(page, "mentor-desk")

    row.get_by_role("link", name="Keripik Bu Wati").click()
    expect(page.locator("main")).to_contain_text("Wati Susanti")
    expect(page.locator(f"a[href='tel:{owner.phone}']")).to_be_visible()
    page.get_by_role("link", name="Isi laporan bulan ini").click()

    # A first try with a typo: a clear message, nothing saved, what was typed is still there.
    page.get_by_label("Topik").fill("Pencatatan keuangan")
    page.get_by_label("Omzet bulan ini (Rp)").fill("dua juta")
    page.get_by_label("Pekerja perempuan").fill("2")
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator("main")).to_contain_text("Tulis jumlah rupiah dengan angka saja")
    expect(page.get_by_label("Topik")).to_have_value("Pencatatan keuangan")
    page.get_by_label("Omzet bulan ini (Rp)").fill("2.750.000")
    page.get_by_label("Sertifikat (halal, PIRT, BPOM, NIB ...)").check()
    page.get_by_label("Sertifikat yang dibutuhkan").select_option(label="Sertifikat Halal")
    screenshot(page, "mentor-report-form")
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator(".messages")).to_contain_text("Laporan tersimpan")
    expect(page.locator("main")).to_contain_text("Rp2.750.000")
    page.get_by_role("link", name="Keripik Bu Wati").click()
    expect(page.locator("main")).to_contain_text("Sertifikat Halal")
    expect(page.locator("main")).to_contain_text(timezone.localdate().strftime("%m/%Y"))
    assert page_weight(page, page.url).total < 50_000
    case = CertificateCase.objects.get(business=due)
    assert case.status == CaseStatus.NEEDED

    sudin = open_page("desktop")
    login_admin(sudin, "sudin.barat", PASSWORD)
    visit(sudin, "/staf/pendamping/")
    expect(sudin.locator("main")).to_contain_text("Sudah dilaporkan 2 dari 2 usaha")
    expect(sudin.locator("table", has_text="Sri Lestari")).to_contain_text("100")
    visit(sudin, f"/admin/certifications/certificatecase/?q={due.name}")
    expect(sudin.locator("#result_list")).to_contain_text("Keripik Bu Wati")
    expect(sudin.locator("#result_list")).to_contain_text("Dibutuhkan")


def test_what_was_typed_survives_a_lost_connection(open_page):
    """No script: the send fails offline and the browser shows its own error page, holding the
    form as sent; back online, reloading that page sends the same form again, and the report
    is saved once with what was typed."""
    from umkm.models import Mentoring

    m = mentor("31.73.02", username="pendamping.sinyal")
    business = assigned_business(m, name="Warung Sinyal Lemah")
    page = open_page("phone")
    visit(page, "/pendamping/masuk/")
    page.get_by_label("Nama pengguna").fill("pendamping.sinyal")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    if settings.OTP_REQUIRED:
        page.locator("input[name=otp_token]").fill(_code(m.user))
    page.get_by_role("button", name="Masuk").click()
    visit(page, f"/pendamping/usaha/{business.pk}/laporan/")
    page.get_by_label("Topik").fill("Kunjungan saat sinyal lemah")
    page.get_by_label("Omzet bulan ini (Rp)").fill("1.500.000")
    page.context.set_offline(True)
    page.get_by_role("button", name="Simpan laporan").click()
    page.wait_for_timeout(500)
    assert page.url.startswith("chrome-error://")
    assert not Mentoring.objects.filter(business=business).exists()
    page.context.set_offline(False)
    page.reload()
    expect(page.locator(".messages")).to_contain_text("Laporan tersimpan")
    report = Mentoring.objects.get(business=business)
    assert (report.topic, report.monthly_omzet) == ("Kunjungan saat sinyal lemah", 1_500_000)
