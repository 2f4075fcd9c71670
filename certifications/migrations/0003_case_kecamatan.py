"""Each case carries its business's kecamatan, kept right by the database.

The operator's scope and the kecamatan filter then read one indexed column of the case instead
of joining case -> business -> kelurahan at 200,000 cases. Two triggers keep it true whatever
writes the rows (services, bulk_create, queryset.update, SQL):
- before a case is inserted or moved to another business: copy the business's kecamatan;
- after a business moves to a kelurahan of another kecamatan: move its cases along.
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
SET CONSTRAINTS ALL IMMEDIATE;  -- no pending FK events before the ALTER TABLE below
UPDATE certifications_certificatecase c
   SET kecamatan_id = k.kecamatan_id
  FROM umkm_business b JOIN umkm_kelurahan k ON k.code = b.kelurahan_id
 WHERE b.id = c.business_id;
"""

TRIGGERS = """
CREATE FUNCTION certcase_set_kecamatan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT k.kecamatan_id INTO NEW.kecamatan_id
      FROM umkm_business b JOIN umkm_kelurahan k ON k.code = b.kelurahan_id
     WHERE b.id = NEW.business_id;
    RETURN NEW;
END $$;

CREATE TRIGGER certcase_set_kecamatan
    BEFORE INSERT OR UPDATE OF business_id, kecamatan_id ON certifications_certificatecase
    FOR EACH ROW EXECUTE FUNCTION certcase_set_kecamatan();

CREATE FUNCTION business_moves_certcases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE certifications_certificatecase c
       SET kecamatan_id = k.kecamatan_id
      FROM umkm_kelurahan k
     WHERE k.code = NEW.kelurahan_id
       AND c.business_id = NEW.id
       AND c.kecamatan_id IS DISTINCT FROM k.kecamatan_id;
    RETURN NULL;
END $$;

CREATE TRIGGER business_moves_certcases
    AFTER UPDATE OF kelurahan_id ON umkm_business
    FOR EACH ROW WHEN (OLD.kelurahan_id IS DISTINCT FROM NEW.kelurahan_id)
    EXECUTE FUNCTION business_moves_certcases();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS business_moves_certcases ON umkm_business;
DROP FUNCTION IF EXISTS business_moves_certcases();
DROP TRIGGER IF EXISTS certcase_set_kecamatan ON certifications_certificatecase;
DROP FUNCTION IF EXISTS certcase_set_kecamatan();
"""


def _field(null: bool):
    return models.ForeignKey(
        db_index=False,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="umkm.kecamatan",
        verbose_name="kecamatan",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certifications", "0002_certificate_types"),
        ("umkm", "0004_reference_data"),
    ]

    operations = [
        migrations.AddField(model_name="certificatecase", name="kecamatan", field=_field(True)),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(model_name="certificatecase", name="kecamatan", field=_field(False)),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="certificatecase",
            index=models.Index(fields=["kecamatan", "-id"], name="certcase_kecamatan_id"),
        ),
        migrations.AddIndex(
            model_name="certificatecase",
            index=models.Index(
                condition=models.Q(("status", "issued")),
                fields=["kecamatan", "expires_on"],
                name="certcase_kec_issued_expiry",
            ),
        ),
    ]
