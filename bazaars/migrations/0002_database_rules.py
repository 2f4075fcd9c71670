"""Rules Django's constraint API cannot express, held by the database itself.

1. participation(booth_id, bazaar_id) references booth(id, bazaar_id): a participation's booth
   is a booth of the same bazaar (NULL booth_id passes, MATCH SIMPLE).
2. Accepted participations never outnumber the bazaar's booths. The trigger locks the bazaar
   row (FOR UPDATE) before counting, so two transactions accepting at the same moment are
   serialised: the second one counts after the first has committed, and fails if full.
3. A bazaar's number of booths cannot drop below its accepted participations.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE bazaars_participation
    ADD CONSTRAINT participation_booth_same_bazaar
    FOREIGN KEY (booth_id, bazaar_id) REFERENCES bazaars_booth (id, bazaar_id)
    ON DELETE RESTRICT DEFERRABLE INITIALLY IMMEDIATE;

CREATE FUNCTION bazaars_participation_capacity() RETURNS trigger AS $$
DECLARE
    capacity integer;
    taken integer;
BEGIN
    IF NEW.status <> 'accepted' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status = 'accepted' AND OLD.bazaar_id = NEW.bazaar_id THEN
        RETURN NEW;  -- already counted
    END IF;
    SELECT booth_count INTO capacity FROM bazaars_bazaar WHERE id = NEW.bazaar_id FOR UPDATE;
    SELECT count(*) INTO taken FROM bazaars_participation
        WHERE bazaar_id = NEW.bazaar_id AND status = 'accepted' AND id <> NEW.id;
    IF taken >= capacity THEN
        RAISE EXCEPTION 'bazaar % is full: % booths, all taken', NEW.bazaar_id, capacity
            USING ERRCODE = 'check_violation', CONSTRAINT = 'participation_accepted_within_booths';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER participation_accepted_within_booths
    BEFORE INSERT OR UPDATE OF status, bazaar_id ON bazaars_participation
    FOR EACH ROW EXECUTE FUNCTION bazaars_participation_capacity();

CREATE FUNCTION bazaars_bazaar_booth_count() RETURNS trigger AS $$
BEGIN
    IF NEW.booth_count < (SELECT count(*) FROM bazaars_participation
                          WHERE bazaar_id = NEW.id AND status = 'accepted') THEN
        RAISE EXCEPTION 'bazaar % has more accepted participations than % booths',
            NEW.id, NEW.booth_count
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bazaar_booths_cover_accepted';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER bazaar_booths_cover_accepted
    BEFORE UPDATE OF booth_count ON bazaars_bazaar
    FOR EACH ROW WHEN (NEW.booth_count < OLD.booth_count)
    EXECUTE FUNCTION bazaars_bazaar_booth_count();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS bazaar_booths_cover_accepted ON bazaars_bazaar;
DROP FUNCTION IF EXISTS bazaars_bazaar_booth_count();
DROP TRIGGER IF EXISTS participation_accepted_within_booths ON bazaars_participation;
DROP FUNCTION IF EXISTS bazaars_participation_capacity();
ALTER TABLE bazaars_participation DROP CONSTRAINT IF EXISTS participation_booth_same_bazaar;
"""


class Migration(migrations.Migration):
    dependencies = [("bazaars", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
