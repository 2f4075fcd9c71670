"""Render the report's tables as XLSX, CSV and PDF. The figures come from reports.tables only."""

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from config import formats
from exports import xlsx
from exports.columns import TEXT
from exports.csv_stream import STANDARD, Variant, stream_csv
from exports.sql import stream_copy_csv

XLSX_CONTENT_TYPE = xlsx.CONTENT_TYPE


def period_text(period) -> str:
    if period.year:
        return _("Year %(year)s") % {"year": period.year}
    return _("%(start)s to %(end)s") % {
        "start": formats.date_short(period.start),
        "end": formats.date_short(period.end),
    }


def month_label(month: datetime.date) -> str:
    return formats.month_text(month)


# What the report's rendered tables are made from besides the report itself: a page's tables
# kept under a report's key (reports/dashboard.html) are kept under this too, so that a
# release that changes the templates or the cells' code never serves the old markup.
_RENDERED_FROM = [
    "templates/reports",
    "templatetags/report_tags.py",
    "tables.py",
    "charts.py",
    "renderers.py",
]


@functools.cache
def render_token() -> str:
    """A digest of the sources in _RENDERED_FROM, read once per process."""
    import hashlib

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _RENDERED_FROM:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def report_title(report) -> str:
    if report.scope.is_city:
        return _("UMKM binaan report, %(area)s") % {"area": report.scope.name}
    return _("UMKM binaan report, Kecamatan %(area)s") % {"area": report.scope.name}


# --- XLSX (exports.xlsx) --------------------------------------------------------------------


def _sheet(table, *, title_rows: list[str] = ()) -> xlsx.Sheet:
    per_row = table.row_kinds_at if getattr(table, "row_kinds", None) else None
    return xlsx.Sheet(str(table.title), table.columns, table.values(), list(title_rows), per_row)


def render_xlsx(report, tables: list, query_tables: list) -> bytes:
    printed = formats.datetime_short(timezone.now())
    title_rows = [
        report_title(report),
        _("Period: %(period)s") % {"period": period_text(report.period)},
        _("Printed: %(when)s") % {"when": printed},
        settings.OFFICE_NAME,
    ]
    sheets = [_sheet(tables[0], title_rows=title_rows)]
    sheets += [_sheet(table) for table in tables[1:]]
    sheets += [_sheet(table) for table in query_tables]
    return xlsx.workbook_bytes(sheets)


# --- CSV (exports.csv_stream, exports.sql) -----------------------------------------------------


def stream_table_csv(table, variant: Variant = STANDARD) -> Iterator[str]:
    per_row = table.row_kinds_at if getattr(table, "row_kinds", None) else None
    return stream_csv(table.columns, table.values(), kinds=per_row, variant=variant)


def stream_query_csv(table, variant: Variant = STANDARD) -> Iterator[bytes]:
    """Postgres writes the CSV itself (COPY ... TO STDOUT): flat memory, no Python per row.

    The rows' SQL is the queryset the XLSX iterates, so both files hold the same rows.
    """
    return stream_copy_csv(table.queryset(), table.columns, variant=variant)


# --- PDF layout (drawn by reports.pdf) -------------------------------------------------------
#
# A4 landscape. Every table is printed whole: its columns get widths computed here from what
# they hold (numbers never wrap, text wraps), and a table too wide for the page is split into
# parts of whole columns, each repeating the row's name; the header row repeats on every page
# a part runs over. Nothing here knows a table by name: a table added to the report
# later is laid out by the same rule.

PAGE_WIDTH_MM = 297 - 2 * 14  # A4 landscape less the side margins of reports.pdf
TABLE_FONT_PT = 8
_EM_MM = TABLE_FONT_PT * 25.4 / 72
PAGE_EM = PAGE_WIDTH_MM / _EM_MM * 0.98  # a little room for the estimate's error
CELL_PADDING_EM = 1.0  # padding and rules, both sides
SAFETY = 1.03  # reports.pdf draws without kerning: a little room for rounding
TEXT_MIN_CHARS = 12  # a text column is never narrower (longer words break)


