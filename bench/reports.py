"""Benchmark of the kecamatan reports (issue 6) on DKI-scale data.

    .venv/bin/python bench/reports.py          # 370,000 businesses, database umkm_bench_reports
    .venv/bin/python bench/reports.py --businesses 50000 --runs 10
    .venv/bin/python bench/reports.py --runs 20 --concurrent --no-files   # the dashboard only

It creates (or reuses) a separate database, BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/umkm_bench_reports), migrates it and fills it with bare
rows by SQL (generate_series) unless it already holds that many businesses:
- all businesses in Jakarta Barat (the office's city), 15,000 of them in Kecamatan Cengkareng
  (31.73.01, the "one kecamatan" of the XLSX figure), the rest spread over the other seven, so that
  the city report scans every one of them (harder than a real Jakarta Barat);
- 1,000 trainings with ~1,000,000 enrolments and ~370,000 mentoring sessions with omzet;
- 300 bazaars with 9,000 accepted participants, check-ins and daily sales; ~200,000
  certificate cases of every type and status; the register's past: owners' gender and birth
  dates, ~1,000,000 dated 7P stages, and dated changes of status and kelurahan for half of the
  businesses (FILL_HISTORY_SQL).

Then it measures, against the targets of the issue:
1. dashboard: the city report and one kecamatan, p50/p95 over --runs requests (Django test client
   in this process, after one warm-up request), with the kept figures (as served: a repeated
   request reuses them until the data changes) and computed every time (the first request
   after a write); with --concurrent, the city report through gunicorn, 1 client and then 4 at
   once (4 workers), then the first request after a write (1 client, 4 at once), and the next
   request while `manage.py db_worker` rebuilds the kept reports. Every process shares one
   Redis as deployed (BENCH_CACHE_URL, default db 1 of the local Redis under a key prefix
   named after the bench database), and tasks wait in Postgres;
2. CSV of all businesses through a real server (gunicorn, one sync worker): wall time of the
   download, and the worker's RSS above idle (sampled every 10 ms), side by side with a plain
   Postgres COPY of the same SELECT into /dev/null, alternating, --copy-runs times each (medians);
3. XLSX of Kecamatan Cengkareng through the same server.
The figures go to stdout; docs/PERFORMANCE.md keeps the last run's.
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/umkm_bench_reports"
ONE_KECAMATAN = "31.73.01"
ONE_KECAMATAN_BUSINESSES = 15_000
CSV_YEAR = 2025  # its period ends after every generated binaan_since: all businesses


def _env(url: str) -> dict:
    # DEBUG=1: the development keys and plain static files (no collectstatic needed); the
    # reports' queries are few, so Django's query log costs nothing measurable here.
    # The cache as deployed (docs/DEPLOY.md): one Redis shared by every server process and the
    # worker, so that a report kept by one is found by all; the prefix keeps the bench's keys
    # apart from anyone else's on that Redis.
    cache_url = os.environ.get(
        "BENCH_CACHE_URL", f"redis://127.0.0.1:6379/1?key_prefix=bench-{url.rsplit('/', 1)[-1]}"
    )
    # Tasks wait in Postgres, as deployed: the worker rebuilds the kept reports after a write.
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "CACHE_URL": cache_url,
        "TASKS_BACKEND": "database",
    }


def prepare(url: str, businesses: int) -> None:
    env = _env(url)
    subprocess.run(
        [sys.executable, "-m", "config.dbserver", "ensure-db"], env=env, cwd=ROOT, check=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


FILL_SQL = """
CREATE TEMP TABLE bench_kel AS
  SELECT row_number() OVER (ORDER BY code) AS n, code, kecamatan_id FROM umkm_kelurahan
  WHERE kecamatan_id LIKE '31.73.%%';
CREATE TEMP TABLE bench_kel_one AS
  SELECT row_number() OVER (ORDER BY code) AS n, code FROM bench_kel WHERE kecamatan_id = %(one)s;
CREATE TEMP TABLE bench_kel_rest AS
  SELECT row_number() OVER (ORDER BY code) AS n, code FROM bench_kel WHERE kecamatan_id <> %(one)s;

