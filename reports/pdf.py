"""The report's PDF, drawn with ReportLab: A4 landscape, the letterhead (kop surat) from the
OFFICE_* settings, the title and period, every table of the report whole (in parts of whole
columns when too wide, reports.renderers.pdf_parts; the header row repeated on every page a
part runs over), the charts of reports.charts with their axes, labels and legend, the
definitions in words, the signature block, and "Halaman X dari Y" on every page.

It draws from the same context as the dashboard (reports.exports.report_context): the table
list, the charts and the period, so a table added to the report later is printed by the same
rule. Nothing here knows a table by name.

Why ReportLab and not an HTML engine: the kecamatan PDF at DKI scale is mostly long tables
(every training with a trainee from the kecamatan), and WeasyPrint spent 2.3-2.5 s of CPU
laying them out (docs/PERFORMANCE.md); ReportLab's tables do the same page in a fraction of
that, with no native libraries beyond the fonts.
"""

import functools
import io
from html import escape
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from config import formats
from reports import charts as chart_kinds
from reports import renderers

PAGE = landscape(A4)
MARGIN_TOP, MARGIN_SIDE, MARGIN_BOTTOM = 12 * mm, 14 * mm, 14 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN_SIDE  # renderers.PAGE_WIDTH_MM
CHART_SHARE = 0.85  # of the frame's width
CHART_MAX_HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM - 30 * mm  # room for the headings
COMPACT_GAP = 8 * mm  # between small tables printed side by side

INK = colors.HexColor("#1d1d1f")
MUTED = colors.HexColor("#555b66")
RULE = colors.HexColor("#8a8f98")
HEAD_FILL = colors.HexColor("#eef0f3")
UNSET = colors.HexColor("#b4232a")

# DejaVu Sans (Debian's fonts-dejavu-core; docs/DEPLOY.md): every Indonesian letter, and the
# widths reports.renderers.text_em measures with.
FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}


def font_paths() -> dict[str, Path]:
    return {name: Path(settings.PDF_FONT_DIR) / file for name, file in _FONT_FILES.items()}


@functools.cache
def _register_fonts() -> None:
    for name, path in font_paths().items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="DejaVuSans-BoldOblique"
    )


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.7, textColor=INK)
    cell = ParagraphStyle("cell", base, fontSize=renderers.TABLE_FONT_PT, leading=10)
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", base, fontName=BOLD, fontSize=14, leading=17, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle("subtitle", base, alignment=TA_CENTER, spaceAfter=2 * mm),
        "office": ParagraphStyle(
            "office", base, fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "address": ParagraphStyle("address", base, alignment=TA_CENTER, spaceBefore=1 * mm),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName=BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=5 * mm,
            spaceAfter=1.5 * mm,
        ),
        "chart_title": ParagraphStyle(
            "chart_title", base, fontName=BOLD, fontSize=8.5, leading=11, keepWithNext=1
        ),
        "caption": ParagraphStyle(
            "caption", cell, fontName=ITALIC, spaceAfter=1 * mm, keepWithNext=1
        ),
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", cell, fontName=BOLD),
        "head": ParagraphStyle("head", cell, fontName=BOLD),
        "head_num": ParagraphStyle("head_num", cell, fontName=BOLD, alignment=TA_RIGHT),
        "muted": ParagraphStyle("muted", cell, textColor=MUTED),
        "note": ParagraphStyle(
            "note", base, fontSize=8, leading=10.4, spaceBefore=1 * mm, spaceAfter=3 * mm
        ),
        "definition": ParagraphStyle(
            "definition",
            base,
            fontSize=8,
            leading=10.4,
            textColor=MUTED,
            leftIndent=4 * mm,
            bulletIndent=0,
            spaceAfter=1 * mm,
        ),
        "signature": ParagraphStyle("signature", base, leftIndent=FRAME_WIDTH * 0.62),
        "signature_name": ParagraphStyle(
            "signature_name", base, fontName=BOLD, leftIndent=FRAME_WIDTH * 0.62
        ),
    }


def _text(value) -> str:
    """Plain text for a Paragraph (which reads a little markup): escaped."""
    return escape(str(value), quote=False)


def _unset(words: str) -> str:
    """A signature field not filled in yet: red, bold, on a pale ground: seen before it is sent."""
    return f'<font color="#b4232a" backColor="#fbe9ea"><b>{_text(words)}</b></font>'


# --- The page: footer on every page, "Halaman X dari Y" ---------------------------------------


def _canvas_class(left: str):
    """A canvas that holds its pages until the end, so each footer can say how many there are."""
    sentence = _("Page %(page)s of %(pages)s")

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawString(MARGIN_SIDE, 7 * mm, left)
                right = sentence % {"page": number, "pages": pages}
                self.drawRightString(PAGE[0] - MARGIN_SIDE, 7 * mm, right)
                super().showPage()
            super().save()

    return NumberedCanvas


