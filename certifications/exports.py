"""The referral list sent to Sudin PPKUKM: one row generator, rendered as XLSX by the export
layer (formula-safe cells, NIB as text, the referral day in Jakarta).

It names businesses, never their owners: no NIK, phone or home address.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.models import CertificateCase
from config import formats
from exports import xlsx
from exports.columns import CODE, DATE, INT, TEXT, Column
from exports.registry import ExportFile, admin_action_route, register

REFERRAL_COLUMNS = [
    Column("index", gettext_lazy("No."), INT, 6),
    Column("business", gettext_lazy("Business name"), TEXT, 32),
    Column("sector", gettext_lazy("Sector"), TEXT, 16),
    Column("kecamatan", gettext_lazy("Kecamatan"), TEXT, 18),
    Column("kelurahan", gettext_lazy("Kelurahan"), TEXT, 18),
    Column("type", gettext_lazy("Certificate type"), TEXT, 22),
    Column("product", gettext_lazy("Product"), TEXT, 24),
    Column("nib", gettext_lazy("NIB"), CODE, 16),
    Column("referred_on", gettext_lazy("Referred on"), DATE, 12),
]


def referral_header() -> list[str]:
    return [str(c.header) for c in REFERRAL_COLUMNS]


def referral_rows(cases):
    for index, case in enumerate(cases, start=1):
        business = case.business
        yield [
            index,
            business.name,
            business.sector.name,
            business.kelurahan.kecamatan.name,
            business.kelurahan.name,
            case.type.name,
            case.product,
            business.nib or "",
            case.status_changed_at,  # a datetime: the layer shows its Jakarta date
        ]


def referral_xlsx(cases, *, title: str) -> bytes:
    sheet = xlsx.Sheet(
        _("Referrals"), REFERRAL_COLUMNS, referral_rows(cases), [title], title_gap=False
    )
    return xlsx.workbook_bytes([sheet])


def referral_title(day) -> str:
    return _("Referral to Sudin PPKUKM, %(date)s") % {"date": formats.date_text(day)}


@register(
    "certifications.referral",
    routes=[admin_action_route(CertificateCase, "refer_to_sudin")],
)
def referral_files(*, user, business):
    """The referral list of the business's cases (what the admin action sends)."""
    cases = CertificateCase.objects.filter(business=business).select_related(
        "type", "business__sector", "business__kelurahan__kecamatan"
    )
    today = timezone.localdate()
    yield ExportFile(
        f"rujukan-sudin-ppkukm-{today:%Y-%m-%d}.xlsx",
        xlsx.CONTENT_TYPE,
        referral_xlsx(cases, title=referral_title(today)),
    )
