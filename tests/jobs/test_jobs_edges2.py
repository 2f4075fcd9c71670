"""Edges of the job bookkeeping (jobs/services.py) that the mutation benchmark found untested
on the merged issue-12 code: a result's long file name and content type are cut to the
columns' lengths, not shorter; and who may see a job."""

import pytest

from config.actors import SYSTEM
from jobs.models import Job
from jobs.permissions import can_see_job
from jobs.services import job_start
from tests.factories import pejabat
from tests.jobs.runners import LONG_NAME, LONG_TYPE

# Jobs run inside the request here (development's immediate backend) unless a test says
# TASKS=DATABASE_TASKS (production's queue and its worker).
pytestmark = [pytest.mark.django_db, pytest.mark.development_settings("TASKS")]


def test_job_result_with_a_long_file_name_and_type_keeps_the_first_200_and_120_characters():
    job = job_start(
        requested_by=pejabat(),
        kind="test-export",
        title="Ekspor uji",
        runner="tests.jobs.runners.long_names",
        params={},
        back_url="/laporan/",
    )
    job = Job.objects.get(pk=job.pk)
    assert job.status == Job.Status.DONE
    assert job.result_name == LONG_NAME[:200]
    assert job.result_type == LONG_TYPE[:120]


def test_can_see_job_only_for_the_active_user_who_asked_and_the_portal():
    asker = pejabat()
    job = job_start(
        requested_by=asker,
        kind="test-export",
        title="Ekspor uji",
        runner="tests.jobs.runners.csv_export",
        params={},
        back_url="/laporan/",
    )
    assert can_see_job(asker, job)
    assert can_see_job(SYSTEM, job)
    assert not can_see_job(pejabat(), job)
    asker.is_active = False
    assert not can_see_job(asker, job)
