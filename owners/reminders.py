"""What an owner is told, each through owners.messages (opt-in per channel):

- a decision on an application (accepted, waitlisted, rejected) and moving up from the
  waitlist: whoever decided (staff in admin, a bulk action), read from the participation's
  status change;
- a certificate case's status change (each recorded CaseTransition);
- daily (`manage.py send_owner_reminders`, or the task `send_owner_reminders_task`): the day
  before a bazaar they take part in, and a certificate expiring within 30 days. Each carries a
  once-only key, so a second run of the same day sends nothing again.
"""

import datetime

from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import formats
from owners.messages import tell_owner

EXPIRY_DAYS = 30

_DECISION_TEXT = {
    "accepted": _("%(business)s is accepted for %(bazaar)s (booth %(booth)s)."),
    "waitlisted": _("%(business)s is on the waitlist for %(bazaar)s."),
    "rejected": _("%(business)s was not accepted for %(bazaar)s."),
}
_MOVED_UP = _(
    "Good news: %(business)s moved up from the waitlist and is accepted for %(bazaar)s "
    "(booth %(booth)s)."
)


def remember_status(sender, instance, **kwargs):
    if instance.pk is None:
        instance._owners_old_status = None
        return
    instance._owners_old_status = (
        sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    )


def participation_changed(sender, instance, created, **kwargs):
    old = getattr(instance, "_owners_old_status", None)
    new = instance.status
    if new == old or new not in _DECISION_TEXT:
        return
    business = instance.business
    moved_up = old == "waitlisted" and new == "accepted"
    tell_owner(
        owner=business.owner,
        kind="owner_bazaar_decision",
        body=_MOVED_UP if moved_up else _DECISION_TEXT[new],
        params={
            "business": business.name,
            "bazaar": instance.bazaar.title,
            "booth": instance.booth.code if instance.booth_id else "-",
        },
        subject=_("Your bazaar application"),
    )


def case_changed(sender, instance, created, **kwargs):
    if not created:
        return
    case = instance.case
    tell_owner(
        owner=case.business.owner,
        kind="owner_certificate_status",
        body=_("Certificate %(type)s of %(business)s: now %(status)s."),
        params={
            "type": case.type.name,
            "business": case.business.name,
            "status": instance.get_to_status_display(),
        },
        subject=_("Your certificate case"),
    )


def send_daily(*, on: datetime.date | None = None) -> int:
    """The day-before bazaar reminders and the 30-day certificate expiry notices of `on`."""
    from bazaars.models import Participation
    from certifications.selectors import expiring_cases

    on = on or timezone.localdate()
    tomorrow = on + datetime.timedelta(days=1)
    sent = 0
    taking_part = (
        Participation.objects.accepted()
        .filter(bazaar__days__date=tomorrow, bazaar__status="published")
        .select_related("bazaar__venue", "booth", "business__owner")
        .distinct()
    )
    for p in taking_part:
        text = _("Reminder: tomorrow %(business)s sells at %(bazaar)s, %(venue)s, booth %(booth)s.")
        sent += tell_owner(
            owner=p.business.owner,
            kind="owner_bazaar_reminder",
            body=text,
            params={
                "business": p.business.name,
                "bazaar": p.bazaar.title,
                "venue": p.bazaar.venue.name,
                "booth": p.booth.code if p.booth_id else "-",
            },
            subject=_("Your bazaar is tomorrow"),
            dedupe_key=f"owner-bazaar-reminder:{p.pk}:{tomorrow.isoformat()}",
        )
    for case in expiring_cases(on=on, days=EXPIRY_DAYS).select_related("business__owner"):
        text = _("Certificate %(type)s of %(business)s expires on %(date)s: ask for renewal.")
        sent += tell_owner(
            owner=case.business.owner,
            kind="owner_certificate_expiring",
            body=text,
            params={
                "type": case.type.name,
                "business": case.business.name,
                "date": formats.date_text(case.expires_on),
            },
            subject=_("Your certificate expires soon"),
            dedupe_key=f"owner-cert-expiring:{case.pk}:{case.expires_on.isoformat()}",
        )
    return sent


@task()
def send_owner_reminders_task() -> int:
    """The task worker's daily run (enqueue it once a day, e.g. from cron or the scheduler)."""
    return send_daily()
