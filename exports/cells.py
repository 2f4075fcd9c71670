"""What a cell may hold: the one rule every renderer (and, through `exports.sql`, Postgres) uses.

A spreadsheet runs text as a formula when it starts with = + - or @ (OWASP "CSV injection"),
also after leading spaces, or in the full-width forms an East Asian keyboard types (＝ ＋ － ＠);
and a leading tab, CR or LF is used to smuggle one in. Such text gets a leading apostrophe, the
mark spreadsheets themselves use for "this is text". Real numbers (int, float, Decimal) pass
unchanged. Identity numbers (NIK, NIB, PIRT, phone, kode wilayah) are always text, so a leading
0 survives and a 16-digit NIK is never rounded. Datetimes are shown in Asia/Jakarta.
"""

import datetime
import decimal
from zoneinfo import ZoneInfo

from django.utils.functional import Promise

from exports.columns import CODE, DATE

JAKARTA = ZoneInfo("Asia/Jakarta")

# A formula starts with one of these, possibly after whitespace.
LIVE_START = "=+-@\uff1d\uff0b\uff0d\uff20"
# Control characters that start a cell with an injection on their own.
CONTROL_START = "\t\r\n"
# Whitespace a spreadsheet may skip before the formula sign: ASCII, no-break, the Unicode spaces,
# zero-width ones and the BOM. Spelled out (not \s) so that Python and Postgres agree exactly.
LEADING_SPACE = (
    " \t\r\n\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
NEUTRALISER = "'"


_LIVE_SET = frozenset(LIVE_START)
_FIRST_ALARM = frozenset(LIVE_START + CONTROL_START)
_SPACE_SET = frozenset(LEADING_SPACE)


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet run this text (or be tricked by its first character)?"""
    if not text:
        return False
    first = text[0]
    if first in _FIRST_ALARM:
        return True
    # Only text that starts with a space is trimmed (the common case costs one set lookup).
    return first in _SPACE_SET and text.lstrip(LEADING_SPACE)[:1] in _LIVE_SET


def safe_text(text: str) -> str:
    """The text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    return NEUTRALISER + text if is_formula_like(text) else text


def local(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime as wall-clock time in Jakarta, without tzinfo (what a cell shows)."""
    if value.tzinfo is not None:
        value = value.astimezone(JAKARTA)
    return value.replace(tzinfo=None)


def cell(value, kind: str):
    """The value a renderer writes for this column kind: None, str, a number, a date or a naive
    Jakarta datetime. Never a str a spreadsheet would run."""
    if value is None:
        return None
    if isinstance(value, Promise):
        value = str(value)
    if kind == CODE:
        return safe_text(value if isinstance(value, str) else str(value))
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        value = local(value)
        return value.date() if kind == DATE else value
    if isinstance(value, datetime.date):
        return value
    return safe_text(str(value))
