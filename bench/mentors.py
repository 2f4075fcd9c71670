"""Benchmark of the mentors' loop (issue 15) at DKI scale: 370,000 businesses, 6,000 mentors
(60 businesses each), ~2,000,000 monthly reports.

    .venv/bin/python bench/mentors.py               # database umkm_bench_mentors
    .venv/bin/python bench/mentors.py --runs 40 --businesses 370000

It creates (or reuses) BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
umkm_bench_mentors), migrates it and fills it by SQL (generate_series, one statement per table)
unless it already holds that many businesses: businesses over every DKI kelurahan, 6,000
mentor accounts (not staff, group Pendamping), one current assignment for each of 360,000
businesses (60 per mentor), and reports for the six months before this one with gaps
(about one in eleven missing) plus 40% of this month's.

Then, in this process through Django's test client under production settings (DEBUG off, no
second factor), p50/p95 over --runs requests after a warm-up, each run on another mentor:
- the mentor's pages: my businesses, one business (12 months' chart, stages, certificates,
  bazaars), the empty report form, one report;
- the city's completeness page as Admin Sudin (per kecamatan, per mentor, the silent list);
- the report form's save (POST, a due business each run: validation, insert, stage, redirect).
Targets: mentor pages p95 < 100 ms, city page < 500 ms, save < 150 ms. The anchor beside them
is /healthz through the same client (the floor of a request here) and, for the city page, the
bare SQL of its main aggregate timed alone. The load average is printed before and after.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/umkm_bench_mentors"
MENTORS = 6_000
UNASSIGNED = 10_000


def _env(url: str) -> dict:
    from bench._harness import production_env

    return production_env(url)


FILL_SQL = """
CREATE TEMP TABLE bench_kel AS
  SELECT row_number() OVER (ORDER BY code) AS n, code FROM umkm_kelurahan WHERE code LIKE '31.7%%';

INSERT INTO umkm_owner (full_name, nik_ciphertext, nik_index, gender, phone, email, address,
                        kelurahan_id, created_at, updated_at)
SELECT 'Pemilik ' || i, '\\x00'::bytea, md5('m' || i) || md5('n' || i), 'P',
       '+62812' || lpad(i::text, 8, '0'), '', '', '31.73.01.1001', now(), now()
FROM generate_series(1, %(n)s) AS i;

INSERT INTO umkm_business (name, slug, owner_id, sector_id, products, kelurahan_id, address, nib,
                           kbli, yearly_omzet, capital, scale, binaan_since, status,
                           public_consent, photo, current_stage_id, created_at, updated_at,
                           owner_name, description, opening_hours, whatsapp, whatsapp_public)
SELECT 'Usaha Pendampingan ' || i, 'mbench-' || i, o.id,
       (SELECT id FROM umkm_sector ORDER BY id OFFSET (i %% 6) LIMIT 1), '',
       (SELECT code FROM bench_kel WHERE n = 1 + i %% (SELECT count(*) FROM bench_kel)),
       '', NULL, '', 120000000, NULL, 'mikro', DATE '2018-01-01' + (i %% 2000),
       CASE WHEN i %% 40 = 0 THEN 'nonaktif' ELSE 'aktif' END, false, '', NULL, now(), now(),
       o.full_name, '', '', '', false
FROM generate_series(1, %(n)s) AS i
JOIN umkm_owner o ON o.full_name = 'Pemilik ' || i;

INSERT INTO auth_user (username, password, is_superuser, is_staff, is_active, first_name,
                       last_name, email, date_joined)
SELECT 'bench-mentor-' || m, %(password)s, false, false, true, 'Pendamping ' || m, '', '', now()
FROM generate_series(1, %(mentors)s) AS m;

INSERT INTO auth_user_groups (user_id, group_id)
SELECT u.id, g.id FROM auth_user u, auth_group g
WHERE u.username LIKE 'bench-mentor-%%' AND g.name = 'Pendamping';

