"""The worker is stopped: jobs wait in the database, and the job page says they are waiting,
since when, and once it has lasted, that the worker may be stopped; a worker started later
runs them."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.services import job_start
from tests.factories import pejabat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_jobs_wait_for_a_stopped_worker_and_the_page_says_since_when(client):
    from django_tasks_db.models import DBTaskResult

    user = pejabat()
    job = job_start(
        requested_by=user,
        kind="test-export",
        title="Ekspor uji",
        runner="tests.jobs.runners.csv_export",
        params={"rows": 3},
        back_url="/laporan/",
    )
    client.force_login(user)
    asked = Job.objects.filter(pk=job.pk)

    # No worker: the task waits in the table, the page says since when.
    page = client.get(job.get_absolute_url()).text
    since = timezone.localtime(job.created_at).strftime("%H.%M WIB")  # 09.00 WIB
    assert "Menunggu pekerja latar belakang sejak " in page and f" {since}." in page
    assert "mungkin sedang berhenti" not in page
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"

    # Ten minutes later, still no worker: the page says the worker may be stopped.
    asked.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    page = client.get(job.get_absolute_url()).text
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    for text in (page, status["waiting"]):
        assert "Sudah 10 menit belum ada pekerja" in text
        assert "pekerja latar belakang mungkin sedang berhenti" in text
    assert status["status"] == "queued" and not status["finished"]

    # The worker runs again: the job it waited for is done, the note is gone.
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    assert asked.get().status == Job.Status.DONE
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["waiting"] == "" and status["download_url"]
    assert 'id="job-waiting" class="job-waiting" hidden' in client.get(job.get_absolute_url()).text
