"""Business list in admin at DKI scale: this project's BusinessAdmin against the same admin with
Django's defaults, side by side in one run, on the same data.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm_bench DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --businesses 370000 --if-empty   # a few minutes
    .venv/bin/python bench/admin_business_list.py [--runs 20]

The "defaults" admin is a plain ModelAdmin with the same columns, filters, search fields and date
hierarchy, Django's default paginator (COUNT(*) twice: filtered and full) and Django's default
search (icontains on each field ORed across the owner join). It is registered on a second
AdminSite mounted at /default-admin/ by a urlconf that exists only inside this script. Each case
is requested through the Django test Client as a logged-in superuser; we report p50/p95 of
--runs requests after two warm-up requests, and the number of SQL queries of one request.
Prints a Markdown table (copied into docs/PERFORMANCE.md).
"""

import argparse
import math
import os
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import clear_url_caches, path

from umkm.models import Business, Owner

default_site = admin.AdminSite(name="defaultadmin")


class DefaultBusinessAdmin(admin.ModelAdmin):
    """What `admin.site.register(Business, ...)` gives with the same columns and search."""

    list_display = [
        "name",
        "owner",
        "sector",
        "kelurahan",
        "current_stage",
        "status",
        "scale",
        "binaan_since",
    ]
    list_filter = ["kelurahan__kecamatan", "sector", "status", "current_stage", "scale"]
    search_fields = ["name", "owner__full_name", "nib"]
    date_hierarchy = "binaan_since"


default_site.register(Business, DefaultBusinessAdmin)

urlconf = types.ModuleType("bench_admin_urls")
urlconf.urlpatterns = [
    path("admin/", admin.site.urls),
    path("default-admin/", default_site.urls),
]
sys.modules["bench_admin_urls"] = urlconf


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(client: Client, url: str, runs: int) -> tuple[list[float], int, int]:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    total = Business.objects.count()
    if total < 100_000:
        print(f"Only {total:,} businesses in {settings.DATABASES['default']['NAME']}: seed first.")
        sys.exit(1)

    # A selective search: one owner's full name (a few rows); a ~5% one: a common name word.
    owner = Owner.objects.order_by("id")[12_345]
    selective = owner.full_name
    broad = "Berkah"  # a word of ~5% of business names
    owner_word = "Sari"  # in ~5% of owners' names: the other half of the search
    counts = {
        "selective": Business.objects.filter(owner__full_name__icontains=selective).count()
        + Business.objects.filter(name__icontains=selective).count(),
        "broad": Business.objects.filter(name__icontains=broad).count(),
        "owners": Owner.objects.filter(full_name__icontains=owner_word).count(),
    }
    kecamatan = "31.73.02"
    cases = [
        ("First page", "", ""),
        ("One kecamatan (31.73.02)", f"kecamatan={kecamatan}",
         f"kelurahan__kecamatan__code__exact={kecamatan}"),
        (f'Selective search "{selective}" (~{counts["selective"]} rows)', f"q={selective}",
         f"q={selective}"),
        (f'~5% search "{broad}" ({counts["broad"]:,} rows, '
         f'{100 * counts["broad"] / total:.1f}%)', f"q={broad}", f"q={broad}"),
        (f'~5% owner-name search "{owner_word}" ({counts["owners"]:,} owners match)',
         f"q={owner_word}", f"q={owner_word}"),
    ]  # fmt: skip

    user_model = get_user_model()
    superuser = user_model.objects.filter(is_superuser=True, is_active=True).first()
    if superuser is None:
        superuser = user_model.objects.create_superuser("bench", "bench@example.org", None)

    rows = []
    with override_settings(ROOT_URLCONF="bench_admin_urls", ALLOWED_HOSTS=["*"], DEBUG=False):
        clear_url_caches()
        client = Client()
        client.force_login(superuser)
        for label, ours, theirs in cases:
            ours_ms, ours_q, _ = measure(client, f"/admin/umkm/business/?{ours}", args.runs)
            def_ms, def_q, _ = measure(client, f"/default-admin/umkm/business/?{theirs}", args.runs)
            rows.append((label, ours_ms, ours_q, def_ms, def_q))
            print(f"  {label}: ours p95 {p95(ours_ms):.0f} ms, defaults p95 {p95(def_ms):.0f} ms",
                  file=sys.stderr)  # fmt: skip

    print(f"{total:,} businesses, {Owner.objects.count():,} owners; {args.runs} runs per case\n")
    print("| case | ours p50 | ours p95 | queries | defaults p50 | defaults p95 | queries | "
          "p95 speed-up |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, ours_ms, ours_q, def_ms, def_q in rows:
        print(
            f"| {label} | {statistics.median(ours_ms):.0f} ms | {p95(ours_ms):.0f} ms | {ours_q} "
            f"| {statistics.median(def_ms):.0f} ms | {p95(def_ms):.0f} ms | {def_q} "
            f"| {p95(def_ms) / p95(ours_ms):.1f}x |"
        )


if __name__ == "__main__":
    main()
