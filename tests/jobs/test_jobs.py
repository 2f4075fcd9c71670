"""Background jobs: they really run (immediate backend, and the database backend with its
worker), record progress, keep their file in the private storage, and only the person who
asked sees the page, the status and the file."""

import datetime

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.services import job_start
from tests.factories import UserFactory, admin_sudin, pejabat

# Jobs run inside the request here (development's immediate backend) unless a test says
# TASKS=DATABASE_TASKS (production's queue and its worker).
pytestmark = [pytest.mark.django_db, pytest.mark.development_settings("TASKS")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def start(user, runner="csv_export", **params):
    return job_start(
        requested_by=user,
        kind="test-export",
        title="Ekspor uji",
        runner=f"tests.jobs.runners.{runner}",
        params=params,
        back_url="/laporan/",
    )


def test_job_with_immediate_backend_finishes_and_keeps_its_file_privately():
    user = pejabat()

    job = start(user, rows=3)

    assert job.status == Job.Status.DONE
    assert job.progress == 100
    assert job.result_name == "ekspor-uji.csv"
    assert job.result_path.startswith(f"jobs/{job.pk}/")
    with storages["private"].open(job.result_path) as f:
        assert f.read().decode().splitlines() == [
            "nomor;nama",
            "1;Usaha 1",
            "2;Usaha 2",
            "3;Usaha 3",
        ]
    # the progress reported inside the request's transaction reached the page through the cache
    assert "page=60" in job.message


def test_job_download_is_served_only_to_the_person_who_asked(client):
    owner, other, boss = pejabat(), pejabat(), admin_sudin(is_superuser=True)
    job = start(owner, rows=2)
    download = reverse("jobs:download", args=[job.pk])

    client.force_login(owner)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().startswith("nomor;nama\n1;Usaha 1")
    assert "no-store" in response["Cache-Control"]
    assert 'attachment; filename="ekspor-uji.csv"' in response["Content-Disposition"]

    for stranger in (other, boss):
        client.force_login(stranger)
        for name in ("detail", "status", "download"):
            assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404

    client.logout()
    response = client.get(download)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_job_page_shows_the_finished_job_and_its_download(client):
    user = pejabat()
    job = start(user, rows=1)
    client.force_login(user)

    response = client.get(job.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<progress id="job-progress" max="100" value="100">' in page
    assert reverse("jobs:download", args=[job.pk]) in page
    assert "Selesai" in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing to refresh


def test_failed_job_shows_the_runners_message_and_no_file(client):
    user = pejabat()
    refused = start(user, runner="refuses")
    crashed = start(user, runner="crashes")
    client.force_login(user)

    assert refused.status == Job.Status.FAILED
    assert "Baris 4: kolom NIK kosong." in client.get(refused.get_absolute_url()).content.decode()
    status = client.get(reverse("jobs:status", args=[crashed.pk])).json()
    assert status["status"] == "failed"
    assert status["download_url"] is None
    assert "secret internal detail" not in status["message"]
    assert "kesalahan" in status["message"]
    assert client.get(reverse("jobs:download", args=[crashed.pk])).status_code == 404


@override_settings(TASKS=DATABASE_TASKS)
def test_queued_job_page_has_progress_bar_script_and_refresh_fallback(client):
    user = pejabat()
    job = start(user)  # database backend, no worker yet: the job waits
    client.force_login(user)

    page = client.get(job.get_absolute_url()).content.decode()
    status = client.get(reverse("jobs:status", args=[job.pk])).json()

    assert job.status == Job.Status.QUEUED
    assert '<progress id="job-progress" max="100" value="0">' in page
    assert f'src="{static("js/job-progress.js")}"' in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it
    assert status == {
        "status": "queued",
        "status_label": "Menunggu",
        "progress": 0,
        "finished": False,
        "message": "",
        "waiting": status["waiting"],  # since when: tests/faults/test_worker_stopped.py
        "download_url": None,
    }
    assert status["waiting"].startswith("Menunggu pekerja latar belakang sejak ")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_backend_worker_runs_the_job_and_records_progress(client):
    from django_tasks_db.models import DBTaskResult

    user = UserFactory()
    job = start(user, rows=5)
    assert job.status == Job.Status.QUEUED
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert job.message == "row=60 page=60"  # progress was in the job's row while it ran
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    client.force_login(user)
    body = b"".join(client.get(job.get_download_url()).streaming_content).decode()
    assert body.count("\n") == 5


def test_job_is_not_run_twice():
    from config.actors import SYSTEM
    from jobs.services import job_run

    job = start(pejabat())

    assert job_run(actor=SYSTEM, job_id=str(job.pk)) == "skipped"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def test_prune_jobs_deletes_old_jobs_and_their_files():
    user = pejabat()
    old, recent = start(user), start(user)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    storage = storages["private"]
    assert storage.exists(old.result_path)

    call_command("prune_jobs", "--days", "7", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not storage.exists(old.result_path)
    assert storage.exists(recent.result_path)


def test_prune_jobs_gives_up_on_a_job_whose_worker_died(client):
    user = pejabat()
    with override_settings(TASKS=DATABASE_TASKS):
        job = start(user)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=7)
    )

    call_command("prune_jobs", stdout=open("/dev/null", "w"))  # noqa: SIM115

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    client.force_login(user)
    assert "Mulai lagi" in client.get(job.get_absolute_url()).content.decode()


def test_database_error_in_a_job_fails_the_job_not_the_request():
    job = start(pejabat(), runner="breaks_a_constraint")

    assert job.status == Job.Status.FAILED
    assert Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).exists()  # still usable
