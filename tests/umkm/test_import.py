"""The trainee spreadsheet import: upload → preview (nothing written) → confirm (all or none)."""

import csv
import datetime
import io
import logging
import zipfile

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.factories import (
    BusinessFactory,
    OwnerFactory,
    TrainingFactory,
    admin_sudin,
    kelurahan,
    operator,
    pejabat,
    random_nik,
)
from umkm import importer
from umkm.admin.trainee_import import PENDING_DIR, SESSION_KEY
from umkm.models import Business, BusinessStage, Enrolment, Owner

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.umkm.import_admin_urls")]

HEADERS = [h for _k, h in importer.COLUMNS]


def trainee_row(**values) -> dict:
    """A valid row as {column key: cell}, a new owner in Grogol Petamburan by default."""
    birth = datetime.date(1990, 4, 12)
    row = {
        "nik": random_nik(female=False, birth=birth),
        "full_name": "Budi Santoso",
        "gender": "L",
        "birth_date": "12-04-1990",
        "phone": "0812-1111-2222",
        "email": "budi@example.com",
        "address": "Jl. Kyai Tapa No. 5",
        "owner_kelurahan": "31.73.02.1002",
        "business_name": "Warung Budi",
        "sector": "Kuliner",
        "products": "Nasi uduk",
        "business_kelurahan": "31.73.02.1002",
        "nib": "",
        "attended": "Ya",
        "passed": "Tidak",
        "score": "70",
    }
    row.update(values)
    return row


def xlsx_file(rows: list[dict], name: str = "peserta.xlsx") -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(k, "") for k, _h in importer.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


def csv_file(rows: list[dict], delimiter: str = ";", name: str = "peserta.csv") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row.get(k, "") for k, _h in importer.COLUMNS])
    out = io.BytesIO(text.getvalue().encode("utf-8-sig"))
    out.name = name
    return out


def url(name: str, training, *args) -> str:
    return reverse(f"admin:umkm_training_{name}", args=[training.pk, *args])


def upload(client, training, file):
    return client.post(url("import", training), {"file": file})


def confirm(client, training):
    token = client.session[SESSION_KEY]["token"]
    return client.post(url("import_confirm", training), {"token": token})


@pytest.fixture
def training():
    return TrainingFactory(capacity=40)


@pytest.fixture
def sudin_client(client):
    client.force_login(admin_sudin())
    return client


def test_import_preview_lists_new_and_matched_rows_without_writing(sudin_client, training):
    known = BusinessFactory(name="Batik Ibu Rina", owner=OwnerFactory(full_name="Rina Wati"))
    rows = [
        trainee_row(),
        trainee_row(nik=known.owner.nik, full_name="", business_name="Batik Ibu Rina"),
    ]
    owners_before = Owner.objects.count()

    response = upload(sudin_client, training, xlsx_file(rows))

    assert response.status_code == 200
    page = response.content.decode()
    assert "baru" in page
    assert "cocok NIK" in page
    assert "Konfirmasi dan simpan semua baris" in page
    assert Owner.objects.count() == owners_before
    assert not Enrolment.objects.exists()


def test_import_preview_with_one_error_row_writes_nothing(sudin_client, training):
    rows = [trainee_row(), trainee_row(nik="3173021304900000"), trainee_row()]

    response = upload(sudin_client, training, xlsx_file(rows))

    page = response.content.decode()
    assert "Baris 3, kolom NIK:" in page
    assert "Konfirmasi dan simpan semua baris" not in page
    # Even a forged confirm of this preview writes nothing.
    response = confirm(sudin_client, training)
    assert "tidak ada yang disimpan" in response.content.decode()
    assert not Owner.objects.exists()
    assert not Business.objects.exists()
    assert not Enrolment.objects.exists()


