from django.db import migrations, models

# The training list sorted by its trainees counted the enrolments of every training per
# request (a correlated count for each of 27,000 trainings, 240-310 ms). The training row
# carries the count instead, kept by the database for every writer (the ORM, an import's bulk
# insert, the seeders' COPY). Statement-level triggers with transition tables: a bulk insert
# of 10,000 trainees writes each training it touches once, not once a row.
BACKFILL = """
UPDATE umkm_training t SET trainee_count = c.n
    FROM (SELECT training_id, count(*) AS n FROM umkm_enrolment GROUP BY training_id) AS c
    WHERE c.training_id = t.id;
"""

TRIGGERS = """
-- The rule, once: a training's count is the number of its enrolments, set on every write of
-- the training row. An ORM save of an instance read before trainees were added cannot put
-- back the count it read.
CREATE FUNCTION umkm_training_set_trainee_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.trainee_count := (SELECT count(*) FROM umkm_enrolment WHERE training_id = NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER umkm_training_trainee_count BEFORE INSERT OR UPDATE ON umkm_training
    FOR EACH ROW EXECUTE FUNCTION umkm_training_set_trainee_count();

-- After enrolments are added, removed or moved, each training they touched is written once
-- (its count then set by the trigger above).
CREATE FUNCTION umkm_enrolment_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE umkm_training SET trainee_count = 0 WHERE id IN (SELECT training_id FROM added);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE umkm_training SET trainee_count = 0 WHERE id IN (SELECT training_id FROM removed);
    ELSE
        UPDATE umkm_training SET trainee_count = 0 WHERE id IN (
            SELECT a.training_id FROM added a JOIN removed r ON r.id = a.id
                WHERE a.training_id <> r.training_id
            UNION
            SELECT r.training_id FROM added a JOIN removed r ON r.id = a.id
                WHERE a.training_id <> r.training_id
        );
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER umkm_enrolment_counted_insert AFTER INSERT ON umkm_enrolment
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION umkm_enrolment_recount();
CREATE TRIGGER umkm_enrolment_counted_delete AFTER DELETE ON umkm_enrolment
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION umkm_enrolment_recount();
CREATE TRIGGER umkm_enrolment_counted_update AFTER UPDATE ON umkm_enrolment
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION umkm_enrolment_recount();
"""

DROP = """
DROP TRIGGER umkm_enrolment_counted_insert ON umkm_enrolment;
DROP TRIGGER umkm_enrolment_counted_delete ON umkm_enrolment;
DROP TRIGGER umkm_enrolment_counted_update ON umkm_enrolment;
DROP FUNCTION umkm_enrolment_recount();
DROP TRIGGER umkm_training_trainee_count ON umkm_training;
DROP FUNCTION umkm_training_set_trainee_count();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("umkm", "0024_business_listed_kel_sector"),
    ]

    operations = [
        migrations.AddField(
            model_name="training",
            name="trainee_count",
            field=models.PositiveIntegerField(db_default=0, editable=False, verbose_name="trainees"),
        ),
        migrations.RunSQL(TRIGGERS + BACKFILL, DROP),
    ]