INSERT INTO umkm_owner (full_name, nik_ciphertext, nik_index, gender, phone, email, address,
                        kelurahan_id, created_at, updated_at)
SELECT 'Pemilik ' || i, '\\x00'::bytea, md5('a' || i) || md5('b' || i), 'L', '', '', '',
       '31.73.01.1001', now(), now()
FROM generate_series(1, %(n)s) AS i;

INSERT INTO umkm_business (name, slug, owner_id, sector_id, products, kelurahan_id, address, nib,
                           kbli, yearly_omzet, capital, scale, binaan_since, status,
                           public_consent, photo, current_stage_id, created_at, updated_at)
SELECT CASE WHEN i %% 997 = 0 THEN '=Usaha ' || i ELSE 'Usaha Bench ' || i END,
       'bench-' || i,
       o.id,
       (SELECT id FROM umkm_sector ORDER BY id OFFSET (i %% 6) LIMIT 1),
       '',
       CASE WHEN i <= %(one_count)s
            THEN (SELECT code FROM bench_kel_one
                  WHERE n = 1 + i %% (SELECT count(*) FROM bench_kel_one))
            ELSE (SELECT code FROM bench_kel_rest
                  WHERE n = 1 + i %% (SELECT count(*) FROM bench_kel_rest))
       END,
       '',
       CASE WHEN i %% 5 = 0 THEN lpad(i::text, 13, '0') END,
       '', 120000000, NULL,
       (ARRAY['mikro','mikro','mikro','kecil','menengah',''])[1 + i %% 6],
       DATE '2015-01-01' + ((i::bigint * 7919) %% 3650)::int,
       (ARRAY['aktif','aktif','aktif','aktif','nonaktif','naik_kelas'])[1 + i %% 6],
       false, '',
       (SELECT id FROM umkm_stage ORDER BY id OFFSET (i %% 7) LIMIT 1),
       now(), now()
FROM generate_series(1, %(n)s) AS i
JOIN umkm_owner o ON o.full_name = 'Pemilik ' || i;
"""

# The scalar subqueries above are re-run per row but on tiny tables; the owner join uses a hash.

FILL_ACTIVITY_SQL = """
INSERT INTO umkm_training (title, topic, organiser, start_date, end_date, place, kecamatan_id,
                           capacity, created_at)
SELECT 'Pelatihan Bench ' || t, 'Topik', 'Sudin', DATE '2019-01-01' + (t * 3) %% 2190,
       DATE '2019-01-01' + (t * 3) %% 2190 + 1, 'Aula',
       CASE WHEN t %% 9 = 0 THEN NULL ELSE '31.73.0' || (1 + t %% 8) END, 2000, now()
FROM generate_series(1, 1000) AS t;

INSERT INTO umkm_enrolment (training_id, business_id, owner_id, attended, passed, score, created_at)
SELECT tr.id, b.id, b.owner_id, true, (b.id %% 3 <> 0), 80, now()
FROM umkm_business b
CROSS JOIN generate_series(0, 3) AS k
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM umkm_training) tr
  ON tr.n = (b.id + k * 250) %% 1000
WHERE b.slug LIKE 'bench-%%' AND b.id %% 3 <> 1;

INSERT INTO umkm_mentoring (mentor_id, business_id, month, date, topic, notes, monthly_omzet,
                            needs, photo, created_at, updated_at)
SELECT %(mentor)s, b.id, date_trunc('month', d.day)::date, d.day, 'Keuangan', '',
       (b.id %% 50) * 1000000, '{}', '', now(), now()
FROM umkm_business b, generate_series(1, 2) AS k,
     LATERAL (SELECT DATE '2019-01-01' + ((b.id * 31 + k * 97) %% 2190)::int AS day) d
WHERE b.slug LIKE 'bench-%%' AND b.id %% 2 = 0;
"""


FILL_SECTIONS_SQL = """
INSERT INTO bazaars_venue (name, address, kelurahan_id)
SELECT 'Venue Bench ' || v, 'Jl. Bench', '31.73.0' || (1 + v %% 8) || '.1001'
FROM generate_series(0, 7) AS v;