def test_import_confirm_writes_all_rows_with_history(sudin_client, training):
    known = BusinessFactory(name="Batik Ibu Rina")
    rows = [
        trainee_row(),
        trainee_row(
            nik=random_nik(female=True, birth=datetime.date(1988, 1, 30)),
            full_name="Siti Aminah",
            gender="P",
            birth_date="30-01-1988",
            business_name="Kue Siti",
            nib="1234567890123",
            passed="Ya",
            score="88,5",
        ),
        trainee_row(nik=known.owner.nik, business_name="", full_name=""),
    ]
    upload(sudin_client, training, xlsx_file(rows))
    pending = sudin_client.session[SESSION_KEY]["path"]
    assert storages["private"].exists(pending)

    response = confirm(sudin_client, training)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:umkm_training_change", args=[training.pk])
    enrolments = Enrolment.objects.filter(training=training).select_related("business", "owner")
    assert enrolments.count() == 3
    siti = Owner.objects.with_nik(rows[1]["nik"]).get()
    assert siti.full_name == "Siti Aminah"
    assert siti.phone == "+6281211112222"
    business = siti.businesses.get()
    assert business.nib == "1234567890123"
    assert business.current_stage.code == "pelatihan"
    assert BusinessStage.objects.filter(business=business).count() == 2
    enrolment = enrolments.get(owner=siti)
    assert (enrolment.attended, enrolment.passed, str(enrolment.score)) == (True, True, "88.50")
    assert enrolments.get(business=known).owner == known.owner
    assert siti.history.count() == 1
    assert enrolment.history.get().history_user.groups.filter(name="Admin Sudin").exists()
    # The stored upload is gone once confirmed, and the session forgets it.
    assert not storages["private"].exists(pending)
    assert SESSION_KEY not in sudin_client.session


def test_import_duplicate_nik_and_nib_in_file_refused_with_row_numbers(sudin_client, training):
    nik = random_nik()
    rows = [
        trainee_row(nik=nik, nib="1111111111111"),
        trainee_row(business_name="Lain", nib="1111111111111"),
        trainee_row(nik=nik, business_name="Usaha Kedua"),
    ]

    page = upload(sudin_client, training, csv_file(rows)).content.decode()

    assert "Baris 2, kolom NIK: NIK yang sama juga ada di baris 4." in page
    assert "Baris 4, kolom NIK: NIK yang sama juga ada di baris 2." in page
    assert "Baris 3, kolom NIB: NIB yang sama juga ada di baris 2." in page
    assert "Konfirmasi dan simpan semua baris" not in page
    assert not Owner.objects.exists()


def test_import_operator_row_of_other_kecamatan_writes_nothing(client, training):
    client.force_login(operator("31.73.02"))
    elsewhere = OwnerFactory(full_name="Rahasia Orang Lain", kelurahan=kelurahan("31.73.01.1001"))
    rows = [
        trainee_row(),
        trainee_row(business_kelurahan="31.73.01.1001"),
        trainee_row(nik=elsewhere.nik, business_name="Toko"),
    ]

    response = upload(client, training, xlsx_file(rows))
    page = response.content.decode()

    assert "Baris 3, kolom Kode kelurahan usaha:" in page
    assert "di luar kecamatan Anda" in page
    # The NIK registered elsewhere is a new owner's row like any other: nothing on row 4.
    assert "Baris 4, kolom NIK" not in page
    assert "Rahasia Orang Lain" not in page
    assert "Konfirmasi dan simpan semua baris" not in page
    confirm(client, training)
    assert Owner.objects.count() == 1
    assert not Enrolment.objects.exists()


def test_import_operator_sees_masked_nik_in_preview(client, training):
    client.force_login(operator("31.73.02"))
    row = trainee_row()

    page = upload(client, training, xlsx_file([row])).content.decode()

    assert row["nik"] not in page
    assert row["nik"][:4] + "•" * 12 in page


