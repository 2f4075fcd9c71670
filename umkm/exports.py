"""umkm's one export: the trainee import's template, written by the export layer like every
other file the portal hands out: the same formula-safe cells, identity columns as text,
headers from the importer's own column list (umkm.import_files.COLUMNS, the format's contract).

Two sheets in the XLSX: "Peserta" (the header and one example row) and "Daftar kode" (the
kelurahan the user may choose, and the sectors). The CSV has the first only.
"""

from django.utils.translation import gettext_lazy

from exports import csv_stream, xlsx
from exports.columns import CODE, TEXT, Column
from exports.registry import ExportFile, content_bytes, register
from umkm import permissions
from umkm.import_files import COLUMNS
from umkm.models import Sector, Training

# Typed into by hand afterwards: kept as text so that Excel leaves NIK, phone and codes alone.
TEXT_KEYS = {"nik", "phone", "nib", "birth_date", "owner_kelurahan", "business_kelurahan"}

EXAMPLE_ROW = {
    "nik": "3173024107850001",
    "full_name": "Siti Aminah",
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
