"""Mentoring sessions (pendampingan)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from umkm import permissions
from umkm.models import (
    Business,
    BusinessStage,
    Mentoring,
    Stage,
)
from umkm.services.base import (
    Outcome,
    _is_user,
    require_actor,
)
from umkm.services.register import (
    _record_stage,
)

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
        mentoring_mark_stage(actor=actor, business=business, on=date)
    return Outcome(session, created=True)


def mentoring_mark_stage(*, actor, business: Business, on: datetime.date) -> None:
    """A first mentoring report marks the Pendampingan stage reached on its visit date (the
    ad-hoc rule until stage rules are data). Call inside the writing transaction."""
    require_actor(actor)
    stage = Stage.objects.filter(code="pendampingan").first()
    if stage and not BusinessStage.objects.filter(business=business, stage=stage).exists():
        _record_stage(business, stage, on, actor)


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
