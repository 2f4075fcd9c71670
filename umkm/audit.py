"""Recording access to personal data (UU PDP audit trail)."""

from umkm.models import Owner, PersonalDataAccess


def record_personal_data_access(
    *, owner: Owner, action: str, purpose: str, user=None, actor: str = ""
) -> PersonalDataAccess:
    if user is not None and getattr(user, "is_authenticated", False):
        actor = actor or user.get_username()
    else:
        user = None
    return PersonalDataAccess.objects.create(
        owner=owner, user=user, actor=actor or "system", action=action, purpose=purpose[:200]
    )
