"""The report's charts, drawn on the server as inline SVG (no script, no web font), the same on
the dashboard and in the PDF: each chart has a value axis with ticks and its title, labelled
categories, a legend, and the figures at the end of the bars.

A chart is a list of primitives (rectangles, lines, texts) in a viewBox 1,000 units wide;
reports/templates/reports/_chart.html draws any of them. The numbers always sit in the table
below each chart too (the chart is hidden from screen readers).

Which table gets which chart: `report_charts`, from the tables alone (reports.tables), so that a
table added later needs only an entry here to get a chart.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH = 1000
FONT = 13  # user units; 1,000 units across A4 landscape's 267 mm make it about 9.5 pt
ROW = 15  # one bar's thickness
GAP = 9  # between categories
LEGEND_HEIGHT = 30


# How each kind of primitive looks, as SVG presentation attributes on the dashboard and as
# ReportLab's colours and widths in the PDF (reports.pdf): the look travels with the drawing.
STYLES = {
    "chart-bar": {"fill": "#b4232a"},
    "chart-bar-2": {"fill": "#5b6b82"},
    "chart-bar-ok": {"fill": "#1e7a3c"},
    "chart-grid": {"stroke": "#dfe2e7", "stroke-width": "1"},
    "chart-axis": {"stroke": "#1d1d1f", "stroke-width": "1.5"},
    "chart-marker": {"stroke": "#1d1d1f", "stroke-width": "3"},
    "chart-category": {"fill": "#1d1d1f", "font-size": str(FONT)},
    "chart-value": {"fill": "#1d1d1f", "font-size": str(FONT)},
    "chart-tick": {"fill": "#555b66", "font-size": str(FONT - 1)},
    "chart-legend": {"fill": "#1d1d1f", "font-size": str(FONT)},
    "chart-title": {"fill": "#1d1d1f", "font-size": str(FONT), "font-weight": "bold"},
}


_FONT_FAMILY = {"font-family": "DejaVu Sans, Noto Sans, sans-serif"}


class _Styled:
    @property
    def attributes(self) -> dict:
        style = STYLES.get(self.css, {})
        return {**style, **_FONT_FAMILY} if "font-size" in style else style


@dataclass(frozen=True)
class Rect(_Styled):
    x: float
    y: float
    width: float
    height: float
    css: str


@dataclass(frozen=True)
class Line(_Styled):
    x1: float
    y1: float
    x2: float
    y2: float
    css: str


@dataclass(frozen=True)
class Text(_Styled):
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle, end
    css: str = ""
    rotate: int = 0  # degrees about (x, y)


@dataclass
class Chart:
    key: str
    title: str
    height: float = 0
    width: int = WIDTH
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | None]
    css: str


def nice_ticks(largest: float, *, most: int = 6, whole: bool = False) -> list[float]:
    """0 and round steps (1, 2, 5 x 10^n) up to at least `largest`, at most `most` + 1 ticks;
    `whole`: steps of at least 1 (counts of businesses have no halves)."""
    if not largest or largest <= 0:
        return [0, 1]
    raw = largest / most
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    count = math.ceil(largest / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def count_label(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def rupiah_label(value: float) -> str:
    """Short rupiah for an axis: Rp0, Rp250 jt, Rp1,5 M (Indonesian), Rp250 mn, Rp1.5 bn."""
    if value >= 1e9:
        amount = number_format(value / 1e9, 1 if value % 1e9 else 0)
        return _("Rp%(amount)s bn") % {"amount": amount}
    if value >= 1e6:
        amount = number_format(value / 1e6, 1 if value % 1e6 else 0)
        return _("Rp%(amount)s mn") % {"amount": amount}
    return "Rp" + number_format(round(value), force_grouping=True)


def _legend(chart: Chart, items: list[tuple[str, str]], *, y: float = 0) -> None:
    """Swatches and their labels in one row at the top; `marker` draws a target line."""
    x = 0.0
    for css, label in items:
        if css == "marker":
            chart.lines.append(Line(x + 7, y + 3, x + 7, y + 19, "chart-marker"))
        else:
            chart.rects.append(Rect(x, y + 4, 14, 14, css))
        chart.texts.append(Text(x + 20, y + 16, label, css="chart-legend"))
        x += 20 + len(label) * FONT * 0.6 + 24


def hbar_chart(
    *,
    key: str,
    title: str,
    categories: list[str],
    series: list[Series],
    axis_title: str,
    goals: Sequence[int | None] | None = None,
    reached_css: str = "",
    value_label: Callable[[float], str] = count_label,
) -> Chart:
    """Horizontal bars, one group per category (one bar per series); with `goals`, a marker at
    each category's goal, and a bar at or past its goal drawn in `reached_css`."""
    chart = Chart(key, title)
    items = [(s.css, s.label) for s in series]
    if goals is not None:
        items = [*items, ("marker", _("Target"))]
        if reached_css:
            items.insert(1, (reached_css, _("Target reached")))
    _legend(chart, items)
    label_width = min(320, max([len(c) for c in categories] + [8]) * FONT * 0.62 + 10)
    x0, x1 = label_width + 10, WIDTH - 110
    values = [v or 0 for s in series for v in s.values] + [g or 0 for g in goals or []]
    ticks = nice_ticks(max(values, default=0), whole=value_label is count_label)
    top = ticks[-1] or 1

    def x_of(value: float) -> float:
        return round(x0 + (x1 - x0) * value / top, 2)

    y = LEGEND_HEIGHT + 8
    plot_top = y
    band = ROW * len(series) + GAP
    for i, category in enumerate(categories):
        chart.texts.append(
            Text(label_width, y + band / 2 + FONT / 3, category, "end", "chart-category")
        )
        for j, s in enumerate(series):
            value = s.values[i] or 0
            goal = goals[i] if goals is not None else None
            css = reached_css if reached_css and goal and value >= goal else s.css
            by = y + GAP / 2 + j * ROW
            chart.rects.append(Rect(x0, by + 1, max(0, x_of(value) - x0), ROW - 2, css))
            shown = value_label(value)
            if goal is not None:
                shown = f"{shown} / {value_label(goal)}"
            chart.texts.append(Text(x1 + 8, by + ROW - 5, shown, css="chart-value"))
        if goals is not None and goals[i]:
            gx = x_of(goals[i])
            chart.lines.append(Line(gx, y + 2, gx, y + band - 2, "chart-marker"))
        y += band
    for tick in ticks:
        tx = x_of(tick)
        chart.lines.append(Line(tx, plot_top, tx, y, "chart-grid"))
        chart.texts.append(Text(tx, y + FONT + 4, value_label(tick), "middle", "chart-tick"))
    chart.lines.append(Line(x0, plot_top, x0, y, "chart-axis"))
    chart.lines.append(Line(x0, y, x1, y, "chart-axis"))
    chart.texts.append(Text((x0 + x1) / 2, y + 2 * FONT + 12, axis_title, "middle", "chart-title"))
    chart.height = y + 2 * FONT + 20
    return chart


