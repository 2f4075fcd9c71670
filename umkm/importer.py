"""A trainee spreadsheet's cells as values, and the registration's answer as row messages.

umkm.import_files reads the upload into rows of cell text; here each cell becomes a value
(a date, a kelurahan, a sector, Ya/Tidak, ...) or a message naming its row and column. The
values go to the one trainee registration (umkm.services.registration): `check_rows` asks it
for the preview (nothing written), `import_rows` has it write the file, all or nothing. Every
rule about who is matched, scope, capacity and duplicates is the registration's; its errors
per field come back here as "Row n, column X" messages (its fields are the column keys).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from umkm import permissions, services
from umkm.import_files import (  # noqa: F401  (the importer's file API, one address)
    COLUMNS,
    HEADERS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    NIK_WAS_NUMBER,
    ImportFileError,
    detect_kind,
    is_example_row,
    read_rows,
    read_table,
    read_upload,
)
from umkm.import_files import text_of as _text
from umkm.models import Kecamatan, Kelurahan, Sector, Training
from umkm.services import Registration, RegistrationError, TraineeData
from umkm.validators import clean_nik, mask_nik, normalise_phone, validate_nib

_TRUE = {"ya", "y", "1", "true", "benar", "v", "x", "hadir", "lulus", "yes"}
_FALSE = {"", "tidak", "t", "0", "false", "salah", "n", "no", "-"}
_GENDERS = {"l": "L", "laki-laki": "L", "laki laki": "L", "pria": "L", "p": "P", "perempuan": "P"}
_GENDERS.update({"wanita": "P"})

# --- Outcomes -----------------------------------------------------------------------------


class RowStatus:
    NEW = "baru"
    MATCHED = "cocok NIK"
    ERROR = "galat"


STATUS_LABELS = {
    RowStatus.NEW: gettext_lazy("new"),
    RowStatus.MATCHED: gettext_lazy("matched by NIK"),
    RowStatus.ERROR: gettext_lazy("error"),
}


@dataclass
class RowResult:
    number: int  # the row's number in the spreadsheet (the header is row 1)
    raw: dict
    data: TraineeData | None = None
    status: str = RowStatus.NEW
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    nik_masked: str = ""
    note: str = ""
    display_name: str = ""  # the registered name of an owner matched by NIK
    error_columns: set = field(default_factory=set)
    places: list = field(default_factory=list)  # (label, "kelurahan, kecamatan") resolved
    example: bool = False  # the template's example row: skipped

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status_label(self) -> str:
        if self.example:
            return _("template example, skipped")
        return str(STATUS_LABELS[RowStatus.ERROR if self.errors else self.status])

    def error(self, column: str, message) -> None:
        self.error_columns.add(column)
        self.errors.append(
            _("Row %(row)s, column %(column)s: %(message)s")
            % {"row": self.number, "column": HEADERS.get(column, column), "message": message}
        )


@dataclass
class Preview:
    training: Training
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    outcomes: list = field(default_factory=list)  # what import_rows saved (empty: nothing)

    @property
    def saved(self) -> bool:
        return bool(self.outcomes)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def trainee_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.example]

    @property
    def can_confirm(self) -> bool:
        return bool(self.trainee_rows) and not self.file_errors and not self.error_rows

    def count(self, status: str) -> int:
        return sum(1 for r in self.trainee_rows if r.ok and r.status == status)

    @property
    def new_count(self) -> int:
        return self.count(RowStatus.NEW)

    @property
    def matched_count(self) -> int:
        return self.count(RowStatus.MATCHED)

    @property
    def warning_count(self) -> int:
        return sum(1 for r in self.rows if r.warnings)


# --- The registration, for a file ----------------------------------------------------------


def check_rows(*, actor, training: Training, rows: list[tuple[int, dict]]) -> Preview:
    """Every row's outcome, without writing: a few queries for the whole file, not per row."""
    results = parse_rows(actor=actor, rows=rows)
    trainees = [r for r in results if not r.example]
    registration = services.trainees_check(
        actor=actor, training=training, trainees=[r.data for r in trainees]
    )
    return _preview(training, results, registration)


def import_rows(*, actor, training: Training, rows: list[tuple[int, dict]], progress=None):
    """Write the file's trainees, all or none. The Preview says what was saved (`outcomes`)
    or, when nothing was, why: the rows as the database is now."""
    results = parse_rows(actor=actor, rows=rows)
    trainees = [r for r in results if not r.example]
    if any(r.errors for r in results) or not trainees:
        return check_rows(actor=actor, training=training, rows=rows)
    try:
        registration = services.trainees_register(
            actor=actor,
            training=training,
            trainees=[r.data for r in trainees],
            progress=progress,
        )
    except RegistrationError as exc:
        return _preview(training, results, exc.registration)
    except ValidationError as exc:  # a race the database refused: someone saved the same NIK
        return Preview(training=training, rows=results, file_errors=exc.messages)
    preview = _preview(training, results, registration)
    preview.outcomes = registration.outcomes()
    return preview