# --- Letterhead -------------------------------------------------------------------------------


class Letterhead(Flowable):
    """The logo on the left, the office's name and address centred beside it, a double rule."""

    LOGO_HEIGHT = 18 * mm

    def __init__(self, office: dict):
        super().__init__()
        styles = _styles()
        self.logo = _logo(office["logo"])
        self.lines = [Paragraph(_text(office["name"].upper()), styles["office"])]
        if office["address"]:
            self.lines.append(Paragraph(_text(office["address"]), styles["address"]))

    LOGO_SHARE = 0.25  # of the width at most: a wide banner is made lower, not the text narrower

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.logo_width = self.logo_height = 0.0
        if self.logo is not None:
            w, h = self.logo.getSize()
            self.logo_height = min(self.LOGO_HEIGHT, available_width * self.LOGO_SHARE * h / w)
            self.logo_width = self.logo_height * w / h
        inset = self.logo_width + 5 * mm if self.logo is not None else 0
        self.text_width = available_width - 2 * inset
        self.text_height = sum(
            p.wrap(self.text_width, available_height)[1] + p.getSpaceBefore() for p in self.lines
        )
        body = max(self.text_height, self.logo_height)
        self.body_height = body
        self.height = body + 2.5 * mm + 3 * mm  # the space above the rule, the rule and below
        return self.width, self.height

    def draw(self):
        c = self.canv
        top = self.height
        if self.logo is not None:
            logo_top = top - (self.body_height - self.logo_height) / 2
            c.drawImage(
                self.logo,
                0,
                logo_top - self.logo_height,
                self.logo_width,
                self.logo_height,
                mask="auto",
            )
        y = top - (self.body_height - self.text_height) / 2
        x = (self.width - self.text_width) / 2
        for paragraph in self.lines:
            y -= paragraph.getSpaceBefore()
            _w, h = paragraph.wrap(self.text_width, self.height)
            y -= h
            paragraph.drawOn(c, x, y)
        rule = 3 * mm
        c.setStrokeColor(INK)
        c.setLineWidth(0.9)
        c.line(0, rule + 1.6, self.width, rule + 1.6)
        c.line(0, rule, self.width, rule)


def _logo(path: str):
    """The office's logo (OFFICE_LOGO, a PNG or JPEG file), or None when unset or unreadable
    (reports.checks warns about the latter)."""
    if not path or Path(path).suffix.lower() not in LOGO_SUFFIXES:
        return None
    try:
        reader = ImageReader(path)
        reader.getSize()
    except Exception:
        return None
    return reader


LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


# --- Tables -----------------------------------------------------------------------------------


def _part_width(part) -> float:
    if part.width >= 100:
        return FRAME_WIDTH
    return part.width * FRAME_WIDTH / 100


