"""One sample through every channel (issue 18): a date, a time, money, a percentage, a year and
a NIK-like id, on pages (public, report, admin), in the XLSX (cell types and number formats read
back with openpyxl), in both CSVs, in the PDF's text (pdfplumber) and in an e-mail body. The
expected forms are written out here by hand, never computed by config.formats."""

import csv
import datetime
import io
import re
import zoneinfo

import openpyxl
import pdfplumber
import pytest
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from django.utils import timezone, translation

from bazaars.models import DailySales, Participation
from config import formats
from exports import csv_stream, xlsx
from exports.columns import CODE, DATE, DATETIME, INT, PERCENT, RUPIAH, TEXT, YEAR, Column
from exports.registry import all_exports
from reports import exports as report_exports
from reports.selectors import kecamatan_scope
from tests.bazaars.factories import accepted, bazaar, eligible_business
from tests.certifications.factories import issued_case, open_case
from tests.client import ProductionClient
from tests.factories import admin_sudin, kelurahan, pejabat

pytestmark = pytest.mark.django_db
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")

DAY = datetime.date(2023, 9, 25)
AT = datetime.datetime(2023, 9, 25, 9, 0, tzinfo=JAKARTA)  # 02.00 UTC
MONEY = 1_250_000
SHARE = 12.5
YEAR_ = 2019
NIK = "3173024107850001"
NIB = "9120301234567"

# As Indonesians write them.
TEXT_DATE = "25 September 2023"
TABLE_DATE = "25/09/2023"
TIME = "09.00 WIB"
TEXT_DATETIME = "25 September 2023, 09.00 WIB"
TABLE_DATETIME = "25/09/2023 09.00 WIB"
MONEY_TEXT = "Rp1.250.000"
PERCENT_TEXT = "12,5%"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip

SAMPLE_TEMPLATE = (
    "{% load portal_formats %}{{ day|date_text }}|{{ day|date_short }}|{{ at|time_text }}|"
    "{{ at|datetime_text }}|{{ at|datetime_short }}|{{ money|money }}|{{ share|percent }}|"
    "{{ year|plain }}|{{ nik|plain }}|{{ day|date }}|{{ at|time }}|"
    "{{ at|date:'SHORT_DATE_FORMAT' }}"
)
SAMPLE_EXPECTED = [
    TEXT_DATE, TABLE_DATE, TIME, TEXT_DATETIME, TABLE_DATETIME, MONEY_TEXT, PERCENT_TEXT,
    "2019", NIK, TEXT_DATE, TIME, TABLE_DATE,
]  # fmt: skip


def _sample_context():
    return {"day": DAY, "at": AT, "money": MONEY, "share": SHARE, "year": YEAR_, "nik": NIK}


@pytest.mark.parametrize("autoescape", [True, False], ids=["page", "e-mail text"])
def test_the_sample_through_the_template_engine_of_pages_and_mails(autoescape):
    with translation.override("id"):
        out = Template(SAMPLE_TEMPLATE).render(Context(_sample_context(), autoescape=autoescape))
    assert out.split("|") == SAMPLE_EXPECTED


def test_the_module_itself_and_a_utc_time_shown_in_jakarta():
    with translation.override("id"):
        utc = AT.astimezone(datetime.UTC)
        assert (formats.date_text(utc), formats.time_text(utc)) == (TEXT_DATE, TIME)
        assert formats.money(MONEY) == MONEY_TEXT and formats.percent(SHARE) == PERCENT_TEXT
        assert formats.number(MONEY) == "1.250.000" and formats.plain(YEAR_) == "2019"
        assert formats.time_range(datetime.time(9), datetime.time(21)) == "09.00–21.00 WIB"
        assert formats.date_text(datetime.date(2019, 3, 20)) == "20 Maret 2019"
        assert formats.day_date_text(datetime.date(2023, 9, 25)) == "Senin, 25 September 2023"
        assert formats.month_long(datetime.date(2026, 12, 1)) == "Desember 2026"
        assert formats.iso_date(utc.replace(hour=20)) == "2023-09-26"  # 03.00 WIB the next day
    with translation.override("en"):
        assert formats.date_text(DAY) == TEXT_DATE
        assert formats.time_text(AT) == "09:00 WIB"
        assert formats.money(MONEY) == "Rp1,250,000" and formats.percent(SHARE) == "12.5%"


# --- The real channels ----------------------------------------------------------------------