# A registration error on one of these fields is the same cause as a cell's own message on
# another of them: a kelurahan that is not known is not also "required".
_SAME_CAUSE = {
    "owner_kelurahan": {"owner_kelurahan", "business_kelurahan"},
    "business_kelurahan": {"owner_kelurahan", "business_kelurahan"},
}


def _preview(training, results: list[RowResult], registration: Registration) -> Preview:
    trainees = [r for r in results if not r.example]
    for r, outcome in zip(trainees, registration.rows, strict=True):
        for name, message in outcome.errors:
            if r.error_columns & _SAME_CAUSE.get(name, {name}):
                continue  # the cell's own message already says what is wrong
            if name in HEADERS:
                r.error(name, message)
            else:
                r.errors.append(
                    _("Row %(row)s: %(message)s") % {"row": r.number, "message": message}
                )
        r.warnings += [
            _("Row %(row)s: %(warning)s") % {"row": r.number, "warning": w}
            for w in outcome.warnings
        ]
        if outcome.owner_matched:
            r.status, r.display_name = RowStatus.MATCHED, outcome.owner.full_name
            if outcome.business_matched:
                r.note = _("existing business %(name)s") % {"name": outcome.business.name}
            else:
                r.note = _("new business for a registered owner")
        else:
            r.note = _("new owner and business")
    return Preview(training=training, rows=results, file_errors=list(registration.errors))


# --- Cells to values ------------------------------------------------------------------------


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DateError(ValueError):
    """A date in the right shape that does not exist; the message says which part."""


def _parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    if not 1 <= month <= 12:
        raise DateError(_("month %(month)s does not exist (1 to 12).") % {"month": month})
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateError(
            _("day %(day)s does not exist in month %(month)s of %(year)s.")
            % {"day": day, "month": month, "year": year}
        ) from None


def _parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(text)


def _parse_score(value) -> Decimal | None:
    text = _text(value).replace(",", ".")
    if not text:
        return None
    score = Decimal(text)
    if not Decimal(0) <= score <= Decimal(100):
        raise ValueError(text)
    return score.quantize(Decimal("0.01"))


class _Lookups:
    """Kelurahan and sectors in memory, by code and by name."""

    def __init__(self):
        self.kelurahan_by_code = {}
        self.kelurahan_by_name: dict[str, list[Kelurahan]] = {}
        for kel in Kelurahan.objects.select_related("kecamatan"):
            self.kelurahan_by_code[kel.code] = kel
            self.kelurahan_by_name.setdefault(kel.name.casefold(), []).append(kel)
        self.kecamatan_by_code = {}
        self.kecamatan_by_name: dict[str, list[Kecamatan]] = {}
        for kec in Kecamatan.objects.all():
            self.kecamatan_by_code[kec.code] = kec
            self.kecamatan_by_name.setdefault(kec.name.casefold(), []).append(kec)
        self.sectors = {}
        for sector in Sector.objects.all():
            self.sectors[sector.code.casefold()] = sector
            self.sectors[sector.name.casefold()] = sector
            self.sectors.setdefault(sector.name.split(" /")[0].casefold(), sector)

    def kelurahan(self, value) -> Kelurahan | None:
        """The kelurahan by code (31.73.02.1002, or 3173021002) or by name; None when empty."""
        text = _text(value)
        if not text:
            return None
        digits = re.sub(r"\D", "", text)
        if len(digits) == 10 and digits == re.sub(r"[\s.]", "", text):
            text = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
        kel = self.kelurahan_by_code.get(text)
        if kel is None:
            matches = self.kelurahan_by_name.get(" ".join(text.split()).casefold(), [])
            if len(matches) > 1:
                raise ValueError(
                    _("the name %(name)s is used by more than one kelurahan: use its code.")
                    % {"name": text}
                )
            kel = matches[0] if matches else None
        if kel is None:
            raise ValueError(
                _("%(value)s is not a known kelurahan code or name (see the template's list).")
                % {"value": text}
            )
        return kel

    def kecamatan_matches(self, value, kelurahan: Kelurahan) -> bool:
        """Whether a file's kecamatan cell (code, 31.73.02 or 317302, or name) names the
        kelurahan's kecamatan."""
        text = " ".join(_text(value).split())
        digits = re.sub(r"\D", "", text)
        if len(digits) == 6 and digits == re.sub(r"[\s.]", "", text):
            text = f"{digits[:2]}.{digits[2:4]}.{digits[4:]}"
        if text in self.kecamatan_by_code:
            return text == kelurahan.kecamatan_id
        name = re.sub(r"^(kecamatan|kec\.?)\s+", "", text.casefold())
        return name == kelurahan.kecamatan.name.casefold()


def parse_rows(*, actor, rows: list[tuple[int, dict]]) -> list[RowResult]:
    """Each row's cells as TraineeData, with a message per cell that is not a value."""
    lookups = _Lookups()
    show_nik = permissions.can_view_nik(actor)
    return [_parse_row(number, raw, lookups, show_nik) for number, raw in rows]


