import datetime
from html import escape

from django import template
from django.utils.html import format_html_join
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
def table_body(table):
    """The rows of a report table, every figure cell named by data-figure and carrying its
    machine value in data-value. Built here rather than in template loops: a table of a few
    hundred rows renders ten times faster; with the standard library's escape (what
    django.utils.html.escape calls) rather than format_html per cell, three times faster again
    (a kecamatan's kept report is mostly this)."""
    rows = []
    prefix = escape(str(table.key))
    for key, cells in table.display_rows():
        row_prefix = f"{prefix}.{escape(str(key))}."
        parts = []
        for i, (column_key, value, kind) in enumerate(cells):
            tag = "th" if i == 0 else "td"
            attrs = ' scope="row"' if i == 0 else ' class="num"' if kind in NUMERIC else ""
            attrs += (
                f' data-figure="{row_prefix}{escape(str(column_key))}"'
                f' data-value="{escape(raw(value))}"'
            )
            parts.append(f"<{tag}{attrs}>{escape(str(figure(value, kind)))}</{tag}>")
        css = ' class="total"' if key == "total" else ""
        rows.append(f"<tr{css}>{''.join(parts)}</tr>")
    return mark_safe("\n".join(rows))  # every value above is escaped


@register.filter
def svg_attributes(attributes: dict):
    """A chart primitive's look (reports.charts.STYLES) as SVG attributes."""
    return format_html_join("", ' {}="{}"', attributes.items())


@register.simple_tag
def screen_layout(table):
    """The table's column widths on screen (reports.renderers.screen_layout)."""
    from reports.renderers import screen_layout

    return screen_layout(table)
