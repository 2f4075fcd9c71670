"""The trainee import as a clerk checks it: the places each row resolved to, a disagreeing
Kecamatan column, the template's example row, one message per cause, the file back with its
errors, and quick entry that reports every row in one round."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.factories import TrainingFactory, admin_sudin, operator, pejabat, random_nik
from tests.umkm.test_admin import _trainee_rows
from tests.umkm.test_import import confirm, csv_file, trainee_row, upload, url, xlsx_file
from umkm import importer
from umkm.models import Enrolment, Owner
from umkm.validators import mask_nik

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.umkm.import_admin_urls")]


@pytest.fixture
def training():
    return TrainingFactory(capacity=40)


@pytest.fixture
def sudin_client(client):
    client.force_login(admin_sudin())
    return client


def _with_column(rows: list[dict], header: str, key: str) -> io.BytesIO:
    """An XLSX like the template's with one more column (as staff add one)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*(h for _k, h in importer.COLUMNS), header])
    for row in rows:
        sheet.append([*(row.get(k, "") for k, _h in importer.COLUMNS), row.get(key, "")])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "peserta.xlsx"
    return out


def _check(training, rows, user=None):
    return importer.check_rows(actor=user or admin_sudin(), training=training, rows=rows)


def test_preview_shows_the_kelurahan_and_kecamatan_each_row_resolved_to(sudin_client, training):
    response = upload(sudin_client, training, xlsx_file([trainee_row()]))

    page = response.content.decode()
    assert "Kelurahan, kecamatan" in page
    assert "tempat usaha: Tanjung Duren Utara, Grogol Petamburan" in page
    assert "rumah: Tanjung Duren Utara, Grogol Petamburan" in page


@pytest.mark.parametrize("header", ["Kecamatan", "Kecamatan usaha"])
def test_a_kecamatan_column_that_disagrees_with_the_kelurahan_is_an_error(
    sudin_client, training, header
):
    row = trainee_row(business_kecamatan="Cengkareng")

    response = upload(sudin_client, training, _with_column([row], header, "business_kecamatan"))

    page = response.content.decode()
    assert (
        "kelurahan Tanjung Duren Utara ada di Kecamatan Grogol Petamburan, bukan Cengkareng" in page
    )
    assert "Konfirmasi dan simpan semua baris" not in page
    confirm(sudin_client, training)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    "given", ["Grogol Petamburan", "31.73.02", "317302", "Kec. Grogol Petamburan"]
)
def test_a_kecamatan_column_that_agrees_passes(training, given):
    row = trainee_row(business_kecamatan=given, owner_kecamatan=given)

    preview = _check(training, [(2, row)])

    assert preview.rows[0].errors == []
    assert preview.can_confirm


def test_the_templates_example_row_is_skipped_not_imported(sudin_client, training):
    template = sudin_client.get(url("import_template", training, "xlsx"))
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook["Peserta"]
    example = [c.value for c in sheet[2]]
    assert str(example[0]).startswith("CONTOH")
    real = trainee_row()
    sheet.append([real.get(k, "") for k, _h in importer.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "peserta.xlsx"

    response = upload(sudin_client, training, out)

    assert "contoh templat, dilewati" in response.content.decode()
    assert confirm(sudin_client, training).status_code == 302
    assert Enrolment.objects.filter(training=training).count() == 1
    assert not Owner.objects.filter(full_name="Siti Aminah").exists()


def test_a_file_with_only_the_example_row_cannot_be_confirmed(training):
    example = trainee_row(nik="3173024107850001", full_name="Siti Aminah")

    preview = _check(training, [(2, example)])

    assert preview.rows[0].example
    assert not preview.can_confirm


def test_an_unknown_kelurahan_gets_one_message_not_also_required(training):
    row = trainee_row(owner_kelurahan="", business_kelurahan="Kelurahan Entah")

    preview = _check(training, [(2, row)])

    errors = preview.rows[0].errors
    assert len(errors) == 1, errors
    assert "Kelurahan Entah" in errors[0]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12-13-1990", "bulan 13 tidak ada"),
        ("1990-13-12", "bulan 13 tidak ada"),
        ("31-02-1990", "tanggal 31 tidak ada di bulan 2 tahun 1990"),
        ("kemarin", "tulis tanggal sebagai DD-MM-YYYY"),
    ],
)
def test_a_date_that_does_not_exist_names_the_part(training, typed, expected):
    preview = _check(training, [(2, trainee_row(birth_date=typed))])

    errors = preview.rows[0].errors
    assert len(errors) == 1 and expected in errors[0], errors
    if expected != "tulis tanggal sebagai DD-MM-YYYY":
        assert "tulis tanggal sebagai" not in errors[0]


