"""Shared state by configuration: the same code on one server or several, chosen by the
environment (S3 storages, Redis cache, database task queue, cached_db sessions, replica)."""

import json
import os

from tests.config.settings_probe import run_probe

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.tasks import task_backends

tasks = type(task_backends["default"])
out = {"cache": settings.CACHES["default"]["BACKEND"], "session": settings.SESSION_ENGINE,
       "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
       "tasks": tasks.__module__ + "." + tasks.__name__,
       "replica": settings.DATABASES.get("replica", {}).get("NAME"),
       "replica_mirror": settings.DATABASES.get("replica", {}).get("TEST", {}).get("MIRROR")}
for alias in ("default", "private"):
    s = storages[alias]
    out[alias] = {"class": type(s).__name__, "bucket": getattr(s, "bucket_name", None),
                  "location": getattr(s, "location", None),
                  "signed": getattr(s, "querystring_auth", None),
                  "endpoint": getattr(s, "endpoint_url", None)}
print(json.dumps(out, default=str))
"""


def probe(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_"))}
    for key in ("CACHE_URL", "SESSION_STORE", "TASKS_BACKEND", "DATABASE_REPLICA_URL"):
        clean.pop(key, None)
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **env)
    done = run_probe(PROBE, clean)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_one_server_defaults_keep_state_on_this_machine():
    found = probe()

    assert found["default"]["class"] == "FileSystemStorage"
    assert found["private"]["class"] == "FileSystemStorage"
    assert found["private"]["location"].endswith("var/private")
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["session"] == "django.contrib.sessions.backends.db"
    assert found["tasks"] == "django.tasks.backends.immediate.ImmediateBackend"
    assert found["replica"] is None


def test_several_servers_share_s3_redis_the_task_table_and_a_replica():
    found = probe(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="umkm-media",
        AWS_PRIVATE_BUCKET_NAME="umkm-private",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",
        CACHE_URL="redis://127.0.0.1:6379/1",
        SESSION_STORE="cached_db",
        TASKS_BACKEND="database",
        DATABASE_REPLICA_URL="postgres://reader@10.0.0.2:5432/umkm",
    )

    assert found["default"] == {
        "class": "S3Storage",
        "bucket": "umkm-media",
        "location": "media",
        "signed": False,
        "endpoint": "http://127.0.0.1:9000",
    }
    assert found["private"] == {
        "class": "S3Storage",
        "bucket": "umkm-private",
        "location": "private",
        "signed": False,  # never a URL to a private object: the views stream it
        "endpoint": "http://127.0.0.1:9000",
    }
    assert found["cache"] == "django_redis.cache.RedisCache"
    # Redis away = cache misses, never a 500; a hung Redis holds a request for under a second.
    assert found["cache_options"]["IGNORE_EXCEPTIONS"] is True
    assert found["cache_options"]["SOCKET_TIMEOUT"] <= 1
    assert found["session"] == "django.contrib.sessions.backends.cached_db"
    assert found["tasks"] == "django_tasks_db.backend.DatabaseBackend"
    assert found["replica"] == "umkm"
    assert found["replica_mirror"] == "default"


def test_unknown_storage_backend_refuses_to_start():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", STORAGE_BACKEND="ftp")
    done = run_probe("import django; django.setup()", env)
    assert done.returncode != 0
    assert "STORAGE_BACKEND must be 'filesystem' or 's3'" in done.stderr
