"""Support of migration 0008 (the loader skips modules whose name starts with "_"): the history
that exists turned into dated states, and the trigger that keeps them from then on."""

import datetime

from django.db.models import Min
from django.utils import timezone

from umkm.models.register import scale_for

TRACKED = ("status", "scale", "kelurahan_id", "public_consent")


def _days(history, business) -> list[tuple[datetime.date, tuple, object, int | None]]:
    """(day, values, recorded at, recorded by) per day on which the tracked values changed:
    the last record of each day, consecutive equal values merged."""
    per_day = {}
    for h in history:  # ordered by history_date, history_id
        values = (
            h.status,
            scale_for(capital=h.capital, yearly_omzet=h.yearly_omzet),
            h.kelurahan_id,
            h.public_consent,
        )
        per_day[timezone.localtime(h.history_date).date()] = (
            values,
            h.history_date,
            h.history_user_id,
        )
    changes = []
    for day in sorted(per_day):
        values, at, by = per_day[day]
        if not changes or changes[-1][1] != values:
            changes.append((day, values, at, by))
    current = tuple(getattr(business, name) for name in TRACKED)
    if not changes:
        changes.append((None, current, business.created_at, None))
    elif changes[-1][1] != current:
        # Written without history (a bulk update): it took effect some time before today.
        changes.append((timezone.localdate(), current, timezone.now(), None))
    return changes


def backfill(apps, schema_editor):
    from django.db.backends.postgresql.psycopg_any import DateRange

    Business = apps.get_model("umkm", "Business")
    History = apps.get_model("umkm", "HistoricalBusiness")
    State = apps.get_model("umkm", "BusinessState")
    if not Business.objects.exists():
        return
    first = Business.objects.aggregate(first=Min("id"))["first"]
    last = Business.objects.order_by("-id").values_list("id", flat=True).first()
    step = 5_000
    for start in range(first, last + 1, step):
        businesses = list(Business.objects.filter(id__gte=start, id__lt=start + step))
        history = {}
        for h in (
            History.objects.filter(id__gte=start, id__lt=start + step)
            .exclude(history_type="-")
            .order_by("id", "history_date", "history_id")
        ):
            history.setdefault(h.id, []).append(h)
        rows = []
        for business in businesses:
            changes = _days(history.get(business.id, []), business)
            for i, (day, values, at, by) in enumerate(changes):
                upper = changes[i + 1][0] if i + 1 < len(changes) else None
                status, scale, kelurahan_id, consent = values
                rows.append(
                    State(
                        business_id=business.id,
                        valid=DateRange(None if i == 0 else day, upper, "[)"),
                        status=status,
                        scale=scale,
                        kelurahan_id=kelurahan_id,
                        public_consent=consent,
                        reason="",
                        recorded_at=at,
                        recorded_by_id=by,
                    )
                )
        State.objects.bulk_create(rows, batch_size=2_000)


# The business table's trigger. The services pass the day a change takes effect and its reason
# as transaction-local settings (umkm.services.register.effective); any other write takes
# effect today in Asia/Jakarta (the office's TIME_ZONE). A change dated before the business's
# last change is refused (it would rewrite a closed range); on the same day as the last change
# it corrects that change in place, and a correction back to the earlier values removes it.
TRIGGER_SQL = """
CREATE FUNCTION umkm_business_state() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    eff date := coalesce(
        nullif(current_setting('umkm.effective_on', true), '')::date,
        (now() AT TIME ZONE 'Asia/Jakarta')::date);
    why text := left(coalesce(current_setting('umkm.change_reason', true), ''), 300);
    who bigint := nullif(current_setting('umkm.actor_id', true), '')::bigint;
    cur umkm_businessstate%ROWTYPE;
    prev umkm_businessstate%ROWTYPE;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO umkm_businessstate
            (business_id, valid, status, scale, kelurahan_id, public_consent, reason,
             recorded_at, recorded_by_id)
        VALUES (NEW.id, daterange(NULL, NULL), NEW.status, NEW.scale, NEW.kelurahan_id,
                NEW.public_consent, why, now(), who);
        RETURN NULL;
    END IF;
    IF (NEW.status, NEW.scale, NEW.kelurahan_id, NEW.public_consent)
       IS NOT DISTINCT FROM (OLD.status, OLD.scale, OLD.kelurahan_id, OLD.public_consent) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO cur FROM umkm_businessstate
     WHERE business_id = NEW.id AND upper_inf(valid) FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO umkm_businessstate
            (business_id, valid, status, scale, kelurahan_id, public_consent, reason,
             recorded_at, recorded_by_id)
        VALUES (NEW.id, daterange(NULL, NULL), NEW.status, NEW.scale, NEW.kelurahan_id,
                NEW.public_consent, why, now(), who);
        RETURN NULL;
    END IF;
    IF NOT lower_inf(cur.valid) AND lower(cur.valid) > eff THEN
        RAISE EXCEPTION 'business % changed on %: a change cannot take effect before it (%)',
            NEW.id, lower(cur.valid), eff USING ERRCODE = 'check_violation';
    END IF;
    IF NOT lower_inf(cur.valid) AND lower(cur.valid) = eff THEN
        SELECT * INTO prev FROM umkm_businessstate
         WHERE business_id = NEW.id AND upper(valid) = eff FOR UPDATE;
        IF FOUND AND (prev.status, prev.scale, prev.kelurahan_id, prev.public_consent)
           IS NOT DISTINCT FROM (NEW.status, NEW.scale, NEW.kelurahan_id, NEW.public_consent) THEN
            DELETE FROM umkm_businessstate WHERE id = cur.id;
            UPDATE umkm_businessstate SET valid = daterange(lower(valid), NULL) WHERE id = prev.id;
        ELSE
            UPDATE umkm_businessstate
               SET status = NEW.status, scale = NEW.scale, kelurahan_id = NEW.kelurahan_id,
                   public_consent = NEW.public_consent,
                   reason = CASE WHEN why = '' THEN reason ELSE why END,
                   recorded_at = now(), recorded_by_id = coalesce(who, recorded_by_id)
             WHERE id = cur.id;
        END IF;
        RETURN NULL;
    END IF;
    UPDATE umkm_businessstate SET valid = daterange(lower(valid), eff) WHERE id = cur.id;
    INSERT INTO umkm_businessstate
        (business_id, valid, status, scale, kelurahan_id, public_consent, reason,
         recorded_at, recorded_by_id)
    VALUES (NEW.id, daterange(eff, NULL), NEW.status, NEW.scale, NEW.kelurahan_id,
            NEW.public_consent, why, now(), who);
    RETURN NULL;
END
$$;
CREATE TRIGGER umkm_business_state
    AFTER INSERT OR UPDATE OF status, scale, kelurahan_id, public_consent ON umkm_business
    FOR EACH ROW EXECUTE FUNCTION umkm_business_state();
"""

UNTRIGGER_SQL = """
DROP TRIGGER IF EXISTS umkm_business_state ON umkm_business;
DROP FUNCTION IF EXISTS umkm_business_state();
"""
