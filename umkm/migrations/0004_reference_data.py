"""Seed the sectors, the 7P stages and the three roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from umkm.reference import load_sectors_and_stages

def forwards(apps, schema_editor):
    load_sectors_and_stages(apps.get_model("umkm", "Sector"), apps.get_model("umkm", "Stage"))

    # Permissions are normally created after all migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    from umkm.roles import role_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0003_register"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
