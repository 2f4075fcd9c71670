"""The formatting module's template filters: `{% load portal_formats %}`, then
`{{ day|date_text }}`, `{{ when|datetime_short }}`, `{{ omzet|money }}`, `{{ share|percent }}`,
`{{ year|plain }}`. Registered as a library in settings.TEMPLATES."""

from django import template

from config import formats

register = template.Library()


def _blank_for_none(function):
    def filter_function(value):
        return "" if value is None or value == "" else function(value)

    filter_function.__name__ = function.__name__
    filter_function.__doc__ = function.__doc__
    return filter_function


for _name in (
    "date_text",
    "date_short",
    "month_text",
    "month_long",
    "day_date_text",
    "iso_date",
    "time_text",
    "datetime_text",
    "datetime_short",
    "number",
    "money",
    "percent",
    "plain",
):
    register.filter(_name, _blank_for_none(getattr(formats, _name)), is_safe=False)


@register.filter
def figure(value, kind):
    """A value of an export column kind (exports.columns): `{{ value|figure:"rupiah" }}`."""
    return formats.figure(value, kind)


@register.simple_tag
def time_range(start, end):
    return formats.time_range(start, end)
