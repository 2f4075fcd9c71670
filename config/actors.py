"""Who acts: a signed-in user, or the portal itself, named.

Every service takes `actor`. A person's writes pass that person; the portal's own writes (the
demo seed, data migrations, scheduled jobs, commands run by an administrator on the server) pass
`SYSTEM`, explicitly. A missing actor (`None`) is a programming error and raises at once: it is
never read as "full access".
"""


class SystemActor:
    """The portal acting on its own behalf: every row, every permission, no history user."""

    is_active = True
    is_superuser = True
    is_staff = False
    is_authenticated = False
    is_anonymous = False
    pk = None
    id = None
    username = "system"

    def has_perm(self, perm, obj=None) -> bool:
        return True

    def has_perms(self, perm_list, obj=None) -> bool:
        return True

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM


def require_actor(actor):
    """The actor, or a TypeError when a caller forgot it: no write happens without one."""
    if actor is None:
        raise TypeError("actor is required: pass the acting user, or actor=SYSTEM for the portal")
    return actor
