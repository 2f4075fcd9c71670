"""The health check answers a browser (and a load balancer) through the real server."""

from tests.e2e.helpers import visit


def test_healthz_reports_database_up_through_live_server(desktop_page):
    response = visit(desktop_page, "/healthz")
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response.headers["cache-control"]
