import datetime

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from config import formats
from reports import tables as t

register = template.Library()


@register.filter
def figure(value, kind):
    """A figure formatted the Indonesian way (config.formats): 1.250.000, Rp1.250.000, 12,5%,
    06/03/2023, a cohort year 2019."""
    return formats.figure(value, kind)


@register.filter
def raw(value):
    """The machine-readable value of a cell (data-value), for tests and scripts."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


NUMERIC = frozenset({t.INT, t.YEAR, t.RUPIAH, t.PERCENT})


@register.filter
def item(mapping, key):
    """mapping[key], or None: `{{ charts|item:table.key }}`."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def table_body(table, columns=None):
    """The rows of a report table, every figure cell named by data-figure and carrying its
    machine value in data-value; `columns` (indices) prints only those, the first as the row's
    header (a part of a wide table in the PDF). Built here rather than in template loops: a
    table of a few hundred rows renders ten times faster."""
    rows = []
    for key, all_cells in table.display_rows():
        cells = all_cells if columns is None else [all_cells[c] for c in columns]
        parts = []
        for i, (column_key, value, kind) in enumerate(cells):
            tag = "th" if i == 0 else "td"
            parts.append(
                format_html(
                    '<{} {}data-figure="{}.{}.{}" data-value="{}">{}</{}>',
                    tag,
                    mark_safe(
                        'scope="row" ' if i == 0 else 'class="num" ' if kind in NUMERIC else ""
                    ),
                    table.key,
                    key,
                    column_key,
                    raw(value),
                    figure(value, kind),
                    tag,
                )
            )
        css = mark_safe(' class="total"' if key == "total" else "")
        rows.append(format_html("<tr{}>{}</tr>", css, mark_safe("".join(parts))))
    return mark_safe("\n".join(rows))


@register.filter
def svg_attributes(attributes: dict):
    """A chart primitive's look (reports.charts.STYLES) as SVG attributes."""
    return format_html_join("", ' {}="{}"', attributes.items())


@register.simple_tag
def screen_layout(table):
    """The table's column widths on screen (reports.renderers.screen_layout)."""
    from reports.renderers import screen_layout

    return screen_layout(table)
