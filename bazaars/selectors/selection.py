"""The fair-selection proposal: who gets a booth when more apply than fit."""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Exists,
    F,
    OuterRef,
)

from bazaars import eligibility, flags
from bazaars.models import (
    Bazaar,
    Participation,
    ParticipationStatus,
)
from umkm.models import Business, Kecamatan

# --- Fair selection -------------------------------------------------------------------------


@dataclass
class Proposal:
    business: Business
    last_bazaar: datetime.date | None
    reason: str = ""
    flags: list[str] = field(default_factory=list)  # what other apps say (bazaars.flags)


def propose_participants(
    bazaar: Bazaar,
    *,
    seats: int | None = None,
    per_kecamatan_cap: int | None = None,
    pool_size: int = 2000,
) -> list[Proposal]:
    """A fair list of businesses for a bazaar, for staff to adjust and accept in bulk.

    - Eligible businesses only (aktif, a passed training, food certificate where required).
    - The pool is the businesses that applied to this bazaar (applied or waitlisted); when
      nobody applied, every eligible business of the office's city.
    - Businesses never at a bazaar come first, then those least recently at one, then the
      longest in the programme.
    - Spread: at most ceil(booths / kecamatan of the city) per kecamatan by default, and sectors
      taken in turn (round robin) so one sector cannot fill the bazaar.
    - Each proposal carries the flags other apps raise (bazaars.flags: "wants a bazaar" from
      the mentors' reports), for staff to see; they do not change the order.
    """
    free = bazaar.booth_count - bazaar.participations.accepted().count()
    seats = free if seats is None else seats
    if seats <= 0:
        return []
    city = bazaar.venue.kelurahan.kecamatan.city_id
    kecamatan_count = Kecamatan.objects.filter(city_id=city).count() or 1
    cap = per_kecamatan_cap or math.ceil(bazaar.booth_count / kecamatan_count)

    applicants = Participation.objects.filter(
        bazaar=bazaar,
        status__in=[ParticipationStatus.APPLIED, ParticipationStatus.WAITLISTED],
    )
    taken_here = Participation.objects.filter(bazaar=bazaar, business=OuterRef("pk"))
    if applicants.exists():
        pool = Business.objects.filter(pk__in=applicants.values("business_id"))
        taken_here = taken_here.exclude(
            status__in=[ParticipationStatus.APPLIED, ParticipationStatus.WAITLISTED]
        )
    else:
        pool = Business.objects.filter(kelurahan__kecamatan__city_id=city)
    pool = eligibility.eligible_businesses(pool).exclude(Exists(taken_here))
    last_at = (
        Participation.objects.filter(business=OuterRef("pk"), status=ParticipationStatus.ACCEPTED)
        .exclude(bazaar=bazaar)
        .order_by("-bazaar__start_date")
        .values("bazaar__start_date")[:1]
    )
    candidates = (
        pool.annotate(last_bazaar=last_at)
        .select_related("sector", "kelurahan__kecamatan")
        .only(
            "id",
            "name",
            "slug",
            "binaan_since",
            "status",
            "sector__name",
            "sector__order",
            "sector__is_food",
            "kelurahan__name",
            "kelurahan__kecamatan__name",
            "kelurahan__kecamatan__code",
        )
        # Never at a bazaar (NULL) first, then the least recent.
        .order_by(F("last_bazaar").asc(nulls_first=True), "binaan_since", "id")
    )
    by_sector: dict[int, list] = defaultdict(list)
    for business in candidates[:pool_size]:
        by_sector[business.sector_id].append(business)
    per_kecamatan: dict[str, int] = defaultdict(int)
    chosen: list[Proposal] = []
    queues = [by_sector[k] for k in sorted(by_sector, key=lambda k: by_sector[k][0].sector.order)]
    while len(chosen) < seats and any(queues):
        for queue in queues:
            while queue:
                business = queue.pop(0)
                kecamatan = business.kelurahan.kecamatan_id
                if per_kecamatan[kecamatan] >= cap:
                    continue
                per_kecamatan[kecamatan] += 1
                chosen.append(Proposal(business, business.last_bazaar))
                break
            if len(chosen) >= seats:
                break
    labels = flags.labels_for([p.business.pk for p in chosen])
    for proposal in chosen:
        proposal.flags = labels.get(proposal.business.pk, [])
    return chosen
