"""Render the report's tables as XLSX, CSV and PDF. The figures come from reports.tables only."""

import base64
import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from exports import xlsx
from exports.columns import TEXT
from exports.csv_stream import stream_csv
from exports.sql import stream_copy_csv

XLSX_CONTENT_TYPE = xlsx.CONTENT_TYPE


def period_text(period) -> str:
    if period.year:
        return _("Year %(year)s") % {"year": period.year}
    return _("%(start)s to %(end)s") % {
        "start": period.start.strftime("%d/%m/%Y"),
        "end": period.end.strftime("%d/%m/%Y"),
    }


def month_label(month: datetime.date) -> str:
    return date_format(month, "M Y")


def report_title(report) -> str:
    if report.scope.is_city:
        return _("UMKM binaan report, %(area)s") % {"area": report.scope.name}
    return _("UMKM binaan report, Kecamatan %(area)s") % {"area": report.scope.name}


# --- XLSX (exports.xlsx) --------------------------------------------------------------------


def _sheet(table, *, title_rows: list[str] = ()) -> xlsx.Sheet:
    per_row = table.row_kinds_at if getattr(table, "row_kinds", None) else None
    return xlsx.Sheet(str(table.title), table.columns, table.values(), list(title_rows), per_row)


def render_xlsx(report, tables: list, query_tables: list) -> bytes:
    printed = timezone.localtime().strftime("%d/%m/%Y %H:%M")
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


def stream_table_csv(table) -> Iterator[str]:
    per_row = table.row_kinds_at if getattr(table, "row_kinds", None) else None
    return stream_csv(table.columns, table.values(), kinds=per_row)


def stream_query_csv(table) -> Iterator[bytes]:
    """Postgres writes the CSV itself (COPY ... TO STDOUT): flat memory, no Python per row.

    The rows' SQL is the queryset the XLSX iterates, so both files hold the same rows.
    """
    return stream_copy_csv(table.queryset(), table.columns)


# --- PDF (WeasyPrint) ------------------------------------------------------------------------
#
# A4 landscape. Every table is printed whole: its columns get widths computed here from what
# they hold (numbers never wrap, text wraps), and a table too wide for the page is split into
# parts of whole columns, each repeating the row's name; WeasyPrint repeats the header row on
# every page a part runs over. Nothing here knows a table by name: a table added to the report
# later is laid out by the same rule.

PAGE_WIDTH_MM = 297 - 2 * 14  # A4 landscape less the @page margins in css/reports.css
TABLE_FONT_PT = 8
_EM_MM = TABLE_FONT_PT * 25.4 / 72
PAGE_EM = PAGE_WIDTH_MM / _EM_MM * 0.98  # a little room for the estimate's error
CELL_PADDING_EM = 1.0  # padding and rules, both sides
SAFETY = 1.06  # the estimate errs on the wide side
TEXT_MIN_CHARS = 12  # a text column is never narrower (longer words break)
BOLD = 1.12


def text_em(text: str, *, bold: bool = False) -> float:
    """The width of a text in DejaVu Sans, in em (glyph classes averaged; within a few %)."""
    width = 0.0
    for ch in text:
        if ch.isdigit():
            width += 0.636
        elif ch.isupper():
            width += 0.68
        elif ch.isalpha():
            width += 0.57
        else:
            width += 0.42
    return width * (BOLD if bold else 1)


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


