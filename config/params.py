"""The one way to read a request parameter (GET or POST, or a URL part given as text).

Every view, selector and admin filter that turns a value from the address or a form post into
an integer, a year, a month, a date, an area code or a page number goes through here, because
the obvious checks are wrong in ways that end in a 500:

- `str.isdigit()` is True for "²" and "١", which `int()` refuses or reads as another number;
  only ASCII digits are accepted here.
- a NUL byte is an error for Postgres ("string literal cannot contain NUL"), not an empty match;
- 10**30 overflows an integer column, -2147483649 overflows `datetime.date`; every number is
  bounded and has at most 18 digits.

A bad value raises `BadParameter`, a `BadRequest` carrying an Indonesian message that names
the parameter (never repeating its value, which may be someone's NIK): left alone it is a 400
with that message (config.views.bad_request). A page that would rather show its message or
ignore the value catches it, or asks with `default=` through `get(..., lenient=True)`.
"""

import datetime
import re

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MAX_DIGITS = 18  # fits a bigint; anything longer is no id, year or page of ours
ASCII_INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Kemendagri codes: 31 (province), 31.73 (city), 31.73.02 (kecamatan), 31.73.02.1002 (kelurahan).
AREA_CODE = {
    "city": re.compile(r"[0-9]{2}\.[0-9]{2}"),
    "kecamatan": re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"),
    "kelurahan": re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}"),
}
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_PAGE = 10_000
MAX_TEXT = 1000
# C0 controls except tab, LF and CR, and DEL: never part of a name, a search or a code.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadParameter(BadRequest):
    """A request parameter that cannot be used; `str()` is the Indonesian message."""

    def __init__(self, name: str, message: str):
        self.name = name
        self.message = message
        super().__init__(message)

    def __str__(self):
        return self.message


def text(value, *, name: str, max_length: int = MAX_TEXT) -> str:
    """The value as text, refused when it holds a NUL or another control character, or is
    longer than `max_length`."""
    value = "" if value is None else str(value)
    if CONTROL.search(value):
        raise BadParameter(
            name,
            _("The value of “%(name)s” contains characters that are not allowed.") % {"name": name},
        )
    if len(value) > max_length:
        raise BadParameter(name, _("The value of “%(name)s” is too long.") % {"name": name})
    return value


def integer(value, *, name: str, minimum: int = 0, maximum: int = 2**31 - 1) -> int:
    """An integer written in ASCII digits (an optional leading minus), within the bounds."""
    value = text(value, name=name, max_length=MAX_DIGITS + 1).strip()
    if not ASCII_INTEGER.fullmatch(value):
        raise BadParameter(
            name, _("The value of “%(name)s” is not a whole number.") % {"name": name}
        )
    number = int(value)
    if not minimum <= number <= maximum:
        raise BadParameter(
            name,
            _("The value of “%(name)s” must be between %(minimum)s and %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum},
        )
    return number


def year(value, *, name: str = "tahun", minimum: int = FIRST_YEAR, maximum: int = LAST_YEAR):
    return integer(value, name=name, minimum=minimum, maximum=maximum)


def month(value, *, name: str = "bulan") -> int:
    return integer(value, name=name, minimum=1, maximum=12)


def day(value, *, name: str) -> int:
    return integer(value, name=name, minimum=1, maximum=31)


def page(value, *, name: str = "halaman", maximum: int = MAX_PAGE) -> int:
    return integer(value, name=name, minimum=1, maximum=maximum)


def object_id(value, *, name: str = "id") -> int:
    """A row's id: a positive bigint."""
    return integer(value, name=name, minimum=1, maximum=2**63 - 1)


def date(value, *, name: str) -> datetime.date:
    """A day written YYYY-MM-DD (as <input type="date"> sends it), between 1900 and 2100."""
    value = text(value, name=name, max_length=40).strip()
    match = ISO_DATE.fullmatch(value)
    try:
        if not match:
            raise ValueError
        parsed = datetime.date(*(int(part) for part in match.groups()))
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise ValueError
    except ValueError:
        raise BadParameter(
            name,
            _("The value of “%(name)s” is not a date (YYYY-MM-DD, such as 2023-09-25).")
            % {"name": name},
        ) from None
    return parsed


def area_code(value, *, name: str = "kecamatan", level: str = "kecamatan") -> str:
    """A Kemendagri area code of the given level ("city", "kecamatan", "kelurahan")."""
    value = text(value, name=name, max_length=20).strip()
    if not AREA_CODE[level].fullmatch(value):
        raise BadParameter(
            name,
            _("The value of “%(name)s” is not an area code (such as 31.73.02).") % {"name": name},
        )
    return value


def get(query, name: str, parse, *, default=None, lenient: bool = False, **options):
    """`parse` applied to `query[name]` (a QueryDict or a dict); `default` when the
    parameter is missing or empty, and also when it is bad if `lenient` (a public page that
    simply ignores a value it cannot use). Otherwise a bad value raises BadParameter."""
    value = query.get(name)
    if value is None or str(value).strip() == "":
        return default
    try:
        return parse(value, name=name, **options)
    except BadParameter:
        if lenient:
            return default
        raise


def get_list(query, name: str, parse, **options) -> list:
    """Every value of a repeated parameter (?business=1&business=2), each parsed."""
    return [parse(value, name=name, **options) for value in query.getlist(name)]


def check_query(query, *, names=None) -> None:
    """Refuse a query (or form) holding a control character in any name or value; it may not
    reach the database, whatever view reads it."""
    for key, values in query.lists():
        label = CONTROL.sub("", key)[:40]
        text(key, name=label, max_length=MAX_TEXT)
        if names is None or key in names:
            for value in values:
                text(value, name=label, max_length=10**6)