def _parse_row(number: int, raw: dict, lookups: _Lookups, show_nik: bool) -> RowResult:
    result = RowResult(number=number, raw={k: _text(v) for k, v in raw.items()})
    data = TraineeData(nik="", row=number)
    if is_example_row(raw):
        result.example, result.data = True, data
        return result
    nik_error = None
    typed_nik = _text(raw.get("nik"))
    try:
        data.nik = clean_nik(typed_nik)
        result.nik_masked = data.nik if show_nik else mask_nik(data.nik)
    except ValidationError as exc:
        nik_error = exc.messages[0]
        # The row is found by its NIK cell even when it is wrong: shown masked all the same.
        digits = re.sub(r"\s", "", typed_nik)
        result.nik_masked = digits if show_nik else mask_nik(digits)
    if raw.get(NIK_WAS_NUMBER) and (nik_error or data.nik.endswith("0")):
        # Excel keeps 15 significant digits: a NIK typed as a number loses its last digit,
        # which becomes 0. Such a NIK cannot be trusted, even when it looks valid.
        data.nik, result.nik_masked = "", ""
        result.error(
            "nik",
            _(
                "the NIK was typed as a number, so Excel may have changed its last digit. "
                "Format the NIK column as Text and type it again."
            ),
        )
    elif nik_error:
        result.error("nik", nik_error)
    data.full_name = " ".join(_text(raw.get("full_name")).split())
    if len(data.full_name) > 150:
        result.error("full_name", _("at most 150 characters."))
    gender_text = _text(raw.get("gender")).casefold()
    if gender_text:
        data.gender = _GENDERS.get(gender_text, "")
        if not data.gender:
            result.error("gender", _("write L (laki-laki) or P (perempuan)."))
    try:
        data.birth_date = _parse_date(raw.get("birth_date"))
    except DateError as exc:
        result.error("birth_date", exc.args[0])
    except ValueError:
        result.error("birth_date", _("write the date as DD-MM-YYYY, e.g. 17-08-1985."))
    try:
        data.phone = normalise_phone(_text(raw.get("phone")))
    except ValidationError as exc:
        result.error("phone", exc.messages[0])
    data.email = _text(raw.get("email"))
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            result.error("email", _("not a valid email address."))
    data.address = _text(raw.get("address"))
    for key in ("owner_kelurahan", "business_kelurahan"):
        try:
            setattr(data, key, lookups.kelurahan(raw.get(key)))
        except ValueError as exc:
            result.error(key, exc.args[0])
    _check_places(result, data, raw, lookups)
    data.business_name = " ".join(_text(raw.get("business_name")).split())
    if len(data.business_name) > 150:
        result.error("business_name", _("at most 150 characters."))
    sector_text = _text(raw.get("sector"))
    if sector_text:
        data.sector = lookups.sectors.get(sector_text.casefold())
        if data.sector is None:
            result.error(
                "sector",
                _("%(value)s is not a known sector (see the template's list).")
                % {"value": sector_text},
            )
    data.products = _text(raw.get("products"))
    data.nib = re.sub(r"[\s.\-]", "", _text(raw.get("nib")))
    try:
        validate_nib(data.nib)
    except ValidationError as exc:
        result.error("nib", exc.messages[0])
    for key in ("attended", "passed"):
        try:
            setattr(data, key, _parse_bool(raw.get(key)))
        except ValueError:
            result.error(key, _("write Ya or Tidak."))
    try:
        data.score = _parse_score(raw.get("score"))
    except (ValueError, InvalidOperation):
        result.error("score", _("write a number from 0 to 100."))
    result.data = data
    return result


def _check_places(result: RowResult, data: TraineeData, raw: dict, lookups: _Lookups) -> None:
    """The kelurahan each row resolved to, with its kecamatan, for the preview; a file's
    kecamatan column that names another kecamatan is an error on that cell (the trainee is
    never moved to the kelurahan's kecamatan without a word). The business's kelurahan is its
    own column, else the home's (as the registration does for a new owner)."""
    home = data.owner_kelurahan
    business = data.business_kelurahan or home
    for label, kel in ((_("home"), home), (_("place of business"), data.business_kelurahan)):
        if kel is not None:
            result.places.append((label, f"{kel.name}, {kel.kecamatan.name}"))
    for key, kel in (("owner_kecamatan", home), ("business_kecamatan", business)):
        given = _text(raw.get(key))
        if not given or kel is None:
            continue
        if not lookups.kecamatan_matches(given, kel):
            result.error(
                key,
                _(
                    "kelurahan %(kelurahan)s is in Kecamatan %(actual)s, not %(given)s: "
                    "correct the kelurahan code or the kecamatan."
                )
                % {"kelurahan": kel.name, "actual": kel.kecamatan.name, "given": given},
            )
