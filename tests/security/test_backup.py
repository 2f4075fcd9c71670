"""Restore drill: a backup restored into a fresh database holds the same rows, and the
uploaded files come back, from local folders and from S3 buckets alike."""

import uuid

import boto3
import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from moto import mock_aws
from storages.backends.s3 import S3Storage

from config import backup
from tests.factories import BusinessFactory


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_postgres_owned_database_as_the_app_user(tmp_path):
    """As on a server: the database (owned by postgres, its extensions created by postgres)
    is restored by the portal's own, unprivileged user."""
    BusinessFactory.create_batch(3)
    media = FileSystemStorage(location=tmp_path / "media")
    media.save("foto.txt", ContentFile(b"foto"))
    params = connection.get_connection_params()
    server = f"{params['host']}:{params['port']}"
    admin_url = f"postgresql://{params.get('user', 'postgres')}@{server}"
    source_url = f"{admin_url}/{connection.settings_dict['NAME']}"
    drill, role = f"restore_drill_{uuid.uuid4().hex[:8]}", f"drill_{uuid.uuid4().hex[:8]}"
    stores = {"media": media}

    made = backup.create(source_url, tmp_path / "backups", stores)
    assert (made / "database.dump").stat().st_size > 0
    media.delete("foto.txt")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{drill}"')
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT CREATE, CONNECT ON DATABASE "{drill}" TO "{role}"')
    with psycopg.connect(f"{admin_url}/{drill}", autocommit=True) as owner:
        owner.execute("CREATE EXTENSION pg_trgm")  # by its owner, as the guide's step 3 does
        owner.execute("CREATE EXTENSION btree_gist")
        owner.execute(f'GRANT ALL ON SCHEMA public TO "{role}"')
    try:
        counts = backup.restore(made, f"postgresql://{role}@{server}/{drill}", stores)
        assert counts["umkm_business"] == 3
        assert counts["umkm_kelurahan"] == 267
        assert media.open("foto.txt").read() == b"foto"
    finally:
        with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{drill}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_backup_holds_the_bucket_objects_and_restore_puts_them_back(tmp_path):
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="umkm")
        options = {"bucket_name": "umkm", "region_name": "us-east-1", "file_overwrite": False}
        stores = {
            "media": S3Storage(**options, location="media"),
            "private": S3Storage(**options, location="private"),
        }
        stores["media"].save("bazar/poster.png", ContentFile(b"poster"))
        for n in range(3):
            stores["private"].save(f"dokumen/{n}/halal.pdf", ContentFile(b"%PDF-" + bytes([n])))

        counts = backup.save_files(tmp_path / "files.tar.gz", stores)
        assert counts == {"media": 1, "private": 3}
        stores["private"].delete("dokumen/1/halal.pdf")
        stores["media"].save("bazar/poster.png", ContentFile(b"changed since"))  # renamed copy

        assert backup.restore_files(tmp_path / "files.tar.gz", stores) == counts
        assert stores["private"].open("dokumen/1/halal.pdf").read() == b"%PDF-\x01"
        assert stores["media"].open("bazar/poster.png").read() == b"poster"
