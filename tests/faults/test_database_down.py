"""Postgres away under a signed-in request: the session and the user are read by middleware,
outside the view, and the answer is the temporary 503 (with Retry-After), never a 500. The
restart under load is bench/load_faults.py."""

import pytest
from django.db import connection

from tests.client import ProductionClient as Client


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_request_gets_503_while_the_database_is_away(settings):
    from tests.factories import admin_sudin

    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(admin_sudin())
    assert client.get("/admin/").status_code == 200
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: the database is "down"
    try:
        for path in ("/admin/", "/laporan/", "/admin/umkm/business/"):
            response = client.get(path)
            assert response.status_code == 503, (path, response.status_code)
            assert response["Retry-After"] == "10"
            assert "Portal sedang tidak dapat diakses sebentar" in response.content.decode()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port
    assert client.get("/admin/").status_code == 200  # back without a restart