@pytest.fixture
def world(settings):
    """A bazaar of 25-26 September 2023 (09.00-21.00), one business mentored since 7 April 2019
    (cohort 2019, NIB as id), accepted at 09.00 WIB on 25 September 2023, selling Rp1.250.000."""
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False
    fair = bazaar(title="Bazar Format")
    business = eligible_business(
        name="Warung Format",
        kelurahan=kelurahan("31.73.02.1002"),
        binaan_since=datetime.date(2019, 4, 7),
        nib=NIB,
    )
    participation = accepted(fair, business)
    Participation.objects.filter(pk=participation.pk).update(decided_at=AT)
    DailySales.objects.create(
        participation=participation, day=fair.days.first(), omzet=MONEY, transactions=40
    )
    return fair, business


def test_public_bazaar_page(world, client):
    fair, _business = world
    html = client.get(fair.get_absolute_url()).content.decode()
    assert "25 September 2023" in html and "09.00–21.00 WIB" in html
    assert "25–26 September 2023" in html


def test_admin_pages_dates_times_and_object_titles(world):
    fair, _business = world
    staff = ProductionClient()
    staff.force_login(admin_sudin(username="sudin-format"))
    bazaars = staff.get("/admin/bazaars/bazaar/").content.decode()
    assert ">25 September 2023<" in bazaars and "Sep." not in bazaars
    participants = staff.get(f"/admin/bazaars/participation/?bazaar__id__exact={fair.pk}")
    html = participants.content.decode()
    assert TEXT_DATETIME in html and " 9.00" not in html
    day = fair.days.first()
    assert str(day).endswith(f"— {TABLE_DATE}")


def _xlsx_cells(content: bytes) -> dict:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows()) for sheet in workbook.worksheets}


def _row_of(rows, text):
    return next(r for r in rows if any(c.value == text for c in r))


def test_bazaar_participant_export_xlsx_and_both_csv(world):
    from bazaars import exports as bazaar_exports

    fair, _business = world
    user = admin_sudin(username="sudin-export")
    header = [str(c.header) for c in bazaar_exports.COLUMNS]
    rows = _xlsx_cells(bazaar_exports.xlsx_content(fair, user))
    cells = _row_of(next(iter(rows.values())), "Warung Format")
    by = dict(zip(header, cells, strict=False))
    decided, omzet, nib = by["Diputuskan pada"], by["Omzet (Rp)"], by["NIB"]
    assert decided.value == datetime.datetime(2023, 9, 25, 9, 0) and decided.is_date
    assert decided.number_format == 'dd/mm/yyyy hh:mm "WIB"'
    assert omzet.value == MONEY and omzet.data_type == "n"
    assert omzet.number_format == '"Rp"#,##0'
    assert nib.value == NIB and nib.data_type == "s"

    standard = "".join(bazaar_exports.csv_content(fair, user))
    excel = "".join(bazaar_exports.csv_content(fair, user, csv_stream.EXCEL_ID))
    assert standard.startswith("\ufeff") and excel.startswith("\ufeff")
    s_rows = list(csv.reader(io.StringIO(standard[1:])))
    e_rows = list(csv.reader(io.StringIO(excel[1:]), delimiter=";"))
    assert s_rows[0] == e_rows[0] == header
    s, e = (dict(zip(header, _row(rs), strict=True)) for rs in (s_rows, e_rows))
    assert s["Diputuskan pada"] == "2023-09-25 09:00:00"
    assert e["Diputuskan pada"] == "25/09/2023 09:00"
    assert s["Omzet (Rp)"] == e["Omzet (Rp)"] == "1250000"
    assert s["NIB"] == e["NIB"] == NIB


def _row(rows):
    return next(r for r in rows if "Warung Format" in r)


@pytest.fixture
def report_files(world):
    """The kecamatan report of 2023 as a Pejabat exports it (exports.registry's producer)."""
    user = pejabat(username="pejabat-format")
    return report_exports, user, {"tahun": "2023"}, kecamatan_scope("31.73.02")


def test_report_xlsx_cells_typed(report_files):
    module, user, query, scope = report_files
    content, _type, _name = module.export_file(user=user, query=query, scope=scope, fmt="xlsx")
    sheets = _xlsx_cells(content)
    businesses = next(rows for rows in sheets.values() if _has(rows, "Warung Format"))
    header = next(r for r in businesses if any(c.value == "Angkatan (tahun)" for c in r))
    by = {
        c.value: cell for c, cell in zip(header, _row_of(businesses, "Warung Format"), strict=False)
    }
    cohort, since, nib = by["Angkatan (tahun)"], by["Binaan sejak"], by["NIB"]
    assert cohort.value == YEAR_ and cohort.data_type == "n" and cohort.number_format == "0"
    assert since.value == datetime.datetime(2019, 4, 7) and since.number_format == "dd/mm/yyyy"
    assert nib.value == NIB and nib.data_type == "s"
    # Money and percentages in the summary: numbers with the rupiah and the decimal format.
    summary = next(iter(sheets.values()))
    formats_used = {c.number_format for r in summary for c in r if c.data_type == "n"}
    assert '"Rp"#,##0' in formats_used and '0.0"%"' in formats_used
    omzet = [c for r in summary for c in r if c.value == MONEY]
    assert omzet and all(c.number_format == '"Rp"#,##0' for c in omzet)


