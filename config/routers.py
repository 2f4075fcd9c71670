"""Read replicas: report reads may go to the "replica" database, nothing else does.

When DATABASE_REPLICA_URL is set, settings.DATABASES has a "replica" alias and this router is
installed. Only reads inside `report_reads()` (the report selectors and the export jobs wrap
their queries in it) are sent there; every other read, and every write, stays on "default".

A replica lags behind the primary, so a read that follows a write in the same unit of work
(a request, a background job) must not go to it: the first write pins the unit of work to the
primary for the rest of it. `PrimaryPinningMiddleware` starts a fresh unit of work per
request and jobs.services.job_run one per job. The pin lives in a ContextVar, so threads and
async tasks each have their own.
"""

import contextlib
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_pinned: ContextVar[bool] = ContextVar("db_pinned_to_primary", default=False)
_report_reads: ContextVar[bool] = ContextVar("db_report_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and settings.REPLICA_READS


def pin_to_primary() -> None:
    _pinned.set(True)


def pinned_to_primary() -> bool:
    return _pinned.get()


@contextlib.contextmanager
def new_unit_of_work():
    """A request or a job: starts unpinned, and whatever it pins ends with it."""
    token = _pinned.set(False)
    try:
        yield
    finally:
        _pinned.reset(token)


@contextlib.contextmanager
def report_reads():
    """Reads inside this block may be served by the replica (report figures, exports)."""
    token = _report_reads.set(True)
    try:
        yield
    finally:
        _report_reads.reset(token)


def read_alias() -> str:
    """The alias a report read uses now: "replica" when configured and not pinned."""
    if _report_reads.get() and replica_configured() and not _pinned.get():
        return REPLICA
    return "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if hints.get("instance") is not None and hints["instance"]._state.db:
            return hints["instance"]._state.db  # follow the object's own database
        return read_alias()

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, seen twice

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication


class PrimaryPinningMiddleware:
    """Every request starts unpinned; its first write pins it to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with new_unit_of_work():
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                # A form post writes (sessions, history, the change itself) and the page
                # after it must show what was written.
                pin_to_primary()
            return self.get_response(request)
