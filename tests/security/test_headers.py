import pytest
from django.conf import settings

from tests.factories import admin_sudin


@pytest.mark.django_db
def test_public_page_has_strict_content_security_policy(client):
    csp = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_public_page_for_anonymous_visitor_stays_cacheable(client):
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # anonymous: no session


@pytest.mark.django_db
def test_signed_in_pages_are_never_stored(client):
    client.force_login(admin_sudin())
    for url in ("/admin/", "/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


@pytest.mark.django_db
def test_admin_login_page_is_not_frameable(client):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_production_cookies_are_host_prefixed_secure_httponly():
    import os
    import subprocess
    import sys

    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.OTP_REQUIRED)"
    )
    env = dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY="k" * 60,
        NIK_ENCRYPTION_KEYS="ZGV2LW9ubHktbmlrLWtleS1jaGFuZ2UtbWUtMDAwMCE=",
        NIK_HMAC_KEY="h" * 40,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "31536000",
        "True",
    ]


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_samesite(client):
    response = client.sign_in_to_admin(admin_sudin(), "kata-sandi-uji-123")
    assert response.status_code == 302
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 30 * 60  # idle limit
