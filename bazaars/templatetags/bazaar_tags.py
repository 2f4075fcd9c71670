from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config import formats

register = template.Library()


@register.filter
def date_range(bazaar) -> str:
    """'25–26 September 2023', '30 April – 2 Mei 2023' or '12 April 2023', in the language."""
    start, end = bazaar.start_date, bazaar.end_date
    if start is None:
        return _("dates to be announced")
    if start == end:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')} – {date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}"


@register.filter
def rupiah(value) -> str:
    """Rp1.250.000"""
    if value is None or value == "":
        return ""
    return formats.money(value)
