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

import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from config import formats
from reports import renderers
from reports.pdf.drawing import chart, part_width, table_part
from reports.pdf.page import (
    BOLD,
    COMPACT_GAP,
    FRAME_WIDTH,
    LOGO_SUFFIXES,
    MARGIN_BOTTOM,
    MARGIN_SIDE,
    MARGIN_TOP,
    PAGE,
    Letterhead,
    escaped,
    font_paths,
    numbered_canvas,
    paragraph_styles,
    register_fonts,
    unset,
)

__all__ = ["LOGO_SUFFIXES", "build_pdf", "font_paths"]

# --- The document -----------------------------------------------------------------------------


def _section(table, parts, charts, *, compact=False) -> list[Flowable]:
    """A table's heading, its chart, its parts and its note. The heading never ends a page:
    with its chart it is kept together; before a table it starts a new page when less than a
    few rows' room is left."""
    styles = paragraph_styles()
    heading = Paragraph(escaped(table.title), styles["heading"])
    found: list[Flowable] = []
    if table.key in charts:
        found.append(KeepTogether([heading, *chart(charts[table.key])]))
    else:
        found += [heading] if compact else [CondPageBreak(HEADING_ROOM), heading]
    for part in parts:
        found += table_part(part)
    if table.note:
        found.append(Paragraph(escaped(table.note), styles["note"]))
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
        size = paragraph_styles()["heading"].fontSize
        heading = pdfmetrics.stringWidth(str(table.title), BOLD, size)
        width = min(FRAME_WIDTH, max(part_width(parts[table.key][0]), heading + 1))
        if sum(w + COMPACT_GAP for w, _f in row) + width > FRAME_WIDTH:
            close_row()
        row.append((width, _section(table, parts[table.key], charts, compact=True)))
    close_row()
    return story


def _definitions(context) -> list[Flowable]:
    styles = paragraph_styles()
    found = [Paragraph(escaped(_("How the figures are counted")), styles["heading"])]
    found += [
        Paragraph(escaped(words), styles["definition"], bulletText="•")
        for _key, words in context["definition_items"]
    ]
    return [KeepTogether(found)]


def _signature(context, office: dict) -> Flowable:
    styles = paragraph_styles()
    head_title = office["head_title"] or None
    name = office["head_name"] or None
    nip = office["head_nip"] or None
    lines = [
        Paragraph(
            escaped(f"{_('Jakarta')}, {formats.date_text(context['printed_at'])}"),
            styles["signature"],
        ),
        Paragraph(
            escaped(head_title) if head_title else unset(_("Title: not filled in yet")),
            styles["signature"],
        ),
        Spacer(0, 20 * mm),
        Paragraph(
            f"<u>{escaped(name)}</u>" if name else unset(_("Name: not filled in yet")),
            styles["signature_name"],
        ),
        Paragraph(
            f"{escaped(_('NIP'))} " + (escaped(nip) if nip else unset(_("not filled in yet"))),
            styles["signature"],
        ),
    ]
    return KeepTogether([Spacer(0, 8 * mm), *lines])


def build_pdf(context: dict) -> bytes:
    """The report's PDF from the report's context (reports.exports.report_context)."""
    register_fonts()
    styles = paragraph_styles()
    office = renderers.letterhead()
    tables = context["table_list"]
    charts = context.get("charts") or {}
    parts = {table.key: renderers.pdf_parts(table) for table in tables}
    title, period = str(context["title"]), str(context["period_text"])
    printed = formats.datetime_short(context["printed_at"])
    story: list[Flowable] = [
        Letterhead(office),
        Paragraph(escaped(title), styles["title"]),
        Paragraph(
            f"{escaped(_('Period'))}: <b>{escaped(period)}</b> · {escaped(_('Printed'))}: "
            f"{escaped(printed)}",
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
    document.build(story, canvasmaker=numbered_canvas(f"{title} · {period}"))
    return out.getvalue()