# Advance widths (em) of DejaVu Sans, the PDF's font, regular and bold: (characters, regular,
# bold). Other characters count as a wide letter.
_GLYPH_GROUPS = [
    ("'", 0.275, 0.306),
    ("ijl", 0.278, 0.343),
    ("IJ", 0.295, 0.372),
    (" ", 0.318, 0.348),
    (".,", 0.318, 0.38),
    ("/", 0.337, 0.365),
    (":;", 0.337, 0.4),
    ("f", 0.352, 0.435),
    ("-", 0.361, 0.415),
    ("()", 0.39, 0.457),
    ("t", 0.392, 0.478),
    ("r", 0.411, 0.493),
    ("–", 0.5, 0.5),
    ("s", 0.521, 0.595),
    ("z", 0.525, 0.582),
    ("c", 0.55, 0.593),
    ("L", 0.557, 0.637),
    ("F", 0.575, 0.683),
    ("k", 0.579, 0.665),
    ("x", 0.592, 0.645),
    ("vy", 0.592, 0.652),
    ("P", 0.603, 0.733),
    ("T", 0.611, 0.682),
    ("Y", 0.611, 0.724),
    ("o", 0.612, 0.687),
    ("a", 0.613, 0.675),
    ("e", 0.615, 0.678),
    ("E", 0.632, 0.683),
    ("hnu", 0.634, 0.712),
    ("bdgpq", 0.635, 0.716),
    ("S", 0.635, 0.72),
    ("0123456789", 0.636, 0.696),
    ("K", 0.656, 0.775),
    ("AV", 0.684, 0.774),
    ("Z", 0.685, 0.725),
    ("X", 0.685, 0.771),
    ("B", 0.686, 0.762),
    ("R", 0.695, 0.77),
    ("C", 0.698, 0.734),
    ("U", 0.732, 0.812),
    ("N", 0.748, 0.837),
    ("H", 0.752, 0.837),
    ("D", 0.77, 0.83),
    ("G", 0.775, 0.821),
    ("&", 0.78, 0.872),
    ("OQ", 0.787, 0.85),
    ("w", 0.818, 0.924),
    ("+", 0.838, 0.838),
    ("M", 0.863, 0.995),
    ("%", 0.95, 1.002),
    ("m", 0.974, 1.042),
    ("W", 0.989, 1.103),
    ("—", 1.0, 1.0),
]
_WIDTHS = {ch: (regular, bold) for chars, regular, bold in _GLYPH_GROUPS for ch in chars}
_OTHER = (0.7, 0.78)


def text_em(text: str, *, bold: bool = False) -> float:
    """The width of a text in the PDF's font, in em."""
    i = 1 if bold else 0
    return sum(_WIDTHS.get(ch, _OTHER)[i] for ch in text)


@dataclass(frozen=True)
class PdfColumn:
    index: int  # in the table's columns
    header: str
    width: float  # percent of the part's table width
    numeric: bool


@dataclass(frozen=True)
class PdfPart:
    """Some whole columns of a table, as wide as the page allows."""

    table: object
    columns: list[PdfColumn]
    width: float  # percent of the page's width
    number: int
    of: int

    @property
    def indices(self) -> list[int]:
        return [c.index for c in self.columns]

    @property
    def css_width(self) -> str:
        """The whole width, or a narrow table's own size (in mm: the same beside another)."""
        if self.width >= 100:
            return "100%"
        return f"{self.width * PAGE_WIDTH_MM / 100:.1f}mm"


COMPACT_ROWS = 16  # a section printed beside another must fit on one page


def compact_sections(tables, parts: dict, charts: dict) -> set[str]:
    """The sections that may sit side by side: one narrow part (under half the page), no
    chart, few rows (a section beside another does not break across pages)."""
    return {
        table.key
        for table in tables
        if table.key not in charts
        and len(parts[table.key]) == 1
        and parts[table.key][0].width < 48
        and len(table.rows) <= COMPACT_ROWS
    }


def _measure(table) -> list[tuple[float, float]]:
    """(least, wanted) width in em of each column: numbers, dates and codes never wrap; text
    and headers wrap between words."""
    from reports.templatetags.report_tags import NUMERIC, figure

    shown = [[str(figure(v, table.kind(r, c))) for c, v in enumerate(values)]
             for r, (_key, values) in enumerate(table.rows)]  # fmt: skip
    # The row's name is a row header, and the total row is bold throughout.
    totals = [key == "total" for key, _values in table.rows]
    sizes = []
    for c, column in enumerate(table.columns):
        header = str(column.header)
        least = max(text_em(word, bold=True) for word in header.split() or [""])
        cells = [(row[c], c == 0 or total) for row, total in zip(shown, totals, strict=True)]
        if column.kind == TEXT:
            longest_word = max(
                (text_em(w, bold=bold) for t, bold in cells for w in t.split()), default=0
            )
            least = max(least, min(longest_word, text_em("m" * TEXT_MIN_CHARS)))
            want = max([text_em(t, bold=bold) for t, bold in cells] + [least])
            want = min(want, max(least, text_em("n" * column.width, bold=c == 0)))
        else:
            least = max([least] + [text_em(t, bold=bold) for t, bold in cells])
            want = least
        if column.kind in NUMERIC:
            want = max(want, text_em(header, bold=True) / 2)  # a header wraps into two lines
        sizes.append(
            (least * SAFETY + CELL_PADDING_EM, max(least, want) * SAFETY + CELL_PADDING_EM)
        )
    return sizes


