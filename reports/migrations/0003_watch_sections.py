"""The kept report (reports.selectors.build_report) now holds the bazaar and certificate
sections too: a write to a table they read changes the data version, as for the register's."""

import importlib

from django.db import migrations

_0002 = importlib.import_module("reports.migrations.0002_data_version")
TRIGGER_SQL, UNTRIGGER_SQL = _0002.TRIGGER_SQL, _0002.UNTRIGGER_SQL

WATCHED_TABLES = [
    "bazaars_venue",
    "bazaars_bazaar",
    "bazaars_bazaarday",
    "bazaars_participation",
    "bazaars_attendance",
    "bazaars_dailysales",
    "certifications_certificatetype",
    "certifications_certificatecase",
    "certifications_casetransition",
    "umkm_city",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_data_version"),
        ("bazaars", "0003_bazaar_poster_public_image"),
        ("certifications", "0004_type_applies_to"),
    ]

    operations = [
        migrations.RunSQL(TRIGGER_SQL.format(table=t), UNTRIGGER_SQL.format(table=t))
        for t in WATCHED_TABLES
    ]
