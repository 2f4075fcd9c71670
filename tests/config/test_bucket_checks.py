"""With STORAGE_BACKEND=s3, `check --deploy` reads the buckets' policy: it warns when the
public photos cannot be read by anybody, and refuses a policy that makes the private files
public; the CSP lets the page show images from the media origin (moto stands in for S3)."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from moto import mock_aws

from config.storage_checks import check_bucket_policies

OPTIONS = {
    "bucket_name": "umkm",
    "region_name": "us-east-1",
    "access_key": "test",
    "secret_key": "test-secret",
    "querystring_auth": False,
    "default_acl": None,
}


def _policy(resource):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": resource,
                }
            ],
        }
    )


@pytest.fixture
def bucket(settings):
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="umkm")
        settings.STORAGE_BACKEND = "s3"
        settings.MEDIA_ORIGIN = "https://umkm.s3.us-east-1.amazonaws.com"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**OPTIONS, "location": "media"},
            },
            "private": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**OPTIONS, "location": "private"},
            },
        }
        yield client


def _ids():
    return [message.id for message in check_bucket_policies()]


def test_bucket_without_a_public_media_policy_is_warned_about(bucket):
    assert _ids() == ["umkm.W102"]


def test_public_read_of_media_only_passes(bucket):
    bucket.put_bucket_policy(Bucket="umkm", Policy=_policy("arn:aws:s3:::umkm/media/*"))
    assert _ids() == []


def test_public_read_of_the_whole_bucket_exposes_private_files_and_is_an_error(bucket):
    bucket.put_bucket_policy(Bucket="umkm", Policy=_policy("arn:aws:s3:::umkm/*"))
    assert _ids() == ["umkm.E103"]


@pytest.mark.parametrize(
    ("env", "origin"),
    [
        (
            {"AWS_S3_ENDPOINT_URL": "https://s3.jakarta.example:9000"},
            "https://s3.jakarta.example:9000",
        ),
        ({"AWS_S3_CUSTOM_DOMAIN": "foto.umkm.example.go.id"}, "https://foto.umkm.example.go.id"),
        ({"AWS_S3_REGION_NAME": "ap-southeast-3"}, "https://umkm.s3.ap-southeast-3.amazonaws.com"),
    ],
)
def test_csp_img_src_names_the_media_origin(env, origin):
    code = "from django.conf import settings as s; print(s.MEDIA_ORIGIN, s.SECURE_CSP['img-src'])"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup();" + code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": "umkm",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split()[0] == origin
    assert f"'{origin}']" in out
