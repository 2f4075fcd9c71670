"""Reading a trainee spreadsheet (XLSX or CSV) into rows of cell text, nothing more.

`read_upload` checks the upload's size and kind, `read_rows` turns it into
[(row number, {column key: cell text})]: the header row is matched to the template's columns
(and the spellings staff use), empty rows are skipped, cells become text (dates as
DD-MM-YYYY). umkm.importer turns that text into values; the rules are the services'.
"""

import csv
import datetime
import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000

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
# Columns a file may have besides the template's: checked against the kelurahan's own
# kecamatan (a disagreement is an error, never a silent move), not imported.
CHECK_COLUMNS = [
    ("owner_kecamatan", "Kecamatan rumah"),
    ("business_kecamatan", "Kecamatan usaha"),
]
HEADERS = dict(COLUMNS) | dict(CHECK_COLUMNS)
# The template's example row is marked in its NIK cell ("CONTOH 3173..."); a row so marked, or
# with the example's NIK from templates made before the mark, is skipped, never imported.
EXAMPLE_MARKER = "CONTOH"
EXAMPLE_NIK = "3173024107850001"
EXAMPLE_NAME = "Siti Aminah"
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
    "kecamatan": "business_kecamatan",
    "kecamatan usaha": "business_kecamatan",
    "kecamatan rumah": "owner_kecamatan",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


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


def read_table(kind: str, content: bytes):
    """The file's rows as it has them (cell values, the header first)."""
    return _xlsx_table(content) if kind == "xlsx" else _csv_table(content)


def read_rows(kind: str, content: bytes) -> list[tuple[int, dict]]:
    """[(row number, {column key: cell text})], empty rows skipped. Raises ImportFileError.

    Cells become text here (dates as DD-MM-YYYY), so rows can wait as JSON for the confirm."""
    table = read_table(kind, content)
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


# Set on a row whose NIK cell held a number rather than text (see umkm.importer).
NIK_WAS_NUMBER = "nik_was_number"


def _row_dict(keys, cells) -> dict:
    row = {key: _cell_text(key, cells[i]) for i, key in enumerate(keys) if key and i < len(cells)}
    if "nik" in keys:
        nik_cell = cells[keys.index("nik")] if keys.index("nik") < len(cells) else None
        if isinstance(nik_cell, int | float) and not isinstance(nik_cell, bool):
            row[NIK_WAS_NUMBER] = "1"
    return row


def is_example_row(raw: dict) -> bool:
    """The template's example row: marked CONTOH in its NIK cell, or (templates made before
    the mark) the example's own NIK and name together."""
    nik = text_of(raw.get("nik"))
    if nik.casefold().startswith(EXAMPLE_MARKER.casefold()):
        return True
    name = " ".join(text_of(raw.get("full_name")).split()).casefold()
    return nik == EXAMPLE_NIK and name == EXAMPLE_NAME.casefold()


def _is_filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _normalise_header(text) -> str:
    text = re.sub(r"\(.*?\)", " ", str(text or "")).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_HEADER_LOOKUP = {_normalise_header(h): k for k, h in [*COLUMNS, *CHECK_COLUMNS]} | _ALIASES


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


# Control characters (NUL, escape sequences, ...) have no place in a name or an address, and
# Postgres refuses NUL outright; tab and line breaks become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAKS = re.compile(r"[\t\r\n]+")


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _BREAKS.sub(" ", _CONTROL.sub("", str(value))).strip()


def _cell_text(key: str, value) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    text = text_of(value)
    if key == "phone" and isinstance(value, int | float) and text.startswith("8"):
        # A phone typed as a number loses its leading 0 in Excel (812... for 0812...).
        text = "0" + text
    return text
