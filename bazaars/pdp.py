"""The bazaars' part of UU PDP (umkm.pdp): the owner's businesses' bazaar records in their
"my data" download (settings.PDP_SECTIONS); when the owner's data is erased
(PDP_ANONYMISERS) the records stay (they feed who got a chance, sales), staff's free-text
notes on them go, live and in history."""

from django.db.models import Sum

from bazaars.models import Participation

# An override must say why (participation_override_has_reason): what is left of the reason.
ERASED = "—"


def section(owner) -> dict:
    participations = (
        Participation.objects.filter(business__owner=owner)
        .select_related("bazaar", "business", "booth")
        .annotate(omzet=Sum("daily_sales__omzet"))
        .order_by("applied_at", "id")
    )
    return {
        "bazaars": [
            {
                "business": p.business.name,
                "bazaar": str(p.bazaar),
                "status": p.get_status_display(),
                "booth": p.booth.code if p.booth else None,
                "applied_at": p.applied_at.isoformat(),
                "decided_at": p.decided_at.isoformat() if p.decided_at else None,
                "withdrawn_at": p.withdrawn_at.isoformat() if p.withdrawn_at else None,
                "eligibility_override": p.eligibility_override,
                "override_reason": p.override_reason,
                "note": p.note,
                "omzet": p.omzet,
            }
            for p in participations
        ]
    }


def anonymise(owner) -> None:
    mine = Participation.objects.filter(business__owner=owner)
    mine.update(note="")
    mine.filter(eligibility_override=True).update(override_reason=ERASED)
    mine.filter(eligibility_override=False).update(override_reason="")
    Participation.history.filter(business__owner=owner).update(note="", override_reason="")
