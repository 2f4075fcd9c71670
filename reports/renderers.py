"""Render the report's tables as XLSX, CSV and PDF. The figures come from reports.tables only."""

import csv
import datetime
import functools
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports import tables as t

UTF8_BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_NUMBER_FORMATS = {
    t.INT: "#,##0",
    t.RUPIAH: '"Rp"#,##0',
    t.PERCENT: '0.0"%"',
    t.DATE: "dd/mm/yyyy",
    t.MONTH: "mmm yyyy",
    t.CODE: "@",
    t.TEXT: "@",
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF0F3")
_TITLE_FONT = Font(bold=True, size=14)


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


# --- XLSX ----------------------------------------------------------------------------------


def _cell(ws, value, kind):
    cell = WriteOnlyCell(ws, value=value)
    if value is None:
        return cell
    if kind in (t.CODE, t.TEXT):
        # Long digit strings (NIB) must stay text: a string value and the text format.
        cell.value = str(value)
        cell.data_type = "s"
    cell.number_format = _NUMBER_FORMATS[kind]
    return cell


def _header(ws, table):
    cells = []
    for column in table.columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _sheet(wb, table, *, title_rows: list[str] = ()):
    ws = wb.create_sheet(title=str(table.title)[:31])
    for i, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    header_row = len(title_rows) + (2 if title_rows else 1)
    ws.freeze_panes = f"A{header_row + 1}"
    for i, text in enumerate(title_rows):
        cell = WriteOnlyCell(ws, value=text)
        if i == 0:
            cell.font = _TITLE_FONT
        ws.append([cell])
    if title_rows:
        ws.append([])
    ws.append(_header(ws, table))
    kinds = [c.kind for c in table.columns]
    for r, values in enumerate(table.values()):
        ws.append(
            [
                _cell(ws, value, table.kind(r, c) if table.key == "ringkasan" else kinds[c])
                for c, value in enumerate(values)
            ]
        )
    return ws


def render_xlsx(report, tables: list, business_table) -> bytes:
    wb = Workbook(write_only=True)
    printed = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    title_rows = [
        report_title(report),
        _("Period: %(period)s") % {"period": period_text(report.period)},
        _("Printed: %(when)s") % {"when": printed},
        settings.OFFICE_NAME,
    ]
    _sheet(wb, tables[0], title_rows=title_rows)
    for table in tables[1:]:
        _sheet(wb, table)
    _sheet(wb, business_table)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- CSV -----------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def stream_table_csv(table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield UTF8_BOM + writer.writerow(table.headers())
    for values in table.values():
        yield writer.writerow([_csv_value(v) for v in values])


def stream_businesses_csv(business_table, *, chunk_bytes: int = 256 * 1024) -> Iterator[bytes]:
    """Postgres writes the CSV itself (COPY ... TO STDOUT): flat memory, no Python per row.

    The rows' SQL is the queryset the XLSX iterates, so both files hold the same rows.
    """
    writer = csv.writer(_Echo())
    yield (UTF8_BOM + writer.writerow(business_table.headers())).encode()
    sql, params = business_table.queryset().query.sql_with_params()
    buffer = bytearray()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for data in copy:
                buffer += data
                if len(buffer) >= chunk_bytes:
                    yield bytes(buffer)
                    buffer.clear()
    if buffer:
        yield bytes(buffer)


# --- PDF -----------------------------------------------------------------------------------


@functools.cache
def _pdf_css() -> str:
    from django.contrib.staticfiles import finders

    return "\n".join(
        Path(finders.find(name)).read_text(encoding="utf-8") for name in ("css/reports.css",)
    )


def _no_fetching(url, *args, **kwargs):
    """The PDF is built from the template alone: WeasyPrint fetches nothing."""
    raise ValueError(f"not fetched: {url}")


def render_pdf(context: dict, request) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/report_pdf.html", {**context, "pdf_css": _pdf_css(), "pdf": True}, request=request
    )
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()
