"""The export layer's one cell rule, its SQL twin and its two renderers."""

import csv
import datetime
import decimal
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db.models import CharField, Value

from exports import csv_stream, xlsx
from exports.cells import LEADING_SPACE, cell, is_formula_like, safe_text
from exports.columns import CODE, DATE, DATETIME, INT, RUPIAH, TEXT, Column
from exports.sql import formula_safe, stream_copy_csv
from tests.factories import BusinessFactory

PAYLOADS = [
    '=HYPERLINK("http://evil.example/","x")',
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "\n=1",
    "\tplain after a tab",
    " =1",
    "   +1",
    "\u00a0=1",
    "\u3000=1",
    "\ufeff=1",
    "＝1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    " ＝1",
]
HARMLESS = ["Kopi =Nikmat", "Rp1.000", "0812345678", "a+b", "", "Warung 'Bu' Siti", "1-2-3", "x@y"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_text_neutralises_every_formula_form(payload):
    assert safe_text(payload) == "'" + payload
    assert is_formula_like(payload)


@pytest.mark.parametrize("text", HARMLESS)
def test_safe_text_leaves_other_text_alone(text):
    assert safe_text(text) == text


@pytest.mark.parametrize("space", list(LEADING_SPACE))
def test_safe_text_sees_through_every_leading_space(space):
    assert safe_text(space * 3 + "=1") == "'" + space * 3 + "=1"


def test_safe_text_is_idempotent():
    assert safe_text(safe_text("=1")) == "'=1"


@pytest.mark.parametrize("number", [5, -1, 0, 2.5, -0.5, decimal.Decimal("-1250000")])
def test_numbers_stay_numbers(number):
    for kind in (INT, RUPIAH, TEXT):
        assert cell(number, kind) == number and type(cell(number, kind)) is type(number)


def test_identity_numbers_stay_text_with_leading_zeros():
    assert cell("0012345678901234", CODE) == "0012345678901234"
    assert cell(1234567890123, CODE) == "1234567890123"
    assert cell("31.73.02.1002", CODE) == "31.73.02.1002"
    assert cell("+6281234", CODE) == "'+6281234"  # a phone written +62 would be a formula


def test_datetimes_are_shown_in_jakarta():
    utc = datetime.datetime(2026, 1, 1, 20, 30, tzinfo=datetime.UTC)
    assert cell(utc, DATETIME) == datetime.datetime(2026, 1, 2, 3, 30)
    assert cell(utc, DATE) == datetime.date(2026, 1, 2)
    paris = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert cell(paris, DATETIME) == datetime.datetime(2026, 6, 1, 17, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("text", [*PAYLOADS, *HARMLESS, None])
def test_sql_twin_agrees_with_the_python_rule(text):
    from umkm.models import Business

    business = BusinessFactory()
    value = Business.objects.filter(pk=business.pk).values_list(
        formula_safe(Value(text, output_field=CharField())), flat=True
    )
    assert value.get() == (None if text is None else safe_text(text))


COLUMNS = [
    Column("name", "Nama", TEXT, 30),
    Column("nik", "NIK", CODE, 20),
    Column("omzet", "Omzet", RUPIAH, 14),
    Column("day", "Tanggal", DATE, 12),
    Column("at", "Waktu", DATETIME, 16),
]
AT = datetime.datetime(2026, 3, 1, 23, 0, tzinfo=datetime.UTC)
ROWS = [
    ('=HYPERLINK("http://evil.example/","x")', "0012345678901234", 1_250_000, None, AT),
    (" ＝1", 3173020101900001, -5, datetime.date(2026, 3, 2), None),
]


def test_xlsx_keeps_text_as_text_numbers_as_numbers_and_dates_in_jakarta():
    content = xlsx.workbook_bytes([xlsx.Sheet("Uji: [x]", COLUMNS, ROWS, ["Judul"])])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Uji- -x-"
    assert sheet["A1"].value == "Judul" and sheet["A1"].font.b
    assert [c.value for c in sheet[3]] == ["Nama", "NIK", "Omzet", "Tanggal", "Waktu"]
    assert sheet.freeze_panes == "A4"
    first, second = sheet[4], sheet[5]
    assert first[0].value == '\'=HYPERLINK("http://evil.example/","x")'
    assert first[0].data_type == "s"
    assert first[1].value == "0012345678901234" and first[1].number_format == "@"
    assert first[2].value == 1_250_000 and first[2].number_format == '"Rp"#,##0'
    assert first[4].value == datetime.datetime(2026, 3, 2, 6, 0)
    assert second[0].value == "' ＝1"
    assert second[1].value == "3173020101900001" and second[1].data_type == "s"
    assert second[2].value == -5
    assert (
        second[3].value == datetime.datetime(2026, 3, 2) and second[3].number_format == "dd/mm/yyyy"
    )
    for row in sheet.iter_rows():
        assert all(c.data_type != "f" for c in row)


def test_csv_starts_with_a_bom_and_writes_safe_cells():
    text = "".join(csv_stream.stream_csv(COLUMNS, ROWS))
    assert text.startswith("\ufeffNama,NIK,")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[1] == [
        '\'=HYPERLINK("http://evil.example/","x")',
        "0012345678901234",
        "1250000",
        "",
        "2026-03-02 06:00:00",
    ]
    assert rows[2] == ["' ＝1", "3173020101900001", "-5", "2026-03-02", ""]


def test_copy_csv_refuses_timestamps_it_would_write_in_another_zone():
    from umkm.models import Business

    with pytest.raises(ValueError):
        next(stream_copy_csv(Business.objects.values_list("created_at"), COLUMNS[4:]))


def test_column_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Column("x", "X", "formula")
