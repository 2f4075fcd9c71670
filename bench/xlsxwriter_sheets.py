"""The export layer's XLSX as XlsxWriter would write it, kept for bench/exports.py: the same
Sheet and cells as exports/xlsx.py, which the portal uses because this is 3.5-4.5x slower.

XlsxWriter in constant-memory mode: each row goes to a temporary file as
it is written, so a sheet of any length costs the same memory. Every cell is written by type
(write_string / write_number / write_datetime), never by XlsxWriter's guessing `write()`, and
with its string-to-formula, -number and -URL conversions off: text stays text.
"""

import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import xlsxwriter

from exports.cells import cell
from exports.columns import CODE, DATE, DATETIME, INT, MONTH, PERCENT, RUPIAH, TEXT, Column

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_NUMBER_FORMATS = {
    TEXT: "@",
    CODE: "@",
    INT: "#,##0",
    RUPIAH: '"Rp"#,##0',
    PERCENT: '0.0"%"',
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm",
    MONTH: "mmm yyyy",
}
_DATE_KINDS = (DATE, DATETIME, MONTH)


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: Iterable  # of value tuples, one per column
    title_rows: list[str] = field(default_factory=list)  # above the header, the first in bold
    kinds: Callable[[int], list[str]] | None = None  # per-row kinds, when a row has its own
    title_gap: bool = True  # an empty row between the title rows and the header


def sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(name))[:31]


def write_workbook(out, sheets: list[Sheet]) -> None:
    """Write an .xlsx of these sheets to the binary file `out`."""
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    formats = {kind: workbook.add_format({"num_format": f}) for kind, f in _NUMBER_FORMATS.items()}
    header = workbook.add_format(
        {"bold": True, "bg_color": "#EEF0F3", "text_wrap": True, "valign": "top"}
    )
    title = workbook.add_format({"bold": True, "font_size": 14})
    for sheet in sheets:
        _write_sheet(workbook.add_worksheet(sheet_name(sheet.name)), sheet, formats, header, title)
    workbook.close()


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    out = io.BytesIO()
    write_workbook(out, sheets)
    return out.getvalue()


def _write_sheet(ws, sheet: Sheet, formats: dict, header, title) -> None:
    columns = sheet.columns
    for c, column in enumerate(columns):
        ws.set_column(c, c, column.width)
    r = 0
    for i, text in enumerate(sheet.title_rows):
        ws.write_string(r, 0, cell(text, TEXT), title if i == 0 else None)
        r += 1
    if sheet.title_rows and sheet.title_gap:
        r += 1
    for c, column in enumerate(columns):
        ws.write_string(r, c, str(column.header), header)
    r += 1
    ws.freeze_panes(r, 0)
    write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
    column_kinds = [c.kind for c in columns]
    for index, values in enumerate(sheet.rows):
        kinds = sheet.kinds(index) if sheet.kinds else column_kinds
        for c, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            value = cell(value, kind)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                write_string(r, c, value, formats[CODE])
            elif isinstance(value, datetime.date):
                if kind not in _DATE_KINDS:
                    kind = DATETIME if isinstance(value, datetime.datetime) else DATE
                write_datetime(r, c, value, formats[kind])
            else:
                write_number(r, c, value, formats.get(kind) if kind != TEXT else None)
        r += 1
