"""The rules of certificates that are code, not data: number formats, validity, transitions.

Certificate types are rows (seeded by a migration), but a function cannot be a row: each type
names a `number_rule` key of NUMBER_RULES below and a `validity` kind (VALIDITY_*).

Number formats (what staff type is normalised first: spaces, dots, dashes and a leading label
such as "P-IRT No." are removed, letters upper-cased):

- halal: "ID" + 17 digits, the SIHALAL certificate number of BPJPH (e.g. ID31110000123450623).
- pirt: 15 digits (SPP-IRT, PerBPOM 22/2018): the last two digits (14-15) are the year the
  permit expires, 2000 + those digits.
- bpom_md: "MD" + 12 digits (izin edar pangan olahan dalam negeri).
- bpom_cosmetic: "N" + one of A-E + 11 digits (notifikasi kosmetika, PerBPOM 30/2020 and the
  notifkos.pom.go.id guidance: two letters and eleven digits, e.g. NA18230100123; NA is the
  usual prefix for products made in Indonesia). Kits ("NKIT" + 9 digits) are not tracked here.
- nib: 13 digits (OSS).
- trademark: "IDM" + 9 digits (DJKI registration number of a mark, e.g. IDM000987654).

PIRT expiry read from the number: the issue date's day and month in the year the number
states (2000 + digits 14-15); 29 February becomes 28 February in a common year. A permit
issued on 15-03-2023 with digits "28" therefore expires on 15-03-2028, five years, as the
regulation says.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Statuses and transitions -----------------------------------------------------------------

NEEDED = "needed"
REFERRED = "referred"
SUBMITTED = "submitted"
ISSUED = "issued"
REJECTED = "rejected"

IN_PROCESS = (REFERRED, SUBMITTED)

# from -> allowed targets. "" is a case being opened.
# - needed -> rejected: the business does not qualify or no longer wants it (note required).
# - referred -> needed: the referral was withdrawn.
# - issued -> referred / submitted: renewal of the same certificate (the old number, dates and
#   the reason stay in the transition history).
# - rejected is final: open a new case (the unique rule ignores rejected cases).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "": (NEEDED, ISSUED),
    NEEDED: (REFERRED, SUBMITTED, REJECTED),
    REFERRED: (SUBMITTED, REJECTED, NEEDED),
    SUBMITTED: (ISSUED, REJECTED),
    ISSUED: (REFERRED, SUBMITTED),
    REJECTED: (),
}

# Transitions whose note is required (the reason must be on record).
NOTE_REQUIRED = {REJECTED}


def transition_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


# --- Who needs a type -----------------------------------------------------------------------

APPLIES_ALL = "all"
APPLIES_FOOD = "food"
APPLIES_SECTOR = "sector"

APPLIES_TO_CHOICES = [
    (APPLIES_ALL, _("Every business")),
    (APPLIES_FOOD, _("Businesses of a food sector")),
    (APPLIES_SECTOR, _("Businesses of one sector")),
]


# --- Validity -----------------------------------------------------------------------------------

VALIDITY_YEARS = "years"
VALIDITY_NONE = "none"
VALIDITY_FROM_NUMBER = "from_number"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day and month `years` later (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def pirt_expiry_year(number: str) -> int:
    return 2000 + int(number[13:15])


def computed_expiry(
    *, validity: str, years: int | None, number: str, issued_on: datetime.date
) -> datetime.date | None:
    """The expiry date the type's rule gives, or None for certificates that do not expire."""
    if validity == VALIDITY_NONE:
        return None
    if validity == VALIDITY_YEARS:
        return add_years(issued_on, years or 0)
    if validity == VALIDITY_FROM_NUMBER:
        return add_years(issued_on, pirt_expiry_year(number) - issued_on.year)
    raise ValueError(validity)


# --- Numbers ------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s.\-/]")
_LABEL = re.compile(r"^(P-?IRT|SPP-?IRT|NIB)\s*(NO\.?|NOMOR)?\s*:?\s*", re.IGNORECASE)


def normalise_number(value) -> str:
    text = _LABEL.sub("", str(value or "").strip())
    return _SEPARATORS.sub("", text).upper()


def _regex_rule(pattern: str, message):
    compiled = re.compile(pattern)

    def validate(number: str) -> None:
        if not compiled.fullmatch(number):
            raise ValidationError(message, code="number_format")

    return validate


def _validate_pirt(number: str) -> None:
    if not re.fullmatch(r"\d{15}", number):
        raise ValidationError(_("A PIRT number must be exactly 15 digits."), code="number_format")


NUMBER_RULES = {
    "halal": _regex_rule(
        r"ID\d{17}",
        _('A halal certificate number must be "ID" followed by 17 digits.'),
    ),
    "pirt": _validate_pirt,
    "bpom_md": _regex_rule(r"MD\d{12}", _('A BPOM MD number must be "MD" followed by 12 digits.')),
    "bpom_cosmetic": _regex_rule(
        r"N[A-E]\d{11}",
        _('A cosmetics notification number must be "NA" (or NB-NE) followed by 11 digits.'),
    ),
    "nib": _regex_rule(r"\d{13}", _("A NIB must be exactly 13 digits.")),
    "trademark": _regex_rule(
        r"IDM\d{9}", _('A trademark registration number must be "IDM" followed by 9 digits.')
    ),
}

NUMBER_RULE_CHOICES = [
    ("halal", _("Halal certificate (ID + 17 digits)")),
    ("pirt", _("PIRT (15 digits, digits 14-15 the expiry year)")),
    ("bpom_md", _("BPOM MD (MD + 12 digits)")),
    ("bpom_cosmetic", _("Cosmetics notification (NA + 11 digits)")),
    ("nib", _("NIB (13 digits)")),
    ("trademark", _("Trademark (IDM + 9 digits)")),
]


def validate_number(rule: str, value) -> str:
    """Normalise and check a certificate number; return it or raise ValidationError."""
    number = normalise_number(value)
    if not number:
        raise ValidationError(_("The certificate number is required."), code="number_required")
    NUMBER_RULES[rule](number)
    return number
