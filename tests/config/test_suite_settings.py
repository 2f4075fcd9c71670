"""The suite runs under production settings (tests/settings.py): what differs with DEBUG is
what the tests see, whatever DEBUG the shell running them exported."""

import os

from django.conf import settings

from tests.settings import TEST_ENVIRONMENT, development_values


def test_the_suite_runs_with_production_settings():
    assert os.environ["DEBUG"] == "0"
    assert TEST_ENVIRONMENT["SECRET_KEY"] == settings.SECRET_KEY
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith(
        "CompressedManifestStaticFilesStorage"
    )
    assert settings.SECURE_SSL_REDIRECT and settings.SESSION_COOKIE_SECURE
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.OTP_REQUIRED
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert settings.MAILERS["default"]["BACKEND"].endswith("locmem.EmailBackend")  # the runner's


def test_development_values_are_what_debug_on_gives():
    dev = development_values("TASKS", "OTP_REQUIRED", "SECURE_SSL_REDIRECT")
    assert dev["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")
    assert dev["OTP_REQUIRED"] is False and dev["SECURE_SSL_REDIRECT"] is False
    assert os.environ["DEBUG"] == "0"  # read again without touching the suite's environment
