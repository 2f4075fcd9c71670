"""The bazaars' queue on the staff desk (config.worklist): applications waiting for a decision,
per bazaar that has not ended, counted among the participations the user may act on."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bazaars.models import Bazaar, ParticipationStatus
from bazaars.permissions import participations_for
from config.worklist import Entry, register


@register("bazaars.applications", title=gettext_lazy("Bazaar applications"), order=10)
def applications_waiting(user):
    if not user.has_perm("bazaars.change_participation"):
        return
    rows = (
        participations_for(user)
        .filter(status=ParticipationStatus.APPLIED, bazaar__in=Bazaar.objects.upcoming())
        .values("bazaar_id", "bazaar__title", "bazaar__start_date")
        .annotate(n=Count("id"))
        .order_by("bazaar__start_date", "bazaar_id")
    )
    changelist = reverse("admin:bazaars_participation_changelist")
    for row in rows:
        query = urlencode({"bazaar__id__exact": row["bazaar_id"], "status__exact": "applied"})
        yield Entry(
            label=_("Applications waiting for a decision: %(bazaar)s")
            % {"bazaar": row["bazaar__title"]},
            count=row["n"],
            url=f"{changelist}?{query}",
        )