INSERT INTO mentors_mentor (user_id, full_name, phone, email, active, created_at)
SELECT u.id, u.first_name, '0813' || u.id, 'm' || u.id || '@example.org', true, now()
FROM auth_user u WHERE u.username LIKE 'bench-mentor-%%';

CREATE TEMP TABLE bench_mentor AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, user_id FROM mentors_mentor;

CREATE TEMP TABLE bench_biz AS
  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, kelurahan_id FROM umkm_business
  WHERE slug LIKE 'mbench-%%';

INSERT INTO mentors_assignment (business_id, mentor_id, start, "end", created_at)
SELECT b.id, m.id, DATE '2024-01-01', NULL, now()
FROM bench_biz b JOIN bench_mentor m ON m.n = b.n %% %(mentors)s
WHERE b.n < %(assigned)s;

INSERT INTO mentors_mentor_kecamatan (mentor_id, kecamatan_id)
SELECT DISTINCT a.mentor_id, l.kecamatan_id
FROM mentors_assignment a JOIN umkm_business b ON b.id = a.business_id
JOIN umkm_kelurahan l ON l.code = b.kelurahan_id;

INSERT INTO umkm_mentoring (mentor_id, business_id, month, date, topic, notes, monthly_omzet,
                            workers_male, workers_female, assets, needs, photo, created_at,
                            updated_at)
SELECT m.user_id, b.id, mo.month, mo.month + (b.n %% 25)::int, 'Keuangan', '',
       (1 + b.n %% 40) * 1000000 + k * 50000, b.n %% 3, 1 + b.n %% 4, (5 + b.n %% 90) * 1000000,
       '{}', '', now(), now()
FROM bench_biz b
JOIN bench_mentor m ON m.n = b.n %% %(mentors)s
CROSS JOIN generate_series(0, 6) AS k
CROSS JOIN LATERAL (SELECT (date_trunc('month', current_date) - k * interval '1 month')::date
                    AS month) mo
WHERE b.n < %(assigned)s
  AND ((k > 0 AND (b.n + k) %% 11 <> 0) OR (k = 0 AND b.n %% 5 < 2))
  AND mo.month + (b.n %% 25)::int <= current_date;
