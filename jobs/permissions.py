"""Who may see a background job and its file.

A job, its progress and its file belong to the person who asked for it: for everybody else the
job does not exist (404), whatever their role. In the admin, only superusers see the overview
(who asked for what, and how it went), never the files.
"""

from django.db.models import QuerySet

from config.actors import is_system
from jobs.models import Job


def jobs_for(user, qs: QuerySet | None = None) -> QuerySet:
    """The user's own jobs; nobody's for a signed-out visitor."""
    qs = Job.objects.all() if qs is None else qs
    if is_system(user):
        return qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(requested_by=user)


def can_see_job(user, job: Job) -> bool:
    if is_system(user):
        return True
    return user.is_authenticated and user.is_active and job.requested_by_id == user.pk


def may_oversee_jobs(user) -> bool:
    """The admin's read-only list of every job (no files): superusers."""
    return user.is_active and user.is_superuser


def can_retry_job(user, job: Job) -> bool:
    """Start a failed job again: the person who asked for it (the portal itself asks nothing)."""
    return not is_system(user) and can_see_job(user, job) and job.status == Job.Status.FAILED
