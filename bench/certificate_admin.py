"""Benchmark: the certificate case list and the "expiring" list in admin at 200,000 cases.

One command, on its own database (never the demo's or the tests'):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm_bench_certs \\
        .venv/bin/python bench/certificate_admin.py [--cases 200000] [--runs 30]

It creates the database if missing, migrates it, and tops it up in bulk to --cases certificate
cases (bare owners and businesses spread over every DKI kelurahan are created quickly when
there are not enough: two cases per business). A second run reuses the data. Then, logged in
as a superuser through Django's test Client, it requests each admin page --runs times after
one warm-up and prints p50 / p95 / max in milliseconds and the number of SQL queries.
Target (issue 5): p95 under 300 ms each.
"""

import argparse
import datetime
import hashlib
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

BATCH = 5000


def ensure_database() -> None:
    subprocess.run([sys.executable, "-m", "config.dbserver", "ensure-db"], cwd=BASE_DIR, check=True)


def populate(target: int, rnd: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from certifications import rules
    from certifications.models import CertificateCase, CertificateType
    from umkm.models import Business, Kelurahan, Owner, Sector

    have = CertificateCase.objects.count()
    if have >= target:
        print(f"{have} cases present: reusing them.")
        return
    types = list(CertificateType.objects.order_by("order"))
    kecamatan_of = dict(Kelurahan.objects.values_list("code", "kecamatan_id"))
    kelurahan = list(kecamatan_of)
    sectors = list(Sector.objects.values_list("id", flat=True))
    today = timezone.localdate()
    needed_businesses = (target - have + 1) // 2
    start = Business.objects.count()
    print(f"Creating {needed_businesses} bare businesses and {target - have} cases ...")
    t0 = time.perf_counter()
    statuses = [rules.NEEDED, rules.REFERRED, rules.SUBMITTED, rules.ISSUED, rules.REJECTED]
    made = 0
    for offset in range(0, needed_businesses, BATCH):
        n = min(BATCH, needed_businesses - offset)
        with transaction.atomic():
            owners = Owner.objects.bulk_create(
                [
                    Owner(
                        full_name=f"Pemilik Bench {start + offset + i}",
                        nik_ciphertext=b"bench",
                        nik_index=hashlib.sha256(
                            f"bench-{start + offset + i}".encode()
                        ).hexdigest(),
                        gender="L",
                        kelurahan_id=rnd.choice(kelurahan),
                    )
                    for i in range(n)
                ]
            )
            businesses = Business.objects.bulk_create(
                [
                    Business(
                        name=f"Usaha Bench {start + offset + i}",
                        slug=f"usaha-bench-{start + offset + i}",
                        owner=owner,
                        sector_id=rnd.choice(sectors),
                        kelurahan_id=owner.kelurahan_id,
                        binaan_since=datetime.date(2023, 1, 1),
                    )
                    for i, owner in enumerate(owners)
                ]
            )
            cases = []
            for i, business in enumerate(businesses):
                for k in range(2):
                    if have + made + len(cases) >= target:
                        break
                    cert_type = types[(i + k * 3) % len(types)]
                    status = rnd.choices(statuses, weights=[20, 15, 10, 50, 5])[0]
                    case = CertificateCase(
                        business=business,
                        kecamatan_id=kecamatan_of[business.kelurahan_id],
                        type=cert_type,
                        product="Produk utama" if cert_type.per_product else "",
                        status=status,
                    )
                    if status == rules.ISSUED:
                        case.issued_on = today - datetime.timedelta(days=rnd.randint(1, 1800))
                        case.number = f"BENCH{start + offset + i:09d}{k}"
                        if cert_type.validity != rules.VALIDITY_NONE:
                            case.expires_on = case.issued_on + datetime.timedelta(
                                days=rnd.randint(30, 1900)
                            )
                    cases.append(case)
            CertificateCase.objects.bulk_create(cases)
            made += len(cases)
        print(f"  {made} cases ({time.perf_counter() - t0:.0f} s)", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
        queries = len(captured.captured_queries)
    timings.sort()
    p95 = timings[max(0, math.ceil(0.95 * len(timings)) - 1)]  # nearest rank
    return {
        "p50": statistics.median(timings),
        "p95": p95,
        "max": timings[-1],
        "queries": queries,
        "rows": response.content.count(b'name="_selected_action"'),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.rstrip("/").endswith("_bench_certs"):
        sys.exit("Set DATABASE_URL to a database of its own, e.g. .../umkm_bench_certs")
    ensure_database()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # as in production: no query log kept by the connection
    populate(args.cases, random.Random(5))

    from certifications.models import CertificateCase

    total = CertificateCase.objects.count()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    base = reverse("admin:certifications_certificatecase_changelist")
    pages = [
        ("case list", base),
        ("expiring within 30 days", base + "?expires_within=30"),
        ("expiring within 90 days, one kecamatan", base + "?expires_within=90&kecamatan=31.73.02"),
        ("status: needed", base + "?status__exact=needed"),
    ]
    from django.contrib.auth.models import Group

    from umkm import roles
    from umkm.models import StaffProfile

    operator, _ = get_user_model().objects.get_or_create(
        username="bench-operator", defaults={"is_staff": True}
    )
    operator.groups.add(Group.objects.get(name=roles.OPERATOR_KECAMATAN))
    StaffProfile.objects.update_or_create(user=operator, defaults={"kecamatan_id": "31.73.02"})
    operator_client = Client()
    operator_client.force_login(operator)
    pages += [
        ("operator (one kecamatan): case list", base, operator_client),
        ("operator: expiring within 30 days", base + "?expires_within=30", operator_client),
    ]
    print(f"\n{total} cases; {args.runs} runs per page after a warm-up\n")
    print(f"{'page':42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'rows':>5}")
    for label, page, *who in pages:
        m = measure(who[0] if who else client, page, args.runs)
        print(
            f"{label:42} {m['p50']:8.1f} {m['p95']:8.1f} {m['max']:8.1f} "
            f"{m['queries']:8d} {m['rows']:5d}"
        )


if __name__ == "__main__":
    main()