INSERT INTO bazaars_bazaar (title, slug, description, organiser, booth_count, status, poster,
                            start_date, end_date, published_at, created_at, updated_at, venue_id)
SELECT 'Bazar Bench ' || z, 'bazar-bench-' || z, '', 'Sudin', 40, 'published', '',
       DATE '2019-01-05' + z * 7, DATE '2019-01-05' + z * 7 + 1, now(), now(), now(),
       (SELECT min(id) FROM bazaars_venue) + z %% 8
FROM generate_series(0, 299) AS z;

INSERT INTO bazaars_bazaarday (date, opens_at, closes_at, bazaar_id)
SELECT z.start_date + d, '09:00', '21:00', z.id
FROM bazaars_bazaar z, generate_series(0, 1) AS d WHERE z.slug LIKE 'bazar-bench-%%';

-- 30 accepted participants a bazaar: 9,000 participations
INSERT INTO bazaars_participation (status, applied_at, decided_at, eligibility_override,
                                   override_reason, note, bazaar_id, business_id)
SELECT 'accepted', now(), now(), false, '', '', z.id, b.id
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM bazaars_bazaar
      WHERE slug LIKE 'bazar-bench-%%') z
CROSS JOIN generate_series(1, 30) AS k
JOIN umkm_business b ON b.slug = 'bench-' || ((z.n * 1237 + k * 12347) %% 370000 + 1);

INSERT INTO bazaars_attendance (checked_in_at, day_id, participation_id)
SELECT now(), d.id, p.id
FROM bazaars_participation p JOIN bazaars_bazaarday d ON d.bazaar_id = p.bazaar_id
WHERE p.id %% 10 <> 0;

INSERT INTO bazaars_dailysales (omzet, transactions, recorded_at, day_id, participation_id)
SELECT (p.id %% 20) * 250000, 10, now(), d.id, p.id
FROM bazaars_participation p JOIN bazaars_bazaarday d ON d.bazaar_id = p.bazaar_id
WHERE p.id %% 10 <> 0;

-- 200,000 certificate cases over the types, statuses mixed
INSERT INTO certifications_certificatecase (product, halal_route, status, status_changed_at,
    number, issued_on, expires_on, expiry_overridden, expiry_override_reason, note,
    created_at, updated_at, business_id, type_id, kecamatan_id)
SELECT CASE WHEN t.per_product THEN 'Produk ' || b.id ELSE '' END, '',
       (ARRAY['issued','issued','issued','submitted','referred','needed','issued','rejected'])
         [1 + b.id %% 8],
       now(),
       CASE WHEN b.id %% 8 IN (0, 1, 2, 6) THEN 'BENCH' || b.id ELSE '' END,
       CASE WHEN b.id %% 8 IN (0, 1, 2, 6) THEN DATE '2019-01-01' + (b.id %% 2000)::int END,
       CASE WHEN b.id %% 8 IN (0, 1, 2, 6) AND t.validity <> 'none'
            THEN DATE '2019-01-01' + (b.id %% 2000)::int + 365 * 3 END,
       false, '', '', now(), now(), b.id, t.id, left(b.kelurahan_id, 8)
FROM umkm_business b
JOIN (SELECT id, per_product, validity, row_number() OVER (ORDER BY id) - 1 AS n
      FROM certifications_certificatetype) t ON t.n = b.id %% 6
WHERE b.slug LIKE 'bench-%%' AND b.id %% 20 < 11;
"""


# The register's past (issue 13): owners' gender and birth dates; the 7P stages each business
# reached, dated from its binaan_since; and dated changes of status and kelurahan for half of
# the businesses, made as the services make them: a plain UPDATE of the business, the day the
# change takes effect in the transaction-local setting its trigger reads (umkm.models.states).
FILL_HISTORY_SQL = """
UPDATE umkm_owner SET gender = CASE WHEN id %% 5 < 3 THEN 'P' ELSE 'L' END,
       birth_date = CASE WHEN id %% 23 = 0 THEN NULL
                         ELSE DATE '1955-01-01' + ((id::bigint * 7919) %% 17000)::int END
WHERE full_name LIKE 'Pemilik %%';

