"""With STORAGE_BACKEND=s3 the job results and the pending import rows live in the bucket,
not on this machine's disk (moto stands in for the S3-compatible store, in-process)."""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from jobs.services import job_start
from tests.factories import pejabat

# Jobs run inside the request here (development's immediate backend) unless a test says
# TASKS=DATABASE_TASKS (production's queue and its worker).
pytestmark = [pytest.mark.django_db, pytest.mark.development_settings("TASKS")]

S3_OPTIONS = {
    "bucket_name": "umkm-private",
    "region_name": "us-east-1",
    "access_key": "test",
    "secret_key": "test-secret",
    "location": "private",
    "querystring_auth": False,
    "default_acl": None,
    "file_overwrite": False,
}


@pytest.fixture
def s3_private(settings, tmp_path):
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="umkm-private")
        settings.PRIVATE_MEDIA_ROOT = tmp_path / "must-stay-empty"
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS},
        }
        yield boto3.client("s3", region_name="us-east-1")
        assert not (tmp_path / "must-stay-empty").exists()


def test_job_result_is_written_to_and_served_from_the_bucket(s3_private, client):
    user = pejabat()

    job = job_start(
        requested_by=user,
        kind="test-export",
        title="Ekspor uji",
        runner="tests.jobs.runners.csv_export",
        params={"rows": 2},
    )

    keys = [o["Key"] for o in s3_private.list_objects_v2(Bucket="umkm-private")["Contents"]]
    assert keys == [f"private/jobs/{job.pk}/ekspor-uji.csv"]
    client.force_login(user)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"nomor;nama\n1;Usaha 1")
