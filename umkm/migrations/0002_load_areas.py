from django.db import migrations

from umkm.areas import load_areas


def forwards(apps, schema_editor):
    load_areas(apps.get_model("umkm", "City"), apps.get_model("umkm", "Kecamatan"),
               apps.get_model("umkm", "Kelurahan"))


class Migration(migrations.Migration):
    dependencies = [("umkm", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
