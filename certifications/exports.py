"""The referral list sent to Sudin PPKUKM: one row generator, rendered as XLSX.

It names businesses, never their owners: no NIK, phone or home address.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook


def referral_header() -> list[str]:
    return [
        _("No."),
        _("Business name"),
        _("Sector"),
        _("Kecamatan"),
        _("Kelurahan"),
        _("Certificate type"),
        _("Product"),
        _("NIB"),
        _("Referred on"),
    ]


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
            case.status_changed_at.date() if case.status_changed_at else None,
        ]


def referral_xlsx(cases, *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Referrals"))
    sheet.append([title])
    sheet.append(referral_header())
    for row in referral_rows(cases):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
