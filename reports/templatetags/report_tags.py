import datetime

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format

from reports import tables as t

register = template.Library()


@register.filter
def figure(value, kind):
    """A figure formatted the Indonesian way: 1.250.000, Rp1.250.000, 12,5%, 06/03/2023."""
    if value is None:
        return "–"
    if kind == t.INT:
        return number_format(value, force_grouping=True)
    if kind == t.RUPIAH:
        return "Rp" + number_format(value, force_grouping=True)
    if kind == t.PERCENT:
        return number_format(value, 1, force_grouping=True) + "%"
    if kind == t.MONTH:
        return date_format(value, "M Y")
    if kind == t.DATE and isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


@register.filter
def raw(value):
    """The machine-readable value of a cell (data-value), for tests and scripts."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