def _measure(table) -> list[tuple[float, float]]:
    """(least, wanted) width in em of each column: numbers, dates and codes never wrap; text
    and headers wrap between words."""
    from reports.templatetags.report_tags import NUMERIC, figure

    shown = [[str(figure(v, table.kind(r, c))) for c, v in enumerate(values)]
             for r, (_key, values) in enumerate(table.rows)]  # fmt: skip
    sizes = []
    for c, column in enumerate(table.columns):
        bold = c == 0  # the row's name is a row header
        header = str(column.header)
        least = max(text_em(word, bold=True) for word in header.split() or [""])
        cells = [row[c] for row in shown]
        if column.kind == TEXT:
            longest_word = max((text_em(w, bold=bold) for t in cells for w in t.split()), default=0)
            least = max(least, min(longest_word, text_em("m" * TEXT_MIN_CHARS)))
            want = max([text_em(t, bold=bold) for t in cells] + [least])
            want = min(want, max(least, text_em("n" * column.width, bold=bold)))
        else:
            least = max([least] + [text_em(t, bold=bold) for t in cells])
            want = least
        if column.kind in NUMERIC:
            want = max(want, text_em(header, bold=True) / 2)  # a header wraps into two lines
        sizes.append(
            (least * SAFETY + CELL_PADDING_EM, max(least, want) * SAFETY + CELL_PADDING_EM)
        )
    return sizes


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
        if sum(want) > page_em:
            # Squeeze the columns that wrap, each in proportion to what it can give.
            give = sum(w - m for w, m in zip(want, least, strict=True))
            share = min(1.0, (sum(want) - page_em) / give) if give else 0
            want = [w - share * (w - m) for w, m in zip(want, least, strict=True)]
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


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(*, title: str, period: str) -> str:
    """The running footer: the report and its period on the left, "Halaman X dari Y" on the
    right (CSS counters inside the translated sentence)."""
    sentence = _("Page %(page)s of %(pages)s")
    pieces = []
    for i, text in enumerate(sentence.replace("%(pages)s", "\0").split("%(page)s")):
        if i:
            pieces.append("counter(page)")
        for j, rest in enumerate(text.split("\0")):
            if j:
                pieces.append("counter(pages)")
            if rest:
                pieces.append(_css_string(rest))
    left = _css_string(f"{title} · {period}")
    return (
        f"@page {{ @bottom-right {{ content: {' '.join(pieces)}; }}"
        f" @bottom-left {{ content: {left}; }} }}"
    )


def _logo_data_uri() -> str:
    """The office's logo (OFFICE_LOGO, a PNG, JPEG or SVG file), embedded: WeasyPrint fetches
    nothing. Empty when unset or unreadable (reports.checks warns about the latter)."""
    path = settings.OFFICE_LOGO
    kind = LOGO_TYPES.get(Path(path).suffix.lower()) if path else None
    if not kind:
        return ""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".svg": "image/svg+xml"}  # fmt: skip


def letterhead() -> dict:
    """The office (letterhead) and who signs, from the OFFICE_* settings; a blank name or NIP
    prints as "belum diisi" (and `manage.py check` warns, reports.checks)."""
    return {
        "name": settings.OFFICE_NAME,
        "address": settings.OFFICE_ADDRESS,
        "logo": _logo_data_uri(),
        "head_title": settings.OFFICE_HEAD_TITLE.strip(),
        "head_name": settings.OFFICE_HEAD_NAME.strip(),
        "head_nip": settings.OFFICE_HEAD_NIP.strip(),
    }


@functools.cache
def _pdf_css() -> str:
    from django.contrib.staticfiles import finders

    return "\n".join(
        Path(finders.find(name)).read_text(encoding="utf-8") for name in ("css/reports.css",)
    )


def _fetcher():
    """The PDF is built from the template alone: WeasyPrint fetches nothing but the data: URL
    that embeds the logo."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def render_pdf(context: dict, request) -> bytes:
    from weasyprint import HTML

    tables = context["table_list"]
    html = render_to_string(
        "reports/report_pdf.html",
        {
            **context,
            "pdf_css": _pdf_css() + page_css(title=context["title"], period=context["period_text"]),
            "pdf": True,
            "pdf_parts": {table.key: pdf_parts(table) for table in tables},
            "office": letterhead(),
        },
        request=request,
    )
    return HTML(string=html, url_fetcher=_fetcher()).write_pdf()
