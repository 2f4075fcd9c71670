"""XLSX of the export layer: a small streaming writer, each row written as XML text straight
into the zip stream, so a sheet of any length costs the same memory.

Why not XlsxWriter (a maintained library, tried in constant-memory mode as issue 12 asked): on
the same 200,000 cells of one kecamatan's file it took 19 us a cell against this writer's 4.2
(4.5x; bench/exports.py, docs/PERFORMANCE.md), which puts the kecamatan XLSX at several
seconds where the target is under one. Nor openpyxl: its write-only mode builds a Cell object
per value (~70 us a cell). The files need little of the format: text, numbers, dates, a bold
header, frozen rows, column widths. They open in Excel and LibreOffice and read back with
openpyxl (which the tests do). Every value goes through exports.cells.cell first: text can
never be a formula here (it is always an inline string), and it also carries the apostrophe
so that it stays text when a user edits the cell or copies it out.
"""

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from config import formats
from exports.cells import cell, safe_text
from exports.columns import CODE, DATE, DATETIME, INT, MONTH, PERCENT, RUPIAH, TEXT, YEAR, Column

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Cell styles (index into cellXfs below).
(
    GENERAL,
    HEADER,
    TITLE,
    S_INT,
    S_RUPIAH,
    S_PERCENT,
    S_DATE,
    S_MONTH,
    S_TEXT,
    S_DATETIME,
    S_YEAR,
) = range(11)
_STYLE_OF_KIND = {
    TEXT: S_TEXT,
    CODE: S_TEXT,
    INT: S_INT,
    YEAR: S_YEAR,
    RUPIAH: S_RUPIAH,
    PERCENT: S_PERCENT,
    DATE: S_DATE,
    DATETIME: S_DATETIME,
    MONTH: S_MONTH,
}
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
_EXCEL_EPOCH_DATE = _EXCEL_EPOCH.date()
# XML 1.0 forbids most control characters; a spreadsheet cell never needs them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="6">
<numFmt numFmtId="164" formatCode={rupiah}/>
<numFmt numFmtId="165" formatCode={percent}/>
<numFmt numFmtId="166" formatCode={date}/>
<numFmt numFmtId="167" formatCode={month}/>
<numFmt numFmtId="168" formatCode={datetime}/>
<numFmt numFmtId="169" formatCode={year}/>
</numFmts>
<fonts count="3">
<font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="14"/><name val="Calibri"/></font>
</fonts>
<fills count="3">
<fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFEEF0F3"/>
<bgColor indexed="64"/></patternFill></fill>
</fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="11">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"
 applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="169" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>""".format(  # noqa: UP032 (a long template)
    # The formatting module's spreadsheet formats (config/formats), as XML attributes.
    rupiah=quoteattr(formats.XLSX_RUPIAH),
    percent=quoteattr(formats.XLSX_PERCENT),
    date=quoteattr(formats.XLSX_DATE),
    month=quoteattr(formats.XLSX_MONTH),
    datetime=quoteattr(formats.XLSX_DATETIME),
    year=quoteattr(formats.XLSX_YEAR),
)

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


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


def _text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value))


def _letters(n: int) -> list[str]:
    out = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


def _cell_xml(ref: str, value, kind: str, style: int | None = None) -> str:
    """One cell, its value made safe first: text as an inline string, numbers and dates as
    numbers with the kind's format."""
    value = cell(value, kind)
    if value is None or value == "":
        return ""
    if style is None:
        style = _STYLE_OF_KIND[kind]
    if isinstance(value, str):
        if style not in (HEADER, TITLE, GENERAL):
            style = S_TEXT
        return (
            f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f"{_text(value)}</t></is></c>"
        )
    if isinstance(value, datetime.datetime):
        if kind not in (DATETIME, DATE, MONTH):
            style = S_DATETIME
        value = round((value - _EXCEL_EPOCH).total_seconds() / 86400, 6)
        if kind in (DATE, MONTH):
            value = int(value)
    elif isinstance(value, datetime.date):
        if kind not in (DATE, DATETIME, MONTH):
            style = S_DATE
        value = (value - _EXCEL_EPOCH_DATE).days
    elif kind in (TEXT, CODE):
        style = GENERAL
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


def _sheet_head(columns: list[Column], frozen: int) -> str:
    pane = (
        f'<pane ySplit="{frozen}" topLeftCell="A{frozen + 1}" activePane="bottomLeft" '
        f'state="frozen"/><selection pane="bottomLeft" activeCell="A{frozen + 1}" '
        f'sqref="A{frozen + 1}"/>'
    )
    # An identity column is text down to the last row, also where a person types into it
    # later: Excel would round a 16-digit NIK and drop a phone number's leading 0.
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"'
        + (f' style="{S_TEXT}"' if c.kind == CODE else "")
        + "/>"
        for i, c in enumerate(columns, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_REL_NS}>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    )


def _write_sheet(zf: zipfile.ZipFile, path: str, sheet: Sheet) -> None:
    columns = sheet.columns
    letters = _letters(max(len(columns), 1))
    column_kinds = [c.kind for c in columns]
    head = []
    for i, title in enumerate(sheet.title_rows):
        head.append([_cell_xml(f"A{len(head) + 1}", title, TEXT, TITLE if i == 0 else GENERAL)])
    if sheet.title_rows and sheet.title_gap:
        head.append([])
    r = len(head) + 1
    head.append(
        [
            _cell_xml(f"{letters[c]}{r}", str(col.header), TEXT, HEADER)
            for c, col in enumerate(columns)
        ]
    )
    with zf.open(path, "w", force_zip64=True) as out:
        out.write(_sheet_head(columns, len(head)).encode())
        buffer = [f'<row r="{i}">{"".join(cells)}</row>' for i, cells in enumerate(head, start=1)]
        for index, values in enumerate(sheet.rows):
            r += 1
            kinds = sheet.kinds(index) if sheet.kinds else column_kinds
            cells = []
            for c, (value, kind) in enumerate(zip(values, kinds, strict=True)):
                if value is None or value == "":
                    continue
                if type(value) is str:  # the common case, inlined: safe text as text
                    cells.append(
                        f'<c r="{letters[c]}{r}" s="{S_TEXT}" t="inlineStr"><is><t '
                        f'xml:space="preserve">{_text(safe_text(value))}</t></is></c>'
                    )
                else:
                    cells.append(_cell_xml(f"{letters[c]}{r}", value, kind))
            cells = "".join(cells)
            buffer.append(f'<row r="{r}">{cells}</row>')
            if len(buffer) >= 2000:
                out.write("".join(buffer).encode())
                buffer.clear()
        out.write("".join(buffer).encode())
        out.write(b"</sheetData></worksheet>")


def write_workbook(out, sheets: list[Sheet]) -> None:
    """Write an .xlsx of these sheets to the binary file `out`."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as zf:
        n = len(sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_OFFICE_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        sheet_entries = "".join(
            f'<sheet name={quoteattr(sheet_name(s.name))} sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(sheets, start=1)
        )
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<workbook {_NS} {_REL_NS}><sheets>{sheet_entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_OFFICE_REL}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_OFFICE_REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        zf.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, start=1):
            _write_sheet(zf, f"xl/worksheets/sheet{i}.xml", sheet)


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    out = io.BytesIO()
    write_workbook(out, sheets)
    return out.getvalue()