def column_chart(
    *,
    key: str,
    title: str,
    labels: list[tuple[str, str]],
    series: Series,
    axis_title: str,
    category_title: str,
    value_label: Callable[[float], str] = count_label,
) -> Chart:
    """Vertical columns over time; `labels` are (first line, second line) under each column,
    the second (a year) shown only where it changes."""
    chart = Chart(key, title)
    _legend(chart, [(series.css, series.label)])
    ticks = nice_ticks(
        max((v or 0 for v in series.values), default=0), whole=value_label is count_label
    )
    top = ticks[-1] or 1
    x0, x1 = 110, WIDTH - 10
    y0, y1 = LEGEND_HEIGHT + 10, LEGEND_HEIGHT + 10 + 240  # the plot, top to bottom

    def y_of(value: float) -> float:
        return round(y1 - (y1 - y0) * value / top, 2)

    for tick in ticks:
        ty = y_of(tick)
        chart.lines.append(Line(x0, ty, x1, ty, "chart-grid"))
        chart.texts.append(Text(x0 - 6, ty + FONT / 3, value_label(tick), "end", "chart-tick"))
    n = max(len(series.values), 1)
    slot = (x1 - x0) / n
    every = math.ceil(n / 12)  # at most 12 labels along the axis
    previous_year = None
    for i, value in enumerate(series.values):
        left = x0 + i * slot
        chart.rects.append(
            Rect(round(left + slot * 0.15, 2), y_of(value or 0), round(slot * 0.7, 2),
                 round(y1 - y_of(value or 0), 2), series.css)
        )  # fmt: skip
        first, second = labels[i]
        centre = round(left + slot / 2, 2)
        if i % every == 0:
            chart.texts.append(Text(centre, y1 + FONT + 4, first, "middle", "chart-tick"))
        if second != previous_year:
            chart.texts.append(Text(centre, y1 + 2 * FONT + 8, second, "middle", "chart-tick"))
            previous_year = second
    chart.lines.append(Line(x0, y0, x0, y1, "chart-axis"))
    chart.lines.append(Line(x0, y1, x1, y1, "chart-axis"))
    chart.texts.append(Text(16, (y0 + y1) / 2, axis_title, "middle", "chart-title", rotate=-90))
    chart.texts.append(
        Text((x0 + x1) / 2, y1 + 3 * FONT + 16, category_title, "middle", "chart-title")
    )
    chart.height = y1 + 3 * FONT + 24
    return chart


