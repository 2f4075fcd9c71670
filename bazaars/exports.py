"""Participant list export: one row generator (selectors.participant_rows), two renderers of
the export layer (exports.csv_stream, exports.xlsx).

No NIK, phone or address ever. Cells are formula-safe and the NIB stays text (the layer's rule).
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bazaars.models import Bazaar
from bazaars.selectors import participant_rows
from exports import csv_stream, xlsx
from exports.columns import CODE, DATETIME, INT, RUPIAH, TEXT, Column
from exports.registry import ExportFile, content_bytes, register

COLUMNS = [
    Column("booth", gettext_lazy("Booth"), CODE, 8),
    Column("business", gettext_lazy("Business"), TEXT, 32),
    Column("sector", gettext_lazy("Sector"), TEXT, 16),
    Column("kecamatan", gettext_lazy("Kecamatan"), TEXT, 18),
    Column("kelurahan", gettext_lazy("Kelurahan"), TEXT, 18),
    Column("nib", gettext_lazy("NIB"), CODE, 16),
    Column("status", gettext_lazy("Status"), TEXT, 14),
    Column("decided_at", gettext_lazy("Decided at"), DATETIME, 18),
    Column("days_present", gettext_lazy("Days present"), INT, 10),
    Column("omzet", gettext_lazy("Omzet (Rp)"), RUPIAH, 14),
    Column("transactions", gettext_lazy("Transactions"), INT, 10),
]


def _filename(bazaar, ext: str, variant=csv_stream.STANDARD) -> str:
    if ext == "csv":
        return csv_stream.filename(f"peserta-{slugify(bazaar.slug)}", variant)
    return f"peserta-{slugify(bazaar.slug)}.{ext}"


def csv_content(bazaar, user, variant=csv_stream.STANDARD):
    return csv_stream.stream_csv(COLUMNS, participant_rows(bazaar, user), variant=variant)


def xlsx_content(bazaar, user) -> bytes:
    sheet = xlsx.Sheet(_("Participants"), COLUMNS, participant_rows(bazaar, user))
    return xlsx.workbook_bytes([sheet])


def csv_response(bazaar, user, variant=csv_stream.STANDARD) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_content(bazaar, user, variant), content_type=csv_stream.CONTENT_TYPE
    )
    name = _filename(bazaar, "csv", variant)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def xlsx_response(bazaar, user) -> HttpResponse:
    response = HttpResponse(xlsx_content(bazaar, user), content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(bazaar, "xlsx")}"'
    return response


@register("bazaars.participants", routes=["admin:bazaars_bazaar_export"])
def participant_files(*, user, business):
    """The participant lists of every bazaar the business takes part in, both formats."""
    for bazaar in Bazaar.objects.filter(participations__business=business).distinct():
        for variant in csv_stream.VARIANTS.values():
            yield ExportFile(
                _filename(bazaar, "csv", variant),
                csv_stream.CONTENT_TYPE,
                content_bytes(csv_content(bazaar, user, variant)),
            )
        yield ExportFile(_filename(bazaar, "xlsx"), xlsx.CONTENT_TYPE, xlsx_content(bazaar, user))
