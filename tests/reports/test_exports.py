import datetime
import io
import re

import openpyxl
import pdfplumber
import pytest
from django.utils import translation

from certifications.models import CertificateType
from reports.models import ExportLog
from tests.reports.conftest import body, collected, csv_rows
from tests.reports.factories import (
    AREA_COLUMNS,
    CITY,
    GROGOL,
    PROGRAM_COLUMNS,
    SUMMARY_KEYS,
    expected,
    expected_cells,
)
from umkm.models import BusinessStatus, Scale, Sector, Stage

D = datetime.date
pytestmark = pytest.mark.django_db

# The order of the tables in the XLSX sheets (the business list comes last); the ranking of
# kecamatan is the city's only, the trend only for a period over several years.
TABLES = [
    "ringkasan",
    "wilayah",
    "wilayah_program",
    "peringkat",
    "sektor",
    "skala",
    "tahap",
    "gender",
    "usia",
    "omzet",
    "pelatihan",
    "bazar_wilayah",
    "bazar",
    "sertifikat",
]


def _tables(scope: str) -> list[str]:
    return [t for t in TABLES if scope == CITY or t != "peringkat"]


def _area_columns(is_city):
    head = ["active", "new"] + (["target", "target_pct"] if is_city else [])
    return head + [c for c in AREA_COLUMNS if c not in ("active", "new")]


def _file_cells(tables: dict[str, list[list]], exp: dict, scope: str) -> dict[str, str]:
    """Name the figures of an exported file's tables (rows without header) like the
    dashboard's cells, by the position the issue's layout gives them."""
    is_city = scope == CITY
    cells = {}
    for key, row in zip(SUMMARY_KEYS, tables["ringkasan"], strict=False):
        cells[f"ringkasan.{key}.value"] = _s(row[1])
    for row in tables["wilayah"]:
        code = "total" if row[0] == scope else row[0]
        for column, value in zip(_area_columns(is_city), row[2:], strict=True):
            cells[f"wilayah.{code}.{column}"] = _s(value)
    for row in tables["wilayah_program"]:
        code = "total" if row[0] == scope else row[0]
        for column, value in zip(PROGRAM_COLUMNS, row[2:], strict=True):
            cells[f"wilayah_program.{code}.{column}"] = _s(value)
    orders = {
        "sektor": list(Sector.objects.order_by("order", "name").values_list("code", flat=True)),
        "skala": [value or "unknown" for value in Scale.values],
        "tahap": [*Stage.objects.order_by("order").values_list("code", flat=True), "none"],
        "gender": ["L", "P", "unknown"],
        "usia": ["u25", "25_34", "35_44", "45_54", "55", "unknown"],
    }
    for name, keys in orders.items():
        assert len(tables[name]) == len(keys)
        for key, row in zip(keys, tables[name], strict=True):
            cells[f"{name}.{key}.active"], cells[f"{name}.{key}.new"] = _s(row[1]), _s(row[2])
    for row in tables["omzet"]:
        month = row[0] if isinstance(row[0], str) else row[0].date().isoformat()
        for column, value in zip(["sessions", "mentored", "omzet"], row[1:], strict=True):
            cells[f"omzet.{month[:7]}.{column}"] = _s(value)
    training_ids = sorted(exp["trainings"], key=lambda pk: _training_order(pk))
    assert len(tables["pelatihan"]) == len(training_ids)
    for pk, row in zip(training_ids, tables["pelatihan"], strict=True):
        cells[f"pelatihan.{pk}.trainees"], cells[f"pelatihan.{pk}.passed"] = _s(row[8]), _s(row[9])
    for row in tables["bazar_wilayah"]:
        code = "total" if row[0] == scope else row[0]
        for column, value in zip(BAZAAR_AREA_COLUMNS, row[2:], strict=True):
            cells[f"bazar_wilayah.{code}.{column}"] = _s(value)
    bazaar_ids = sorted(exp["bazaar_list"], key=_bazaar_order)
    assert len(tables["bazar"]) == len(bazaar_ids)
    for pk, row in zip(bazaar_ids, tables["bazar"], strict=True):
        for column, value in zip(BAZAAR_COLUMNS, row[4:], strict=True):
            cells[f"bazar.{pk}.{column}"] = _s(value)
    types = CertificateType.objects.order_by("order", "name").values_list("code", flat=True)
    for code, row in zip(types, tables["sertifikat"], strict=True):
        for column, value in zip(CERTIFICATE_COLUMNS, row[1:], strict=True):
            cells[f"sertifikat.{code}.{column}"] = _s(value)
    return cells