def _fit(least: list[float], want: list[float], room: float) -> list[float]:
    """Widths within `room`: when the wanted widths do not fit, the widest columns give first
    (every column is capped at one width, found by bisection, never below its least), so that
    long texts wrap into about as many lines each rather than one into many."""
    if sum(want) <= room:
        return want
    low, high = 0.0, max(want)
    for _step in range(40):
        cap = (low + high) / 2
        if sum(max(m, min(w, cap)) for m, w in zip(least, want, strict=True)) > room:
            high = cap
        else:
            low = cap
    return [max(m, min(w, low)) for m, w in zip(least, want, strict=True)]


def _identity_columns(table) -> list[int]:
    """The columns that name a row (a code and a name, or a name): repeated in every part."""
    for c, column in enumerate(table.columns[:2]):
        if column.kind == TEXT:
            return list(range(c + 1))
    return [0]


def pdf_parts(table, *, page_em: float = PAGE_EM) -> list[PdfPart]:
    """The table as one or more parts that each fit the page's width."""
    from reports.templatetags.report_tags import NUMERIC

    sizes = _measure(table)
    groups: list[list[int]] = []
    if sum(least for least, _want in sizes) <= page_em:
        groups.append(list(range(len(sizes))))
    else:
        fixed = _identity_columns(table)
        room = page_em - sum(sizes[c][0] for c in fixed)
        current: list[int] = []
        used = 0.0
        for c in range(len(sizes)):
            if c in fixed:
                continue
            if current and used + sizes[c][0] > room:
                groups.append(fixed + current)
                current, used = [], 0.0
            current.append(c)
            used += sizes[c][0]
        groups.append(fixed + current)
    parts = []
    for n, group in enumerate(groups, start=1):
        least = [sizes[c][0] for c in group]
        want = [sizes[c][1] for c in group]
        want = _fit(least, want, page_em)
        total = sum(want)
        # A table of a few narrow columns keeps its size; a wide one takes the whole page.
        width = 100.0 if total > page_em * 0.6 else round(100 * total / page_em, 2)
        parts.append(
            PdfPart(
                table,
                [
                    PdfColumn(
                        c,
                        str(table.columns[c].header),
                        round(100 * w / total, 3),
                        table.columns[c].kind in NUMERIC,
                    )
                    for c, w in zip(group, want, strict=True)
                ],
                width,
                n,
                len(groups),
            )
        )
    return parts


SCREEN_EM = 74  # a laptop's report column (1,056 px) in the tables' 14 px em


@dataclass(frozen=True)
class ScreenLayout:
    """The dashboard's preferred column widths (percent), by the same measure as the PDF's."""

    widths: list[float]


def screen_layout(table, *, room_em: float = SCREEN_EM) -> ScreenLayout:
    sizes = _measure(table)
    least = [m for m, _w in sizes]
    want = [w for _m, w in sizes]
    want = _fit(least, want, room_em)
    total = sum(want)
    return ScreenLayout([round(100 * w / total, 3) for w in want])


def letterhead() -> dict:
    """The office (letterhead) and who signs, from the OFFICE_* settings; a blank name or NIP
    prints as "belum diisi" (and `manage.py check` warns, reports.checks)."""
    return {
        "name": settings.OFFICE_NAME,
        "address": settings.OFFICE_ADDRESS,
        "logo": settings.OFFICE_LOGO.strip(),
        "head_title": settings.OFFICE_HEAD_TITLE.strip(),
        "head_name": settings.OFFICE_HEAD_NAME.strip(),
        "head_nip": settings.OFFICE_HEAD_NIP.strip(),
    }


def render_pdf(context: dict, request=None) -> bytes:
    """The report's PDF (ReportLab, reports.pdf)."""
    from reports.pdf import build_pdf

    return build_pdf(context)
