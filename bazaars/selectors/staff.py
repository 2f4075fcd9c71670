"""Staff views and the participant list export."""

from collections import defaultdict

from bazaars.models import (
    Attendance,
    Bazaar,
    DailySales,
    Participation,
)
from bazaars.permissions import participations_for

# --- Staff views and export -----------------------------------------------------------------


def participant_rows(bazaar: Bazaar, user):
    """One row per participation the user may see: no NIK, phone or address."""
    participations = (
        permissions_filter(user, Participation.objects.filter(bazaar=bazaar))
        .select_related("business__sector", "business__kelurahan__kecamatan", "booth", "decided_by")
        .order_by("status", "booth__code", "business__name")
    )
    sales = defaultdict(lambda: [0, 0])
    for row in DailySales.objects.filter(participation__bazaar=bazaar).values(
        "participation_id", "omzet", "transactions"
    ):
        sales[row["participation_id"]][0] += row["omzet"]
        sales[row["participation_id"]][1] += row["transactions"]
    days = defaultdict(int)
    for pid in Attendance.objects.filter(participation__bazaar=bazaar).values_list(
        "participation_id", flat=True
    ):
        days[pid] += 1
    for p in participations:
        b = p.business
        yield [
            p.booth.code if p.booth else "",
            b.name,
            b.sector.name,
            b.kelurahan.kecamatan.name,
            b.kelurahan.name,
            b.nib or "",
            p.get_status_display(),
            p.decided_at,  # a datetime: the export layer shows it in Jakarta
            days[p.pk],
            sales[p.pk][0],
            sales[p.pk][1],
        ]


def permissions_filter(user, qs):
    """Participations of the businesses the user may act on (bazaars.permissions)."""
    return participations_for(user, qs)
