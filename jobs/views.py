"""A job's page (progress bar, then the download), its JSON status and its file.

Only the person who asked sees any of it: for everybody else the job does not exist (404),
whatever their role. Nothing here may be kept by a cache (no-store).
"""

from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from config import formats
from config.access import staff_required
from config.actors import SYSTEM
from jobs.models import Job, private_storage
from jobs.permissions import can_retry_job, jobs_for
from jobs.services import current_progress, job_retry, jobs_fail_abandoned

REFRESH_SECONDS = 3
# A job nobody has taken for this long: the worker is probably stopped, and the page says so.
WORKER_LATE_SECONDS = 60


def _own_job(request, job_id) -> Job:
    job = get_object_or_404(jobs_for(request.user), pk=job_id)
    # A running job whose worker died ends here, on its page, once its lease ran out.
    if job.status == Job.Status.RUNNING and jobs_fail_abandoned(actor=SYSTEM, job_id=job.pk):
        job.refresh_from_db()
    return job


def waiting_note(job: Job) -> str:
    """For a job still waiting: since when, and, once it has waited long, that the worker may
    be stopped (jobs wait in the database and start by themselves when it runs again)."""
    if job.status != Job.Status.QUEUED:
        return ""
    since = formats.datetime_text(job.created_at)
    note = _("Waiting for the background worker since %(since)s.") % {"since": since}
    waited = (timezone.now() - job.created_at).total_seconds()
    if waited > WORKER_LATE_SECONDS:
        minutes = int(waited // 60)
        note += " " + ngettext(
            "No worker has taken it for %(minutes)s minute: the background worker may be "
            "stopped. The job starts by itself as soon as the worker runs again; tell the "
            "administrator if this lasts.",
            "No worker has taken it for %(minutes)s minutes: the background worker may be "
            "stopped. The job starts by itself as soon as the worker runs again; tell the "
            "administrator if this lasts.",
            minutes,
        ) % {"minutes": minutes}
    return note


def _no_store(response):
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


LIST_STATUSES = {
    "running": [Job.Status.QUEUED, Job.Status.RUNNING],
    "failed": [Job.Status.FAILED],
}
LIST_LENGTH = 50


@require_safe
@never_cache
@staff_required
def job_list(request):
    """The user's own last jobs (the staff desk links here), optionally only those running or
    waiting (?status=running) or failed (?status=failed)."""
    wanted = request.GET.get("status", "")
    jobs = jobs_for(request.user)
    if wanted in LIST_STATUSES:
        jobs = jobs.filter(status__in=LIST_STATUSES[wanted])
    else:
        wanted = ""
    return _no_store(
        TemplateResponse(
            request,
            "jobs/job_list.html",
            {"jobs": jobs.order_by("-created_at")[:LIST_LENGTH], "status": wanted},
        )
    )


@require_safe
@never_cache
@staff_required
def job_detail(request, job_id):
    job = _own_job(request, job_id)
    return _no_store(
        TemplateResponse(
            request,
            "jobs/job_detail.html",
            {
                "job": job,
                "progress": current_progress(job),
                "waiting": waiting_note(job),
                "refresh_seconds": REFRESH_SECONDS,
                "can_retry": can_retry_job(request.user, job),
            },
        )
    )


@require_safe
@never_cache
@staff_required
def job_status(request, job_id):
    job = _own_job(request, job_id)
    return _no_store(
        JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "progress": current_progress(job),
                "finished": job.finished,
                "message": job.message if job.finished else "",
                "waiting": waiting_note(job),
                "download_url": job.get_download_url() if job.has_file else None,
            }
        )
    )


@require_safe
@never_cache
@staff_required
def job_download(request, job_id):
    job = _own_job(request, job_id)
    if not job.has_file:
        raise Http404
    response = FileResponse(
        private_storage().open(job.result_path, "rb"),
        as_attachment=True,
        filename=job.result_name or job.result_path.rsplit("/", 1)[-1],
        content_type=job.result_type or "application/octet-stream",
    )
    return _no_store(response)


@require_POST
@staff_required
def job_retry_view(request, job_id):
    """ "Try again" on a failed job's page: a new job like it, and its page."""
    job = _own_job(request, job_id)
    if not can_retry_job(request.user, job):
        return redirect(job)  # finished well, or still going: its page says which
    with transaction.atomic():
        again = job_retry(actor=request.user, job=job)
    return redirect(again)