BAZAAR_AREA_COLUMNS = [
    "applications",
    "participants",
    "attended",
    "omzet",
    "transactions",
    "per_participant",
    "never",
]
BAZAAR_COLUMNS = [
    "days_held",
    "booths",
    "booths_filled",
    "booth_fill",
    "applications",
    "participants",
    "attended",
    "omzet",
    "transactions",
]
CERTIFICATE_COLUMNS = [
    "valid",
    "valid_pct",
    "in_process",
    "expiring",
    "needed",
    "issued_in_period",
    "rejected",
]


def _bazaar_order(pk):
    from bazaars.models import Bazaar

    z = Bazaar.objects.get(pk=pk)
    return (z.start_date, z.title, z.pk)


def _training_order(pk):
    from umkm.models import Training

    t = Training.objects.get(pk=pk)
    return (t.start_date, t.title, t.pk)


def _s(value) -> str:
    return "" if value is None else str(value)


def _wanted(exp, scope):
    return {
        k: v
        for k, v in expected_cells(exp, is_city=scope == CITY).items()
        if not k.startswith("kartu.")
    }


def _same(a: str | None, b: str) -> bool:
    """Equal, or the same number (a spreadsheet reads 15.0 back as 15)."""
    if a == b:
        return True
    try:
        return a is not None and float(a) == float(b)
    except ValueError:
        return False


def _compare(shown: dict, wanted: dict):
    wrong = {k: (shown.get(k), v) for k, v in wanted.items() if not _same(shown.get(k), v)}
    assert not wrong, f"(in the file, expected): {wrong}"


def _expected_business_rows(exp) -> set[tuple]:
    with translation.override("id"):
        return {
            (
                ("'" + b.name) if re.match(r"[=+\-@\t\r\n]", b.name) else b.name,
                b.sector.name,
                state.kelurahan.name,
                state.kelurahan.kecamatan.name,
                str(Scale(state.scale).label),
                str(BusinessStatus(state.status).label),
                stage,
                str(b.binaan_since.year),
                b.binaan_since.isoformat(),
                b.nib or "",
            )
            for b, state, stage in exp["business_rows"]
        }


def _expected_case_rows(world, exp) -> set[tuple]:
    from certifications.models import CaseStatus

    ours = {b.pk for b in exp["businesses"]}
    with translation.override("id"):
        return {
            (
                c.business.name if c.business.name[0] not in "=+-@" else "'" + c.business.name,
                c.business.kelurahan.name,
                c.business.kelurahan.kecamatan.name,
                c.type.name,
                c.product,
                str(CaseStatus(c.status).label),
                c.number,
                c.issued_on.isoformat() if c.issued_on else "",
                c.expires_on.isoformat() if c.expires_on else "",
            )
            for c in world.cases
            if c.business_id in ours
        }


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx(response):
    response = collected(response)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(body(response)))


def _rows(sheet, header_row: int):
    return [list(r) for r in sheet.iter_rows(min_row=header_row + 1, values_only=True)]


@pytest.mark.parametrize("scope", [CITY, GROGOL])
def test_xlsx_figures_match_the_records(world, pejabat_client, scope):
    url = "/laporan/ekspor/xlsx/" if scope == CITY else f"/laporan/kecamatan/{scope}/ekspor/xlsx/"
    wb = _xlsx(pejabat_client.get(url + "?tahun=2023"))
    exp = expected(world, scope, D(2023, 1, 1), D(2023, 12, 31))
    sheets = wb.worksheets
    tables = {"ringkasan": _rows(sheets[0], 6)}
    for key, sheet in zip(_tables(scope)[1:], sheets[1:], strict=False):
        tables[key] = _rows(sheet, 1)
    _compare(_file_cells(tables, exp, scope), _wanted(exp, scope))

    businesses, cases = sheets[-2], sheets[-1]
    rows = {
        tuple(
            ""
            if v is None
            else v.date().isoformat()
            if isinstance(v, datetime.datetime)
            else str(v)
            for v in row
        )
        for row in _rows(businesses, 1)
    }
    assert rows == _expected_business_rows(exp)
    case_rows = {
        tuple(
            ""
            if v is None
            else v.date().isoformat()
            if isinstance(v, datetime.datetime)
            else str(v)
            for v in row
        )
        for row in _rows(cases, 1)
    }
    assert case_rows == _expected_case_rows(world, exp)