# --- Which table gets which chart ------------------------------------------------------------


def _column(table, key: str) -> list:
    index = [c.key for c in table.columns].index(key)
    return [values[index] for row_key, values in table.rows if row_key != "total"]


def _summary(table) -> dict:
    return {row_key: values[1] for row_key, values in table.rows}


def report_charts(tables: dict, *, scope_name: str, is_city: bool) -> dict[str, Chart]:
    """The charts shown with the report's tables, by table key (drawn above the table)."""
    charts = {}
    if "wilayah" in tables and "ringkasan" in tables:
        if is_city:
            names = _column(tables["wilayah"], "name")
            new = _column(tables["wilayah"], "new")
            goals = _column(tables["wilayah"], "target")
        else:
            summary = _summary(tables["ringkasan"])
            names, new, goals = [scope_name], [summary.get("new")], [summary.get("target")]
        charts["wilayah"] = hbar_chart(
            key="wilayah",
            title=_("New businesses against the target"),
            categories=names,
            series=[Series(_("New businesses"), new, "chart-bar")],
            goals=goals,
            reached_css="chart-bar-ok",
            axis_title=_("Businesses"),
        )
    if "sektor" in tables:
        table = tables["sektor"]
        charts["sektor"] = hbar_chart(
            key="sektor",
            title=_("Businesses by sector"),
            categories=[str(v) for v in _column(table, "label")],
            series=[
                Series(_("Active"), _column(table, "active"), "chart-bar"),
                Series(_("New in the period"), _column(table, "new"), "chart-bar-2"),
            ],
            axis_title=_("Businesses"),
        )
    if "omzet" in tables:
        from django.utils.dateformat import format as date_format

        table = tables["omzet"]
        months = _column(table, "month")
        charts["omzet"] = column_chart(
            key="omzet",
            title=_("Omzet reported by mentored businesses, per month"),
            labels=[(date_format(m, "M"), date_format(m, "Y")) for m in months],
            series=Series(_("Omzet reported"), _column(table, "omzet"), "chart-bar"),
            axis_title=_("Omzet (Rp)"),
            category_title=_("Month"),
            value_label=rupiah_label,
        )
    return charts
