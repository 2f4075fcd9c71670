"""Restore drill: a backup restored into a fresh database holds the same rows."""

import uuid

import psycopg
import pytest
from django.db import connection

from config import backup
from tests.factories import BusinessFactory


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_the_same_row_counts(tmp_path, settings):
    BusinessFactory.create_batch(3)
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "media" / "foto.txt").write_text("foto")
    params = connection.get_connection_params()
    base = f"postgresql://{params.get('user', 'postgres')}@{params['host']}:{params['port']}"
    source_url = f"{base}/{connection.settings_dict['NAME']}"
    drill_db = f"restore_drill_{uuid.uuid4().hex[:8]}"
    media = [tmp_path / "media"]

    made = backup.create(source_url, tmp_path / "backups", media)
    assert (made / "database.dump").stat().st_size > 0
    (tmp_path / "media" / "foto.txt").unlink()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{drill_db}"')
    try:
        counts = backup.restore(made, f"{base}/{drill_db}", media)
        assert counts["umkm_business"] == 3
        assert counts["umkm_kelurahan"] == 267
        assert (tmp_path / "media" / "foto.txt").read_text() == "foto"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{drill_db}" WITH (FORCE)')
