"""Starting and running background jobs.

`job_start` records who asked for what and queues `jobs.services.run_job` on Django's task
framework (settings.TASKS: the django-tasks-db database backend in production, run by
`manage.py db_worker`). `job_run` is what the worker executes: it calls the job's runner, a
function named by dotted path so that this app depends on nobody:

    def runner(job: Job, progress: Callable[[int], None]) -> JobOutput

A runner raises ValidationError with messages meant for the person who asked (shown on the
job's page); any other exception is logged and the person sees a generic message.

Every job ends: whatever fails inside it (the runner, saving its file to the storage, the
database, the worker told to stop) ends it as failed with a readable reason and a "try again"
button. A worker that dies without a word (killed, its machine gone) cannot say so: a running
job holds a lease (`Job.heartbeat_at`, renewed every HEARTBEAT_SECONDS by a thread of the
worker), and a job whose lease is older than LEASE is failed by whoever sees it next: a
worker before it takes a job, the job's page, the pruning timer (`jobs_fail_abandoned`).

Who acts: a job is started by a person (`requested_by`, who owns its result and whose
permissions the runner applies); running and pruning jobs are the portal's own work, done by
the worker and a timer with `actor=SYSTEM` (config.actors), never by a forgotten actor.
"""

import contextlib
import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from config.actors import SYSTEM, require_actor
from config.routers import new_unit_of_work
from jobs.models import Job, private_storage
from jobs.permissions import can_retry_job

logger = logging.getLogger(__name__)

PROGRESS_CACHE_SECONDS = 6 * 60 * 60
# A running job's worker renews its lease this often; a lease not renewed for LEASE means the
# worker is gone (a few missed beats: a busy machine is not a dead worker).
HEARTBEAT_SECONDS = 10
LEASE = datetime.timedelta(seconds=60)


@dataclass
class JobOutput:
    """What a runner hands back: a file to keep for the requester, a message, or both."""

    message: str = ""
    filename: str = ""
    content_type: str = "application/octet-stream"
    content: bytes | None = None


def job_start(
    *,
    requested_by,
    kind: str,
    title: str,
    runner: str,
    params: dict | None = None,
    back_url: str = "",
) -> Job:
    """Record the job and queue it.

    The queue (django-tasks-db) writes its task row through the same database connection, so
    the job and its task are committed together or not at all: a job never waits for a task
    that was lost, and the worker never picks up a task whose job is not yet visible. With
    the immediate backend (development, tests) the job has run when this returns.
    """
    if not getattr(requested_by, "is_authenticated", False):
        raise TypeError("requested_by is required: the signed-in user who asks for the job")
    import_string(runner)  # a typo fails here, in the request, not later in the worker
    with transaction.atomic():
        job = Job(
            requested_by=requested_by,
            kind=kind,
            title=title[:200],
            runner=runner,
            params=params or {},
            back_url=back_url,
        )
        job.full_clean()
        job.save()
        result = run_job.enqueue(str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def progress_key(job_id) -> str:
    return f"jobs:progress:{job_id}"


def job_progress(*, job_id, percent: int) -> None:
    """Record how far a job is (0-100).

    Always in the cache (shared by every server through Redis in production), so the page
    sees progress even while the runner is inside one long transaction (an import writes all
    or nothing); also in the job's row whenever that write is visible at once.
    """
    percent = max(0, min(99, int(percent)))  # 100 means finished, set by job_run
    cache.set(progress_key(job_id), percent, PROGRESS_CACHE_SECONDS)
    if not connection.in_atomic_block:
        # .using(): the job's own bookkeeping does not pin the unit of work to the primary
        # (config/routers.py); the report reads that follow may still use the replica.
        Job.objects.using("default").filter(
            pk=job_id, status=Job.Status.RUNNING, progress__lt=percent
        ).update(progress=percent, heartbeat_at=timezone.now())


def current_progress(job: Job) -> int:
    if job.status == Job.Status.DONE:
        return 100
    cached = cache.get(progress_key(job.pk)) or 0
    return max(job.progress, int(cached))


@task()
def run_job(job_id: str) -> str:
    """The one task the queue knows: run a recorded job, as the portal (SYSTEM). Its old
    address, jobs.tasks.run_job, still resolves for tasks queued before it moved here."""
    return job_run(actor=SYSTEM, job_id=job_id)


def _crash_message() -> str:
    return _(
        "The job stopped because of an error. Try again; if it fails again, tell the administrator."
    )


def job_run(*, actor, job_id: str) -> str:
    """Run a queued job once (called by the worker). Returns the job's final status."""
    _check_system(actor)
    jobs_fail_abandoned(actor=actor)  # first, the jobs of workers that died
    with new_unit_of_work():
        now = timezone.now()
        claimed = (Job.objects.using("default").filter(pk=job_id, status=Job.Status.QUEUED)).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
        )
        if not claimed:
            logger.warning("job %s is not waiting to run: skipped", job_id)
            return "skipped"
        job = Job.objects.select_related("requested_by").get(pk=job_id)
        with _lease_kept(job.pk):
            try:
                return _run(job)
            except BaseException:
                # Past the runner's own error handling (the database, a stop signal): the job
                # still ends, and the worker records its task as failed too.
                logger.exception("job %s (%s) broke off", job.pk, job.kind)
                with contextlib.suppress(Exception):
                    _finish_failed(job, _crash_message())
                raise


