import logging

import pytest
from django.test import override_settings

from config.logging import RedactingFormatter, redact
from tests.client import ProductionClient as Client
from tests.factories import admin_sudin


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.security.urls")
def test_server_error_shows_no_stack_trace_and_logs_no_personal_data(caplog):
    client = Client(raise_request_exception=False)
    client.force_login(admin_sudin())  # /boom/ is a staff page, as every page not named public
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Terjadi kesalahan" in body
    assert "Traceback" not in body and "+6281234567890" not in body
    record = next(r for r in caplog.records if r.name == "django.request")
    formatted = RedactingFormatter("%(message)s").format(record)
    assert "Traceback" in formatted  # the stack trace is kept for the team...
    for secret in ("+6281234567890", "Jl. Mawar 5", "3173024107850001", "Budi"):
        assert secret not in formatted  # ...but not the resident's data


def test_redact_hides_key_values_of_unique_violations():
    text = 'duplicate key value violates unique constraint "x" DETAIL: Key (phone)=(+6281234567890)'
    assert "+6281234567890" not in redact(text)
