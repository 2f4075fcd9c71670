"""The mentors' part of UU PDP (umkm.pdp): who mentored the owner's businesses, in their "my
data" download (settings.PDP_SECTIONS); the visit photos the mentors' desk took (umkm
Mentoring.photo, private files) gone when the owner's data is erased (PDP_ANONYMISERS). The
reports' notes are the register's (umkm.pdp)."""

from mentors.models import Assignment
from umkm.models import Mentoring


def section(owner) -> dict:
    assignments = (
        Assignment.objects.filter(business__owner=owner)
        .select_related("business", "mentor")
        .order_by("business_id", "start", "id")
    )
    return {
        "mentors": [
            {
                "business": a.business.name,
                "mentor": a.mentor.full_name,
                "from": a.start.isoformat(),
                "until": a.end.isoformat() if a.end else None,
            }
            for a in assignments
        ]
    }


def anonymise(owner) -> None:
    """Every photo file a report of the owner's businesses holds or once held (history), then
    the names themselves."""
    field = Mentoring._meta.get_field("photo")
    reports = Mentoring.objects.filter(business__owner=owner)
    history = Mentoring.history.filter(business__owner=owner)
    names = set(reports.exclude(photo="").values_list("photo", flat=True))
    names |= set(history.exclude(photo="").values_list("photo", flat=True))
    for name in names:
        field.storage.delete(name)
    reports.update(photo="")
    history.update(photo="")
