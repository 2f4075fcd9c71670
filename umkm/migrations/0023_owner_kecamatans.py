import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# An operator sees the owners living in their kecamatan or owning a business there
# (umkm.permissions.owners_for). Asked as an OR of the home kelurahan and an EXISTS across the
# business join, Postgres tested every one of 370,000 owners (3-7 s); as a UNION of the two id
# sets it still read every owner to join them (~120 ms for the page, ~60 ms for its count).
# The owner row carries the set instead, kept by the database whoever writes (the ORM, an
# import's bulk insert, COPY in the seeders): one GIN index lookup.
BACKFILL = """
UPDATE umkm_owner o SET kecamatans = c.codes FROM (
    SELECT owner_id, array_agg(code ORDER BY code) AS codes FROM (
        SELECT o.id AS owner_id, k.kecamatan_id AS code
            FROM umkm_owner o JOIN umkm_kelurahan k ON k.code = o.kelurahan_id
        UNION
        SELECT b.owner_id, k.kecamatan_id
            FROM umkm_business b JOIN umkm_kelurahan k ON k.code = b.kelurahan_id
    ) AS pairs GROUP BY owner_id
) AS c WHERE c.owner_id = o.id;
"""

TRIGGERS = """
CREATE FUNCTION umkm_owner_kecamatans_of(owner bigint, home varchar) RETURNS varchar(8)[]
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(array_agg(code ORDER BY code), '{}') FROM (
        SELECT kecamatan_id AS code FROM umkm_kelurahan WHERE code = home
        UNION
        SELECT k.kecamatan_id FROM umkm_business b JOIN umkm_kelurahan k ON k.code = b.kelurahan_id
            WHERE b.owner_id = owner
    ) AS codes
$$;

-- Every write of an owner row recomputes it: an ORM save of an instance read before a
-- business moved cannot put back what it read.
CREATE FUNCTION umkm_owner_set_kecamatans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.kecamatans := umkm_owner_kecamatans_of(NEW.id, NEW.kelurahan_id);
    RETURN NEW;
END $$;
CREATE TRIGGER umkm_owner_kecamatans
    BEFORE INSERT OR UPDATE ON umkm_owner
    FOR EACH ROW EXECUTE FUNCTION umkm_owner_set_kecamatans();

-- A business added, moved, handed to another owner or deleted: its owners are written again
-- (the trigger above recomputes them); an insert into a kecamatan the owner already has
-- writes nothing.
CREATE FUNCTION umkm_business_owner_kecamatans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE umkm_owner o SET kecamatans = o.kecamatans WHERE o.id = NEW.owner_id
            AND NOT o.kecamatans @> ARRAY(
                SELECT kecamatan_id FROM umkm_kelurahan WHERE code = NEW.kelurahan_id
            )::varchar(8)[];
        RETURN NULL;
    END IF;
    UPDATE umkm_owner o SET kecamatans = o.kecamatans WHERE o.id = OLD.owner_id;
    IF TG_OP = 'UPDATE' AND NEW.owner_id <> OLD.owner_id THEN
        UPDATE umkm_owner o SET kecamatans = o.kecamatans WHERE o.id = NEW.owner_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER umkm_business_owner_kecamatans_insert
    AFTER INSERT ON umkm_business
    FOR EACH ROW EXECUTE FUNCTION umkm_business_owner_kecamatans();
CREATE TRIGGER umkm_business_owner_kecamatans_change
    AFTER UPDATE OF owner_id, kelurahan_id OR DELETE ON umkm_business
    FOR EACH ROW EXECUTE FUNCTION umkm_business_owner_kecamatans();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS umkm_business_owner_kecamatans_change ON umkm_business;
DROP TRIGGER IF EXISTS umkm_business_owner_kecamatans_insert ON umkm_business;
DROP FUNCTION IF EXISTS umkm_business_owner_kecamatans();
DROP TRIGGER IF EXISTS umkm_owner_kecamatans ON umkm_owner;
DROP FUNCTION IF EXISTS umkm_owner_set_kecamatans();
DROP FUNCTION IF EXISTS umkm_owner_kecamatans_of(bigint, varchar);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0022_business_id_status_kelurahan_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="owner",
            name="kecamatans",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=8), blank=True, default=list, editable=False
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="owner",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["kecamatans"], name="owner_kecamatans"
            ),
        ),
    ]