INSERT INTO umkm_businessstage (business_id, stage_id, reached_on, created_at)
SELECT b.id, st.id, b.binaan_since + (st."order" - 1) * 120, now()
FROM umkm_business b
JOIN umkm_stage cur ON cur.id = b.current_stage_id
JOIN umkm_stage st ON st."order" <= cur."order"
WHERE b.slug LIKE 'bench-%%';

DO $$
DECLARE
    k int;
    kels text[] := ARRAY(SELECT code FROM umkm_kelurahan WHERE kecamatan_id LIKE '31.73.%%'
                         ORDER BY code);
BEGIN
    FOR k IN 0..23 LOOP
        PERFORM set_config('umkm.effective_on', (DATE '2019-03-01' + k * 90)::text, true);
        PERFORM set_config('umkm.change_reason', 'bench', true);
        UPDATE umkm_business SET
            status = CASE WHEN status = 'aktif' AND id %% 3 = 0 THEN 'naik_kelas'
                          WHEN status = 'aktif' AND id %% 3 = 1 THEN 'nonaktif'
                          WHEN status = 'nonaktif' THEN 'aktif' ELSE status END,
            kelurahan_id = CASE WHEN id %% 4 = 0
                                THEN kels[1 + (id * 7) %% array_length(kels, 1)]
                                ELSE kelurahan_id END
        WHERE slug LIKE 'bench-%%' AND id %% 48 = k;
    END LOOP;
END
$$;
"""


def analyse() -> None:
    """VACUUM ANALYZE after a bulk load, as autovacuum would do on a live server: without
    statistics and a visibility map, a freshly loaded table is read the slow way (measured:
    the city report 1.8 s -> 1.1 s, one kecamatan 0.38 s -> 0.21 s on a busy machine)."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    url = f"postgresql://{params.get('user', 'postgres')}@{params['host']}:{params['port']}/"
    with psycopg.connect(url + connection.settings_dict["NAME"], autocommit=True) as conn:
        for table in (
            "umkm_business",
            "umkm_businessstate",
            "umkm_businessstage",
            "umkm_enrolment",
            "umkm_mentoring",
            "umkm_owner",
            "certifications_certificatecase",
            "bazaars_participation",
        ):
            conn.execute(f"VACUUM ANALYZE {table}")


