"""A small streaming XLSX writer for the report's tables.

Why not openpyxl: its write-only mode still builds a Cell object per value and costs about
70 µs a cell here, so one kecamatan's business list (15,000 rows x 10 columns) took about 10 s;
the issue asks for under 5 s. The report's sheets need little of the format (text, numbers,
dates, a bold header, frozen rows, column widths), so each row is written as XML text directly
into the zip stream. The result opens in Excel and LibreOffice and reads back with openpyxl
(which the tests do).
"""

import datetime
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

# Cell styles (index into cellXfs below).
GENERAL, HEADER, TITLE, INT, RUPIAH, PERCENT, DATE, MONTH, TEXT = range(9)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# XML 1.0 forbids most control characters; a spreadsheet cell never needs them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="4">
<numFmt numFmtId="164" formatCode="&quot;Rp&quot;#,##0"/>
<numFmt numFmtId="165" formatCode="0.0&quot;%&quot;"/>
<numFmt numFmtId="166" formatCode="dd/mm/yyyy"/>
<numFmt numFmtId="167" formatCode="mmm yyyy"/>
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
<cellXfs count="9">
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
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value))


def cell_xml(ref: str, value, style: int) -> str:
    """One cell: text as an inline string, numbers and dates as numbers with a format."""
    if value is None or value == "":
        return ""
    if style in (TEXT, GENERAL, HEADER, TITLE) or isinstance(value, str):
        return (
            f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f"{text(str(value))}</t></is></c>"
        )
    if isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            value = value.date()
        value = (value - _EXCEL_EPOCH).days
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


@dataclass
class Sheet:
    name: str
    widths: list[float]
    header_row: int  # rows above and including it stay frozen
    rows: Iterable[list[tuple[object, int]]]  # per row: (value, style) per column


def _sheet_head(sheet: Sheet) -> str:
    frozen = sheet.header_row
    pane = (
        f'<pane ySplit="{frozen}" topLeftCell="A{frozen + 1}" activePane="bottomLeft" '
        f'state="frozen"/><selection pane="bottomLeft" activeCell="A{frozen + 1}" '
        f'sqref="A{frozen + 1}"/>'
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(sheet.widths, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_REL_NS}>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    )


def _write_sheet(zf: zipfile.ZipFile, path: str, sheet: Sheet) -> None:
    letters = [get_column_letter(i) for i in range(1, len(sheet.widths) + 1)]
    with zf.open(path, "w", force_zip64=True) as out:
        out.write(_sheet_head(sheet).encode())
        buffer = []
        for r, row in enumerate(sheet.rows, start=1):
            cells = "".join(
                cell_xml(f"{letters[c]}{r}", value, style) for c, (value, style) in enumerate(row)
            )
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
            f'<sheet name={quoteattr(_sheet_name(s.name))} sheetId="{i}" r:id="rId{i}"/>'
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


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31]
