"""A large trainee import is saved by the background worker after its preview; a small one
is saved at once, as before."""

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import override_settings

from jobs.models import Job
from tests.factories import TrainingFactory, admin_sudin, pejabat
from tests.umkm.test_import import confirm, csv_file, trainee_row, upload, url
from umkm.admin.trainee_import import SESSION_KEY
from umkm.models import Enrolment

# Jobs run inside the request here (development's immediate backend) unless a test says
# TASKS=DATABASE_TASKS (production's queue and its worker).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.umkm.import_admin_urls"),
    pytest.mark.development_settings("TASKS"),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def training():
    return TrainingFactory(capacity=40)


@pytest.fixture
def sudin(client):
    user = admin_sudin()
    client.force_login(user)
    return user


def test_large_import_runs_as_a_job_and_reports_what_it_saved(client, sudin, settings, training):
    settings.IMPORT_BACKGROUND_ROWS = 2
    upload(client, training, csv_file([trainee_row() for _ in range(3)]))
    pending = client.session[SESSION_KEY]["path"]

    response = confirm(client, training)

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.requested_by == sudin
    assert job.kind == "trainee-import"
    assert job.status == Job.Status.DONE
    assert Enrolment.objects.filter(training=training).count() == 3
    assert not storages["private"].exists(pending)  # the job took the rows and removed them
    page = client.get(job.get_absolute_url()).content.decode()
    assert "3 peserta ditambahkan" in page
    assert url("change", training) in page
    assert SESSION_KEY not in client.session


def test_small_import_is_saved_in_the_request(client, sudin, settings, training):
    settings.IMPORT_BACKGROUND_ROWS = 2
    upload(client, training, csv_file([trainee_row() for _ in range(2)]))

    response = confirm(client, training)

    assert response.status_code == 302
    assert response["Location"] == url("change", training)
    assert not Job.objects.exists()
    assert Enrolment.objects.filter(training=training).count() == 2


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, IMPORT_BACKGROUND_ROWS=2)
def test_large_import_waits_for_the_worker_then_saves_everything(client, sudin, training):
    upload(client, training, csv_file([trainee_row() for _ in range(4)]))
    confirm(client, training)
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert not Enrolment.objects.exists()  # nothing saved before the worker runs it

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.progress == 100
    assert Enrolment.objects.filter(training=training).count() == 4
    client.force_login(pejabat())
    assert client.get(job.get_absolute_url()).status_code == 404


def test_large_import_that_no_longer_fits_saves_nothing(client, sudin, settings, training):
    settings.IMPORT_BACKGROUND_ROWS = 2
    upload(client, training, csv_file([trainee_row() for _ in range(3)]))
    training.capacity = 2
    training.save()

    confirm(client, training)

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert not Enrolment.objects.exists()
    assert job.message.splitlines() == [
        "Data berubah sejak pratinjau: tidak ada yang disimpan. "
        "Unggah berkasnya lagi untuk melihat setiap baris.",
        "Pelatihan ini hanya punya sisa 2 tempat (kapasitas 2), "
        "tetapi ada 3 peserta yang dimasukkan.",
    ]


def test_pending_import_rows_wait_in_the_bucket_with_s3(client, sudin, settings, training):
    import boto3
    from moto import mock_aws

    from tests.jobs.test_s3_storage import S3_OPTIONS

    settings.IMPORT_BACKGROUND_ROWS = 2
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="umkm-private")
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS},
        }
        upload(client, training, csv_file([trainee_row() for _ in range(3)]))
        pending = client.session[SESSION_KEY]
        stored = [o["Key"] for o in s3.list_objects_v2(Bucket="umkm-private")["Contents"]]
        # the rows, and the uploaded file itself for the error file
        assert sorted(stored) == sorted(f"private/{pending[k]}" for k in ("path", "source"))

        confirm(client, training)

        assert Job.objects.get().status == Job.Status.DONE
        assert s3.list_objects_v2(Bucket="umkm-private")["KeyCount"] == 0
    assert Enrolment.objects.filter(training=training).count() == 3