def _has(rows, text):
    return any(c.value == text for r in rows for c in r)


def test_report_csv_both_variants_through_copy(report_files):
    module, user, query, scope = report_files
    out = {}
    for variant in csv_stream.VARIANTS.values():
        content, name = module.csv_file(
            user=user, query={**query, "csv": variant.key}, scope=scope, table_key="umkm"
        )
        text = b"".join(content).decode("utf-8")
        assert text.startswith("\ufeff"), name
        rows = list(csv.reader(io.StringIO(text[1:]), delimiter=variant.delimiter))
        out[variant.key] = dict(zip(rows[0], _row(rows), strict=True))
        assert name.endswith(f"umkm{variant.filename_suffix}.csv")
    standard, excel = out["standar"], out["excel-id"]
    assert standard["Angkatan (tahun)"] == excel["Angkatan (tahun)"] == "2019"
    assert standard["Binaan sejak"] == "2019-04-07" and excel["Binaan sejak"] == "07/04/2019"
    assert standard["NIB"] == excel["NIB"] == NIB


def test_report_summary_csv_decimal_comma_in_the_excel_variant(report_files):
    module, user, query, scope = report_files
    texts = {}
    for variant in csv_stream.VARIANTS.values():
        content, _name = module.csv_file(
            user=user, query={**query, "csv": variant.key}, scope=scope, table_key="ringkasan"
        )
        texts[variant.key] = "".join(content)
    assert str(MONEY) in texts["standar"] and str(MONEY) in texts["excel-id"]
    assert "1.250.000" not in texts["excel-id"] and "1,250,000" not in texts["standar"]
    decimals = re.findall(r";(\d+,\d+)\r\n", texts["excel-id"])
    assert decimals and not re.findall(r";(\d+\.\d+)\r\n", texts["excel-id"])
    assert re.findall(r",(\d+\.\d+)\r\n", texts["standar"])


def test_report_pdf_text(report_files):
    module, user, query, scope = report_files
    content, _type, _name = module.export_file(user=user, query=query, scope=scope, fmt="pdf")
    with pdfplumber.open(io.BytesIO(content)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert MONEY_TEXT in text
    assert re.search(r"\d+,\d%", text)  # a percentage with a decimal comma
    today = timezone.localdate()
    assert f"Jakarta, {today.day} {MONTHS[today.month - 1]} {today.year}" in text
    assert re.search(r"Dicetak: \d{2}/\d{2}/\d{4} \d{2}\.\d{2} WIB", text)
    assert "2.019" not in text


def test_report_dashboard_page(report_files):
    _module, user, _query, scope = report_files
    page = ProductionClient()
    page.force_login(user)
    html = page.get(f"/laporan/kecamatan/{scope.code}/?tahun=2023").content.decode()
    assert MONEY_TEXT in html
    assert re.search(r">\d+,\d%<", html)


def test_reminder_mail_body(world, django_capture_on_commit_callbacks):
    _fair, business = world
    expires = timezone.localdate() + datetime.timedelta(days=12)
    number = f"2063173010001{expires.year % 100:02d}"
    issued_case(business, "pirt", number=number, issued_on=expires.replace(year=expires.year - 5))
    admin_sudin(username="sudin-mail", email="sudin@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # notify() sends on commit
        call_command("send_certificate_reminders")
    body = mail.outbox[0].body
    assert f"berakhir {expires.day} {MONTHS[expires.month - 1]} {expires.year}" in body
    assert number in body  # an identity number, never grouped
    today = timezone.localdate()
    assert f"{today.day} {MONTHS[today.month - 1]} {today.year}" in mail.outbox[0].subject


# --- The export layer writes each kind so, whatever export uses it ---------------------------


def test_every_column_kind_in_xlsx_and_both_csv():
    columns = [
        Column("d", "d", DATE), Column("t", "t", DATETIME), Column("m", "m", RUPIAH),
        Column("p", "p", PERCENT), Column("y", "y", YEAR), Column("n", "n", CODE),
        Column("i", "i", INT), Column("x", "x", TEXT),
    ]  # fmt: skip
    row = [DAY, AT, MONEY, SHARE, YEAR_, NIK, 1500, "Warung"]
    cells = _xlsx_cells(xlsx.workbook_bytes([xlsx.Sheet("s", columns, [row])]))["s"][1]
    got = [(c.value, c.number_format) for c in cells]
    assert got == [
        (datetime.datetime(2023, 9, 25), "dd/mm/yyyy"),
        (datetime.datetime(2023, 9, 25, 9, 0), 'dd/mm/yyyy hh:mm "WIB"'),
        (MONEY, '"Rp"#,##0'),
        (SHARE, '0.0"%"'),
        (YEAR_, "0"),
        (NIK, "@"),
        (1500, "#,##0"),
        ("Warung", "@"),
    ]
    standard = "".join(csv_stream.stream_csv(columns, [row]))
    excel = "".join(csv_stream.stream_csv(columns, [row], variant=csv_stream.EXCEL_ID))
    assert standard.splitlines()[1] == (
        "2023-09-25,2023-09-25 09:00:00,1250000,12.5,2019,3173024107850001,1500,Warung"
    )
    assert excel.splitlines()[1] == (
        "25/09/2023;25/09/2023 09:00;1250000;12,5;2019;3173024107850001;1500;Warung"
    )


# --- Every registered export (exports.registry) ---------------------------------------------

# Text that should have been a typed cell: a date, a time or a grouped number written as text.
LOOKS_TYPED = re.compile(r"^(\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}-\d{2}-\d{2})( \d{2}[:.]\d{2})?$")
GROUPED_YEAR = re.compile(r"^(19|20)\d\.\d{3}$|^\d\.\d{3}$")


def _csv_rows(file) -> list[list[str]]:
    text = file.content.decode("utf-8")
    assert text.startswith("\ufeff"), file.filename
    excel = file.filename.endswith(csv_stream.EXCEL_ID.filename_suffix + ".csv")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";" if excel else ","))


