"""The three roles, and how their permissions are gathered.

The role names live here, at the bottom of the dependency chain; which permissions a role holds
is declared by each app in its own `permissions.py` (a `ROLE_PERMISSIONS` dict), so that umkm
knows nothing of the apps built on it. `role_permissions()` collects them through Django's app
registry. Groups are created by a migration; `sync_roles` runs after every migrate so that the
permissions of apps migrated later join their roles too. Object-level rules (which kecamatan)
live in each app's permissions module.
"""

from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

ADMIN_SUDIN = "Admin Sudin"
OPERATOR_KECAMATAN = "Operator Kecamatan"
PEJABAT = "Pejabat"
ROLES = (ADMIN_SUDIN, OPERATOR_KECAMATAN, PEJABAT)
# Not a staff role: mentors work on their own desk (the mentors app), never in admin. Its group
# is created by the mentors app's migration; umkm names it so that its admin can list mentors.
PENDAMPING = "Pendamping"

ACTIONS = ("view", "add", "change", "delete")


def crud(app: str, models: list[str], *, without: tuple[str, ...] = ()) -> list[str]:
    """Every model permission of `models`, but the actions in `without`."""
    return [f"{app}.{action}_{m}" for m in models for action in ACTIONS if action not in without]


def view(app: str, models: list[str]) -> list[str]:
    return [f"{app}.view_{m}" for m in models]


def policy_modules():
    """The `permissions` module of every project app (third-party apps are not asked)."""
    from django.apps import apps
    from django.conf import settings

    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(base) or "site-packages" in path.parts:
            continue
        name = f"{config.name}.permissions"
        if find_spec(name) is not None:
            yield import_module(name)


def role_permissions() -> dict[str, set[str]]:
    """Each role's permissions ("app_label.codename"), from every app's ROLE_PERMISSIONS."""
    out: dict[str, set[str]] = {role: set() for role in ROLES}
    for module in policy_modules():
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            out.setdefault(role, set()).update(perms)
    return out


STAFF_HOME = "admin:index"


def home_url_name(user) -> str:
    """The URL name of the page a staff member lands on after signing in: the home an app
    declares for their first role in ROLES (a `ROLE_HOMES` dict in its permissions.py, e.g.
    reports: Pejabat → the city report), else the admin. Superusers land in the admin."""
    if user.is_superuser:
        return STAFF_HOME
    homes: dict[str, str] = {}
    for module in policy_modules():
        homes.update(getattr(module, "ROLE_HOMES", {}))
    held = set(user.groups.values_list("name", flat=True))
    for role in ROLES:
        if role in held:
            return homes.get(role, STAFF_HOME)
    return STAFF_HOME


def sync_roles(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions that exist of its list."""
    from django.contrib.auth.models import Group, Permission

    permissions = list(Permission.objects.using(using).select_related("content_type"))
    for role, perms in role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = {tuple(dotted.split(".", 1)) for dotted in perms}
        group.permissions.set(
            [p for p in permissions if (p.content_type.app_label, p.codename) in wanted]
        )