def test_import_nik_birth_date_mismatch_is_a_warning(sudin_client, training):
    row = trainee_row(birth_date="13-04-1990")

    page = upload(sudin_client, training, xlsx_file([row])).content.decode()

    assert "Peringatan:" in page
    assert "Konfirmasi dan simpan semua baris" in page
    confirm(sudin_client, training)
    assert Owner.objects.with_nik(row["nik"]).get().birth_date == datetime.date(1990, 4, 13)


def test_import_confirm_revalidates_and_writes_nothing_when_data_changed(sudin_client, training):
    rows = [trainee_row(), trainee_row(nib="2222222222222")]
    page = upload(sudin_client, training, xlsx_file(rows)).content.decode()
    assert "Konfirmasi dan simpan semua baris" in page
    BusinessFactory(nib="2222222222222")  # someone registers that NIB meanwhile

    response = confirm(sudin_client, training)

    page = response.content.decode()
    assert response.status_code == 200
    assert "tidak ada yang disimpan" in page
    assert "Baris 3, kolom NIB:" in page
    assert Owner.objects.count() == 1  # only the one the factory made
    assert not Enrolment.objects.exists()


def test_import_over_capacity_writes_nothing(sudin_client):
    training = TrainingFactory(capacity=2)
    rows = [trainee_row(), trainee_row(), trainee_row()]

    page = upload(sudin_client, training, xlsx_file(rows)).content.decode()

    assert "sisa 2 tempat" in page
    assert "Konfirmasi dan simpan semua baris" not in page


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_import_template_downloads_and_reimports_cleanly(sudin_client, training, fmt):
    response = sudin_client.get(url("import_template", training, fmt))
    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        assert workbook.sheetnames == ["Peserta", "Daftar kode"]
        lists = list(workbook["Daftar kode"].iter_rows(min_row=2, values_only=True))
        assert "31.73.02.1002" in [r[0] for r in lists]
        assert lists[0][5] == "Kuliner"
    file = io.BytesIO(response.content)
    file.name = f"templat.{fmt}"

    page = upload(sudin_client, training, file).content.decode()

    assert "Rows with errors: 0" in page or "Baris dengan galat: 0" in page
    # The template's only row is its marked example (issue 17): read, skipped, never imported.
    assert "contoh templat, dilewati" in page
    assert "Konfirmasi dan simpan semua baris" not in page
    confirm(sudin_client, training)
    assert not Enrolment.objects.filter(training=training).exists()


def test_import_csv_with_comma_delimiter_is_read(sudin_client, training):
    page = upload(sudin_client, training, csv_file([trainee_row()], delimiter=",")).content
    assert "Konfirmasi dan simpan semua baris" in page.decode()


def test_import_wrong_file_type_is_refused(sudin_client, training):
    file = io.BytesIO(b"%PDF-1.4 not a spreadsheet")
    file.name = "peserta.pdf"

    response = upload(sudin_client, training, file)

    assert response.status_code == 400
    assert "Berkas harus berupa buku kerja Excel (.xlsx) atau CSV" in response.content.decode()


def test_import_file_too_big_is_refused(sudin_client, training):
    file = io.BytesIO(b"NIK;Nama lengkap\n" + b"x" * (importer.MAX_FILE_BYTES + 1))
    file.name = "besar.csv"

    response = upload(sudin_client, training, file)

    assert response.status_code == 400
    assert "lebih besar dari 5 MB" in response.content.decode()


def test_import_too_many_rows_is_refused(sudin_client, training):
    lines = ["NIK;Nama lengkap;Nama usaha"] + ["3173021204900001;A;B"] * (importer.MAX_ROWS + 1)
    file = io.BytesIO("\n".join(lines).encode())
    file.name = "banyak.csv"

    response = upload(sudin_client, training, file)

    assert response.status_code == 400
    assert "lebih dari 10.000 baris peserta" in response.content.decode()
    assert SESSION_KEY not in sudin_client.session


