"""The data version changes once per writing transaction, not once per statement.

Statements run inside row triggers (the owners' name copied to their businesses, the
businesses' dated states) fire the statement trigger too: an update of 370,000 owners changed
the version row 370,000 times in one transaction, each new version of that row found at the
end of a longer chain (minutes instead of seconds). Once per transaction is as exact: the
transaction's writes and its token commit together. Inside the writing transaction itself,
each later statement counts in a transaction-local setting that its own report reads join to
the version (reports.selectors.data_version), so it never reuses a report from before its
own last write; no other transaction ever sees that counter."""

import importlib

from django.db import migrations

SLOTS = importlib.import_module("reports.migrations.0002_data_version").SLOTS

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION reports_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('reports.version_changed_in', true) = txid_current()::text THEN
        -- Later statements of the transaction: a counter in a setting, no row version.
        PERFORM set_config('reports.writes_in_transaction', (coalesce(nullif(
            current_setting('reports.writes_in_transaction', true), ''), '0')::bigint + 1)::text,
            true);
        RETURN NULL;
    END IF;
    PERFORM set_config('reports.version_changed_in', txid_current()::text, true);
    PERFORM set_config('reports.writes_in_transaction', '1', true);
    UPDATE reports_dataversion SET token = gen_random_uuid(), changed_at = now()
     WHERE id = pg_backend_pid() % {SLOTS};
    RETURN NULL;
END
$$;
"""

PREVIOUS_SQL = f"""
CREATE OR REPLACE FUNCTION reports_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reports_dataversion SET token = gen_random_uuid(), changed_at = now()
     WHERE id = pg_backend_pid() % {SLOTS};
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_watch_sections")]

    operations = [migrations.RunSQL(FUNCTION_SQL, PREVIOUS_SQL)]
