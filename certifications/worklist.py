"""The certificate cases' queues on the staff desk (config.worklist), among the cases the user
may act on: referred to Sudin PPKUKM and unanswered too long, submitted, expiring soon."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.models import CaseStatus
from certifications.permissions import cases_for
from config.worklist import Entry, register

EXPIRING_DAYS = 30


@register("certifications.cases", title=gettext_lazy("Certificate cases"), order=20)
def cases_waiting(user):
    if not user.has_perm("certifications.change_certificatecase"):
        return
    cases = cases_for(user)
    changelist = reverse("admin:certifications_certificatecase_changelist")
    days = settings.CERTIFICATE_WAITING_DAYS
    yield Entry(
        label=_("Waiting on Sudin PPKUKM for longer than %(days)s days") % {"days": days},
        count=cases.waiting_on_sudin(longer_than_days=days).count(),
        url=f"{changelist}?waiting=late",
        urgent=True,
    )
    yield Entry(
        label=_("Submitted, waiting for the certificate"),
        count=cases.filter(status=CaseStatus.SUBMITTED).count(),
        url=f"{changelist}?status__exact={CaseStatus.SUBMITTED}",
    )
    yield Entry(
        label=_("Certificates expiring within %(days)s days") % {"days": EXPIRING_DAYS},
        count=cases.expiring_within(EXPIRING_DAYS, on=timezone.localdate()).count(),
        url=f"{changelist}?expires_within={EXPIRING_DAYS}",
    )