def test_xlsx_is_formatted_and_safe(world, pejabat_client):
    wb = _xlsx(pejabat_client.get(f"/laporan/kecamatan/{GROGOL}/ekspor/xlsx/?tahun=2023"))
    summary, areas, businesses = wb.worksheets[0], wb.worksheets[1], wb.worksheets[-2]
    assert summary.freeze_panes == "A7"
    assert areas.freeze_panes == "A2" and businesses.freeze_panes == "A2"
    assert all(cell.font.b for cell in areas[1])
    assert areas.column_dimensions["B"].width > 10
    program = wb.worksheets[2]
    column = next(program.iter_cols(min_col=9, max_col=9, min_row=2))
    omzet = next(c for c in column if isinstance(c.value, int))
    assert omzet.number_format == '"Rp"#,##0'
    by_name = {row[0].value: row for row in businesses.iter_rows(min_row=2)}
    formula = by_name["'=SUM(A1:A9)"]
    assert formula[0].data_type == "s"
    nib = formula[9]
    assert nib.value == "0012345678901" and nib.data_type == "s" and nib.number_format == "@"
    assert formula[8].number_format == "dd/mm/yyyy"
    for name in ("'+62 Kopi", "'-Rajut Minus", "'@Wangi Parfum"):
        assert name in by_name
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value[:1] in "=+-@\t\r\n"), value


# --- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", [CITY, GROGOL])
def test_csv_figures_match_the_records(world, admin_client_sudin, scope):
    base = "/laporan/ekspor/csv/" if scope == CITY else f"/laporan/kecamatan/{scope}/ekspor/csv/"
    exp = expected(world, scope, D(2023, 1, 1), D(2023, 12, 31))
    tables = {}
    for key in _tables(scope):
        response = admin_client_sudin.get(f"{base}?tahun=2023&tabel={key}")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f"-{key}.csv" in response["Content-Disposition"]
        tables[key] = csv_rows(response)[1:]
    _compare(_file_cells(tables, exp, scope), _wanted(exp, scope))

    response = admin_client_sudin.get(f"{base}?tahun=2023&tabel=umkm")
    assert response.streaming
    rows = csv_rows(response)
    assert len(rows[0]) == 10
    assert {tuple(r) for r in rows[1:]} == _expected_business_rows(exp)
    assert len(rows) - 1 == len(exp["businesses"])

    rows = csv_rows(admin_client_sudin.get(f"{base}?tahun=2023&tabel=sertifikat_kasus"))
    assert {tuple(r) for r in rows[1:]} == _expected_case_rows(world, exp)


def test_csv_of_an_unknown_table_is_not_found(pejabat_client):
    assert pejabat_client.get("/laporan/ekspor/csv/?tabel=nik").status_code == 404
    assert not ExportLog.objects.exists()


def test_csv_escapes_formulas_from_user_data(world, pejabat_client):
    rows = csv_rows(pejabat_client.get("/laporan/ekspor/csv/?tahun=2023&tabel=pelatihan"))
    titles = [r[0] for r in rows[1:]]
    assert "'-Pelatihan Halal" in titles
    rows = csv_rows(pejabat_client.get("/laporan/ekspor/csv/?tahun=2023&tabel=umkm"))
    for row in rows[1:]:
        for value in row:
            assert not value or value[0] not in "=+-@\t\r\n", row
    assert [r[9] for r in rows if r[0] == "'=SUM(A1:A9)"] == ["0012345678901"]


@pytest.mark.parametrize(
    "product",
    ['=HYPERLINK("http://evil.example/","x")', "+1", "-1", "@SUM(A1)", "\t=1", " =1", "＝1"],
)
def test_certificate_case_csv_escapes_the_product(pejabat_client, product):
    from tests.certifications.factories import open_case
    from tests.factories import BusinessFactory

    business = BusinessFactory(name="Usaha Produk Aneh", binaan_since=D(2023, 3, 1))
    case = open_case(business, "pirt", product=product)  # the service trims it
    assert case.product.lstrip()[0] in "=+-@＝"
    url = f"/laporan/kecamatan/{GROGOL}/ekspor/csv/?tahun=2023&tabel=sertifikat_kasus"
    rows = csv_rows(pejabat_client.get(url))
    ours = [r for r in rows[1:] if r[0] == "Usaha Produk Aneh"]
    assert [r[4] for r in ours] == ["'" + case.product]


# --- PDF -----------------------------------------------------------------------------------