def _run(job: Job) -> str:
    # Run by the worker, the runner is in no transaction (its progress is seen at once).
    # Run inside a request (immediate backend), a savepoint keeps its failure from breaking
    # the request's transaction.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        runner: Callable = import_string(job.runner)
        with guard:
            output = runner(job, lambda percent: job_progress(job_id=job.pk, percent=percent))
    except ValidationError as exc:
        return _finish_failed(job, "\n".join(exc.messages))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return _finish_failed(job, _crash_message())
    if output.content is not None:
        try:
            job.result_path = private_storage().save(
                f"jobs/{job.pk}/{output.filename}", ContentFile(output.content)
            )
        except Exception:
            logger.exception("job %s (%s): its file could not be stored", job.pk, job.kind)
            return _finish_failed(
                job,
                _(
                    "The file was made but could not be stored (the file storage did not "
                    "answer). Try again; if it fails again, tell the administrator."
                ),
            )
        job.result_name = output.filename[:200]
        job.result_type = output.content_type[:120]
    job.message = output.message
    job.status = Job.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))
    return job.status


@contextlib.contextmanager
def _lease_kept(job_id):
    """Renew the running job's lease from a thread while the runner works (a PDF may take
    minutes without reporting progress). Inside a transaction (a job run in the request by
    the immediate backend) there is nothing to renew: the job's row is not committed, and the
    job lives and dies with the request."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                try:
                    Job.objects.using("default").filter(
                        pk=job_id, status=Job.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except Exception:  # the next beat tries again; the lease allows a few misses
                    logger.warning("job %s: its lease could not be renewed", job_id)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-lease-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(HEARTBEAT_SECONDS)


def jobs_fail_abandoned(*, actor, job_id=None) -> int:
    """Fail the running jobs whose lease ran out (all, or the one `job_id`): their worker died
    without a word. They can be started again from their page. Returns how many."""
    _check_system(actor)
    now = timezone.now()
    cutoff = now - LEASE
    abandoned = (
        Job.objects.using("default")
        .filter(status=Job.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
    )
    if job_id is not None:
        abandoned = abandoned.filter(pk=job_id)
    failed = abandoned.update(
        status=Job.Status.FAILED,
        finished_at=now,
        message=_("The job was interrupted (its worker stopped). Start it again."),
    )
    if failed:
        logger.warning("%d job(s) failed: their worker stopped renewing the lease", failed)
    return failed


def job_retry(*, actor, job: Job) -> Job:
    """Start a failed job again for the person who asked for it: a new job with the same
    runner and parameters (the runner applies that person's permissions again)."""
    require_actor(actor)
    if not can_retry_job(actor, job):
        raise PermissionDenied
    return job_start(
        requested_by=actor,
        kind=job.kind,
        title=job.title,
        runner=job.runner,
        params=job.params,
        back_url=job.back_url,
    )


def _check_system(actor) -> None:
    """The worker's and the timer's work: SYSTEM (or a superuser at the shell)."""
    require_actor(actor)
    if not (actor.is_active and actor.is_superuser):
        raise PermissionDenied


def _finish_failed(job: Job, message: str) -> str:
    Job.objects.using("default").filter(pk=job.pk).update(
        status=Job.Status.FAILED, message=message, finished_at=timezone.now()
    )
    cache.delete(progress_key(job.pk))
    return Job.Status.FAILED


def jobs_prune(*, actor, older_than_days: int = 7) -> int:
    """Delete jobs older than this with their files (they may hold personal data), and fail
    the running jobs whose worker died (jobs_fail_abandoned)."""
    _check_system(actor)
    now = timezone.now()
    jobs_fail_abandoned(actor=actor)
    cutoff = now - datetime.timedelta(days=older_than_days)
    deleted = 0
    for job in Job.objects.filter(created_at__lt=cutoff).exclude(status=Job.Status.RUNNING):
        if job.result_path:
            private_storage().delete(job.result_path)
        job.delete()
        deleted += 1
    return deleted
