"""What every register service shares: its outcome, the actor's scope checks, history.

Every service starts with require_actor(actor): a user, or config.actors.SYSTEM for the portal's
own writes; None raises before anything is read or written."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from config.actors import SYSTEM, require_actor
from umkm import permissions
from umkm.models import (
    Kelurahan,
    Owner,
)


@dataclass
class Outcome:
    """What a service did, with warnings to show (e.g. a NIK whose birth date disagrees)."""

    obj: object
    created: bool = False
    warnings: list[str] = field(default_factory=list)


def _check_kelurahan(actor, kelurahan: Kelurahan | None, *, field_name: str = "kelurahan"):
    if kelurahan is None:
        raise ValidationError({field_name: _("Kelurahan is required.")})
    if not permissions.can_access_kelurahan(actor, kelurahan):
        raise ValidationError(
            {field_name: _("You may only choose a kelurahan of your own kecamatan.")}
        )


def _check_owner(actor, owner: Owner | None):
    if owner is None:
        raise ValidationError({"owner": _("Owner is required.")})
    if owner.pk and not permissions.can_access_owner(actor, owner):
        raise ValidationError({"owner": _("You may only choose an owner of your own kecamatan.")})


def _set_history_user(obj, actor):
    """History names a signed-in person; SYSTEM's writes have no history user."""
    if _is_user(actor):
        obj._history_user = actor


def _is_user(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


__all__ = ["SYSTEM", "Outcome", "require_actor"]
