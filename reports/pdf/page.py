"""The report PDF's page (reports.pdf): A4 landscape and its margins, the font (DejaVu Sans)
and paragraph styles, the running footer with "Halaman X dari Y", and the letterhead."""

import functools
from html import escape
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph

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
def register_fonts() -> None:
    for name, path in font_paths().items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="DejaVuSans-BoldOblique"
    )


@functools.cache
def paragraph_styles() -> dict[str, ParagraphStyle]:
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


def escaped(value) -> str:
    """Plain text for a Paragraph (which reads a little markup): escaped."""
    return escape(str(value), quote=False)


def unset(words: str) -> str:
    """A signature field not filled in yet: red, bold, on a pale ground: seen before it is sent."""
    return f'<font color="#b4232a" backColor="#fbe9ea"><b>{escaped(words)}</b></font>'


# --- The page: footer on every page, "Halaman X dari Y" ---------------------------------------


def numbered_canvas(left: str):
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
        styles = paragraph_styles()
        self.logo = _logo(office["logo"])
        self.lines = [Paragraph(escaped(office["name"].upper()), styles["office"])]
        if office["address"]:
            self.lines.append(Paragraph(escaped(office["address"]), styles["address"]))

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
