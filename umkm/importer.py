"""Spreadsheet import of a training's trainees (XLSX or CSV): read, check every row, preview.

Nothing here writes. `read_rows` turns an upload into raw rows, `check_rows` decides each row's
outcome (new, matched by NIK, or errors naming row and column) with a handful of queries for
the whole file, and `umkm.services.trainees_import` writes the valid result in one transaction.
The admin views in umkm/admin_import.py glue these together.

Why not django-import-export (the portal does not use it): its model is one
Resource per model, one row = one instance, matched on an import_id field and saved row by
row. A trainee row is three records at once (owner, business, enrolment) plus 7P stages;
the owner is matched on a NIK that is never stored in clear (only a keyed blind index), so
its instance loader would have to be replaced; the operator's kecamatan scoping, "an owner
of another kecamatan is an error without saying who", in-file duplicate NIK/NIB checks and
the capacity rule would all be overrides of its hooks; and its confirm step re-imports from
a temp file written under MEDIA_ROOT or the cache by default, in clear. What would remain of
it is the file reading, which openpyxl and csv already do in a few lines. So the row rules
live in one place: here for the preview and umkm.services for the write.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from umkm import permissions
from umkm.crypto import nik_blind_index
from umkm.models import Business, Enrolment, Kelurahan, Owner, Sector, Training
from umkm.services import TraineeData
from umkm.validators import (
    clean_nik,
    mask_nik,
    nik_birth_date_warning,
    normalise_phone,
    validate_nib,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
_CHUNK = 2_000  # ids per IN (...) query

# The spreadsheet's columns: (key, header). The headers are the file format's contract with
# the office's spreadsheets, so they stay Indonesian whatever the interface language.
COLUMNS = [
    ("nik", "NIK"),
    ("full_name", "Nama lengkap"),
    ("gender", "Jenis kelamin (L/P)"),
    ("birth_date", "Tanggal lahir (DD-MM-YYYY)"),
    ("phone", "Telepon"),
    ("email", "Email"),
    ("address", "Alamat rumah"),
    ("owner_kelurahan", "Kode kelurahan rumah"),
    ("business_name", "Nama usaha"),
    ("sector", "Sektor"),
    ("products", "Produk"),
    ("business_kelurahan", "Kode kelurahan usaha"),
    ("nib", "NIB"),
    ("attended", "Hadir (Ya/Tidak)"),
    ("passed", "Lulus (Ya/Tidak)"),
    ("score", "Nilai (0-100)"),
]
HEADERS = dict(COLUMNS)
REQUIRED_HEADERS = ("nik",)
# Header spellings staff use besides the template's own (compared without case, punctuation
# and anything in brackets).
_ALIASES = {
    "kelurahan rumah": "owner_kelurahan",
    "nama kelurahan rumah": "owner_kelurahan",
    "kelurahan usaha": "business_kelurahan",
    "nama kelurahan usaha": "business_kelurahan",
    "nama": "full_name",
    "jenis kelamin": "gender",
    "tanggal lahir": "birth_date",
    "telepon": "phone",
    "no telepon": "phone",
    "no hp": "phone",
    "hp": "phone",
    "e mail": "email",
    "alamat": "address",
    "sektor usaha": "sector",
    "hadir": "attended",
    "lulus": "passed",
    "nilai": "score",
}

_TRUE = {"ya", "y", "1", "true", "benar", "v", "x", "hadir", "lulus", "yes"}
_FALSE = {"", "tidak", "t", "0", "false", "salah", "n", "no", "-"}
_GENDERS = {"l": "L", "laki-laki": "L", "laki laki": "L", "pria": "L", "p": "P", "perempuan": "P"}
_GENDERS.update({"wanita": "P"})


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


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
    owner_id: int | None = None  # the owner matched by NIK
    business_id: int | None = None  # that owner's business this row enrols
    nik_masked: str = ""
    note: str = ""
    display_name: str = ""  # the registered name of an owner matched by NIK
    error_columns: set = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status_label(self) -> str:
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

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def can_confirm(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.error_rows

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.ok and r.status == status)

    @property
    def new_count(self) -> int:
        return self.count(RowStatus.NEW)

    @property
    def matched_count(self) -> int:
        return self.count(RowStatus.MATCHED)

    @property
    def warning_count(self) -> int:
        return sum(1 for r in self.rows if r.warnings)


# --- Reading ------------------------------------------------------------------------------


def detect_kind(name: str, head: bytes) -> str:
    """'xlsx' or 'csv' from the file's name and first bytes; anything else is refused."""
    lower = (name or "").lower()
    if lower.endswith(".xlsx") and head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if lower.endswith((".csv", ".txt")) and b"\x00" not in head:
        return "csv"
    raise ImportFileError(
        _("The file must be an Excel workbook (.xlsx) or a CSV file (.csv), like the template.")
    )