def table_part(part) -> list[Flowable]:
    """One part of a table: fixed column widths (renderers.pdf_parts), text wraps, numbers
    never do (their columns are as wide as their longest figure), the header row repeats."""

    styles = _styles()
    table = part.table
    width = _part_width(part)
    widths = [width * column.width / 100 for column in part.columns]
    room = [w - 6 for w in widths]  # less the cell's padding, 3 pt each side
    head = [
        Paragraph(_text(column.header), styles["head_num" if column.numeric else "head"])
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
                cells.append(Paragraph(_text(shown), styles["cell_bold" if bold else "cell"]))
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
            [Paragraph(_text(_("Nothing in this period.")), styles["muted"])]
            + [""] * (len(widths) - 1)
        )
        commands.append(("SPAN", (0, 1), (-1, 1)))
    kind = LongTable if len(rows) > 40 else Table
    flowable = kind(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    flowable.setStyle(TableStyle(commands))
    found = []
    if part.of > 1:
        words = _("Part %(number)s of %(of)s") % {"number": part.number, "of": part.of}
        found.append(Paragraph(_text(words), styles["caption"]))
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
    return [Paragraph(_text(chart.title), _styles()["chart_title"]), drawing, Spacer(0, 3 * mm)]


def _rotation(degrees: int, x: float, y: float) -> tuple:
    quarter = {90: (0, 1, -1, 0), -90: (0, -1, 1, 0), 180: (-1, 0, 0, -1)}
    a, b, c, d = quarter.get(degrees % 360 if degrees % 360 != 270 else -90, (1, 0, 0, 1))
    return (a, b, c, d, x, y)


# --- The document -----------------------------------------------------------------------------


def _section(table, parts, charts, *, compact=False) -> list[Flowable]:
    """A table's heading, its chart, its parts and its note. The heading never ends a page:
    with its chart it is kept together; before a table it starts a new page when less than a
    few rows' room is left."""
    styles = _styles()
    heading = Paragraph(_text(table.title), styles["heading"])
    found: list[Flowable] = []
    if table.key in charts:
        found.append(KeepTogether([heading, *chart(charts[table.key])]))
    else:
        found += [heading] if compact else [CondPageBreak(HEADING_ROOM), heading]
    for part in parts:
        found += table_part(part)
    if table.note:
        found.append(Paragraph(_text(table.note), styles["note"]))
    return found


HEADING_ROOM = 35 * mm  # a heading, a header row of three lines and a few rows


def _sections(tables, parts: dict, charts: dict) -> list[Flowable]:
    """Every table in order; runs of small ones (renderers.compact_sections) side by side."""
    compact = renderers.compact_sections(tables, parts, charts)
    story: list[Flowable] = []
    row: list[tuple[float, list[Flowable]]] = []

    def close_row():
        if not row:
            return
        cells = [[flowables for _w, flowables in row]]
        widths = [w + COMPACT_GAP for w, _f in row[:-1]] + [row[-1][0]]
        holder = Table(cells, colWidths=widths, hAlign="LEFT")
        holder.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(holder)
        row.clear()

    for table in tables:
        if table.key not in compact:
            close_row()
            story += _section(table, parts[table.key], charts)
            continue
        # As wide as its table or its heading, whichever is wider: a heading that wrapped
        # would push its table below its neighbours'.
        heading = pdfmetrics.stringWidth(str(table.title), BOLD, _styles()["heading"].fontSize)
        width = min(FRAME_WIDTH, max(_part_width(parts[table.key][0]), heading + 1))
        if sum(w + COMPACT_GAP for w, _f in row) + width > FRAME_WIDTH:
            close_row()
        row.append((width, _section(table, parts[table.key], charts, compact=True)))
    close_row()
    return story


def _definitions(context) -> list[Flowable]:
    styles = _styles()
    found = [Paragraph(_text(_("How the figures are counted")), styles["heading"])]
    found += [
        Paragraph(_text(words), styles["definition"], bulletText="•")
        for _key, words in context["definition_items"]
    ]
    return [KeepTogether(found)]


def _signature(context, office: dict) -> Flowable:
    styles = _styles()
    head_title = office["head_title"] or None
    name = office["head_name"] or None
    nip = office["head_nip"] or None
    lines = [
        Paragraph(
            _text(f"{_('Jakarta')}, {formats.date_text(context['printed_at'])}"),
            styles["signature"],
        ),
        Paragraph(
            _text(head_title) if head_title else _unset(_("Title: not filled in yet")),
            styles["signature"],
        ),
        Spacer(0, 20 * mm),
        Paragraph(
            f"<u>{_text(name)}</u>" if name else _unset(_("Name: not filled in yet")),
            styles["signature_name"],
        ),
        Paragraph(
            f"{_text(_('NIP'))} " + (_text(nip) if nip else _unset(_("not filled in yet"))),
            styles["signature"],
        ),
    ]
    return KeepTogether([Spacer(0, 8 * mm), *lines])


def build_pdf(context: dict) -> bytes:
    """The report's PDF from the report's context (reports.exports.report_context)."""
    _register_fonts()
    styles = _styles()
    office = renderers.letterhead()
    tables = context["table_list"]
    charts = context.get("charts") or {}
    parts = {table.key: renderers.pdf_parts(table) for table in tables}
    title, period = str(context["title"]), str(context["period_text"])
    printed = formats.datetime_short(context["printed_at"])
    story: list[Flowable] = [
        Letterhead(office),
        Paragraph(_text(title), styles["title"]),
        Paragraph(
            f"{_text(_('Period'))}: <b>{_text(period)}</b> · {_text(_('Printed'))}: "
            f"{_text(printed)}",
            styles["subtitle"],
        ),
        *_sections(tables, parts, charts),
        *_definitions(context),
        _signature(context, office),
    ]
    out = io.BytesIO()
    document = BaseDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN_SIDE,
        rightMargin=MARGIN_SIDE,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=office["name"],
        subject=period,
        creator="UMKM Bazaar Portal",
        lang=translation.get_language() or settings.LANGUAGE_CODE,
    )
    frame = Frame(
        MARGIN_SIDE,
        MARGIN_BOTTOM,
        FRAME_WIDTH,
        PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document.addPageTemplates([PageTemplate("page", frames=[frame])])
    document.build(story, canvasmaker=_canvas_class(f"{title} · {period}"))
    return out.getvalue()
