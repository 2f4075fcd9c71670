"""Demo accounts for `make run`. Never used outside DEBUG."""

from django.contrib.auth import get_user_model

DEMO_PASSWORD = "demo-umkm-2023!"  # noqa: S105  (printed by make run; demo only)


def ensure_demo_accounts() -> list[tuple[str, str]]:
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.org"})
    user.is_staff = user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    return [("admin", "superuser")]


def seed_register(*, businesses: int, seed: int, stdout) -> None:
    """Jakarta Barat register demo: owners, businesses, trainings, mentoring and targets."""
    stdout.write("  (register demo data not built yet)")
