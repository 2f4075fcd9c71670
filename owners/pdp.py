"""The owners' desk's part of UU PDP (umkm.pdp): what an owner sent staff, in their "my data"
download (settings.PDP_SECTIONS), and gone when their data is erased (PDP_ANONYMISERS)."""

from owners.models import (
    CorrectionRequest,
    DeletionRequest,
    NotificationPreference,
    ProfileEdit,
    SignInCode,
)


def _at(value):
    return value.isoformat() if value else None


def section(owner) -> dict:
    edits = ProfileEdit.objects.filter(business__owner=owner).select_related("business")
    corrections = CorrectionRequest.objects.filter(business__owner=owner).select_related("business")
    account = getattr(owner, "account", None)
    preferences = (
        NotificationPreference.objects.filter(account=account).first() if account else None
    )
    return {
        "owners_desk": {
            "account_created_at": _at(account.created_at) if account else None,
            "notifications": (
                {
                    "sms": preferences.sms,
                    "whatsapp": preferences.whatsapp,
                    "email": preferences.email,
                }
                if preferences
                else None
            ),
            "profile_proposals": [
                {
                    "business": e.business.name,
                    "proposed": e.proposed,
                    "photo": bool(e.photo),
                    "status": e.get_status_display(),
                    "reason": e.reason,
                    "proposed_at": _at(e.created_at),
                    "decided_at": _at(e.decided_at),
                }
                for e in edits
            ],
            "correction_requests": [
                {
                    "business": c.business.name,
                    "field": c.get_field_display(),
                    "message": c.text,  # the owner's own words, their NIK included
                    "status": c.get_status_display(),
                    "staff_note": c.staff_note,
                    "asked_at": _at(c.created_at),
                    "handled_at": _at(c.handled_at),
                }
                for c in corrections
            ],
            "deletion_requests": [
                {
                    "reason": d.reason,
                    "status": d.get_status_display(),
                    "staff_note": d.staff_note,
                    "asked_at": _at(d.created_at),
                    "handled_at": _at(d.handled_at),
                }
                for d in DeletionRequest.objects.filter(owner=owner)
            ],
        }
    }


def anonymise(owner) -> None:
    """Erasure: the proposals go whole (rows and their private photos); what the owner wrote
    in correction and deletion requests, and staff's answers to them, go; the requests'
    kinds, states and dates stay (the office's record of having answered). Sign-in codes
    (keyed hashes of the phone number) go."""
    for edit in ProfileEdit.objects.filter(business__owner=owner).exclude(photo=""):
        edit.photo.delete(save=False)
    ProfileEdit.objects.filter(business__owner=owner).delete()
    CorrectionRequest.objects.filter(business__owner=owner).update(
        message="", message_ciphertext=None, staff_note=""
    )
    DeletionRequest.objects.filter(owner=owner).update(reason="", staff_note="")
    SignInCode.objects.filter(owner=owner).delete()