def read_upload(uploaded) -> tuple[str, bytes]:
    """Size check, then the file's kind and bytes (without reading more than the cap)."""
    if uploaded.size is not None and uploaded.size > MAX_FILE_BYTES:
        raise ImportFileError(_file_too_big())
    content = uploaded.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_file_too_big())
    if not content:
        raise ImportFileError(_("The file is empty."))
    return detect_kind(uploaded.name, content[:8]), content


def _file_too_big() -> str:
    return _("The file is larger than %(mb)s MB. Split it into smaller files.") % {
        "mb": MAX_FILE_BYTES // (1024 * 1024)
    }


def read_rows(kind: str, content: bytes) -> list[tuple[int, dict]]:
    """[(row number, {column key: cell text})], empty rows skipped. Raises ImportFileError.

    Cells become text here (dates as DD-MM-YYYY), so rows can wait as JSON for the confirm."""
    table = _xlsx_table(content) if kind == "xlsx" else _csv_table(content)
    header = next(table, None)
    if header is None:
        raise ImportFileError(_("The file has no header row."))
    keys = _header_keys(header)
    rows = []
    for number, cells in enumerate(table, start=2):
        if not any(_is_filled(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s trainee rows. Split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        rows.append((number, _row_dict(keys, cells)))
    if not rows:
        raise ImportFileError(_("The file has a header row but no trainee rows."))
    return rows


# Set on a row whose NIK cell held a number rather than text (see _check_nik).
NIK_WAS_NUMBER = "nik_was_number"


def _row_dict(keys, cells) -> dict:
    row = {key: _cell_text(key, cells[i]) for i, key in enumerate(keys) if key and i < len(cells)}
    if "nik" in keys:
        nik_cell = cells[keys.index("nik")] if keys.index("nik") < len(cells) else None
        if isinstance(nik_cell, int | float) and not isinstance(nik_cell, bool):
            row[NIK_WAS_NUMBER] = "1"
    return row


def _is_filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _normalise_header(text) -> str:
    text = re.sub(r"\(.*?\)", " ", str(text or "")).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_HEADER_LOOKUP = {_normalise_header(h): k for k, h in COLUMNS} | _ALIASES


def _header_keys(header) -> list[str | None]:
    keys = [_HEADER_LOOKUP.get(_normalise_header(h)) for h in header]
    seen = [k for k in keys if k]
    if len(seen) != len(set(seen)):
        raise ImportFileError(_("A column appears twice in the header row."))
    missing = [HEADERS[k] for k in REQUIRED_HEADERS if k not in seen]
    if missing or len(seen) < 3:
        raise ImportFileError(
            _(
                "The first row must hold the template's column names (NIK, Nama lengkap, ...). "
                "Download the template and copy your data into it."
            )
        )
    return keys


def _xlsx_table(content: bytes):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from umkm.safe_files import check_xlsx_archive

    unreadable = _("The Excel file cannot be read. Save it again as .xlsx and retry.")
    try:
        check_xlsx_archive(io.BytesIO(content))  # a zip bomb is refused before unpacking
    except ValidationError as exc:
        message = unreadable if exc.code == "not_xlsx" else exc.messages[0]
        raise ImportFileError(message) from exc
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(unreadable) from exc
    try:
        sheet = workbook.worksheets[0]
        # Columns beyond the template's (and a few spare) are never read.
        yield from sheet.iter_rows(values_only=True, max_col=len(COLUMNS) + 16)
    finally:
        workbook.close()


def _csv_table(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The CSV file must be saved as UTF-8 (in Excel: CSV UTF-8).")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


# --- Cell parsing -------------------------------------------------------------------------


# Control characters (NUL, escape sequences, ...) have no place in a name or an address, and
# Postgres refuses NUL outright; tab and line breaks become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAKS = re.compile(r"[\t\r\n]+")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _BREAKS.sub(" ", _CONTROL.sub("", str(value))).strip()


def _parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


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


def _cell_text(key: str, value) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    text = _text(value)
    if key == "phone" and isinstance(value, int | float) and text.startswith("8"):
        # A phone typed as a number loses its leading 0 in Excel (812... for 0812...).
        text = "0" + text
    return text


# --- Checking -----------------------------------------------------------------------------


class _Lookups:
    """Kelurahan and sectors in memory, by code and by name."""

    def __init__(self, actor):
        self.actor = actor
        self.kelurahan_by_code = {}
        self.kelurahan_by_name: dict[str, list[Kelurahan]] = {}
        for kel in Kelurahan.objects.select_related("kecamatan"):
            self.kelurahan_by_code[kel.code] = kel
            self.kelurahan_by_name.setdefault(kel.name.casefold(), []).append(kel)
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
        if not permissions.can_access_kelurahan(self.actor, kel):
            raise ValueError(
                _("kelurahan %(name)s is outside your kecamatan.") % {"name": kel.name}
            )
        return kel


def check_rows(*, actor, training: Training, rows: list[tuple[int, dict]]) -> Preview:
    """Every row's outcome, without writing: a few queries for the whole file, not per row."""
    lookups = _Lookups(actor)
    show_nik = permissions.can_view_nik(actor)
    results = [_check_cells(number, raw, lookups, show_nik) for number, raw in rows]
    _check_duplicates(results)
    _match_owners(actor, training, results)
    preview = Preview(training=training, rows=results)
    enrolled = Enrolment.objects.filter(training=training).count()
    free = training.capacity - enrolled
    valid = sum(1 for r in results if r.ok)
    if valid > free:
        preview.file_errors.append(
            _(
                "The training has %(free)s free places (capacity %(capacity)s), "
                "but the file holds %(rows)s trainees."
            )
            % {"free": max(free, 0), "capacity": training.capacity, "rows": valid}
        )
    return preview


def _check_cells(number: int, raw: dict, lookups: _Lookups, show_nik: bool) -> RowResult:
    result = RowResult(number=number, raw={k: _text(v) for k, v in raw.items()})
    data = TraineeData(nik="", row=number)
    nik_error = None
    try:
        data.nik = clean_nik(_text(raw.get("nik")))
        result.nik_masked = data.nik if show_nik else mask_nik(data.nik)
    except ValidationError as exc:
        nik_error = exc.messages[0]
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
    if data.passed and not data.attended:
        data.attended = True  # passing means attending; the services hold the same rule
    result.data = data
    return result


def _check_duplicates(results: list[RowResult]) -> None:
    """The same NIK or NIB twice in one file: an error on every such row, naming the others."""
    for key, column in (("nik", "nik"), ("nib", "nib")):
        rows_by_value: dict[str, list[int]] = {}
        for r in results:
            value = getattr(r.data, key) if r.data else ""
            if value:
                rows_by_value.setdefault(value, []).append(r.number)
        for r in results:
            value = getattr(r.data, key) if r.data else ""
            others = [n for n in rows_by_value.get(value, []) if n != r.number] if value else []
            if others:
                r.error(
                    column,
                    _("the same %(column)s is also in row(s) %(rows)s.")
                    % {"column": HEADERS[column], "rows": ", ".join(map(str, others))},
                )


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _match_owners(actor, training: Training, results: list[RowResult]) -> None:
    """Owners known by NIK (one query per 2,000 NIKs, through the blind index), their
    businesses, NIBs already taken and enrolments already in this training."""
    index_of = {r.number: nik_blind_index(r.data.nik) for r in results if r.data and r.data.nik}
    owners: dict[str, dict] = {}
    for chunk in _chunks(list(set(index_of.values()))):
        for row in Owner.objects.filter(nik_index__in=chunk).values(
            "id", "nik_index", "full_name", "birth_date", "gender", "kelurahan__kecamatan_id"
        ):
            owners[row["nik_index"]] = row
    owner_ids = [o["id"] for o in owners.values()]
    allowed = set(owner_ids)
    if permissions.operator_kecamatan_code(actor) is not None:
        allowed = set()
        for chunk in _chunks(owner_ids):
            allowed.update(
                permissions.owners_for(actor, Owner.objects.filter(pk__in=chunk)).values_list(
                    "pk", flat=True
                )
            )
    businesses: dict[int, list[dict]] = {}
    for chunk in _chunks(owner_ids):
        for b in Business.objects.filter(owner_id__in=chunk).values(
            "id", "owner_id", "name", "nib", "kelurahan_id", "kelurahan__kecamatan_id"
        ):
            businesses.setdefault(b["owner_id"], []).append(b)
    enrolled = set(
        Enrolment.objects.filter(training=training).values_list("business_id", flat=True)
    )
    nibs = [r.data.nib for r in results if r.data and r.data.nib]
    nib_owner: dict[str, int] = {}
    for chunk in _chunks(nibs):
        nib_owner.update(Business.objects.filter(nib__in=chunk).values_list("nib", "id"))
    operator_code = permissions.operator_kecamatan_code(actor)

    for r in results:
        data = r.data
        owner = owners.get(index_of.get(r.number, ""))
        if owner is not None:
            if owner["id"] not in allowed:
                # Someone of another kecamatan: say so without naming them.
                r.error("nik", _("this NIK belongs to an owner outside your kecamatan; ask Sudin."))
                continue
            r.status, r.owner_id = RowStatus.MATCHED, owner["id"]
            business = _pick_business(businesses.get(owner["id"], []), data.business_name)
            if business is None and not data.business_name:
                r.error(
                    "business_name",
                    _("the owner has several businesses: write which one."),
                )
                continue
            if business is not None:
                r.business_id = business["id"]
                r.note = _("existing business %(name)s") % {"name": business["name"]}
                if operator_code is not None and business["kelurahan__kecamatan_id"] != (
                    operator_code
                ):
                    r.error("business_name", _("this business is outside your kecamatan."))
                if business["id"] in enrolled:
                    r.error("nik", _("this business is already enrolled in this training."))
                if data.nib and data.nib != (business["nib"] or ""):
                    r.warnings.append(
                        _("Row %(row)s: the NIB in the file is ignored for an existing business.")
                        % {"row": r.number}
                    )
            else:
                r.note = _("new business for a registered owner")
                if (
                    operator_code is not None
                    and data.business_kelurahan is None
                    and owner["kelurahan__kecamatan_id"] != operator_code
                ):
                    # The new business would take the owner's home kelurahan, outside.
                    r.error("business_kelurahan", _("required for a new business."))
            r.display_name = owner["full_name"]
            warning = nik_birth_date_warning(
                data.nik, data.birth_date or owner["birth_date"], data.gender or owner["gender"]
            )
        else:
            r.note = _("new owner and business")
            if data.nik:
                if not data.full_name:
                    r.error("full_name", _("required for a new owner."))
                if not data.gender:
                    r.error("gender", _("required for a new owner (L or P)."))
                if not (data.owner_kelurahan or data.business_kelurahan):
                    r.error("owner_kelurahan", _("required for a new owner."))
            warning = (
                nik_birth_date_warning(data.nik, data.birth_date, data.gender)
                if (data.nik)
                else None
            )
        if r.business_id is None:
            if not data.business_name:
                r.error("business_name", _("required for a new business."))
            if data.sector is None and "sector" not in r.error_columns:
                r.error("sector", _("required for a new business."))
            if data.nib and data.nib in nib_owner:
                r.error("nib", _("this NIB is already registered to another business."))
        if warning:
            r.warnings.append(_("Row %(row)s: %(warning)s") % {"row": r.number, "warning": warning})


def _pick_business(candidates: list[dict], name: str) -> dict | None:
    """The same rule as services._find_business: by name, or the owner's only business."""
    if name:
        wanted = name.casefold()
        return next((b for b in candidates if b["name"].casefold() == wanted), None)
    return candidates[0] if len(candidates) == 1 else None
