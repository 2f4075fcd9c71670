"""Kept reports rebuilt by the background worker after a write, so that an official does not
wait for the computed path (seconds at DKI scale) on the first request after a staff change.

After a request that may have written (any method but GET/HEAD/OPTIONS), the middleware
compares the register's data version with the one the worker last rebuilt for; when it
differs, it queues one `rebuild_kept_reports` task (django.tasks; `manage.py db_worker` runs
it), unless one is queued and not yet started. The task builds again the reports asked for
lately (reports.selectors.recently_asked: scope, period, sections, language) exactly as a
request does, so that the next request finds them kept.

How it stays exact: the worker never serves anything and never marks anything fresh. It calls
the same reports.selectors.keep_report inside report_snapshot(), which reads the data version
and the figures in one REPEATABLE READ snapshot and keeps the report under that version. A
request reads the version in its own snapshot: if a later write changed the version again,
there is no report under the request's version and the request computes the figures itself,
exactly as before; if the worker is computing that very report under that very version, the
request waits for it rather than computing it a second time beside it (keep_report: one
computation per key at a time), and the worker likewise waits for a request's. A write
committed after the task started queues another task (the "queued" mark is cleared before
the task reads anything).

Writes outside a request (a trainee import in the worker, a management command) queue
nothing: the first report request after them computes, exactly. The cache must be shared by
the worker and the app servers (Redis, CACHE_URL) for the rebuilt reports to be found; with
the per-process default (local memory) the task only warms the worker's own memory.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.tasks import task
from django.utils import translation

from config.routers import new_unit_of_work, report_read

logger = logging.getLogger(__name__)

QUEUED_KEY = "reports:rebuild-queued"
QUEUED_SECONDS = 600  # a lost task (worker stopped) blocks new ones for at most this long
BUILT_VERSION_KEY = "reports:rebuilt-for"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def request_rebuild() -> bool:
    """After a write: queue one rebuild when the data version changed since the last one and
    none is waiting. Whether a task was queued."""
    from reports.selectors import data_version, recently_asked

    if not recently_asked():
        return False
    if data_version() == cache.get(BUILT_VERSION_KEY):
        return False  # nothing the figures read has changed (a sign-in, a session)
    if not cache.add(QUEUED_KEY, True, QUEUED_SECONDS):
        return False  # queued and not started: it will read this write too
    rebuild_kept_reports.enqueue()
    return True


@task()
def rebuild_kept_reports() -> int:
    """Build the reports asked for lately under the current data version (see the module
    docstring); how many were computed (the others were kept already)."""
    from reports.selectors import city_scope, data_version, kecamatan_scope, recently_asked

    cache.delete(QUEUED_KEY)  # before reading anything: a later write queues another task
    cache.set(BUILT_VERSION_KEY, data_version(), None)
    computed = 0
    with new_unit_of_work():
        for code, period, sections, language in recently_asked():
            try:
                scope = city_scope() if code == settings.OFFICE_CITY_CODE else kecamatan_scope(code)
            except Http404:
                continue  # a kecamatan no longer in the city
            with translation.override(language or settings.LANGUAGE_CODE):
                computed += report_read(lambda s=scope, p=period, x=sections: _build(s, p, x))
    return computed


def _build(scope, period, sections: bool) -> int:
    from reports.selectors import keep_report, report_snapshot

    with report_snapshot():
        _report, computed = keep_report(scope, period, sections=sections)
    return int(computed)


class RebuildKeptReportsMiddleware:
    """After a request that may have written: request_rebuild(). A failure here (the database
    or the cache away) never fails the response: the next report request computes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in _SAFE_METHODS and settings.REPORTS_REBUILD_IN_BACKGROUND:
            try:
                request_rebuild()
            except Exception:
                logger.warning("the kept reports' rebuild could not be queued", exc_info=True)
        return response
