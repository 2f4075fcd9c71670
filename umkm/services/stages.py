"""The 7P stages that events move a business to, by the rules staff keep in the admin.

`umkm.StageRule` maps an event (a training passed, a mentoring report, a licence issued, a
bazaar attended) to a stage. The services where those events happen call `stage_event`, and
the apps above umkm (bazaars, certifications, mentors) call it too: umkm knows nothing of them,
the event's name and its cause are all it is told. A stage is reached once: a second event of
the same kind leaves the first record (and its cause) as it is.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from config.actors import require_actor
from umkm.models import Business, BusinessStage, StageEvent, StageRule
from umkm.services.base import _is_user, _set_history_user


def rule_for(event: str) -> StageRule | None:
    """The active rule of `event`, or None when staff switched it off (or removed it)."""
    if event not in StageEvent.values:
        raise ValueError(event)
    return StageRule.objects.select_related("stage").filter(event=event, active=True).first()


def _cause_fields(cause) -> dict:
    """A model instance is kept as a reference and its name; anything else as text."""
    if isinstance(cause, models.Model):
        return {
            "cause": str(cause)[:300],
            "cause_type": ContentType.objects.get_for_model(cause),
            "cause_id": cause.pk,
        }
    return {"cause": str(cause or "")[:300], "cause_type": None, "cause_id": None}


def stage_event(
    *, actor, business: Business, event: str, on: datetime.date, cause=None
) -> BusinessStage | None:
    """Apply the rule of `event` to `business`: record the stage it names as reached `on`,
    saying what caused it, unless the business reached that stage already. Returns the new
    record, or None when nothing changed (no active rule, or the stage was reached before).
    The current stage follows (umkm.services.register.refresh_current_stage)."""
    from umkm.services.register import check_stage_may_be_recorded, refresh_current_stage

    check_stage_may_be_recorded(actor, business, on)
    rule = rule_for(event)
    if rule is None:
        return None
    with transaction.atomic():
        if BusinessStage.objects.filter(business=business, stage=rule.stage).exists():
            return None
        record = BusinessStage(
            business=business,
            stage=rule.stage,
            reached_on=on,
            recorded_by=actor if _is_user(actor) else None,
            rule=rule,
            **_cause_fields(cause),
        )
        _set_history_user(record, actor)
        record.save()
        refresh_current_stage(business)
    return record


def cause_label(record: BusinessStage) -> str:
    """What the admin shows for a stage record: the rule's event and its cause."""
    if record.rule_id is None and not record.cause:
        return _("Recorded by staff")
    event = record.rule.get_event_display() if record.rule_id else ""
    return ": ".join(part for part in (str(event), record.cause) if part)


RULE_FIELDS = ("event", "stage", "active")


def stage_rule_save(*, actor, rule: StageRule | None = None, **fields) -> StageRule:
    """Add a stage rule (rule=None) or change which stage its event leads to, or switch it off.
    Stages already reached keep the rule and cause they were recorded with."""
    require_actor(actor)
    perm = "umkm.add_stagerule" if rule is None else "umkm.change_stagerule"
    if not (actor.is_active and actor.has_perm(perm)):
        raise PermissionDenied
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    rule = rule or StageRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean()
    _set_history_user(rule, actor)
    with transaction.atomic():
        rule.save()
    return rule
