"""The certificates' part of a subject access export (UU PDP), see umkm.pdp."""

from certifications.models import CertificateCase


def section(owner) -> dict:
    cases = (
        CertificateCase.objects.filter(business__owner=owner)
        .select_related("business", "type")
        .prefetch_related("transitions__by", "documents")
        .order_by("business_id", "type__order", "id")
    )
    return {
        "certificates": [
            {
                "business": case.business.name,
                "type": case.type.name,
                "product": case.product,
                "status": case.get_status_display(),
                "number": case.number,
                "issued_on": case.issued_on.isoformat() if case.issued_on else None,
                "expires_on": case.expires_on.isoformat() if case.expires_on else None,
                "expiry_override_reason": case.expiry_override_reason,
                "note": case.note,
                "history": [
                    {
                        "at": t.at.isoformat(),
                        "from": t.get_from_status_display(),
                        "to": t.get_to_status_display(),
                        "by": t.by.get_username() if t.by else None,
                        "note": t.note,
                    }
                    for t in case.transitions.all()
                ],
                "documents": [
                    {
                        "name": d.original_name,
                        "type": d.content_type,
                        "uploaded_at": d.uploaded_at.isoformat(),
                    }
                    for d in case.documents.all()
                ],
            }
            for case in cases
        ]
    }


def anonymise(owner) -> None:
    """Erasure: certificate scans carry the holder's name and often more; they go, files and
    rows. Case statuses and dates stay (they feed the coverage figures); free-text notes and
    the reason typed for an expiry override go."""
    from certifications.models import CaseDocument, CaseTransition

    for document in CaseDocument.objects.filter(case__business__owner=owner):
        document.file.delete(save=False)
        document.delete()
    CertificateCase.objects.filter(business__owner=owner).update(note="", expiry_override_reason="")
    CaseTransition.objects.filter(case__business__owner=owner).update(note="")
