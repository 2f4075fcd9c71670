"""The one formatting module: how the portal writes a date, a time, money, a percentage, a
year or an identity number, on pages, in exports (exports/), PDFs (reports/renderers) and
e-mails alike. Templates use the same functions through `{% load portal_formats %}`
(config/formats/templatetags.py).

The Indonesian forms (the site's default language):
- a date in text: 25 September 2023 (`date_text`), with its weekday (`day_date_text`); in a
  table: 25/09/2023 (`date_short`); a month: September 2023 (`month_long`), Sep 2023 in a
  column (`month_text`);
- a time: 09.00 WIB, always in Asia/Jakarta (`time_text`, `datetime_text`, `datetime_short`);
- money: Rp1.250.000 (`money`); a count: 1.250.000 (`number`);
- a percentage with a decimal comma: 12,5% (`percent`);
- a year or an identity number (NIK, NIB, kode wilayah, cohort year): never grouped, 2019
  (`plain`).

Django's own `date`/`time` filters and the admin follow the same forms: the locale formats
in config/formats/id/formats.py (settings.FORMAT_MODULE_PATH) replace Django's "25 Sep. 2023",
"9.00" and "07-04-2019". English pages keep English separators and month names, with the same
24-hour time and zone.

Also the spreadsheet number formats (`XLSX_*`): exports/xlsx.py writes them into its styles.
"""

import datetime
import decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format

# The zone every time is shown in (settings.TIME_ZONE); its abbreviation, written after a time.
ZONE = "WIB"

# Spreadsheet number formats. A date is a date cell, money a number cell: Excel shows the
# digits grouped with the reader's own separator (1.250.000 in an Indonesian Excel). A year is
# a number without grouping. In a datetime, ":" is Excel's time separator (shown as the
# reader's: "." in Indonesian Excel), so the cell stays a real time everywhere.
XLSX_RUPIAH = '"Rp"#,##0'
XLSX_INT = "#,##0"
XLSX_YEAR = "0"
XLSX_PERCENT = '0.0"%"'
XLSX_DATE = "dd/mm/yyyy"
XLSX_DATETIME = f'dd/mm/yyyy hh:mm "{ZONE}"'
XLSX_MONTH = "mmm yyyy"

EMPTY = "–"


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def date_text(value) -> str:
    """25 September 2023 (a datetime: its day in Jakarta)."""
    return date_format(_local(value), "DATE_FORMAT")


def date_short(value) -> str:
    """25/09/2023, for tables."""
    return date_format(_local(value), "SHORT_DATE_FORMAT")


def month_text(value) -> str:
    """Sep 2023 (a month's column head or cell)."""
    return date_format(value, "M Y")


def month_long(value) -> str:
    """September 2023 (a month in text: a heading, a sentence)."""
    return date_format(value, "F Y")


def day_date_text(value) -> str:
    """Senin, 25 September 2023 (a day of an event, with its weekday)."""
    return date_format(_local(value), "l, ") + date_text(value)


def iso_date(value) -> str:
    """2023-09-25: for machines, not readers (an <input type="date">'s value, a URL)."""
    return _local(value).isoformat()[:10]


def time_text(value) -> str:
    """09.00 WIB: a time of day (wall time in Jakarta) or a datetime's time there."""
    return date_format(_local(value), "TIME_FORMAT")


def datetime_text(value) -> str:
    """25 September 2023, 09.00 WIB"""
    return date_format(_local(value), "DATETIME_FORMAT")


def datetime_short(value) -> str:
    """25/09/2023 09.00 WIB, for tables and stamps."""
    return date_format(_local(value), "SHORT_DATETIME_FORMAT")


def time_range(start, end) -> str:
    """09.00–17.00 WIB"""
    return f"{time_text(start).removesuffix(' ' + ZONE)}–{time_text(end)}"


def number(value) -> str:
    """1.250.000 (a count or an amount without unit), grouped the language's way."""
    return number_format(value, 0 if isinstance(value, int) else None, force_grouping=True)


def money(value) -> str:
    """Rp1.250.000: whole rupiah, grouped."""
    if isinstance(value, float | decimal.Decimal):
        value = int(decimal.Decimal(value).quantize(0, rounding=decimal.ROUND_HALF_UP))
    return "Rp" + number_format(int(value), 0, force_grouping=True)


def percent(value, digits: int = 1) -> str:
    """12,5%: a percentage (12.5 means 12,5%) with the language's decimal mark."""
    return number_format(value, digits, force_grouping=True) + "%"


def plain(value) -> str:
    """2019, 3173024107850001: years and identity numbers, never grouped."""
    return str(value)


def figure(value, kind: str) -> str:
    """A value of an export column kind (exports.columns) as text on a page or in a PDF."""
    from exports import columns as k

    if value is None or value == "":
        return EMPTY
    if kind == k.INT:
        return number(value)
    if kind == k.RUPIAH:
        return money(value)
    if kind == k.PERCENT:
        return percent(value)
    if kind == k.MONTH:
        return month_text(value)
    if kind == k.DATETIME and isinstance(value, datetime.datetime):
        return datetime_short(value)
    if kind == k.DATE and isinstance(value, datetime.date):
        return date_short(value)
    if kind in (k.YEAR, k.CODE):
        return plain(value)
    return value
