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

from reports import tables as t
from reports import xlsx

UTF8_BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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

_STYLES = {
    t.INT: xlsx.INT,
    t.RUPIAH: xlsx.RUPIAH,
    t.PERCENT: xlsx.PERCENT,
    t.DATE: xlsx.DATE,
    t.MONTH: xlsx.MONTH,
    t.CODE: xlsx.TEXT,
    t.TEXT: xlsx.TEXT,
}


def _sheet(table, *, title_rows: list[str] = ()) -> xlsx.Sheet:
    def rows():
        for i, text in enumerate(title_rows):
            yield [(text, xlsx.TITLE if i == 0 else xlsx.GENERAL)]
        if title_rows:
            yield []
        yield [(h, xlsx.HEADER) for h in table.headers()]
        styles = [_STYLES[c.kind] for c in table.columns]
        per_row = getattr(table, "row_kinds", None)
        for r, values in enumerate(table.values()):
            if per_row:
                row_styles = [styles[0], _STYLES[per_row[r]]]
                yield list(zip(values, row_styles, strict=True))
            else:
                yield list(zip(values, styles, strict=True))

    header_row = len(title_rows) + (2 if title_rows else 1)
    return xlsx.Sheet(str(table.title), [c.width for c in table.columns], header_row, rows())


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
    out = io.BytesIO()
    xlsx.write_workbook(out, sheets)
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


def stream_query_csv(table, *, chunk_bytes: int = 256 * 1024) -> Iterator[bytes]:
    """Postgres writes the CSV itself (COPY ... TO STDOUT): flat memory, no Python per row.

    The rows' SQL is the queryset the XLSX iterates, so both files hold the same rows.
    """
    writer = csv.writer(_Echo())
    yield (UTF8_BOM + writer.writerow(table.headers())).encode()
    sql, params = table.queryset().query.sql_with_params()
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
