"""Edges of the job bookkeeping that the mutation benchmark (bench/mutation.py) found untested:
progress stops at 99 until the job is done, and pruning says how many jobs it deleted."""

import datetime

import pytest
from django.utils import timezone

from config.actors import SYSTEM
from jobs.models import Job
from jobs.services import current_progress, job_progress, job_start, jobs_prune
from tests.factories import pejabat

# Jobs run inside the request here (development's immediate backend) unless a test says
# TASKS=DATABASE_TASKS (production's queue and its worker).
pytestmark = [pytest.mark.django_db, pytest.mark.development_settings("TASKS")]


def start(user):
    return job_start(
        requested_by=user,
        kind="test-export",
        title="Ekspor uji",
        runner="tests.jobs.runners.csv_export",
        params={},
        back_url="/laporan/",
    )


def test_progress_of_a_running_job_stops_at_99_until_it_is_done():
    job = start(pejabat())
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, progress=0)
    job_progress(job_id=job.pk, percent=150)
    assert current_progress(Job.objects.get(pk=job.pk)) == 99
    job_progress(job_id=job.pk, percent=99)
    assert current_progress(Job.objects.get(pk=job.pk)) == 99
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=100)
    assert current_progress(Job.objects.get(pk=job.pk)) == 100


def test_prune_says_how_many_jobs_it_deleted():
    user = pejabat()
    old = [start(user), start(user)]
    recent = start(user)
    Job.objects.filter(pk__in=[j.pk for j in old]).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert jobs_prune(actor=SYSTEM, older_than_days=7) == 2
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert jobs_prune(actor=SYSTEM, older_than_days=7) == 0
