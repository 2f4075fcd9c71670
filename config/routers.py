"""Read replicas: report reads may go to the "replica" database, nothing else does.

When DATABASE_REPLICA_URL is set, settings.DATABASES has a "replica" alias and this router is
installed. Only reads inside `report_reads()` (the report selectors and the export jobs wrap
their queries in it) are sent there; every other read, and every write, stays on "default".

A replica lags behind the primary, so a read that follows a write in the same unit of work
(a request, a background job) must not go to it: the first write pins the unit of work to the
primary for the rest of it. `PrimaryPinningMiddleware` starts a fresh unit of work per
request and jobs.services.job_run one per job. The pin lives in a ContextVar, so threads and
async tasks each have their own. A user's next requests must not read older data than they
just wrote either: a request that wrote sets a cookie that pins that browser's requests to the
primary for REPLICA_PIN_SECONDS (longer than the lag the replica is allowed).

The replica may be down or behind: at a unit of work's first report read the router asks it
(one short query) whether it answers, is streaming and is less than REPLICA_MAX_LAG_SECONDS
behind; if not, report reads go to the primary, and the replica is asked again only after
REPLICA_CHECK_SECONDS (per thread), so a down replica costs one failed connect per interval.
A unit of work keeps the database it started on.
"""

import contextlib
import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "db_primary_until"

logger = logging.getLogger(__name__)

_pinned: ContextVar[bool] = ContextVar("db_pinned_to_primary", default=False)
_wrote: ContextVar[bool] = ContextVar("db_wrote", default=False)
_report_reads: ContextVar[bool] = ContextVar("db_report_reads", default=False)
# The alias a unit of work's report reads use, once decided (None: not decided, or no unit).
_in_unit: ContextVar[bool] = ContextVar("db_in_unit_of_work", default=False)
_unit_alias: ContextVar[str | None] = ContextVar("db_unit_report_alias", default=None)

# The replica's health as last seen by this thread (connections are per thread).
_health = threading.local()

# On the replica: is it a standby, is it streaming from the primary, and how many seconds of
# the WAL it has received is it still to replay (0 when it has replayed all it received).
_HEALTH_SQL = """
SELECT pg_is_in_recovery(),
       COALESCE((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false),
       CASE WHEN NOT pg_is_in_recovery()
                 OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
       END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and settings.REPLICA_READS


def pin_to_primary() -> None:
    _pinned.set(True)


def pinned_to_primary() -> bool:
    return _pinned.get()


@contextlib.contextmanager
def new_unit_of_work():
    """A request or a job: starts unpinned, and whatever it pins ends with it."""
    tokens = (
        _pinned.set(False),
        _wrote.set(False),
        _in_unit.set(True),
        _unit_alias.set(None),
    )
    try:
        yield
    finally:
        for var, token in zip((_pinned, _wrote, _in_unit, _unit_alias), tokens, strict=True):
            var.reset(token)


@contextlib.contextmanager
def report_reads():
    """Reads inside this block may be served by the replica (report figures, exports)."""
    token = _report_reads.set(True)
    try:
        yield
    finally:
        _report_reads.reset(token)


def report_read(build):
    """`build()` with its reads under report_reads(); when the replica fails under it (stopped
    or cut off mid-request, after it answered the health query), once more on the primary,
    and the replica counts as down until its next check. Any other error is the caller's."""
    from django.db import InterfaceError, OperationalError

    with report_reads():
        alias = read_alias()  # decides (and asks the replica) before the first query
        try:
            return build()
        except (OperationalError, InterfaceError) as exc:
            if alias != REPLICA:
                raise
            reason = type(exc).__name__
    logger.warning("replica failed under a report read (%s): read again from the primary", reason)
    with contextlib.suppress(Exception):
        connections[REPLICA].close()
    _health.checked_at, _health.ok = time.monotonic(), False
    if _in_unit.get():
        _unit_alias.set("default")
    with report_reads():
        return build()


def read_alias() -> str:
    """The alias a report read uses now: "replica" when configured, healthy and not pinned."""
    if not (_report_reads.get() and replica_configured()) or _pinned.get():
        return "default"
    decided = _unit_alias.get()
    if decided is None:
        # A request or job asks a replica it last saw healthy again (one short query on an
        # open connection): one that went down a moment ago is then not used at all.
        decided = REPLICA if replica_healthy(recheck_healthy=_in_unit.get()) else "default"
        if _in_unit.get():
            _unit_alias.set(decided)
    return decided


def replica_healthy(*, recheck_healthy: bool = False) -> bool:
    """Whether the replica answers, streams and is within REPLICA_MAX_LAG_SECONDS. A replica
    found unhealthy is asked again only after REPLICA_CHECK_SECONDS (per thread), so a down one
    costs one failed connect per interval, not one per request; a healthy one is asked again
    at once when `recheck_healthy` (each unit of work's first report read)."""
    now = time.monotonic()
    checked_at = getattr(_health, "checked_at", None)
    fresh = checked_at is not None and now - checked_at < settings.REPLICA_CHECK_SECONDS
    if fresh and not (recheck_healthy and _health.ok):
        return _health.ok
    healthy, reason = _ask_replica()
    if not healthy and getattr(_health, "ok", True):
        logger.warning("replica not used for report reads: %s", reason)
    _health.checked_at, _health.ok = time.monotonic(), healthy
    return healthy


def forget_replica_health() -> None:
    """The next report read asks the replica again (tests, and after a configuration change)."""
    _health.__dict__.clear()


def _ask_replica() -> tuple[bool, str]:
    conn = connections[REPLICA]
    if conn.in_atomic_block:  # never a stray statement inside a transaction: keep the verdict
        return getattr(_health, "ok", True), "in a transaction"
    try:
        conn.ensure_connection()
        # The driver's own cursor: a health query is not one of the page's queries.
        with conn.connection.cursor() as cursor:
            cursor.execute(_HEALTH_SQL)
            in_recovery, streaming, lag = cursor.fetchone()
    except Exception as exc:  # refused, timed out, restarted under a persistent connection
        with contextlib.suppress(Exception):
            conn.close()
        return False, f"unreachable ({type(exc).__name__})"
    if in_recovery and not streaming:
        return False, "not streaming from the primary"
    if float(lag) > settings.REPLICA_MAX_LAG_SECONDS:
        return False, f"{float(lag):.1f} s behind"
    return True, ""


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if hints.get("instance") is not None and hints["instance"]._state.db:
            return hints["instance"]._state.db  # follow the object's own database
        return read_alias()

    def db_for_write(self, model, **hints):
        pin_to_primary()
        if model._meta.label != "sessions.Session":  # every signed-in request saves its session
            _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, seen twice

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication


class PrimaryPinningMiddleware:
    """Every request starts unpinned; its first write pins it to the primary; a browser that
    has just written reads from the primary for REPLICA_PIN_SECONDS (a cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with new_unit_of_work():
            if request.method not in ("GET", "HEAD", "OPTIONS") or _recently_wrote(request):
                # A form post writes (sessions, history, the change itself) and the page
                # after it must show what was written.
                pin_to_primary()
            response = self.get_response(request)
            if REPLICA in settings.DATABASES and (
                _wrote.get() or request.method not in ("GET", "HEAD", "OPTIONS")
            ):
                seconds = settings.REPLICA_PIN_SECONDS
                response.set_cookie(
                    PIN_COOKIE,
                    str(int(time.time() + seconds)),
                    max_age=seconds,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response


def _recently_wrote(request) -> bool:
    # Unsigned on purpose: a forged value only sends its own browser's reads to the primary.
    try:
        return int(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False
