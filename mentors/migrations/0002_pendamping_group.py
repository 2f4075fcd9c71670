from django.db import migrations

PENDAMPING = "Pendamping"  # umkm.roles.PENDAMPING, as it was when this ran


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=PENDAMPING)


class Migration(migrations.Migration):
    """The role Pendamping. Its permissions (none in admin: a mentor works on their desk) are
    set by umkm.roles.sync_roles after every migrate, from mentors/permissions.py."""

    dependencies = [
        ("mentors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