# Exports that hand a clerk's own uploaded file back (with an error column): in the form it
# came in, separator included, so no second CSV variant.
OWN_FILE_BACK = {"umkm.trainee_import_errors"}


@pytest.mark.parametrize("export", all_exports(), ids=lambda e: e.name)
def test_every_export_writes_the_formats(world, export):
    """Each export's XLSX cells typed (no date or grouped year as text, a year column without
    grouping), and each of its CSVs in both variants with the same cells but for the marks."""
    _fair, business = world
    open_case(business, "pirt", product="Sambal")  # the referral list has a row
    files = list(export.produce(user=admin_sudin(username=f"a-{export.name}"), business=business))
    assert files, export.name
    csvs = {}
    for file in files:
        # The import template's example row is typed by hand into text columns (the importer
        # reads 01-07-1985 as text, umkm.exports.TEXT_KEYS): an input, not a figure.
        input_example = file.filename.startswith("templat-peserta")
        if file.filename.endswith(".xlsx"):
            for rows in _xlsx_cells(file.content).values():
                for row in rows:
                    for c in row:
                        if isinstance(c.value, str) and not input_example:
                            assert not LOOKS_TYPED.match(c.value), (file.filename, c.coordinate)
                        if isinstance(c.value, int) and 1900 <= c.value <= 2100:
                            head = str(rows[_header_index(rows)][c.column - 1].value or "")
                            if "tahun" in head.lower():
                                assert c.number_format == "0", (file.filename, c.coordinate)
        elif file.filename.endswith(".csv"):
            csvs[file.filename] = _csv_rows(file)
    standard = {n: r for n, r in csvs.items() if not n.endswith("-excel-id.csv")}
    if export.name in OWN_FILE_BACK:
        return
    assert len(csvs) == 2 * len(standard), (export.name, sorted(csvs))
    for name, rows in standard.items():
        excel = csvs[name.removesuffix(".csv") + "-excel-id.csv"]
        assert len(excel) == len(rows) and all(
            len(a) == len(b) for a, b in zip(rows, excel, strict=True)
        ), name
        for a_row, b_row in zip(rows, excel, strict=True):
            for a, b in zip(a_row, b_row, strict=True):
                assert not GROUPED_YEAR.match(a) and not GROUPED_YEAR.match(b), (name, a, b)
                # The same cell, or the Excel marks of it: a decimal comma, DD/MM/YYYY (a code
                # such as 31.73 is the same in both).
                assert a == b or (
                    (re.fullmatch(r"-?\d+\.\d+", a) and b == a.replace(".", ","))
                    or (re.fullmatch(r"\d{4}-\d{2}-\d{2}", a) and b == f"{a[8:]}/{a[5:7]}/{a[:4]}")
                    or (
                        re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", a)
                        and b == f"{a[8:10]}/{a[5:7]}/{a[:4]} {a[11:16]}"
                    )
                ), (name, a, b)


def _header_index(rows) -> int:
    """The header row of a sheet: the first with two or more cells, all bold text (the export
    layer's header style; a title row has one cell)."""
    for i, row in enumerate(rows):
        filled = [c for c in row if c.value not in (None, "")]
        if len(filled) > 1 and all(isinstance(c.value, str) and c.font.b for c in filled):
            return i
    raise AssertionError("no header row")
