"""Who may see and act on certificate cases and documents, built on umkm's kecamatan rule.

- Admin Sudin: every case and document of the city.
- Operator Kecamatan: cases and documents of its kecamatan's businesses only; deleting a case,
  and with it its history, is left to Admin Sudin.
- Pejabat: cases read-only (PEJABAT_FIELDS), and no documents (they may hold personal data:
  KTP scans, addresses), so no "view_casedocument" permission and the download view answers 404.
"""

from django.conf import settings
from django.db.models import QuerySet

from certifications.models import CaseDocument, CaseTransition, CertificateCase
from umkm import permissions, roles

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.ADMIN_SUDIN: [
        # Types are data but their rules are code: changed, never added or deleted.
        *roles.crud("certifications", ["certificatecase", "casedocument"]),
        *roles.view("certifications", ["certificatetype", "casetransition"]),
        "certifications.change_certificatetype",
    ],
    roles.OPERATOR_KECAMATAN: [
        *roles.view("certifications", ["certificatetype", "casetransition"]),
        *roles.crud("certifications", ["certificatecase"], without=("delete",)),
        *roles.crud("certifications", ["casedocument"]),
    ],
    roles.PEJABAT: roles.view(
        "certifications", ["certificatetype", "certificatecase", "casetransition"]
    ),
}

PEJABAT_FIELDS: dict[str, tuple[str, ...]] = {
    "certifications.certificatetype": ("*",),
    "certifications.certificatecase": (
        *("business", "business_name", "type", "product", "status_label", "status_and_actions"),
        *("number", "issued_on", "expires_on", "expiry_override_reason", "status_changed_at"),
        *("halal_route", "note", "kecamatan", "status_summary"),
    ),
    "certifications.casetransition": (
        *("at", "from_status", "to_status", "by", "note", "number", "expires_on"),
    ),
}


def cases_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Cases of the businesses the user may see (a case keeps its business's kecamatan)."""
    qs = CertificateCase.objects.all() if qs is None else qs
    return permissions.kecamatan_scoped(user, qs, "kecamatan_id")


def transitions_for(user, qs: QuerySet | None = None) -> QuerySet:
    qs = CaseTransition.objects.all() if qs is None else qs
    return permissions.kecamatan_scoped(user, qs, "case__kecamatan_id")


def documents_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Documents of the cases the user may see; none without the document permission."""
    qs = CaseDocument.objects.all() if qs is None else qs
    if not user.has_perm("certifications.view_casedocument"):
        return qs.none()
    return permissions.kecamatan_scoped(user, qs, "case__kecamatan_id")


def office_kecamatan(user) -> QuerySet:
    """The office city's kecamatan the user may choose from (the case list's filter)."""
    from umkm.models import Kecamatan

    qs = Kecamatan.objects.filter(city_id=settings.OFFICE_CITY_CODE)
    return permissions.kecamatan_for(user, qs)


def can_download_document(user, document) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("certifications.view_casedocument")
        and permissions.can_access_business(user, document.case.business)
    )