def test_error_rows_show_the_masked_nik(client, training):
    client.force_login(operator("31.73.02"))
    good_nik = random_nik()
    rows = [trainee_row(nik=good_nik, phone="12"), trainee_row(nik="317302130490000")]

    page = upload(client, training, xlsx_file(rows)).content.decode()

    assert mask_nik(good_nik) in page
    assert good_nik not in page
    assert mask_nik("317302130490000") in page
    assert "317302130490000" not in page


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_file_comes_back_with_an_error_column(sudin_client, training, kind):
    birth = datetime.date(1990, 4, 12)  # trainee_row's birth date: no warning on the good row
    good, bad = random_nik(female=False, birth=birth), random_nik()
    rows = [trainee_row(nik=good), trainee_row(nik=bad, birth_date="12-13-1990")]
    file = xlsx_file(rows) if kind == "xlsx" else csv_file(rows)
    page = upload(sudin_client, training, file).content.decode()
    assert "Unduh berkas dengan kolom galat" in page

    response = sudin_client.get(url("import_errors", training))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="peserta-galat.{kind}"'
    if kind == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        table = [[c.value or "" for c in row] for row in sheet.iter_rows()]
    else:
        text = response.content.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
    header = table[0]
    assert header[: len(importer.COLUMNS)] == [h for _k, h in importer.COLUMNS]
    assert header[-1] == "Galat"
    nik_at = header.index("NIK")
    assert [r[nik_at] for r in table[1:]] == [mask_nik(good), mask_nik(bad)]
    assert table[1][-1] == ""
    assert "Baris 3, kolom Tanggal lahir (DD-MM-YYYY): bulan 13 tidak ada" in table[2][-1]
    assert not any(good in str(cell) for row in table for cell in row)


def test_the_error_file_is_only_the_uploaders_own(client, sudin_client, training):
    upload(sudin_client, training, xlsx_file([trainee_row(phone="12")]))
    assert sudin_client.get(url("import_errors", training)).status_code == 200

    client.logout()
    client.force_login(pejabat())
    assert client.get(url("import_errors", training)).status_code == 403

    other = admin_sudin()
    client.force_login(other)
    response = client.get(url("import_errors", training))
    assert response.status_code == 404


def test_the_error_file_of_another_training_is_refused(sudin_client, training):
    upload(sudin_client, training, xlsx_file([trainee_row(phone="12")]))
    other = TrainingFactory()

    response = sudin_client.get(url("import_errors", other))

    assert response.status_code == 404


# --- quick entry ------------------------------------------------------------------------


@pytest.mark.urls("config.urls")
def test_quick_entry_shows_form_errors_and_row_errors_in_one_round(client):
    from tests.factories import sector

    training = TrainingFactory()
    client.force_login(admin_sudin())
    same = random_nik()
    row = {
        "nik": same,
        "full_name": "Sri Wahyuni",
        "gender": "P",
        "owner_kelurahan": "31.73.02.1002",
        "business_name": "Keripik Sri",
        "sector": str(sector("kuliner").pk),
        "products": "keripik",
    }
    rows = [
        row,
        row | {"business_name": "Keripik Sri Dua"},  # the same NIK twice: the registration's
        row | {"nik": "1234", "full_name": "NIK Salah"},  # a form error
    ]

    response = client.post(
        reverse("admin:umkm_training_trainees", args=[training.pk]), _trainee_rows(rows)
    )

    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[2].errors.get("nik")
    row_errors = [e for form in formset.forms[:2] for e in form.errors.get("nik", [])]
    assert row_errors, [f.errors for f in formset.forms]
    assert not Enrolment.objects.exists()
