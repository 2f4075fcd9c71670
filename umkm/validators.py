"""Validation and normalisation of the identifiers the register holds.

Every message names what is wrong in Indonesian (through the catalogue), so that forms, the
spreadsheet import and services can show it as it is.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config import formats

NIK_RE = re.compile(r"^\d{16}$")
NIB_RE = re.compile(r"^\d{13}$")
KBLI_RE = re.compile(r"^\d{5}$")
# Stored form of a phone number: +62 and 8 to 12 more digits, the first not 0.
PHONE_STORED_RE = re.compile(r"^\+62[1-9]\d{7,11}$")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")


@dataclass(frozen=True)
class NikFacts:
    """What a NIK says about its holder (the first six digits say where it was issued)."""

    issuing_area: str  # 6 digits: province, city, kecamatan where the NIK was first issued
    birth_date: datetime.date | None
    gender: str  # "L" or "P"
    serial: str


def clean_nik(value) -> str:
    """Return the NIK as 16 digits or raise ValidationError with the reason."""
    nik = re.sub(r"[\s.\-]", "", str(value or ""))
    if not NIK_RE.match(nik):
        raise ValidationError(_("NIK must be exactly 16 digits."), code="nik_format")
    day, month = int(nik[6:8]), int(nik[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise ValidationError(
            _("NIK digits 7-8 (day of birth) must be 01-31, or 41-71 for women."),
            code="nik_day",
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("NIK digits 9-10 (month of birth) must be 01-12."), code="nik_month"
        )
    if nik[12:] == "0000":
        raise ValidationError(
            _("NIK serial number (last 4 digits) cannot be 0000."), code="nik_serial"
        )
    return nik


def nik_facts(nik: str, *, today: datetime.date | None = None) -> NikFacts:
    """Birth date and gender from a valid NIK (the year: the latest one not in the future)."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    today = today or datetime.date.today()
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        birth_date = None  # e.g. 31 February: the NIK is kept, the date cannot be read
    return NikFacts(issuing_area=nik[:6], birth_date=birth_date, gender=gender, serial=nik[12:])


def nik_birth_date_warning(nik: str, birth_date, gender: str | None = None) -> str | None:
    """A warning, not an error, when the NIK disagrees with the entered birth date or gender."""
    facts = nik_facts(nik)
    if birth_date and facts.birth_date and facts.birth_date != birth_date:
        return str(
            _("The birth date in the NIK (%(nik_date)s) differs from the entered birth date.")
            % {"nik_date": formats.date_short(facts.birth_date)}
        )
    if gender and facts.gender != gender:
        return str(_("The gender in the NIK differs from the entered gender."))
    return None


def mask_nik(nik: str) -> str:
    """Masked NIK for staff without the right to see it.

    Never the last four digits: with a birth date and kecamatan beside them, they rebuild the NIK.
    Shows the province and city (first 4) and nothing else.
    """
    if not nik:
        return ""
    return nik[:4] + "•" * 12


def normalise_phone(value) -> str:
    """08xx, 628xx, +62 8xx and 0 21-xxx become one form, +62...; '' stays ''."""
    raw = _PHONE_SEPARATORS.sub("", str(value or ""))
    if not raw:
        return ""
    if raw.startswith("+"):
        raw = raw[1:]
    if raw.startswith("0"):
        raw = "62" + raw[1:]
    phone = "+" + raw
    if not PHONE_STORED_RE.match(phone):
        raise ValidationError(
            _("Phone number must look like 0812-3456-7890 or +62 812 3456 7890."),
            code="phone_format",
        )
    return phone


def validate_stored_phone(value: str) -> None:
    """A phone as the register stores it (+62..., see normalise_phone), or ''."""
    if value and not PHONE_STORED_RE.match(value):
        raise ValidationError(
            _("Phone number must look like 0812-3456-7890 or +62 812 3456 7890."),
            code="phone_format",
        )


def validate_nib(value: str) -> None:
    if value and not NIB_RE.match(value):
        raise ValidationError(_("NIB must be exactly 13 digits."), code="nib_format")


def validate_kbli(value: str) -> None:
    if value and not KBLI_RE.match(value):
        raise ValidationError(_("KBLI must be exactly 5 digits."), code="kbli_format")


def name_key(name) -> str:
    """A name as people compare names: case ignored, and any run of white space (a no-break
    space pasted from a web page or a spreadsheet included) read as one space."""
    return " ".join(str(name or "").split()).casefold()