def fill(businesses: int, stdout=sys.stdout) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bazaars.models import Bazaar
    from umkm.models import Business, BusinessState, Training

    have = Business.objects.count()
    has_activity = Training.objects.filter(title__startswith="Pelatihan Bench").exists()
    has_sections = Bazaar.objects.filter(slug__startswith="bazar-bench-").exists()
    has_history = BusinessState.objects.filter(reason="bench").exists()
    if have >= businesses and has_activity and has_sections and has_history:
        stdout.write(f"Database already holds {have:,} businesses: reused.\n")
        return
    if have and have < businesses:
        sys.exit(f"The bench database holds {have:,} businesses, fewer than asked: drop it first.")
    mentor, _ = get_user_model().objects.get_or_create(username="bench-mentor")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        params = {"n": businesses, "one": ONE_KECAMATAN, "one_count": ONE_KECAMATAN_BUSINESSES}
        if not have:
            cursor.execute(FILL_SQL, params)
        if not has_activity:
            cursor.execute(FILL_ACTIVITY_SQL, {"mentor": mentor.pk})
        if not has_sections:
            cursor.execute(FILL_SECTIONS_SQL, {})
        if not has_history:
            cursor.execute(FILL_HISTORY_SQL, {})
        cursor.execute("ANALYZE")
    stdout.write(f"Filled {businesses:,} businesses in {time.perf_counter() - started:.0f} s.\n")


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def bench_dashboard(runs: int, *, snapshots: bool = True) -> dict:
    """p50/p95 of the city report and one kecamatan. With `snapshots` (as served), a request
    after the first reuses the kept figures (reports.selectors.build_report) until the data
    changes; without, every request computes them: the figure after any write."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from reports import selectors

    selectors.SNAPSHOTS = snapshots

    user, _ = get_user_model().objects.get_or_create(username="bench-pejabat")
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    results = {}
    for name, url in (
        ("city", "/laporan/?tahun=2023"),
        ("kecamatan", f"/laporan/kecamatan/{ONE_KECAMATAN}/?tahun=2023"),
    ):
        assert client.get(url).status_code == 200
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        results[name] = {
            "p50": statistics.median(times),
            "p95": _percentile(times, 95),
            "runs": runs,
        }
    selectors.SNAPSHOTS = True
    return results


def bench_concurrent(url: str, runs: int, clients: int = 4) -> dict:
    """The city report through a real server (gunicorn, `clients` sync workers, the shared
    cache): p95 of one client alone, then of `clients` clients at once, each making `runs`
    requests; then `rounds` times a write followed by `clients` requests at once (all of them
    the first after the write: one computes, the others wait for its figures)."""
    cookie = _session_cookie()
    server = _Server(url, workers=clients)
    path = "/laporan/?tahun=2023"
    try:
        for _ in range(clients):  # every worker warm (modules, templates); the report kept
            server.get(path, cookie)

        def one(times, count=runs):
            for _ in range(count):
                times.append(server.get(path, cookie))

        def at_once(count=runs, n=clients):
            together = [[] for _ in range(n)]
            threads = [threading.Thread(target=one, args=(t, count)) for t in together]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return [t for times in together for t in times]

        # Sequential requests need not reach every worker (the kernel may hand them all to
        # one): a first request in a cold worker (imports, templates, its copy of the rendered
        # tables) costs ~200 ms and, among 80, made the 4-client p95. Warm all of them at once.
        at_once(3)
        alone = []
        one(alone)
        # As many clients as the machine has cores: requests that share nothing but the CPU
        # take as long as one alone; with more clients than cores they queue for it.
        cores = min(clients, os.cpu_count() or 1)
        per_core = at_once(n=cores)
        every = at_once()
        after_write_alone, after_write_together = [], []
        for _ in range(3):
            _touch_register()
            one(after_write_alone, 1)
            _touch_register()
            after_write_together.extend(at_once(1))
    finally:
        server.stop()
    return {
        "alone_p50": statistics.median(alone),
        "alone_p95": _percentile(alone, 95),
        "cores": cores,
        "per_core_p50": statistics.median(per_core),
        "per_core_p95": _percentile(per_core, 95),
        "together_p50": statistics.median(every),
        "together_p95": _percentile(every, 95),
        "after_write_alone": statistics.median(after_write_alone),
        "after_write_together": statistics.median(after_write_together),
        "after_write_together_max": max(after_write_together),
        "clients": clients,
        "runs": runs,
    }


def _touch_register() -> None:
    """A write the figures read (one mentoring row set to itself): a new data version."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE umkm_mentoring SET monthly_omzet = monthly_omzet"
            " WHERE id = (SELECT min(id) FROM umkm_mentoring)"
        )


def bench_after_write(url: str, rounds: int = 3) -> dict:
    """What the next request after a staff write gets while the worker rebuilds: a write,
    then what the middleware does after a POST (reports.rebuild.request_rebuild), then at
    once one request (the "next request"), and once the worker has kept the report, one
    more. The worker is `manage.py db_worker` (TASKS_BACKEND=database) beside the server."""
    from django_tasks_db.models import DBTaskResult

    from reports.rebuild import request_rebuild

    cookie = _session_cookie()
    server = _Server(url, workers=2)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    path = "/laporan/?tahun=2023"
    task = "reports.rebuild.rebuild_kept_reports"
    nexts, landed, afters = [], [], []
    try:
        server.get(path, cookie)  # asked lately: the worker will rebuild it
        for _ in range(rounds):
            DBTaskResult.objects.filter(task_path=task).delete()
            _touch_register()
            written = time.perf_counter()
            assert request_rebuild()
            nexts.append(server.get(path, cookie))
            deadline = time.monotonic() + 300
            while not DBTaskResult.objects.filter(task_path=task, status="SUCCESSFUL").exists():
                assert time.monotonic() < deadline, "the worker did not rebuild"
                assert not DBTaskResult.objects.filter(task_path=task, status="FAILED").exists()
                time.sleep(0.05)
            landed.append(time.perf_counter() - written)
            afters.append(server.get(path, cookie))
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        server.stop()
    return {
        "next": statistics.median(nexts),
        "next_max": max(nexts),
        "landed": statistics.median(landed),
        "after": statistics.median(afters),
        "rounds": rounds,
    }


