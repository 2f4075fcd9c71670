"""Seed the sectors, the 7P stages and the three roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECTORS = [
    # code, name, is_food, order
    ("kuliner", "Kuliner", True, 1),
    ("fesyen", "Fesyen", False, 2),
    ("kerajinan-tangan", "Kerajinan tangan", False, 3),
    ("parfum", "Parfum / wangi-wangian", False, 4),
    ("jasa", "Jasa", False, 5),
    ("lainnya", "Lainnya", False, 6),
]

STAGES = [
    ("pendaftaran", "Pendaftaran", 1),
    ("pelatihan", "Pelatihan", 2),
    ("pendampingan", "Pendampingan", 3),
    ("perizinan", "Perizinan", 4),
    ("pemasaran", "Pemasaran", 5),
    ("pelaporan-keuangan", "Pelaporan keuangan", 6),
    ("permodalan", "Permodalan", 7),
]


def forwards(apps, schema_editor):
    Sector = apps.get_model("umkm", "Sector")
    Stage = apps.get_model("umkm", "Stage")
    for code, name, is_food, order in SECTORS:
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "is_food": is_food, "order": order}
        )
    for code, name, order in STAGES:
        Stage.objects.update_or_create(code=code, defaults={"name": name, "order": order})

    # Permissions are normally created after all migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    from umkm.roles import ROLE_PERMISSIONS

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
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
