"""Trainings' trainees one at a time: each is a batch of one of umkm.services.registration,
plus the changes and removals of an enrolment."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from config.actors import require_actor
from umkm import permissions
from umkm.models import Business, Enrolment, StageEvent, Training
from umkm.services.base import Outcome, _set_history_user
from umkm.services.registration import RegistrationError, TraineeData, trainees_register
from umkm.services.stages import stage_event


def trainee_add(*, actor, training: Training, data: TraineeData) -> Outcome:
    """Add one trainee: link the owner known by NIK, or create owner and business."""
    return _one(actor=actor, training=training, data=data)


def enrolment_create(
    *,
    actor,
    training: Training,
    business: Business,
    attended: bool = False,
    passed: bool = False,
    score=None,
) -> Outcome:
    """Enrol a registered business (and its owner, attending) in a training."""
    data = TraineeData(business=business, attended=attended, passed=passed, score=score)
    outcome = _one(actor=actor, training=training, data=data)
    return Outcome(outcome.obj, created=True, warnings=outcome.warnings)  # a new enrolment


def _one(*, actor, training, data) -> Outcome:
    """A batch of one; its errors as a ValidationError by field (the capacity on `training`)."""
    try:
        registration = trainees_register(actor=actor, training=training, trainees=[data])
    except RegistrationError as exc:
        errors: dict[str, list[str]] = {}
        if exc.registration.errors:
            errors["training"] = exc.registration.errors
        for name, message in exc.registration.rows[0].errors:
            errors.setdefault(name or NON_FIELD_ERRORS, []).append(message)
        raise ValidationError(errors) from exc
    return registration.outcomes()[0]


def enrolment_update(*, actor, enrolment: Enrolment, **changes) -> Outcome:
    """Change a trainee's attendance, result or score (passing implies attending)."""
    require_actor(actor)
    if not permissions.can_access_business(actor, enrolment.business):
        raise PermissionDenied
    allowed = {"attended", "passed", "score"}
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(enrolment, name, value)
    if enrolment.passed:
        enrolment.attended = True
    enrolment.full_clean()
    _set_history_user(enrolment, actor)
    with transaction.atomic():
        enrolment.save()
        if enrolment.passed:
            training = enrolment.training
            stage_event(
                actor=actor,
                business=enrolment.business,
                event=StageEvent.TRAINING_PASSED,
                on=min(training.end_date, timezone.localdate()),
                cause=enrolment,
            )
    return Outcome(enrolment)


def enrolment_remove(*, actor, enrolment: Enrolment) -> None:
    """Take a trainee off a training. The enrolment's history keeps the removal and who made it;
    the 7P stages the business reached stay as recorded."""
    require_actor(actor)
    enrolment = Enrolment.objects.select_related("business__kelurahan").get(pk=enrolment.pk)
    if not permissions.can_access_business(actor, enrolment.business):
        raise PermissionDenied
    _set_history_user(enrolment, actor)
    with transaction.atomic():
        enrolment.delete()
