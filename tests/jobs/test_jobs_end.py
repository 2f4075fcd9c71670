"""Every job ends (issue 19): a file the storage refuses to keep, or a worker that died without
a word, ends the job as failed with a readable Indonesian reason and a "Coba lagi" button;
the jobs run as production runs them (the database queue and its worker)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from config.actors import SYSTEM
from jobs.models import Job
from jobs.services import LEASE, job_start, jobs_fail_abandoned
from tests.factories import pejabat
from tests.worker import run_queued_tasks

pytestmark = pytest.mark.django_db


def start(user, runner="csv_export"):
    return job_start(
        requested_by=user,
        kind="test-export",
        title="Ekspor uji",
        runner=f"tests.jobs.runners.{runner}",
        params={"rows": 2},
        back_url="/laporan/",
    )


@pytest.fixture
def storage_down(settings):
    """The private storage is unreachable; call the fixture's value to bring it back."""
    working = settings.STORAGES
    settings.STORAGES = {
        **working,
        "private": {"BACKEND": "tests.jobs.storages.UnreachableStorage"},
    }

    def back():
        settings.STORAGES = working

    return back


def retry_offered(page: str) -> bool:
    form = re.search(r'<form id="job-retry"[^>]*>', page)
    assert form, "the page has no retry form (job-progress.js shows it when the job fails)"
    return " hidden" not in form.group(0)


def test_file_the_storage_cannot_keep_fails_the_job_with_its_reason_and_a_retry(
    client, settings, storage_down
):
    user = pejabat()
    job = start(user)
    assert run_queued_tasks() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.finished_at is not None and job.result_path == ""
    assert "tidak dapat disimpan" in job.message
    client.force_login(user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Gagal" in page and "tidak dapat disimpan" in page
    assert retry_offered(page) and "Coba lagi" in page
    assert reverse("jobs:retry", args=[job.pk]) in page
    assert client.get(reverse("jobs:status", args=[job.pk])).json()["finished"] is True


def test_retry_starts_the_same_job_again_for_the_person_who_asked(client, settings, storage_down):
    user = pejabat()
    job = start(user)
    run_queued_tasks()
    storage_down()  # the storage is back
    client.force_login(user)

    response = client.post(reverse("jobs:retry", args=[job.pk]))

    again = Job.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == again.get_absolute_url()
    assert (again.runner, again.params, again.requested_by) == (job.runner, job.params, user)
    run_queued_tasks()
    again.refresh_from_db()
    assert again.status == Job.Status.DONE and again.result_path


def test_retry_is_refused_to_others_and_for_jobs_that_did_not_fail(client):
    user, other = pejabat(), pejabat()
    done = start(user)
    run_queued_tasks()
    client.force_login(user)
    assert client.post(reverse("jobs:retry", args=[done.pk])).status_code == 302
    assert Job.objects.count() == 1  # a finished job is not started again
    assert not retry_offered(client.get(done.get_absolute_url()).content.decode())
    Job.objects.filter(pk=done.pk).update(status=Job.Status.FAILED)
    client.force_login(other)
    assert client.post(reverse("jobs:retry", args=[done.pk])).status_code == 404
    assert Job.objects.count() == 1


def _running_with_lease_renewed(job, ago):
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        progress=10,
        started_at=timezone.now() - ago - datetime.timedelta(seconds=5),
        heartbeat_at=timezone.now() - ago,
    )


def test_job_whose_lease_ran_out_is_failed_on_its_page_and_can_be_retried(client):
    user = pejabat()
    job = start(user)
    _running_with_lease_renewed(job, LEASE + datetime.timedelta(seconds=1))  # worker killed
    client.force_login(user)

    status = client.get(reverse("jobs:status", args=[job.pk])).json()

    assert status["status"] == "failed" and status["finished"] is True
    assert "pelaksananya berhenti" in status["message"]
    assert retry_offered(client.get(job.get_absolute_url()).content.decode())
    client.post(reverse("jobs:retry", args=[job.pk]))
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 1


def test_a_new_worker_fails_the_jobs_of_dead_workers_and_leaves_live_ones(client):
    user = pejabat()
    dead, alive = start(user), start(user)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(status="RUNNING")  # both were taken by workers
    _running_with_lease_renewed(dead, LEASE * 2)
    _running_with_lease_renewed(alive, LEASE / 4)  # renewed a moment ago: still working
    waiting = start(user)

    assert run_queued_tasks() == 1

    assert Job.objects.get(pk=dead.pk).status == Job.Status.FAILED
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING
    assert Job.objects.get(pk=waiting.pk).status == Job.Status.DONE
    assert jobs_fail_abandoned(actor=SYSTEM) == 0  # nothing left to fail
