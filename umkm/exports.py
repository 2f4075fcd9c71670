"""umkm's one export: the trainee import's template, written by the export layer like every
other file the portal hands out: the same formula-safe cells, identity columns as text,
headers from the importer's own column list (umkm.import_files.COLUMNS, the format's contract).

Two sheets in the XLSX: "Peserta" (the header and one example row) and "Daftar kode" (the
kelurahan the user may choose, and the sectors). The CSV has the first only.
"""

import re

from django.utils.translation import gettext_lazy

from exports import csv_stream, xlsx
from exports.columns import CODE, TEXT, Column
from exports.registry import ExportFile, content_bytes, register
from umkm import permissions
from umkm.import_files import (
    COLUMNS,
    EXAMPLE_MARKER,
    EXAMPLE_NAME,
    EXAMPLE_NIK,
    _cell_text,
    _header_keys,
    read_table,
    text_of,
)
from umkm.models import Sector, Training
from umkm.validators import mask_nik

# Typed into by hand afterwards: kept as text so that Excel leaves NIK, phone and codes alone.
TEXT_KEYS = {"nik", "phone", "nib", "birth_date", "owner_kelurahan", "business_kelurahan"}

EXAMPLE_ROW = {
    # Marked, so that the importer skips it if left in the file (umkm.import_files).
    "nik": f"{EXAMPLE_MARKER} {EXAMPLE_NIK}",
    "full_name": EXAMPLE_NAME,
    "gender": "P",
    "birth_date": "01-07-1985",
    "phone": "0812-3456-7890",
    "email": "siti.aminah@example.com",
    "address": "Jl. Contoh No. 1, RT 001/RW 002",
    "business_name": "Kue Basah Bu Siti",
    "sector": "Kuliner",
    "products": "Kue lapis, nagasari",
    "nib": "",
    "attended": "Ya",
    "passed": "Ya",
    "score": "85",
}

TRAINEE_COLUMNS = [
    Column(key, header, CODE if key in TEXT_KEYS else TEXT, max(14, len(header) + 2))
    for key, header in COLUMNS
]
CODE_COLUMNS = [
    Column("code", gettext_lazy("Kelurahan code"), CODE, 16),
    Column("kelurahan", gettext_lazy("Kelurahan"), TEXT, 28),
    Column("kecamatan", gettext_lazy("Kecamatan"), TEXT, 26),
    Column("city", gettext_lazy("City"), TEXT, 40),
    Column("gap", "", TEXT, 2),
    Column("sector", gettext_lazy("Sector"), TEXT, 26),
]


def filename(training: Training, fmt: str, variant=csv_stream.STANDARD) -> str:
    if fmt == "csv":
        return csv_stream.filename(f"templat-peserta-pelatihan-{training.pk}", variant)
    return f"templat-peserta-pelatihan-{training.pk}.{fmt}"


def _example(user) -> tuple:
    example = dict(EXAMPLE_ROW)
    first = permissions.kelurahan_for(user).order_by("code").first()
    example["owner_kelurahan"] = example["business_kelurahan"] = first.code if first else ""
    return tuple(example.get(key, "") for key, _header in COLUMNS)


def _code_rows(user):
    areas = permissions.kelurahan_for(user).select_related("kecamatan__city").order_by("code")
    kelurahan = [(k.code, k.name, k.kecamatan.name, k.kecamatan.city.name) for k in areas]
    sectors = list(Sector.objects.order_by("order", "name").values_list("name", flat=True))
    # Kelurahan on the left, sectors on the right: as many rows as the longer list.
    for i in range(max(len(kelurahan), len(sectors))):
        left = kelurahan[i] if i < len(kelurahan) else ("", "", "", "")
        yield (*left, "", sectors[i] if i < len(sectors) else "")


def template_csv(user, variant=csv_stream.STANDARD):
    return csv_stream.stream_csv(TRAINEE_COLUMNS, [_example(user)], variant=variant)


def template_xlsx(user) -> bytes:
    return xlsx.workbook_bytes(
        [
            xlsx.Sheet("Peserta", TRAINEE_COLUMNS, [_example(user)]),
            xlsx.Sheet("Daftar kode", CODE_COLUMNS, _code_rows(user)),
        ]
    )


