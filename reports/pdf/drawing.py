"""What the report PDF draws in its sections (reports.pdf): a table's part, in the column
widths reports.renderers.pdf_parts gives it, and a chart of reports.charts from its own
primitives."""

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, LongTable, Paragraph, Spacer, Table, TableStyle

from config import formats
from reports import charts as chart_kinds
from reports import renderers
from reports.pdf.page import (
    BOLD,
    CHART_MAX_HEIGHT,
    CHART_SHARE,
    FONT,
    FRAME_WIDTH,
    HEAD_FILL,
    INK,
    RULE,
    escaped,
    paragraph_styles,
)

# --- Tables -----------------------------------------------------------------------------------


def part_width(part) -> float:
    if part.width >= 100:
        return FRAME_WIDTH
    return part.width * FRAME_WIDTH / 100


def table_part(part) -> list[Flowable]:
    """One part of a table: fixed column widths (renderers.pdf_parts), text wraps, numbers
    never do (their columns are as wide as their longest figure), the header row repeats."""

    styles = paragraph_styles()
    table = part.table
    width = part_width(part)
    widths = [width * column.width / 100 for column in part.columns]
    room = [w - 6 for w in widths]  # less the cell's padding, 3 pt each side
    head = [
        Paragraph(escaped(column.header), styles["head_num" if column.numeric else "head"])
        for column in part.columns
    ]
    rows = [head]
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, renderers.TABLE_FONT_PT, 10),
        ("FONT", (0, 1), (0, -1), BOLD, renderers.TABLE_FONT_PT, 10),  # the row's name
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, column in enumerate(part.columns):
        if column.numeric:
            commands.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
    indices = part.indices
    for r, (key, values) in enumerate(table.rows, start=1):
        total = key == "total"
        cells = []
        for i, c in enumerate(indices):
            shown = str(formats.figure(values[c], table.kind(r - 1, c)))
            bold = i == 0 or total
            # A number is never wrapped (its column is as wide as its widest figure); a short
            # text is drawn as it is; only a text wider than its column is wrapped.
            if part.columns[i].numeric:
                cells.append(shown)
                continue
            drawn = pdfmetrics.stringWidth(shown, BOLD if bold else FONT, renderers.TABLE_FONT_PT)
            if drawn > room[i]:
                cells.append(Paragraph(escaped(shown), styles["cell_bold" if bold else "cell"]))
            else:
                cells.append(shown)
        rows.append(cells)
        if total:
            commands += [
                ("FONT", (0, r), (-1, r), BOLD, renderers.TABLE_FONT_PT, 10),
                ("LINEABOVE", (0, r), (-1, r), 1.2, INK),
            ]
    if not table.rows:
        rows.append(
            [Paragraph(escaped(_("Nothing in this period.")), styles["muted"])]
            + [""] * (len(widths) - 1)
        )
        commands.append(("SPAN", (0, 1), (-1, 1)))
    kind = LongTable if len(rows) > 40 else Table
    flowable = kind(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    flowable.setStyle(TableStyle(commands))
    found = []
    if part.of > 1:
        words = _("Part %(number)s of %(of)s") % {"number": part.number, "of": part.of}
        found.append(Paragraph(escaped(words), styles["caption"]))
    found += [flowable, Spacer(0, 3 * mm)]
    return found


# --- Charts -----------------------------------------------------------------------------------


def chart(chart) -> list[Flowable]:
    """A chart of reports.charts (primitives in a viewBox 1,000 units wide, y downwards),
    scaled to the page: the same drawing as the dashboard's SVG."""
    # As wide as CHART_SHARE of the page, or less when that would be taller than a page can
    # hold with its heading (a chart of many categories: sectors are staff's to add).
    height = chart.height
    scale = min(FRAME_WIDTH * CHART_SHARE / chart.width, CHART_MAX_HEIGHT / max(height, 1))
    shapes = []
    for r in chart.rects:
        look = chart_kinds.STYLES.get(r.css, {})
        shapes.append(
            Rect(
                r.x,
                height - r.y - r.height,
                r.width,
                r.height,
                strokeColor=None,
                fillColor=colors.HexColor(look.get("fill", "#1d1d1f")),
            )
        )
    for line in chart.lines:
        look = chart_kinds.STYLES.get(line.css, {})
        shapes.append(
            Line(
                line.x1,
                height - line.y1,
                line.x2,
                height - line.y2,
                strokeColor=colors.HexColor(look.get("stroke", "#1d1d1f")),
                strokeWidth=float(look.get("stroke-width", 1)),
            )
        )
    for t in chart.texts:
        look = chart_kinds.STYLES.get(t.css, {})
        text = String(
            0,
            0,
            str(t.text),
            fontSize=float(look.get("font-size", chart_kinds.FONT)),
            fontName=BOLD if look.get("font-weight") == "bold" else FONT,
            fillColor=colors.HexColor(look.get("fill", "#1d1d1f")),
            textAnchor=t.anchor,
        )
        x, y = t.x, height - t.y
        if t.rotate:
            # SVG turns clockwise for a positive angle (its y runs down); ReportLab the other way.
            shapes.append(Group(text, transform=_rotation(-t.rotate, x, y)))
        else:
            text.x, text.y = x, y
            shapes.append(text)
    drawing = Drawing(chart.width * scale, height * scale)
    drawing.add(Group(*shapes, transform=(scale, 0, 0, scale, 0, 0)))
    drawing.hAlign = "LEFT"
    title = Paragraph(escaped(chart.title), paragraph_styles()["chart_title"])
    return [title, drawing, Spacer(0, 3 * mm)]


def _rotation(degrees: int, x: float, y: float) -> tuple:
    quarter = {90: (0, 1, -1, 0), -90: (0, -1, 1, 0), 180: (-1, 0, 0, -1)}
    a, b, c, d = quarter.get(degrees % 360 if degrees % 360 != 270 else -90, (1, 0, 0, 1))
    return (a, b, c, d, x, y)
