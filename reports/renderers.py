"""Render the report's tables as XLSX, CSV and PDF. The figures come from reports.tables only."""

import datetime
import functools
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from exports import xlsx
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