"""


def fill(businesses: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM umkm_business WHERE slug LIKE 'mbench-%%'")
        if cursor.fetchone()[0] >= businesses:
            print(f"data: kept ({businesses:,} businesses present)")
            return
        started = time.monotonic()
        cursor.execute(
            FILL_SQL,
            {
                "n": businesses,
                "mentors": MENTORS,
                "assigned": businesses - UNASSIGNED,
                "password": make_password("bench-mentor-pass"),
            },
        )
        for table in ("umkm_business", "mentors_assignment", "umkm_mentoring", "auth_user"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SELECT count(*) FROM umkm_mentoring")
        reports = cursor.fetchone()[0]
        print(f"data: filled in {time.monotonic() - started:.0f} s, {reports:,} reports")


def _p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _row(name, times_ms, target=None):
    p50, p95 = statistics.median(times_ms), _p(times_ms, 0.95)
    verdict = "" if target is None else ("ok" if p95 < target else "MISSED")
    tgt = "" if target is None else f"< {target} ms"
    return f"| {name} | {p50:.1f} | {p95:.1f} | {tgt} | {verdict} |"


def _time(client, method, url, data=None, expect=(200,)):
    started = time.perf_counter()
    response = client.post(url, data) if method == "POST" else client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in expect, (url, response.status_code)
    return elapsed, response


def measure(runs: int, explain: bool = False) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from mentors import selectors
    from mentors.models import Mentor
    from umkm import roles
    from umkm.models import Mentoring

    today = timezone.localdate()
    # A mentor's 60 businesses share b.n % 5 (6,000 is a multiple of 5): 40% of the mentors have
    # reported on all of them this month. The runs take mentors with businesses still due.
    mentors = [
        m
        for m in Mentor.objects.filter(user__username__startswith="bench-mentor-")
        .select_related("user")
        .order_by("?")[: 3 * runs]
        if Mentoring.objects.filter(mentor=m.user, month=today.replace(day=1)).count() < 60
    ][: runs + 1]
    rows = []
    floor, pages = [], {"home": [], "business": [], "form": [], "report": []}
    saves, sizes = [], {}
    for i, mentor in enumerate(mentors):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(mentor.user)
        mentor.user._mentor_cache = mentor
        businesses = selectors.desk_businesses(mentor.user)
        due = next(b for b in businesses if not b["reported"])
        reports = Mentoring.objects.filter(business_id=businesses[0]["pk"])
        report = reports.order_by("-month").first()
        urls = {
            "home": "/pendamping/",
            "business": f"/pendamping/usaha/{due['pk']}/",
            "form": f"/pendamping/usaha/{due['pk']}/laporan/",
            "report": f"/pendamping/laporan/{report.pk}/",
        }
        for name, url in urls.items():
            elapsed, response = _time(client, "GET", url)
            sizes[name] = max(sizes.get(name, 0), len(response.content))
            if i:  # the first mentor warms up
                pages[name].append(elapsed)
        elapsed, _r = _time(client, "GET", "/healthz")
        if i:
            floor.append(elapsed)
        data = {
            "month": today.strftime("%Y-%m"),
            "date": today.isoformat(),
            "topic": "Bench",
            "monthly_omzet": "2.500.000",
            "workers_male": "1",
            "workers_female": "2",
            "assets": "10000000",
            "needs": ["bazar"],
        }
        elapsed, _r = _time(client, "POST", urls["form"], data, expect=(302,))
        if i:
            saves.append(elapsed)
    rows.append("| page | p50 ms | p95 ms | target | |")
    rows.append("|---|---|---|---|---|")
    rows.append(_row("/healthz (anchor: the floor of a request)", floor))
    for name, times in pages.items():
        rows.append(_row(f"mentor: {name} ({sizes[name] / 1024:.1f} KB)", times, 100))
    rows.append(_row("mentor: save the monthly report (POST)", saves, 150))

    User = get_user_model()
    sudin, _ = User.objects.get_or_create(username="bench-sudin", defaults={"is_staff": True})
    from django.contrib.auth.models import Group

    sudin.groups.add(Group.objects.get(name=roles.ADMIN_SUDIN))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(sudin)
    city, bare, home = [], [], []
    from mentors.selectors import aggregate_settings, completeness_params, completeness_sql

    sql, params = completeness_sql(None), completeness_params(today.replace(day=1), None)
    for i in range(min(runs, 15) + 1):
        elapsed, response = _time(client, "GET", "/staf/pendamping/")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            aggregate_settings(cursor)
            cursor.execute(sql, params)
            cursor.fetchall()
        bare_ms = (time.perf_counter() - started) * 1000
        home_ms, home_page = _time(client, "GET", "/admin/")
        if i:
            city.append(elapsed)
            bare.append(bare_ms)
            home.append(home_ms)
    size = len(response.content) / 1024
    rows.append(_row(f"Sudin: city completeness ({size:.0f} KB)", city, 500))
    rows.append(_row("  anchor: its main aggregate as bare SQL", bare))
    assert "desk-worklist" in home_page.content.decode()
    rows.append(_row("Sudin: staff desk with its worklist (/admin/)", home))
    if explain:
        with transaction.atomic(), connection.cursor() as cursor:
            aggregate_settings(cursor)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            rows.append("\n".join(r[0] for r in cursor.fetchall()))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=370_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="print the aggregate's plan")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    sys.path.insert(0, str(ROOT))
    from bench.reports import prepare  # the database and its migrations, as the reports' bench

    prepare(url, args.businesses)
    os.environ.update(_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # production's manifest
    fill(args.businesses)
    before = "/".join(f"{x:.1f}" for x in os.getloadavg())
    rows = measure(args.runs, args.explain)
    after = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average before: {before}, after: {after} ({os.cpu_count()} cores)")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
