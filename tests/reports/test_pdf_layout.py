"""Every report PDF an official can download is whole and signed: every table of the report
(walked from the same table list the dashboard and the XLSX use, so a table added later is
checked too) with every column header and every row, cell by cell under its header; no
character past the page's edge; the letterhead, "Halaman X dari Y" on every page, and the
signature block from OFFICE_HEAD_* ("belum diisi" when unset).

The text is read back with pdfplumber: it gives each table's cells (the PDF's tables are
ruled) and each character's position, which pypdf does not; a clipped column's text is still
in the file, only past the page's edge, so finding the text alone would not see it.
"""

import datetime
import io
import re

import pdfplumber
import pytest
from django.core import checks
from django.http import QueryDict
from django.utils import translation

from reports import renderers
from reports.exports import report_context
from reports.selectors import city_scope, kecamatan_scope
from reports.tables import INT, RUPIAH, TEXT, Column, Table
from reports.templatetags.report_tags import figure
from tests.factories import TrainingFactory, pejabat
from tests.reports.conftest import body, collected
from tests.reports.factories import CITY, GROGOL
from umkm.models import Kecamatan

pytestmark = pytest.mark.django_db

PERIODS = ["tahun=2023", "dari=2023-02-01&sampai=2023-08-31"]
HEAD = {"OFFICE_HEAD_NAME": "Drs. Budi Santoso, M.Si.", "OFFICE_HEAD_NIP": "196801011990031005"}


def _squash(text) -> str:
    """Cell text without its white space: wrapping a cell over lines must not matter."""
    return re.sub(r"\s+", "", str(text or ""))


