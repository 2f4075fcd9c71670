"""Admin Sudin gives staff their authenticator (TOTP) device: the group holds otp_totp's
permissions from this migration on, whatever else ran.

Why a migration: 0004 granted each role the permissions that existed at that point of the
plan, and otp_totp was no dependency of it, so its permissions were usually not there yet;
the grant then rested on the post_migrate sync (umkm.roles.sync_roles) alone. A database that
skipped that sync (restored from a dump taken before the grant, groups loaded by hand, a
migrate interrupted after the last migration) left Admin Sudin with 403 on every device page.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_SUDIN = "Admin Sudin"
CODENAMES = [f"{action}_totpdevice" for action in ("view", "add", "change", "delete")]


def forwards(apps, schema_editor):
    config = apps.get_app_config("otp_totp")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ADMIN_SUDIN)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="otp_totp", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0020_mentoring_monthly_report"),
        ("otp_totp", "0003_add_timestamps"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
