"""Staff of the Sudin on a desktop keep the register in Django admin: a new trainee typed into a
training's quick entry, then a trainee spreadsheet imported (an error row first: nothing saved;
the corrected file: preview, confirm, saved)."""

import csv
import re

from openpyxl import Workbook
from playwright.sync_api import expect

from tests.e2e.helpers import choose_autocomplete, login_admin, screenshot
from tests.factories import (
    BusinessFactory,
    OwnerFactory,
    TrainingFactory,
    admin_sudin,
)
from umkm.importer import COLUMNS
from umkm.models import Business, Enrolment, Owner

PASSWORD = "kata-sandi-uji-123"


def test_staff_adds_a_new_trainee_with_the_quick_entry(desktop_page):
    admin_sudin(username="sari", first_name="Sari")
    training = TrainingFactory(title="Pelatihan Kemasan Produk", capacity=20)
    nik = "3173025204880811"  # fixed NIKs keep the screenshots the same from run to run
    page = desktop_page

    login_admin(page, "sari", PASSWORD)
    page.locator("#content-main").get_by_role("link", name="Pelatihan", exact=True).click()
    page.get_by_role("link", name="Pelatihan Kemasan Produk").click()
    expect(page.locator("#content h2").first).to_contain_text("Pelatihan Kemasan Produk")
    page.get_by_role("link", name="Tambah peserta").click()
    expect(page.get_by_text("Peserta terdaftar: 0 dari 20.")).to_be_visible()

    page.locator("[name=peserta-0-nik]").fill(nik)
    page.locator("[name=peserta-0-full_name]").fill("Dewi Lestari")
    page.locator("[name=peserta-0-gender]").select_option("P")
    page.locator("[name=peserta-0-birth_date]").fill("1988-04-12")
    page.locator("[name=peserta-0-phone]").fill("0812-7777-1234")
    choose_autocomplete(
        page, "peserta-0-owner_kelurahan", "Tanjung Duren Utara", "Tanjung Duren Utara"
    )
    page.locator("[name=peserta-0-business_name]").fill("Sambal Roa Bu Dewi")
    page.locator("[name=peserta-0-sector]").select_option(label="Kuliner")
    page.locator("[name=peserta-0-products]").fill("sambal roa, sambal bawang")
    page.get_by_role("button", name="Simpan semua peserta").click()

    expect(page.locator(".messagelist .success")).to_have_text(
        "1 peserta ditambahkan ke Pelatihan Kemasan Produk (06/03/2023)."
    )
    expect(page).to_have_url(re.compile(rf"/admin/umkm/training/{training.pk}/change/$"))
    expect(page.locator(".inline-group")).to_contain_text("Sambal Roa Bu Dewi")
    owner = Owner.objects.with_nik(nik).get()
    assert owner.full_name == "Dewi Lestari"
    assert owner.phone == "+6281277771234"
    business = owner.businesses.get()
    assert (business.name, business.sector.code) == ("Sambal Roa Bu Dewi", "kuliner")
    assert Enrolment.objects.filter(training=training, business=business).exists()

    page.goto("/admin/umkm/business/")
    row = page.locator("#result_list tbody tr", has_text="Sambal Roa Bu Dewi")
    expect(row).to_contain_text("Dewi Lestari")
    expect(row).to_contain_text("Tanjung Duren Utara")
    screenshot(page, "admin-business-list")


def _trainee_rows(known_owner, *, bad_nik: bool):
    """Three trainees: a known owner (matched by NIK) and two new ones; with `bad_nik` the
    third has a NIK of 15 digits."""
    new_nik = "3173020311790812"
    third_nik = "3173026002920813"
    rows = [
        {
            "nik": known_owner.nik,
            "business_name": known_owner.businesses.get().name,
            "attended": "Ya",
            "passed": "Ya",
            "score": "88",
        },
        {
            "nik": new_nik,
            "full_name": "Bambang Sutrisno",
            "gender": "L",
            "birth_date": "03-11-1979",
            "phone": "081311112222",
            "owner_kelurahan": "31.73.02.1003",
            "business_name": "Bengkel Las Bambang",
            "sector": "Jasa",
            "products": "pagar, teralis",
            "attended": "Ya",
            "passed": "Tidak",
            "score": "60",
        },
        {
            "nik": third_nik[:-1] if bad_nik else third_nik,
            "full_name": "Rina Marlina",
            "gender": "P",
            "birth_date": "20-02-1992",
            "owner_kelurahan": "Jelambar",
            "business_name": "Rajut Rina",
            "sector": "Kerajinan tangan",
            "attended": "Ya",
            "passed": "Ya",
            "score": "91",
        },
    ]
    return rows


