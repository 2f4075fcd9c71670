"""The register remembers (umkm.models.states): dated states of every business, the history
that exists migrated into them, and the trigger that keeps them from now on."""

import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

from umkm.migrations._business_state import TRIGGER_SQL, UNTRIGGER_SQL, backfill


class Migration(migrations.Migration):

    dependencies = [
        ('umkm', '0007_personal_data_access'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.CreateModel(
            name='BusinessState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid', django.contrib.postgres.fields.ranges.DateRangeField(verbose_name='valid')),
                ('status', models.CharField(choices=[('aktif', 'Active'), ('nonaktif', 'Inactive'), ('naik_kelas', 'Moved up (naik kelas)')], max_length=12, verbose_name='status')),
                ('scale', models.CharField(blank=True, choices=[('mikro', 'Micro'), ('kecil', 'Small'), ('menengah', 'Medium'), ('besar', 'Large (not UMKM)'), ('', 'Unknown')], max_length=10, verbose_name='scale')),
                ('public_consent', models.BooleanField(verbose_name='consents to public listing')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the change')),
                ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
                ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='states', to='umkm.business', verbose_name='business')),
                ('kelurahan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='umkm.kelurahan', verbose_name='kelurahan')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'status over time',
                'verbose_name_plural': 'status over time',
                'ordering': ['business', 'valid'],
                'default_permissions': ('view',),
                'indexes': [django.contrib.postgres.indexes.GistIndex(fields=['kelurahan', 'valid'], name='businessstate_kelurahan_valid')],
                'constraints': [django.contrib.postgres.constraints.ExclusionConstraint(expressions=[('business', '='), ('valid', '&&')], name='businessstate_no_overlap'), models.CheckConstraint(condition=models.Q(('valid__isempty', True), _negated=True), name='businessstate_not_empty')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunSQL(TRIGGER_SQL, UNTRIGGER_SQL),
    ]
