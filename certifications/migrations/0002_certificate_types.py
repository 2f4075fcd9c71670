from django.db import migrations


def forwards(apps, schema_editor):
    from certifications.reference import load_types

    load_types(apps.get_model("certifications", "CertificateType"))


class Migration(migrations.Migration):
    dependencies = [("certifications", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
