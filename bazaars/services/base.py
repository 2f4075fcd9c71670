"""What every bazaar service shares: who acts, what they may touch, saving with history."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bazaars.models import ParticipationStatus
from config.actors import require_actor
from umkm import permissions

S = ParticipationStatus

__all__ = ["S", "_check_access", "_check_perm", "_save", "_user", "require_actor"]


def _check_access(actor, business) -> None:
    """An Operator Kecamatan acts only on businesses of its kecamatan (SYSTEM on all)."""
    if not permissions.can_access_business(actor, business):
        raise PermissionDenied(
            _("You may only act on businesses of your own kecamatan (%(business)s).")
            % {"business": business.name}
        )


def _check_perm(actor, perm: str) -> None:
    """Bazaars are the city office's: planning them needs the model permission (SYSTEM has all)."""
    if not (actor.is_active and actor.has_perm(perm)):
        raise PermissionDenied(_("You may not plan or change bazaars."))


def _user(actor):
    """The user to record as having acted: a signed-in person, never SYSTEM."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _save(obj, actor, reason: str = "") -> None:
    if _user(actor):
        obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]
    obj.save()
