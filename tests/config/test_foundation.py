import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_home_answers_in_indonesian(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "Portal UMKM Binaan" in body
    assert "Lewati ke konten" in body  # skip link


@pytest.mark.django_db
def test_home_switches_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "UMKM Binaan Portal" in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_page_answers_404_in_indonesian(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_500_page_is_indonesian_without_database(rf):
    from config.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_200_when_database_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "cache": "up"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_database_is_down_and_recovers(client):
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: the database is "down"
    try:
        assert client.get("/healthz").status_code == 503
    finally:
        connection.settings_dict["PORT"] = original_port
    # The database is "back": the same process answers 200 again without a restart.
    assert client.get("/healthz").status_code == 200


def test_check_deploy_with_production_settings_gives_no_warning():
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECURE_", "SESSION_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="x7#kP2!vQ9zL@m4Rt8&wN1^bY6sE3uJ0hG5dF-cA_oI+eT*lZ=nM%" * 2,
        ALLOWED_HOSTS="umkm.example.go.id",
        SITE_URL="https://umkm.example.go.id",
        NIK_ENCRYPTION_KEYS="ZGV2LW9ubHktbmlrLWtleS1jaGFuZ2UtbWUtMDAwMCE=",
        NIK_HMAC_KEY="a-long-production-hmac-key-for-the-test",
        OFFICE_ADDRESS="Jl. Contoh No. 1, Jakarta Barat",
        OFFICE_HEAD_NAME="Nama Kepala",
        OFFICE_HEAD_NIP="197001011995031001",
        OFFICE_LOGO="",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_secret_key_in_production():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_refuse_sqlite():
    env = dict(os.environ, DEBUG="1", DATABASE_URL="sqlite:///tmp.db")
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_log_lines_never_carry_a_nik_or_phone(caplog):
    import logging

    logger = logging.getLogger("umkm.test")
    from config.logging import RedactPersonalData

    caplog.handler.addFilter(RedactPersonalData())
    logger.warning("owner %s phone %s", "3173024107850001", "081234567890")
    assert "3173024107850001" not in caplog.text
    assert "081234567890" not in caplog.text
    assert "[NIK]" in caplog.text and "[TELEPON]" in caplog.text


@pytest.mark.django_db
def test_english_browser_still_gets_indonesian_until_english_is_chosen(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="en">' in body


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_with_retry_after_while_the_database_is_down(client):
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/bazar/")
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        assert "Sementara tidak tersedia" in response.content.decode()
    finally:
        connection.settings_dict["PORT"] = original_port
    assert client.get("/bazar/").status_code == 200
