"""The portal's own Postgres sessions are planned for SSD and memory
(config/database_settings.py): a random page costs 1.1, not the spinning disk's 4, on the
primary and the replica alike; the web unit's statement timeout is the primary's only."""

import json
import os
import re
import subprocess

import pytest
from django.conf import settings
from django.db import connections

from tests.config.settings_probe import run_probe

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


def test_every_connection_plans_with_the_configured_random_page_cost():
    assert set(connections) >= {"default", "replica"}
    for alias in connections:
        options = settings.DATABASES[alias]["OPTIONS"].get("options", "")
        configured = re.findall(r"random_page_cost=(\S+)", options)
        assert configured, (alias, options)  # on unless DB_RANDOM_PAGE_COST is set empty
        with connections[alias].cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            assert float(cursor.fetchone()[0]) == float(configured[-1]), alias


PROBE = """
import json, django
django.setup()
from django.conf import settings

print(json.dumps({alias: db["OPTIONS"].get("options", "") for alias, db in
                  settings.DATABASES.items()}))
"""
URL = "postgres://postgres@127.0.0.1:5432/umkm"


def _options(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DB_RANDOM_PAGE_COST", "DB_STATEMENT_TIMEOUT", "DATABASE_REPLICA_URL"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", "DATABASE_URL": URL})
    clean.update(env)
    return run_probe(PROBE, clean)


def _found(**env) -> dict:
    done = _options(**env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_options_are_chosen_by_the_environment():
    assert _found() == {"default": "-c random_page_cost=1.1"}
    both = _found(DB_STATEMENT_TIMEOUT="20", DB_RANDOM_PAGE_COST="2", DATABASE_REPLICA_URL=URL)
    assert both == {
        "default": "-c random_page_cost=2.0 -c statement_timeout=20000",
        "replica": "-c random_page_cost=2.0",  # a cancelled report would be read again
    }
    assert _found(DB_RANDOM_PAGE_COST="") == {"default": ""}
    # The URL's own options come after: its -c of the same name wins, the rest stays.
    own = _found(DATABASE_URL=f"{URL}?options=-c%20search_path%3Dumkm")
    assert own == {"default": "-c random_page_cost=1.1 -c search_path=umkm"}


@pytest.mark.parametrize("value", ["ssd", "-1", "nan", "inf"])
def test_a_value_postgres_would_refuse_is_refused_at_start_with_a_clear_message(value):
    wrong = _options(DB_RANDOM_PAGE_COST=value)
    assert wrong.returncode != 0
    assert "DB_RANDOM_PAGE_COST must be a number of 0 or more, or empty" in wrong.stderr