def _session_cookie() -> str:
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username="bench-pejabat")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


class _Server:
    """gunicorn with one sync worker; the worker's RSS is what a request costs."""

    def __init__(self, url: str, workers: int = 1):
        import socket

        import psutil

        with socket.socket() as probe:  # a free port, so as not to meet another server
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.port = port
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "600",
            ],
            cwd=ROOT,
            env=_env(url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(50):
            children = psutil.Process(self.proc.pid).children()
            if children:
                break
            time.sleep(0.1)
        self.worker = children[0]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)

    def rss(self) -> int:
        return self.worker.memory_info().rss

    def get(self, path: str, cookie: str) -> float:
        """Seconds for one whole response."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Cookie": f"sessionid={cookie}"}
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            assert response.status == 200, response.status
            response.read()
        return time.perf_counter() - started

    def download(self, path: str, cookie: str) -> tuple[float, int, int]:
        """(seconds, bytes, peak RSS of the worker during the download)."""
        peak = [self.rss()]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], self.rss())
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Cookie": f"sessionid={cookie}"}
        )
        started = time.perf_counter()
        size = 0
        with urllib.request.urlopen(request, timeout=600) as response:
            assert response.status == 200, response.status
            while chunk := response.read(1 << 20):
                size += len(chunk)
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        return elapsed, size, peak[0]


def plain_copy_seconds(url: str) -> tuple[float, int]:
    """Postgres COPY of the same SELECT as the view streams, written to /dev/null (another
    process, like the server's worker)."""
    code = (
        "import time, django, os\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from reports.selectors import Period, business_rows, city_scope\n"
        f"CSV_YEAR = {CSV_YEAR}\n"
        "rows = business_rows(city_scope(), Period.for_year(CSV_YEAR))\n"
        "sql, params = rows.query.sql_with_params()\n"
        "size = 0\n"
        "with connection.cursor() as c, open(os.devnull, 'wb') as out:\n"
        "    started = time.perf_counter()\n"
        "    with c.cursor.copy(f'COPY ({sql}) TO STDOUT WITH (FORMAT csv)', params) as copy:\n"
        "        for data in copy:\n"
        "            out.write(data); size += len(data)\n"
        "    print(time.perf_counter() - started, size)\n"
    )
    env = {**_env(url), "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[-2]), int(out[-1])


def bench_files(url: str, copy_runs: int) -> dict:
    cookie = _session_cookie()
    server = _Server(url)
    try:
        # Warm up: modules, templates, connection.
        server.download(
            f"/laporan/kecamatan/{ONE_KECAMATAN}/ekspor/csv/?tahun=2023&tabel=ringkasan", cookie
        )
        server.download(
            f"/laporan/kecamatan/{ONE_KECAMATAN}/ekspor/csv/?tahun=2023&tabel=umkm", cookie
        )
        idle = server.rss()
        view_times, copy_times, peaks, size = [], [], [], 0
        for _ in range(copy_runs):
            seconds, size, peak = server.download(
                f"/laporan/ekspor/csv/?tahun={CSV_YEAR}&tabel=umkm", cookie
            )
            view_times.append(seconds)
            peaks.append(peak - idle)
            copy_times.append(plain_copy_seconds(url)[0])
        xlsx_times = []
        for _ in range(3):
            seconds, xlsx_size, _peak = server.download(
                f"/laporan/kecamatan/{ONE_KECAMATAN}/ekspor/xlsx/?tahun=2023", cookie
            )
            xlsx_times.append(seconds)
    finally:
        server.stop()
    return {
        "csv_seconds": statistics.median(view_times),
        "copy_seconds": statistics.median(copy_times),
        "csv_bytes": size,
        "csv_rss_above_idle_mb": max(peaks) / 1e6,
        "idle_rss_mb": idle / 1e6,
        "xlsx_seconds": statistics.median(xlsx_times),
        "xlsx_bytes": xlsx_size,
        "runs": copy_runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--businesses", type=int, default=370_000)
    parser.add_argument("--runs", type=int, default=20, help="dashboard requests per page")
    parser.add_argument("--copy-runs", type=int, default=3, help="CSV downloads and plain COPYs")
    parser.add_argument("--concurrent", action="store_true", help="4 clients through gunicorn")
    parser.add_argument("--no-files", action="store_true", help="skip the CSV and XLSX part")
    parser.add_argument(
        "--no-dashboard", action="store_true", help="skip the in-process dashboard part"
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.update(_env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    prepare(url, args.businesses)

    import django

    django.setup()
    from umkm.models import Business

    fill(args.businesses)
    analyse()
    rows = Business.objects.filter(kelurahan__code__startswith="31.73.").count()
    one = Business.objects.filter(kelurahan__code__startswith=ONE_KECAMATAN + ".").count()
    print(f"Businesses: {rows:,} in the city, {one:,} in {ONE_KECAMATAN}")

    print(f"load average before: {_loadavg()}")
    for label, snapshots in () if args.no_dashboard else (("kept", True), ("computed", False)):
        dash = bench_dashboard(args.runs, snapshots=snapshots)
        for name, target in (("city", 0.25), ("kecamatan", 0.1)):
            d = dash[name]
            verdict = "ok" if d["p95"] <= target else "TOO SLOW"
            print(
                f"dashboard {name:9} ({label:8}): p50 {d['p50'] * 1000:6.0f} ms"
                f"  p95 {d['p95'] * 1000:6.0f} ms  (target p95 <= {target * 1000:.0f} ms,"
                f" {d['runs']} runs, load {_loadavg()}) {verdict}"
            )
    if args.concurrent:
        c = bench_concurrent(url, args.runs)
        ratio = c["together_p95"] / c["alone_p95"]
        print(
            f"city through gunicorn: 1 client p50/p95 {c['alone_p50'] * 1000:.0f}/"
            f"{c['alone_p95'] * 1000:.0f} ms, {c['clients']} clients p50/p95 "
            f"{c['together_p50'] * 1000:.0f}/{c['together_p95'] * 1000:.0f} ms = {ratio:.2f}x "
            f"(target <= 2x, {c['runs']} requests each, load {_loadavg()})"
        )
        print(
            f"  {c['cores']} clients at once (one per core) p50/p95 "
            f"{c['per_core_p50'] * 1000:.0f}/{c['per_core_p95'] * 1000:.0f} ms = "
            f"{c['per_core_p95'] / c['alone_p95']:.2f}x the 1-client p95"
        )
        print(
            f"city, first request after a write: 1 client {c['after_write_alone']:.2f} s, "
            f"{c['clients']} clients at once {c['after_write_together']:.2f} s"
            f" (max {c['after_write_together_max']:.2f} s), medians of 3, load {_loadavg()}"
        )
        w = bench_after_write(url)
        print(
            f"city, next request after a write with the worker rebuilding: {w['next']:.2f} s"
            f" (max {w['next_max']:.2f} s); rebuild kept {w['landed']:.2f} s after the write;"
            f" a request after that {w['after'] * 1000:.0f} ms; medians of {w['rounds']},"
            f" load {_loadavg()}"
        )
    if args.no_files:
        return
    files = bench_files(url, args.copy_runs)
    ratio = files["csv_seconds"] / files["copy_seconds"]
    print(
        f"CSV all businesses: {files['csv_seconds']:.2f} s through the view vs "
        f"{files['copy_seconds']:.2f} s plain COPY = {ratio:.2f}x (target <= 1.1x), "
        f"{files['csv_bytes'] / 1e6:.1f} MB, worker RSS +{files['csv_rss_above_idle_mb']:.1f} MB "
        f"above idle {files['idle_rss_mb']:.0f} MB (target < 20 MB), median of {files['runs']}"
    )
    print(
        f"XLSX {ONE_KECAMATAN}: {files['xlsx_seconds']:.2f} s, {files['xlsx_bytes'] / 1e6:.1f} MB "
        f"(target < 5 s)"
    )


if __name__ == "__main__":
    main()
