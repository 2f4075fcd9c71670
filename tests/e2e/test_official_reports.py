"""A Pejabat on a laptop reads the reports: the city report, then a kecamatan and a year; the
XLSX and the PDF downloaded from the page hold the figures the page shows. Accessible."""

import datetime
import io
import re

import openpyxl
import pdfplumber
from playwright.sync_api import expect

from tests.bazaars.factories import VenueFactory
from tests.e2e.helpers import (
    assert_keyboard_focus_visible,
    assert_no_serious_axe_violations,
    login_admin,
    screenshot,
    visit,
)
from tests.factories import pejabat
from tests.reports.factories import build_world

PASSWORD = "kata-sandi-uji-123"

# Every figure the page shows: the summary cards and each table's rows, with the machine value
# (data-value) and the text as displayed.
_PAGE_FIGURES = """() => ({
    summary: [...document.querySelectorAll(".figure-card")].map((card) => ({
        label: card.querySelector(".figure-label").innerText.trim(),
        value: card.querySelector("[data-figure]").dataset.value,
        text: card.querySelector("[data-figure]").innerText.trim(),
    })),
    tables: [...document.querySelectorAll("table.report-table")].map((table) => ({
        key: table.id.replace("tabel-", ""),
        rows: [...table.querySelectorAll("tbody tr")]
            .filter((tr) => tr.querySelector("[data-figure]"))
            .map((tr) => [...tr.querySelectorAll("[data-figure]")].map((c) => ({
                value: c.dataset.value, text: c.innerText.trim(),
            }))),
    })),
})"""


def _cell(value) -> str:
    """A spreadsheet cell as the page's data-value writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in "=+-@":
        return value[1:]  # a text protected from being read as a formula
    return str(value)


def _same(shown: str, in_file: str) -> bool:
    if shown == in_file:
        return True
    try:
        return float(shown) == float(in_file)  # 15 and 15.0
    except ValueError:
        return False


def _check_xlsx(path, page_figures):
    workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))  # the path has no .xlsx
    summary = {
        row[0]: _cell(row[1])
        for row in workbook.worksheets[0].iter_rows(values_only=True)
        if row and row[0] and len(row) > 1
    }
    for card in page_figures["summary"]:
        assert card["label"] in summary, f"{card['label']!r} missing from the XLSX summary"
        assert _same(card["value"], summary[card["label"]]), (card, summary[card["label"]])
    tables = page_figures["tables"]
    # Sheet 1 is the summary; then one sheet per table, in the page's order.
    for table, sheet in zip(tables, workbook.worksheets[1:], strict=False):
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(rows) == len(table["rows"]), (table["key"], sheet.title)
        for shown, in_file in zip(table["rows"], rows, strict=True):
            for cell, value in zip(shown, in_file, strict=True):
                assert _same(cell["value"], value), (table["key"], shown, in_file)
    return len(tables)


def _check_pdf(path, page_figures):
    with pdfplumber.open(path) as doc:  # a table's row as one line, cells by position
        text = "\n".join(page.extract_text() for page in doc.pages)
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    for card in page_figures["summary"]:
        assert any(line.endswith(" " + card["text"]) for line in lines), card
    for table in page_figures["tables"]:
        if table["key"] != "wilayah":
            continue
        for row in table["rows"]:
            code, figures = row[0]["text"], " ".join(c["text"] for c in row[2:])
            line = next((line for line in lines if line.startswith(code + " ")), None)
            assert line is not None and line.endswith(" " + figures), (code, figures, line)
    return text


def test_official_reads_the_reports_and_the_downloads_match_the_page(laptop_page, settings):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False  # the world's Kuliner sellers hold none
    # The report shows the venues' numbered names: numbered from 1 whatever ran before, so the
    # screenshots stay the same from run to run.
    VenueFactory.reset_sequence(1)
    build_world()
    pejabat(username="bu.pejabat", first_name="Ratna")
    page = laptop_page
    login_admin(page, "bu.pejabat", PASSWORD)

    visit(page, "/laporan/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".figure-card").first).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("navigation", name="Laporan kecamatan").get_by_role(
        "link", name="Grogol Petamburan"
    ).click()
    expect(page).to_have_url(re.compile(r"/laporan/kecamatan/31\.73\.02/"))
    page.get_by_role("group", name="Tahun").get_by_role("link", name="2023", exact=True).click()
    expect(page).to_have_url(re.compile(r"/laporan/kecamatan/31\.73\.02/\?tahun=2023$"))
    expect(page.locator("#periode")).to_contain_text("2023")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grogol Petamburan")
    assert_no_serious_axe_violations(page)
    screenshot(page, "report-kecamatan")
    focus_order = assert_keyboard_focus_visible(page)
    assert focus_order[0].startswith('a "Lewati'), focus_order[:3]  # the skip link comes first

    figures = page.evaluate(_PAGE_FIGURES)
    by_key = {card["label"]: card["value"] for card in figures["summary"]}
    assert any(value not in ("", "0") for value in by_key.values()), by_key
    wilayah = next(t for t in figures["tables"] if t["key"] == "wilayah")
    assert {row[0]["value"] for row in wilayah["rows"]} >= {"31.73.02.1002", "31.73.02.1003"}

    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    assert _check_xlsx(xlsx.value.path(), figures) >= 8

    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF untuk dicetak").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    text = _check_pdf(pdf.value.path(), figures)
    assert "2023" in text and "Grogol Petamburan" in text

    # Back to the whole city for the same year.
    page.get_by_role("link", name="Seluruh kota").click()
    expect(page).to_have_url(re.compile(r"/laporan/\?tahun=2023$"))
    expect(page.locator("#periode")).to_contain_text("2023")
    assert_no_serious_axe_violations(page)
    screenshot(page, "report-city")
