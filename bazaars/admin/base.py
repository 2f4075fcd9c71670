"""What the bazaar admins share."""

from django.core.exceptions import ValidationError

from bazaars.models import (
    ParticipationStatus,
)

S = ParticipationStatus


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)
