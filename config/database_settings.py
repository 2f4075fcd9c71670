"""settings.DATABASES from the environment (config/settings.py reads it from here): Postgres
only, the connections' timeouts and server options, and the read replica. Plain values only:
nothing of Django is imported, as settings are still being read."""

import math

import environ


# Server settings for the portal's own sessions (libpq's `options`), before any `options` of
# DATABASE_URL's own (the later `-c` of a name wins):
# - No web request may wait a minute on one slow query (gunicorn kills the worker at 30 s):
#   the web unit sets DB_STATEMENT_TIMEOUT=20 (deploy/systemd/umkm-web.service); the job worker
#   and the commands keep 0 (no limit) for the long exports and migrations. The primary only:
#   a report read the replica cancels would be read again on the primary (config.routers).
# - random_page_cost 1.1, not Postgres' 4 (a spinning disk's): the data are on SSD and the
#   working set in memory (docs/DEPLOY.md). At 4 the planner hash-joined all 663,000 mentoring
#   sessions for an operator's 18,000 (105 ms) instead of probing the key index (28 ms);
#   docs/PERFORMANCE.md. DB_RANDOM_PAGE_COST= (empty) leaves the server's own setting.
def _session_options(*options: str, given: str = "") -> str:
    return " ".join([*options, given]).strip()


def databases(env) -> dict:
    """settings.found: the primary, and the replica when DATABASE_REPLICA_URL is set."""
    found = {
        "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:54329/umkm")
    }
    if found["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise environ.ImproperlyConfigured("DATABASE_URL must point at PostgreSQL")
    found["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    found["default"]["CONN_HEALTH_CHECKS"] = True
    found["default"].setdefault("OPTIONS", {})
    found["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3)
    )

    planner_options = []
    if random_page_cost := env.str("DB_RANDOM_PAGE_COST", default="1.1"):
        try:
            cost = float(random_page_cost)
        except ValueError:
            cost = math.nan
        if not (math.isfinite(cost) and cost >= 0):
            message = "DB_RANDOM_PAGE_COST must be a number of 0 or more, or empty"
            raise environ.ImproperlyConfigured(message)
        planner_options.append(f"-c random_page_cost={cost}")
    primary_options = list(planner_options)
    if statement_timeout := env.int("DB_STATEMENT_TIMEOUT", default=0):
        primary_options.append(f"-c statement_timeout={statement_timeout * 1000}")
    if options := _session_options(
        *primary_options, given=found["default"]["OPTIONS"].get("options", "")
    ):
        found["default"]["OPTIONS"]["options"] = options
    found["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}

    # A read replica (streaming replication of the primary) for report reads only; see
    # config/routers.py for what goes there and why reads after a write never do. Tests point
    # it at the test database (MIRROR): a second connection to the same server.
    if env.str("DATABASE_REPLICA_URL", default=""):
        found["replica"] = env.db_url("DATABASE_REPLICA_URL")
        found["replica"].update(
            CONN_MAX_AGE=found["default"]["CONN_MAX_AGE"],
            CONN_HEALTH_CHECKS=True,
            TEST={"MIRROR": "default"},
        )
        # Short: while the replica is away, report reads wait this long once per check interval
        # before they go to the primary (libpq's minimum is 2 s; a refused connection is at once).
        found["replica"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DB_REPLICA_CONNECT_TIMEOUT", default=2)
        )
        if options := _session_options(
            *planner_options, given=found["replica"]["OPTIONS"].get("options", "")
        ):
            found["replica"]["OPTIONS"]["options"] = options
    return found