def _write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow([header for _key, header in COLUMNS])
        for row in rows:
            writer.writerow([row.get(key, "") for key, _header in COLUMNS])
    return path


def _write_xlsx(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _key, header in COLUMNS])
    for row in rows:
        sheet.append([row.get(key, "") for key, _header in COLUMNS])
    workbook.save(path)
    return path


def test_staff_imports_a_trainee_spreadsheet_corrects_an_error_row_and_confirms(
    desktop_page, tmp_path
):
    admin_sudin(username="sari")
    training = TrainingFactory(title="Pelatihan Keuangan UMKM", capacity=30)
    known = OwnerFactory(full_name="Yuni Kartika", nik="3173020107850814")
    BusinessFactory(owner=known, name="Katering Yuni")
    rows = _trainee_rows(known, bad_nik=True)
    businesses_before, owners_before = Business.objects.count(), Owner.objects.count()
    page = desktop_page

    login_admin(page, "sari", PASSWORD)
    page.goto(f"/admin/umkm/training/{training.pk}/change/")
    page.get_by_role("link", name="Impor peserta").click()
    expect(page.get_by_role("heading", name="Unggah berkas")).to_be_visible()

    # A CSV whose third trainee (row 4 of the sheet) has a 15-digit NIK: the preview says so
    # in Indonesian, naming row and column, and offers no confirmation.
    page.locator("#id_file").set_input_files(_write_csv(tmp_path / "peserta.csv", rows))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("Baris dengan galat: 1")).to_be_visible()
    error_row = page.locator("#result_list tbody tr.row-error")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("Baris 4, kolom NIK: NIK harus tepat 16 digit angka.")
    expect(error_row).to_contain_text("Rina Marlina")
    expect(page.get_by_role("button", name="Konfirmasi dan simpan semua baris")).to_have_count(0)
    expect(page.get_by_text("Perbaiki galat di berkas", exact=False)).to_be_visible()
    assert (Business.objects.count(), Owner.objects.count()) == (businesses_before, owners_before)
    assert not Enrolment.objects.filter(training=training).exists()

    # The corrected workbook: two new owners, one matched by NIK; confirm saves all three.
    fixed = _trainee_rows(known, bad_nik=False)
    page.locator("#id_file").set_input_files(_write_xlsx(tmp_path / "peserta.xlsx", fixed))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("Baris dengan galat: 0")).to_be_visible()
    expect(page.get_by_text("Pelaku usaha dan usaha baru: 2")).to_be_visible()
    expect(page.get_by_text("Cocok NIK: 1")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    screenshot(page, "admin-trainee-import-preview")
    page.get_by_role("button", name="Konfirmasi dan simpan semua baris").click()

    expect(page).to_have_url(re.compile(rf"/admin/umkm/training/{training.pk}/change/$"))
    expect(page.locator(".messagelist .success")).to_contain_text(
        "3 peserta ditambahkan: 2 pelaku usaha baru"
    )
    trainees = page.locator(".inline-group")
    for name in ("Katering Yuni", "Bengkel Las Bambang", "Rajut Rina"):
        expect(trainees).to_contain_text(name)
    enrolled = Enrolment.objects.filter(training=training).select_related("business", "owner")
    assert {(e.business.name, e.owner.full_name, e.passed) for e in enrolled} == {
        ("Katering Yuni", "Yuni Kartika", True),
        ("Bengkel Las Bambang", "Bambang Sutrisno", False),
        ("Rajut Rina", "Rina Marlina", True),
    }
    assert Owner.objects.count() == owners_before + 2
    assert Business.objects.get(name="Rajut Rina").kelurahan.name == "Jelambar"