@register("umkm.trainee_import_template", routes=["admin:umkm_training_import_template"])
def template_files(*, user, business):
    """The template as the user gets it: its code list names sectors and areas (the test names
    a sector like a formula through the business it is given)."""
    training = Training.objects.order_by("pk").first()
    if training is None:
        return
    for variant in csv_stream.VARIANTS.values():
        yield ExportFile(
            filename(training, "csv", variant),
            csv_stream.CONTENT_TYPE,
            content_bytes(template_csv(user, variant)),
        )
    yield ExportFile(filename(training, "xlsx"), xlsx.CONTENT_TYPE, template_xlsx(user))


# --- The uploaded file back, with its errors --------------------------------------------------

ERROR_HEADER = "Galat"  # the file's language, like the template's headers
EXAMPLE_NOTE = "Baris contoh templat: dilewati"


def error_file_rows(kind: str, content: bytes, preview):
    """The uploaded file's header and rows as it has them, each with its errors in one more
    cell (empty on a good row). NIK cells masked (umkm.validators.mask_nik): the file leaves
    the portal, and the row number and name are enough to find the row in the clerk's own
    file; the NIK is what would make a lost copy harmful."""
    table = read_table(kind, content)
    header = list(next(table, None) or [])
    keys = _header_keys(header)
    messages = {r.number: "; ".join([*r.errors, *r.warnings]) for r in preview.rows}
    messages |= {r.number: EXAMPLE_NOTE for r in preview.rows if r.example}
    columns = [
        Column(f"c{i}", text_of(h), CODE if keys[i] in TEXT_KEYS else TEXT, 16)
        for i, h in enumerate(header)
    ] + [Column("galat", ERROR_HEADER, TEXT, 60)]

    def rows():
        for number, cells in enumerate(table, start=2):
            cells = list(cells)[: len(header)]
            if not any(text_of(c) for c in cells):
                continue
            out = [_cell_text(keys[i] or "", c) for i, c in enumerate(cells)]
            out += [""] * (len(header) - len(out))
            if "nik" in keys:
                at = keys.index("nik")
                out[at] = mask_nik(re.sub(r"\s", "", out[at]))
            yield (*out, messages.get(number, ""))

    return columns, rows()


def error_file(kind: str, content: bytes, preview) -> bytes:
    """The uploaded file with a "Galat" column, as XLSX or CSV like the upload, written by
    the export layer (formula-safe cells, codes as text)."""
    columns, rows = error_file_rows(kind, content, preview)
    if kind == "xlsx":
        return xlsx.workbook_bytes([xlsx.Sheet("Peserta", columns, rows)])
    return content_bytes(csv_stream.stream_csv(columns, rows))


def error_filename(name: str, kind: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name.rsplit(".", 1)[0])[:80] or "peserta"
    return f"{stem}-galat.{kind}"


@register("umkm.trainee_import_errors", routes=["admin:umkm_training_import_errors"])
def error_files(*, user, business):
    """The error file of an upload whose cells name the business and its owner as typed
    (a hostile name reaches the error file raw, as it would from a clerk's spreadsheet)."""
    import csv
    import io

    from openpyxl import Workbook

    from umkm import importer

    training = Training.objects.order_by("pk").first()
    if training is None:
        return
    header = [h for _k, h in COLUMNS]
    row = {key: "" for key, _header in COLUMNS}
    row |= {"nik": "317302", "full_name": business.owner.full_name, "business_name": business.name}
    row |= {"products": business.products}
    cells = [row[k] for k, _h in COLUMNS]
    text = io.StringIO()
    csv.writer(text).writerows([header, cells])
    sheet_book = Workbook()
    sheet_book.active.append(header)
    sheet_book.active.append(cells)
    buffer = io.BytesIO()
    sheet_book.save(buffer)
    for kind, content, content_type in (
        ("csv", text.getvalue().encode(), csv_stream.CONTENT_TYPE),
        ("xlsx", buffer.getvalue(), xlsx.CONTENT_TYPE),
    ):
        preview = importer.check_rows(
            actor=user, training=training, rows=importer.read_rows(kind, content)
        )
        name = error_filename(f"peserta.{kind}", kind)
        yield ExportFile(name, content_type, error_file(kind, content, preview))
