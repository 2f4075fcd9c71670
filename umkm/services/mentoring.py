"""Mentoring sessions (pendampingan)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from umkm import permissions
from umkm.models import (
    Business,
    Mentoring,
    StageEvent,
)
from umkm.services.base import (
    Outcome,
    _is_user,
    require_actor,
)
from umkm.services.stages import stage_event

# --- Mentoring ----------------------------------------------------------------------------


def mentoring_record(
    *,
    actor,
    business: Business,
    date: datetime.date,
    topic: str,
    mentor=None,
    notes: str = "",
    monthly_omzet: int | None = None,
) -> Outcome:
    require_actor(actor)
    if not permissions.can_access_business(actor, business):
        raise PermissionDenied
    session = Mentoring(
        mentor=mentor or (actor if _is_user(actor) else None),  # SYSTEM names the mentor
        business=business,
        month=date.replace(day=1) if date else None,
        date=date,
        topic=topic,
        notes=notes,
        monthly_omzet=monthly_omzet,
    )
    session.full_clean()
    with transaction.atomic():
        session.save()
        mentoring_mark_stage(actor=actor, business=business, on=date, cause=session)
    return Outcome(session, created=True)


def mentoring_mark_stage(*, actor, business: Business, on: datetime.date, cause=None) -> None:
    """A mentoring report is the stage rules' event "mentoring report" (umkm.services.stages:
    by default the Pendampingan stage, reached on the visit's day). Call inside the writing
    transaction; the mentors' desk calls it too."""
    require_actor(actor)
    stage_event(
        actor=actor,
        business=business,
        event=StageEvent.MENTORING_REPORT,
        on=min(on, timezone.localdate()),
        cause=cause if cause is not None else _("mentoring report"),
    )


def mentoring_update(*, actor, session: Mentoring, **changes) -> Outcome:
    """Correct a session's date, topic, notes or reported omzet (not its business)."""
    require_actor(actor)
    if not permissions.can_access_business(actor, session.business):
        raise PermissionDenied
    allowed = {"date", "topic", "notes", "monthly_omzet", "mentor"}
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(session, name, value)
    if changes.get("date"):
        session.month = changes["date"].replace(day=1)
    session.full_clean()
    with transaction.atomic():
        session.save()
    return Outcome(session)
