"""Who may see and act on certificate cases and documents. Kecamatan scoping is
umkm.permissions' (businesses_for / can_access_business); this module adds the certificate
permissions on top.

- Admin Sudin: every case and document of the city.
- Operator Kecamatan: cases and documents of its kecamatan's businesses only.
- Pejabat: cases read-only, and no documents (they may hold personal data: KTP scans,
  addresses), so no "view_casedocument" permission and the download view answers 404.
"""

from django.db.models import QuerySet

from umkm import permissions


def cases_for(user, qs: QuerySet) -> QuerySet:
    """Cases of the businesses the user may see."""
    code = permissions.operator_kecamatan_code(user)
    return qs if code is None else qs.filter(kecamatan_id=code)


def can_download_document(user, document) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("certifications.view_casedocument")
        and permissions.can_access_business(user, document.case.business)
    )
