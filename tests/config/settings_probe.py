"""Run a few lines of Python under the portal's settings in a fresh interpreter: what a server
started with that environment would configure (settings are read once, at import)."""

import subprocess
import sys

from django.conf import settings


def run_probe(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and probe)
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
