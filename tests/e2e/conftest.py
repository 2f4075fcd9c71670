"""Browser tests: Playwright for Python driving Debian's Chromium against a live server on Postgres.

Every test under tests/e2e/ is marked `e2e` automatically. A journey is a small file that asks
for `phone_page`, `desktop_page` or `laptop_page` (or `open_page("phone")` for several) and uses
the helpers in tests/e2e/helpers.py. See docs/TESTING.md.

Chromium comes from the distribution (`make e2e-deps` installs it); browser downloads do not
work here, so never `playwright install`. Without Chromium the browser tests are skipped with a
loud notice, except under CI=true, where they fail.
"""

import os
import warnings
from pathlib import Path

import pytest

from tests.e2e import helpers

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
# Without the background-networking flags Chromium phones home, and on this closed network its
# connections are refused (slow start, noisy logs).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_JAKARTA = {"locale": "id-ID", "timezone_id": "Asia/Jakarta"}
# The screens of the three kinds of users: the public on a phone, staff on a desktop in Django
# admin, officials on a laptop.
DEVICES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 1,  # keeps the README's screenshots small
        "is_mobile": True,
        "has_touch": True,
        **_JAKARTA,
    },
    "desktop": {"viewport": {"width": 1366, "height": 768}, **_JAKARTA},
    "laptop": {"viewport": {"width": 1280, "height": 800}, **_JAKARTA},
}
TIMEOUT_MS = 10_000

_E2E_DIR = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"Chromium is missing at {CHROMIUM}: the browser tests (tests/e2e) did not run. "
        "Install it with `make e2e-deps` (root + apt-get) or `apt-get install chromium`, "
        "or point CHROMIUM at a Chromium binary."
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Before `-m` selects: mark every browser test `e2e`.
    for item in items:
        if _E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
    result = yield
    # After selection: skip (or, under CI, let the `browser` fixture fail) the browser tests that
    # are still selected when Chromium is missing.
    selected = [item for item in items if _E2E_DIR in item.path.parents]
    reason = chromium_missing()
    if selected and reason:
        if _in_ci():
            helpers.NOTICES.append(f"CI=true and {reason} The browser tests FAIL.")
        else:
            helpers.NOTICES.append(f"{reason} {len(selected)} browser test(s) SKIPPED.")
            warnings.warn(pytest.PytestWarning(helpers.NOTICES[-1]), stacklevel=1)
            for item in selected:
                item.add_marker(pytest.mark.skip(reason=reason))
    return result


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all browser tests (package scope: it closes after the last one, so the
    rest of the suite runs without Playwright's event loop)."""
    reason = chromium_missing()
    if reason:
        pytest.fail(f"CI=true: {reason}" if _in_ci() else reason, pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django then refuses database
    # access from it (SynchronousOnlyOperation) unless told it is safe, which it is here: the
    # loop only drives the browser. Restored when the browser closes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _as_behind_nginx(app):
    """The live server's "static handler" (what LiveServerThread wraps the portal in) stands in
    for nginx (deploy/nginx/umkm.conf): it tells the portal that the visitor came over HTTPS
    (X-Forwarded-Proto), so production's HTTPS redirect and Secure cookies hold; Chromium
    keeps Secure cookies of http://localhost, a secure context. Static files are not served
    here: Django's handler would look them up in the source folders, where the manifest's
    hashed names do not exist; the portal's WhiteNoise serves STATIC_ROOT, as in production.
    (Not the browser's extra headers: Playwright leaves them off download requests.)"""

    def proxied(environ, start_response):
        environ["HTTP_X_FORWARDED_PROTO"] = "https"
        environ["HTTP_X_FORWARDED_FOR"] = environ.get("REMOTE_ADDR", "")
        return app(environ, start_response)

    return proxied


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with static files served as in production (above)."""
    from django.test.testcases import LiveServerThread
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or "localhost"
    server = LiveServer(addr, start=False)
    host, _, port = addr.partition(":")
    server.thread = LiveServerThread(
        host,
        static_handler=_as_behind_nginx,
        connections_override={},
        **({"port": int(port)} if port else {}),
    )
    server.thread.daemon = True
    server.start()
    # The browser's origin is http://localhost:PORT while the portal believes HTTPS
    # (_as_behind_nginx): that origin is trusted for CSRF as a deploy trusts its own
    # (CSRF_TRUSTED_ORIGINS); pytest-django applies these settings around each test.
    server._live_server_modified_settings = modify_settings(
        ALLOWED_HOSTS={"append": host}, CSRF_TRUSTED_ORIGINS={"append": server.url}
    )
    yield server
    server.stop()


@pytest.fixture
def new_context(browser, live_server):
    """`new_context("phone")`: a fresh browser context (own cookies) on the live server, for
    device "phone", "desktop" or "laptop"; keyword arguments override the device's options."""
    contexts = []
    problems: list[str] = []

    def make(device: str = "desktop", **overrides):
        options = {
            "base_url": live_server.url,
            **DEVICES[device],
            **overrides,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        helpers.remember_context(context, device=device, options=options)
        # A safety net for every journey, whatever it asserts: a server error on any request
        # (a broken template, a crashing view) or a script error in a page fails the test.
        context.on(
            "response",
            lambda r: r.status >= 500 and problems.append(f"{r.status} {r.request.method} {r.url}"),
        )
        context.on("weberror", lambda e: problems.append(f"script error: {e.error}"))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("During this browser test:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def open_page(new_context):
    """`open_page("phone")`: a new page in a fresh context of that device."""
    return lambda device="desktop", **overrides: new_context(device, **overrides).new_page()


@pytest.fixture
def phone_page(open_page):
    """The public's screen: 390x844, touch, Indonesian locale, Jakarta time."""
    return open_page("phone")


@pytest.fixture
def desktop_page(open_page):
    """Staff's screen in Django admin: 1366x768."""
    return open_page("desktop")


@pytest.fixture
def laptop_page(open_page):
    """Officials' screen for the reports: 1280x800."""
    return open_page("laptop")
