"""The session of a signed-in owner: only an owner's account (never a staff user), loaded
with its owner in one query. Nothing authenticates through here: owners.signin checks the
code and the view calls django.contrib.auth.login with this backend."""

from django.contrib.auth import get_user_model


class OwnerBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        user = (
            get_user_model()
            .objects.select_related("owner_account__owner")
            .filter(pk=user_id, is_active=True, is_staff=False, owner_account__isnull=False)
            .first()
        )
        return user

    def has_perm(self, user_obj, perm, obj=None):
        return False