def _pdf_text(response) -> str:
    response = collected(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # pdfplumber reads a table's row as one line (cells by position), whatever order the
    # PDF draws them in.
    with pdfplumber.open(io.BytesIO(body(response))) as doc:
        return "\n".join(page.extract_text() for page in doc.pages)


def _id(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}".replace(".", ",") + "%"


@pytest.mark.parametrize("scope", [CITY, GROGOL])
def test_pdf_figures_match_the_records(world, pejabat_client, scope, settings):
    settings.OFFICE_HEAD_NAME = "Drs. Budi Santoso"
    settings.OFFICE_HEAD_NIP = "196801011990031005"
    url = "/laporan/ekspor/pdf/" if scope == CITY else f"/laporan/kecamatan/{scope}/ekspor/pdf/"
    text = _pdf_text(pejabat_client.get(url + "?tahun=2023"))
    exp = expected(world, scope, D(2023, 1, 1), D(2023, 12, 31))
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]

    assert "Tahun 2023" in text or "Year 2023" in text
    assert "Drs. Budi Santoso" in text and "196801011990031005" in text
    assert datetime.date.today().strftime("%d/%m/%Y") in text

    # The summary: one line per figure, its value last.
    summary = exp["summary"]

    def rupiah(v):
        return "–" if v is None else "Rp" + _id(v)

    formats = {"target_pct": _pct, "omzet": rupiah, "bazaar_omzet": rupiah}
    formats.update(omzet_before=rupiah, omzet_change=_pct)
    formats["bazaar_omzet_each"] = rupiah
    formats["bazaar_booth_fill"] = lambda v: "–" if v is None else _pct(v)
    for key in SUMMARY_KEYS:
        value = formats.get(key, _id)(summary[key])
        assert any(line.endswith(" " + value) for line in lines), (key, value)

    # Every area row, and the total: its figures in the order of the columns.
    columns = _area_columns(scope == CITY)
    for code, row in [*exp["areas"].items(), (scope, exp["total"])]:
        wanted = " ".join(
            formats.get(c, _id)(row.get(c, 0)) if c != "target_pct" else _pct(row[c])
            for c in columns
        )
        line = next(line for line in lines if line.startswith(code + " "))
        assert line.endswith(" " + wanted), (line, wanted)


# --- Every export: logged, never cached, no personal data ------------------------------------

EXPORT_URLS = [
    ("xlsx", "", "/laporan/ekspor/xlsx/?tahun=2023", CITY),
    ("pdf", "", f"/laporan/kecamatan/{GROGOL}/ekspor/pdf/?tahun=2023", GROGOL),
    ("csv", "umkm", "/laporan/ekspor/csv/?tahun=2023&tabel=umkm", CITY),
    ("csv", "wilayah", f"/laporan/kecamatan/{GROGOL}/ekspor/csv/?tahun=2023&tabel=wilayah", GROGOL),
    ("csv", "ringkasan", "/laporan/ekspor/csv/?dari=2023-02-01&sampai=2023-03-31", CITY),
]


@pytest.mark.parametrize(("fmt", "table", "url", "scope"), EXPORT_URLS)
def test_every_export_is_logged_and_not_cached(world, pejabat_client, fmt, table, url, scope):
    response = collected(pejabat_client.get(url))
    assert response.status_code == 200
    body(response)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    log = ExportLog.objects.get()
    assert (log.user.username, log.format, log.table, log.scope) == (
        "pejabat-laporan",
        fmt,
        table,
        scope,
    )
    if "dari" in url:
        assert (log.period_start, log.period_end) == (D(2023, 2, 1), D(2023, 3, 31))
    else:
        assert (log.period_start, log.period_end) == (D(2023, 1, 1), D(2023, 12, 31))


def test_dashboard_is_not_cached(pejabat_client):
    assert "no-store" in pejabat_client.get("/laporan/")["Cache-Control"]


def _personal_values(world) -> list[str]:
    values = []
    for owner in world.owners:
        values += [owner.nik, owner.phone, owner.phone.removeprefix("+62"), owner.address]
    return [v for v in values if v]


def test_no_personal_data_in_any_report_or_export(world, admin_client_sudin):
    """Admin Sudin may see NIK and phone in the admin, never in a report."""
    personal = _personal_values(world)
    assert len(personal) >= 30
    contents = [
        admin_client_sudin.get("/laporan/?tahun=2023").content.decode(),
        admin_client_sudin.get(f"/laporan/kecamatan/{GROGOL}/?tahun=2023").content.decode(),
        _pdf_text(admin_client_sudin.get("/laporan/ekspor/pdf/?tahun=2023")),
    ]
    for table in [*TABLES, "umkm", "sertifikat_kasus"]:
        response = admin_client_sudin.get(f"/laporan/ekspor/csv/?tahun=2023&tabel={table}")
        contents.append(body(response).decode())
    wb = _xlsx(admin_client_sudin.get("/laporan/ekspor/xlsx/?tahun=2023"))
    contents.append(
        "\n".join(
            str(v)
            for sheet in wb.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    )
    for content in contents:
        for value in personal:
            assert value not in content
