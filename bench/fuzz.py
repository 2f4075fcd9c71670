"""Fuzz every URL pattern as every role (issue 14): at least 5,000 hostile requests, 0 x 5xx.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm DEBUG=1 \
        .venv/bin/python bench/fuzz.py [--requests 6000] [--seed 14]

The bigger sibling of tests/security/test_fuzz.py, with the same walker
(tests/security/fuzzing.py): every URLPattern of the URLconf, admin's included, with its
path parameters filled with real objects or hostile values, and query strings where every
parameter a page or an admin filter reads carries one of all the hostile values (unicode
digits, NUL, huge and negative numbers, 5,000-character strings, SQL-ish text, bad dates).
Roles: anonymous, Operator Kecamatan, Pejabat, Admin Sudin and a superuser, each session
verified with a TOTP device. Requests go through Django's test client in this process (the
whole middleware stack and every view; no network), against a throwaway test database
(test_fuzz_<DATABASE_URL's database>, created and dropped here). Prints the count per
status class and every 5xx with its URL; exit status 1 when there is one.
"""

import argparse
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--seed", default="14")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import got_request_exception
    from django.test import Client
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    media = tempfile.mkdtemp(prefix="fuzz-media-")
    settings.MEDIA_ROOT = Path(media) / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": Path(media) / "private", "base_url": None},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REPLICA_READS = False
    for alias in settings.DATABASES.values():  # never the test suite's own test database
        alias.setdefault("TEST", {})
        if not alias["TEST"].get("MIRROR"):
            alias["TEST"]["NAME"] = f"test_fuzz_{alias['NAME']}"
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        return run(args, Client, got_request_exception)
    finally:
        teardown_databases(databases, verbosity=0)


def run(args, Client, got_request_exception) -> int:
    from tests.conftest import _ensure_all_reference_data
    from tests.factories import UserFactory, admin_sudin, operator, pejabat
    from tests.security import fuzzing

    _ensure_all_reference_data()
    samples = fuzzing.build_world()
    superuser = UserFactory(username="fuzz-root", is_superuser=True)
    roles = [
        ("anonymous", None),
        ("operator", operator()),
        ("pejabat", pejabat()),
        ("sudin", admin_sudin()),
        ("superuser", superuser),
    ]
    routes = fuzzing.routes()
    per_route = -(-args.requests // (len(roles) * len(routes)))  # ceiling
    traces = []

    def record(sender, request, **kwargs):
        traces.append((request.get_full_path()[:200], traceback.format_exc(limit=-2)))

    got_request_exception.connect(record)
    statuses, fives, sent = Counter(), [], 0
    started = time.perf_counter()
    for role, user in roles:
        client = fuzzing.verified_client(Client, user)
        rnd = random.Random(f"{args.seed}-{role}")
        for route in routes:
            urls = fuzzing.requests_for(route, samples, rnd, values=fuzzing.HOSTILE)
            # The first per_route - 1 carry hostile values in every query parameter, the last
            # one a hostile path parameter, a control character or _to_field (often a 400 at once).
            solo = len(route.params()) + len(fuzzing.SOLO_NAMES) + 1  # see requests_for
            picked = rnd.sample(urls[: len(urls) - solo], k=per_route - 1)
            picked.append(rnd.choice(urls[len(picked) :]))
            for url in picked[: len(urls)]:
                status = client.get(url).status_code
                sent += 1
                statuses[f"{status // 100}xx"] += 1
                if status >= 500:
                    fives.append((role, status, url[:200]))
    elapsed = time.perf_counter() - started
    load = os.getloadavg()
    print(f"routes {len(routes)}, roles {len(roles)}, requests {sent} in {elapsed:.0f} s")
    print("status classes: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"5xx: {len(fives)}")
    print(f"load average (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for role, status, url in fives[:50]:
        print(f"  {role} {status} {url}")
    for url, trace in traces[:5]:
        print(f"\n{url}\n{trace}")
    return 1 if fives else 0


if __name__ == "__main__":
    sys.exit(main())
