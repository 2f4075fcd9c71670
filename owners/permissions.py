"""Who may use the owners' desk and see what there, and which staff handle owners' requests.

An owner (a signed-in OwnerAccount user: active, never staff) sees only the businesses they
own and their own data; every desk view looks its business up through `businesses_of`, so
another owner's business is a 404. A staff session never acts as an owner (`is_owner` refuses
is_staff users). Staff see the review queues of their own kecamatan (umkm's rule)."""

from django.db.models import QuerySet

from umkm import permissions as register
from umkm import roles
from umkm.models import Business

_QUEUES = ["profileedit", "correctionrequest"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.ADMIN_SUDIN: [
        *roles.view("owners", [*_QUEUES, "deletionrequest", "owneraccount"]),
        *(f"owners.change_{m}" for m in [*_QUEUES, "deletionrequest"]),
    ],
    roles.OPERATOR_KECAMATAN: [
        *roles.view("owners", _QUEUES),
        *(f"owners.change_{m}" for m in _QUEUES),
    ],
}

# An official has no use for owners' proposals or requests.
PEJABAT_FIELDS: dict[str, tuple[str, ...]] = {}


def account_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "owner_account", None)


def is_owner(user) -> bool:
    """A signed-in, active owner's account; never a staff user, never an anonymised owner."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_staff:
        return False
    account = account_of(user)
    return account is not None and account.owner.anonymised_at is None


def owner_of(user):
    account = account_of(user)
    return account.owner if account is not None and is_owner(user) else None


def businesses_of(user, qs: QuerySet | None = None) -> QuerySet:
    """The businesses `user` owns (none for anyone who is not an owner)."""
    qs = Business.objects.all() if qs is None else qs
    owner = owner_of(user)
    return qs.filter(owner_id=owner.pk) if owner is not None else qs.none()


def profile_edits_for(user, qs: QuerySet | None = None) -> QuerySet:
    from owners.models import ProfileEdit

    qs = ProfileEdit.objects.all() if qs is None else qs
    return register.kecamatan_scoped(user, qs, "business__kelurahan__kecamatan_id")


def correction_requests_for(user, qs: QuerySet | None = None) -> QuerySet:
    from owners.models import CorrectionRequest

    qs = CorrectionRequest.objects.all() if qs is None else qs
    return register.kecamatan_scoped(user, qs, "business__kelurahan__kecamatan_id")


def deletion_requests_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Erasure is city-wide staff's (as resolving NIK matches is): an operator sees none."""
    from owners.models import DeletionRequest

    qs = DeletionRequest.objects.all() if qs is None else qs
    return qs if register.operator_kecamatan_code(user) is None else qs.none()


def owner_accounts_for(user, qs: QuerySet | None = None) -> QuerySet:
    from owners.models import OwnerAccount

    qs = OwnerAccount.objects.all() if qs is None else qs
    return qs.filter(owner__in=register.owners_for(user))


def can_read_correction(user, request) -> bool:
    """The text of a correction request: a correction of the NIK holds a NIK, so its text is
    for staff who may see NIKs (umkm.view_nik) only; others see that it exists, not what it
    says. Any other correction's text: whoever sees the request (correction_requests_for)."""
    from owners.models import CorrectionField

    return request.field != CorrectionField.NIK or register.can_view_nik(user)


def can_review(user, business: Business) -> bool:
    return (
        user.is_active
        and user.has_perm("owners.change_profileedit")
        and not register.is_read_only(user)
        and register.can_access_business(user, business)
    )


def can_erase(user) -> bool:
    return (
        user.is_active
        and user.has_perm("owners.change_deletionrequest")
        and register.operator_kecamatan_code(user) is None
        and not register.is_read_only(user)
    )
