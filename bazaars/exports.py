"""Participant list export: one row generator (selectors.participant_rows), two renderers.

No NIK, phone or address ever. Text cells never start with = + - @ tab CR or LF (a spreadsheet
would run them as formulas): such cells get a leading apostrophe. NIB stays text in XLSX.
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bazaars.selectors import participant_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
NIB_COLUMN = 5


def headers() -> list[str]:
    return [
        _("Booth"),
        _("Business"),
        _("Sector"),
        _("Kecamatan"),
        _("Kelurahan"),
        _("NIB"),
        _("Status"),
        _("Decided at"),
        _("Days present"),
        _("Omzet (Rp)"),
        _("Transactions"),
    ]


def safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _filename(bazaar, ext: str) -> str:
    return f"peserta-{slugify(bazaar.slug)}.{ext}"


class _Echo:
    def write(self, value):
        return value


def csv_response(bazaar, user) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        yield writer.writerow(headers())
        for row in participant_rows(bazaar, user):
            yield writer.writerow([safe(v) for v in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(bazaar, "csv")}"'
    return response


def xlsx_response(bazaar, user) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Participants")[:31])
    sheet.append(headers())
    for row in participant_rows(bazaar, user):
        cells = []
        for i, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=safe(value))
            if i == NIB_COLUMN:
                cell.number_format = "@"  # text: a 13-digit NIB must not become a number
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(bazaar, "xlsx")}"'
    return response