def _pdf(client, scope: str, query: str) -> bytes:
    url = "/laporan/ekspor/pdf/" if scope == CITY else f"/laporan/kecamatan/{scope}/ekspor/pdf/"
    response = collected(client.get(f"{url}?{query}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return body(response)


def _fragments(doc) -> list[list[list[str]]]:
    """Every ruled table on every page, in reading order, its cells squashed (None: empty)."""
    found = []
    for page in doc.pages:
        for table in page.find_tables():
            rows = [[None if c is None else _squash(c) for c in row] for row in table.extract()]
            found.append(rows)
    return found


def _expected(table) -> tuple[list[str], list[list[str]]]:
    headers = [_squash(c.header) for c in table.columns]
    rows = [
        [_squash(figure(v, table.kind(r, c))) for c, v in enumerate(values)]
        for r, (_key, values) in enumerate(table.rows)
    ]
    return headers, rows


def assert_tables_whole(doc, tables) -> None:
    """Each table is printed as one or more parts of whole columns (the row's name repeated):
    every part starts on every page with its header row, and together the parts hold every
    cell of the table, in its row and under its header."""
    fragments = _fragments(doc)
    position = 0
    for table in tables:
        headers, rows = _expected(table)
        assert len(set(headers)) == len(headers), table.key  # a header names one column
        seen: dict[str, list[str]] = {}  # header -> the column's cells, top to bottom
        # This table's fragments follow the previous table's, in the document's order.
        while position < len(fragments):
            fragment = fragments[position]
            head = [h for h in fragment[0] if h is not None]
            if not head or head[0] != headers[0] or not set(head) <= set(headers):
                if seen:
                    break
                position += 1  # a chart's grid lines, read as a table: not ours
                continue
            position += 1
            for i, header in enumerate(head):
                seen.setdefault(header, []).extend(
                    (row + [None] * len(head))[i] for row in fragment[1:]
                )
        assert seen, f"table {table.key!r} ({table.title}) is not in the PDF"
        assert set(seen) == set(headers), (table.key, set(headers) - set(seen))
        if not rows:
            nothing = _squash(translation.gettext("Nothing in this period."))
            assert seen[headers[0]] == [nothing], (table.key, seen[headers[0]])
            continue
        for c, header in enumerate(headers):
            # A column printed in several parts (the row's name) holds its rows once per part.
            column = [row[c] for row in rows]
            printed = seen[header]
            parts = len(printed) // len(rows)
            assert parts >= 1 and printed == column * parts, (table.key, header, printed, column)


def _phrases(doc) -> list[str]:
    """Runs of words printed together outside the tables' cells: one size, one line, a word
    space apart (two headings side by side are apart more)."""
    found = []
    for page in doc.pages:
        cells = [t.bbox for t in page.find_tables()]
        words = [
            w
            for w in page.extract_words(extra_attrs=["size"])
            if not any(x0 <= w["x0"] and w["x1"] <= x1 and top <= w["top"] <= bottom
                       for x0, top, x1, bottom in cells)
        ]  # fmt: skip
        words.sort(key=lambda w: (round(w["top"]), w["x0"]))
        run, last = [], None
        for word in words:
            if (
                last is not None
                and round(word["top"]) == round(last["top"])
                and abs(word["size"] - last["size"]) < 0.1
                and word["x0"] - last["x1"] < 0.5 * word["size"]
            ):
                run.append(word["text"])
            else:
                if run:
                    found.append(" ".join(run))
                run = [word["text"]]
            last = word
        if run:
            found.append(" ".join(run))
    return found


def assert_nothing_past_the_edge(doc) -> None:
    for number, page in enumerate(doc.pages, start=1):
        outside = [
            c["text"]
            for c in page.chars
            if c["x0"] < 0 or c["x1"] > page.width + 0.5 or c["bottom"] > page.height + 0.5
        ]
        assert not outside, f"page {number}: {''.join(outside)[:80]!r} runs past the page"


def assert_pages_numbered(doc) -> None:
    pages = len(doc.pages)
    assert pages >= 2
    for number, page in enumerate(doc.pages, start=1):
        assert f"Halaman {number} dari {pages}" in page.extract_text(), number


@pytest.fixture
def long_training(world):
    """A training whose title and place run over several lines in their columns."""
    return TrainingFactory(
        title="Pelatihan Pengemasan, Pelabelan dan Pemasaran Digital Produk Pangan Olahan "
        "bagi UMKM Binaan Angkatan Kedua Belas Tahun Anggaran 2023",
        place="Aula Serbaguna Lantai 3 Kantor Kecamatan Grogol Petamburan, "
        "Jl. Dr. Semeru No. 1, Jakarta Barat",
        organiser="Suku Dinas Perindustrian, Perdagangan, Koperasi, Usaha Kecil dan Menengah",
        kecamatan=Kecamatan.objects.get(code=GROGOL),
        start_date=datetime.date(2023, 4, 10),
        end_date=datetime.date(2023, 4, 12),
    )


@pytest.mark.parametrize("query", PERIODS)
@pytest.mark.parametrize("scope", [CITY, GROGOL])
def test_every_report_pdf_prints_every_table_whole_and_signed(
    world, long_training, pejabat_client, settings, scope, query
):
    for name, value in HEAD.items():
        setattr(settings, name, value)
    settings.OFFICE_ADDRESS = "Jl. Raya Kembangan No. 2, Kembangan, Jakarta Barat 11610"
    pdf = _pdf(pejabat_client, scope, query)
    with translation.override("id"):
        the_scope = city_scope() if scope == CITY else kecamatan_scope(scope)
        context = report_context(user=pejabat(), query=QueryDict(query), scope=the_scope)
        tables = context["table_list"]
        assert len(tables) >= 10  # the report's own, and those its sections add
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            assert_tables_whole(doc, tables)
            assert_nothing_past_the_edge(doc)
            assert_pages_numbered(doc)
            text = "\n".join(page.extract_text() for page in doc.pages)
            phrases = _phrases(doc)
            first = doc.pages[0].extract_text()
    assert settings.OFFICE_NAME.upper() in first
    assert settings.OFFICE_ADDRESS in first
    assert context["title"] in re.sub(r"\s+", " ", first)
    assert context["period_text"] in first
    last = text[text.rindex("Jakarta, ") :]
    assert HEAD["OFFICE_HEAD_NAME"] in last and f"NIP {HEAD['OFFICE_HEAD_NIP']}" in last
    assert settings.OFFICE_HEAD_TITLE in last
    assert "belum diisi" not in text
    # Each table's title once: as its section's heading, never again as a caption.
    for table in tables:
        assert phrases.count(str(table.title)) == 1, (table.title, phrases.count(table.title))


def test_pdf_prints_a_name_that_looks_like_markup_as_it_is_written(world, pejabat_client):
    """ReportLab's paragraphs read a little markup: a training named like a tag prints its
    name, it does not change the page."""
    TrainingFactory(
        title='Kopi & Teh <b>Nusantara</b> <font size="60">besar</font> &amp; <br/>',
        place="Aula <i>Utama</i>",
        kecamatan=Kecamatan.objects.get(code=GROGOL),
        start_date=datetime.date(2023, 5, 2),
        end_date=datetime.date(2023, 5, 3),
    )
    with translation.override("id"):
        context = report_context(
            user=pejabat(), query=QueryDict("tahun=2023"), scope=kecamatan_scope(GROGOL)
        )
    with pdfplumber.open(io.BytesIO(_pdf(pejabat_client, GROGOL, "tahun=2023"))) as doc:
        assert_tables_whole(doc, context["table_list"])
        sizes = {round(c["size"]) for page in doc.pages for c in page.chars}
        text = "".join(page.extract_text() for page in doc.pages)
    assert max(sizes) <= 14  # the title's 14 pt is the largest type: no <font size="60">
    assert _squash('<font size="60">besar</font> &amp; <br/>') in _squash(text)


def test_a_wide_logo_and_many_sectors_still_make_a_pdf(world, pejabat_client, settings, tmp_path):
    """A letterhead banner as the logo (7:1) is made lower, not the office's name narrower;
    a sector chart taller than a page (staff add sectors) is drawn smaller: both used to stop
    every PDF with a layout error."""
    from PIL import Image

    from umkm.models import Sector

    logo = tmp_path / "kop.png"
    Image.new("RGB", (2000, 280), "#b4232a").save(logo)
    settings.OFFICE_LOGO = str(logo)
    settings.OFFICE_ADDRESS = "Jl. Raya Kembangan No. 2, Kembangan, Jakarta Barat 11610"
    Sector.objects.bulk_create(
        [Sector(code=f"uji-{n}", name=f"Sektor uji {n}", order=100 + n) for n in range(24)]
    )
    with pdfplumber.open(io.BytesIO(_pdf(pejabat_client, GROGOL, "tahun=2023"))) as doc:
        first = doc.pages[0]
        image = first.images[0]
        assert image["x1"] - image["x0"] <= 0.26 * first.width  # a quarter of the width
        assert _squash(settings.OFFICE_NAME.upper()) in _squash(first.extract_text())
        text = "".join(page.extract_text() for page in doc.pages)
        assert_nothing_past_the_edge(doc)
    assert "Sektor uji 23" in text


def test_pdf_without_the_head_of_office_says_belum_diisi(world, pejabat_client, settings):
    settings.OFFICE_HEAD_NAME = ""
    settings.OFFICE_HEAD_NIP = " "
    with pdfplumber.open(io.BytesIO(_pdf(pejabat_client, GROGOL, "tahun=2023"))) as doc:
        last = doc.pages[-1].extract_text()
    signature = last[last.rindex("Jakarta, ") :]
    assert "Nama: belum diisi" in signature
    assert "NIP belum diisi" in signature
    assert "(nama Kepala" not in signature and "(NIP)" not in signature


def test_pdf_letterhead_carries_the_office_logo(world, pejabat_client, settings, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (60, 60), "#b4232a").save(logo)
    settings.OFFICE_LOGO = str(logo)
    with pdfplumber.open(io.BytesIO(_pdf(pejabat_client, GROGOL, "tahun=2023"))) as doc:
        first = doc.pages[0]
        assert first.images, "the logo is not on the first page"
        assert first.images[0]["top"] < 100  # in the letterhead, above the title
        assert not any(page.images for page in doc.pages[1:])
    settings.OFFICE_LOGO = str(tmp_path / "missing.png")
    with pdfplumber.open(io.BytesIO(_pdf(pejabat_client, GROGOL, "tahun=2023"))) as doc:
        assert not doc.pages[0].images  # printed without it (and `check` says so, below)


def test_a_table_wider_than_the_page_is_split_into_parts_printed_whole(world, settings):
    """A table added later with many columns (a trend over many years, say) is printed in
    parts that each fit the page, the row's name repeated, each cell once."""
    for name, value in HEAD.items():
        setattr(settings, name, value)
    years = list(range(2005, 2027))
    wide = Table(
        "uji_lebar",
        "Tren per tahun (uji)",
        [
            Column("code", "Kode", "code", 14),
            Column("name", "Kecamatan", TEXT, 24),
            *[Column(f"y{y}", f"Omzet {y}", RUPIAH, 18) for y in years],
            Column("total", "Jumlah UMKM", INT),
        ],
        [
            (code, (code, f"Kecamatan Uji {i}", *[i * 10**9 + y for y in years], i))
            for i, code in ((i, f"31.73.0{i}") for i in range(1, 9))
        ],
    )
    assert len(renderers.pdf_parts(wide)) >= 3
    with translation.override("id"):
        context = report_context(
            user=pejabat(), query=QueryDict("tahun=2023"), scope=kecamatan_scope(GROGOL)
        )
        context["table_list"] = [*context["table_list"], wide]
        pdf = renderers.render_pdf(context, None)
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            assert_tables_whole(doc, context["table_list"])
            assert_nothing_past_the_edge(doc)
            assert_pages_numbered(doc)


def _warnings() -> dict[str, str]:
    found = checks.run_checks(tags=["reports"])
    return {w.id: w.msg for w in found if w.id.startswith("reports.")}


def test_check_warns_while_the_signature_block_is_not_filled_in(settings, tmp_path):
    settings.OFFICE_HEAD_NAME = ""
    settings.OFFICE_HEAD_NIP = ""
    settings.OFFICE_ADDRESS = ""
    settings.OFFICE_LOGO = str(tmp_path / "missing.png")
    warned = _warnings()
    assert {"reports.W001", "reports.W002", "reports.W004", "reports.W005"} <= set(warned)
    assert all(
        w.level == checks.WARNING
        for w in checks.run_checks(tags=["reports"])
        if w.id.startswith("reports.")
    )

    settings.OFFICE_HEAD_NIP = "1968-01"
    assert "reports.W003" in _warnings()

    settings.OFFICE_LOGO = str(tmp_path / "logo.svg")  # ReportLab draws PNG and JPEG only
    (tmp_path / "logo.svg").write_text("<svg/>")
    assert "is not a PNG or JPEG file" in _warnings()["reports.W004"]

    fonts = settings.PDF_FONT_DIR
    settings.PDF_FONT_DIR = str(tmp_path)  # no DejaVu Sans there: no PDF can be drawn
    errors = [e for e in checks.run_checks(tags=["reports"]) if e.id == "reports.E001"]
    assert errors and errors[0].level == checks.ERROR and "DejaVuSans.ttf" in errors[0].msg
    settings.PDF_FONT_DIR = fonts

    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings.OFFICE_HEAD_NAME = "Drs. Budi Santoso"
    settings.OFFICE_HEAD_NIP = "196801011990031005"
    settings.OFFICE_ADDRESS = "Jl. Raya Kembangan No. 2"
    settings.OFFICE_LOGO = str(tmp_path / "logo.png")
    assert _warnings() == {}
