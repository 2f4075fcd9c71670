"""The health check answers a browser (and a load balancer) through the real server."""

from tests.e2e.helpers import visit


def test_healthz_reports_database_up_through_live_server(desktop_page):
    response = visit(desktop_page, "/healthz")
    # The cache is reported, never required (docs/RELIABILITY.md): up or down, the check is ok.
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "up"
    assert body["cache"] in ("up", "down")
    assert "no-cache" in response.headers["cache-control"]
