"""Settings of bench/two_servers.py: production settings, plus the trainee import wired into
the admin through the tests' URLconf (umkm/admin.py, which registers it for real, is built on
another branch). Nothing else differs from config.settings."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.umkm.import_admin_urls"
