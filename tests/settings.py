"""The test suite's settings: production's own (config.settings read with DEBUG off), with
test values for the secrets production demands. Nothing else differs, so what changes with
DEBUG (the manifest static storage, HTTPS redirects and Secure cookies, the database task
backend, two-factor admin sign-in, the mail backend) is what the tests see. A test that needs
a development setting says so (tests/conftest.py: the `dev_settings` marker).

The values are forced, not defaulted: a developer's exported DEBUG=1 or a .env with real keys
does not change what the suite runs under. pytest-django imports this module (pyproject.toml,
DJANGO_SETTINGS_MODULE) before any conftest, which is why this is done here.
"""

import os
from pathlib import Path

TEST_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-secret-key-never-used-outside-the-test-suite-0123456789",
    # Fernet key: 32 bytes, url-safe base64 ("test-only-nik-key-0000000000000!").
    "NIK_ENCRYPTION_KEYS": "dGVzdC1vbmx5LW5pay1rZXktMDAwMDAwMDAwMDAwMCE=",
    "NIK_HMAC_KEY": "test-only-nik-hmac-key",
    # SMS and WhatsApp land in notifications.backends.outbox (the `notification_outbox`
    # fixture empties it); e-mail goes through Django's test mail outbox as always.
    "NOTIFY_SMS_BACKEND": "memory",
    "NOTIFY_WHATSAPP_BACKEND": "memory",
    # The manifest storage serves only what collectstatic wrote: tests/conftest.py collects
    # here (git-ignored) once, again only when a static file changed.
    "STATIC_ROOT": str(Path(__file__).resolve().parent.parent / "var" / "test-static"),
    # Each process its own cache: the two pytest-xdist workers of `make test` (and a
    # developer's CACHE_URL=redis://… in .env) never share one, where one test's cache.clear()
    # would empty the other's. The tests that need Redis name their own (tests/faults).
    "CACHE_URL": "locmemcache://tests",
}
os.environ.update(TEST_ENVIRONMENT)

from config.settings import *  # noqa: E402, F403


def development_values(*names: str) -> dict:
    """What these settings are in development (config/settings.py read again with DEBUG on),
    for the few tests that need one (the `development_settings` marker, tests/conftest.py)."""
    import runpy
    from unittest import mock

    config = Path(__file__).resolve().parent.parent / "config" / "settings.py"
    with mock.patch.dict(os.environ, {"DEBUG": "1"}):
        values = runpy.run_path(str(config))
    return {name: values[name] for name in names}