def test_import_file_without_template_header_is_refused(sudin_client, training):
    file = io.BytesIO(b"a;b;c\n1;2;3\n")
    file.name = "acak.csv"

    response = upload(sudin_client, training, file)

    assert "Unduh templat" in response.content.decode()


def test_import_refused_to_pejabat(client, training):
    client.force_login(pejabat())

    assert client.get(url("import", training)).status_code == 403
    assert upload(client, training, xlsx_file([trainee_row()])).status_code == 403
    assert client.get(url("import_template", training, "xlsx")).status_code == 403
    assert (
        not storages["private"].exists(PENDING_DIR)
        or not storages["private"].listdir(PENDING_DIR)[1]
    )


def test_training_page_has_import_button_for_staff_who_may_import(client, training):
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:umkm_training_change", args=[training.pk])).content
    assert url("import", training) in page.decode()
    assert "Impor peserta" in page.decode()

    client.force_login(pejabat())
    page = client.get(reverse("admin:umkm_training_change", args=[training.pk])).content
    assert url("import", training) not in page.decode()


def test_import_logs_never_hold_a_nik(sudin_client, training, caplog):
    row = trainee_row()
    caplog.set_level(logging.DEBUG)

    upload(sudin_client, training, xlsx_file([row, trainee_row(nik="123")]))
    confirm(sudin_client, training)

    assert any("trainee import preview" in r.getMessage() for r in caplog.records)
    assert all(row["nik"] not in r.getMessage() for r in caplog.records)


def test_import_matched_row_shows_the_registered_name(sudin_client, training):
    known = BusinessFactory(owner=OwnerFactory(full_name="Rina Terdaftar"))

    page = upload(
        sudin_client, training, xlsx_file([trainee_row(nik=known.owner.nik, full_name="")])
    ).content.decode()

    assert "Rina Terdaftar" in page
    assert "cocok NIK" in page


def test_import_nik_typed_as_a_number_ending_in_0_is_refused(sudin_client, training):
    # Excel keeps 15 digits: 3173021204900123 typed as a number is stored as ...0120.
    rounded, exact = trainee_row(nik=3173021204900120), trainee_row(nik=3173021204900123)

    page = upload(sudin_client, training, xlsx_file([rounded, exact])).content.decode()

    assert "Baris 2, kolom NIK: NIK diketik sebagai angka" in page
    assert "Baris 3, kolom NIK" not in page


def test_import_csv_not_in_utf8_is_refused(sudin_client, training):
    file = io.BytesIO(
        "NIK;Nama lengkap;Nama usaha\n3173021204900001;Bu Sàri;Warung\n".encode("cp1252")
    )
    file.name = "peserta.csv"

    response = upload(sudin_client, training, file)

    assert "Berkas CSV harus disimpan sebagai UTF-8" in response.content.decode()


def test_import_broken_xlsx_is_refused(sudin_client, training):
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("bukan-excel.txt", "halo")
    file = io.BytesIO(content.getvalue())
    file.name = "rusak.xlsx"

    response = upload(sudin_client, training, file)

    assert response.status_code == 400
    assert "Berkas Excel tidak dapat dibaca" in response.content.decode()


def test_import_template_for_an_operator_lists_only_its_kelurahan(client, training):
    client.force_login(operator("31.73.02"))

    response = client.get(url("import_template", training, "xlsx"))

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    lists = list(workbook["Daftar kode"].iter_rows(min_row=2, values_only=True))
    codes = [r[0] for r in lists if r[0]]
    assert codes
    assert all(code.startswith("31.73.02.") for code in codes)
    # Every sector is listed (a row without a sector may end early in a streamed sheet).
    assert [r[5] for r in lists if len(r) > 5 and r[5]][-1] == "Lainnya"
    file = io.BytesIO(response.content)
    file.name = "templat.xlsx"
    assert "Baris dengan galat: 0" in upload(client, training, file).content.decode()
