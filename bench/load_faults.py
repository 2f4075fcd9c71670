"""Load and fault run (issues 8 and 14): 50 concurrent users on the public pages, staff and
report pages, while the shared parts fail in turn: Redis stopped and started, then the read
replica, then Postgres itself; then a check that nothing acknowledged was lost.

    .venv/bin/python bench/load_faults.py [--users 50] [--seconds 180] [--outage 15]
        [--faults redis,replica,postgres]
    .venv/bin/python bench/load_faults.py --no-restart     # load only, no fault

It starts everything it needs on loopback: a private embedded Postgres (var/bench-load-pg,
port 54339, so the restart touches nothing else), a real streaming replica of it made with
`pg_basebackup -R` (var/bench-load-replica, port 54340), a private redis-server (port 6391,
no persistence) as the cache, the demo data, gunicorn with production settings (DEBUG off) on
127.0.0.1:8101. Every request loop is bounded in time and stops by itself. Prints a report;
exit status 1 when a check fails: any 5xx or connection error outside Postgres's own outage
(Redis and the replica must cost nothing), no recovery within 5 s of Postgres being back, or
an acknowledged write missing afterwards.
"""

import argparse
import statistics
import threading
import time
import uuid
from collections import Counter

from _harness import (
    Browser,
    Gunicorn,
    RedisServer,
    dbserver,
    embedded_postgres,
    manage,
    p95,
    production_env,
    streaming_replica,
)

PG_PORT, PG_FOLDER, HTTP_PORT = 54339, "bench-load-pg", 8101
REPLICA_PORT, REPLICA_FOLDER, REDIS_PORT = 54340, "bench-load-replica", 6391
# A visitor waits this long (gunicorn's own timeout is 60 s). On 2 cores shared with other
# work a page can take several seconds; a shorter wait would count slowness as a fault.
CLIENT_TIMEOUT = 30
STAFF, PASSWORD = "bench-staff", "bench-password-2023!"


def prepare(faults: list[str], redis: RedisServer | None) -> dict:
    base = embedded_postgres(PG_PORT, PG_FOLDER)
    env = production_env(f"{base}/umkm_load")
    if redis is not None:
        env["CACHE_URL"] = redis.url
    import subprocess
    import sys

    from _harness import BASE_DIR

    subprocess.run(
        [sys.executable, "-m", "config.dbserver", "ensure-db"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "seed_demo", "--if-empty")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User;"
        f"u,_=User.objects.get_or_create(username='{STAFF}');"
        "u.is_staff=u.is_superuser=True;"
        f"u.set_password('{PASSWORD}');u.save()",
    )
    if "replica" in faults:
        replica = streaming_replica(PG_PORT, REPLICA_PORT, REPLICA_FOLDER)
        env["DATABASE_REPLICA_URL"] = f"{replica}/umkm_load"
    return env


def public_paths(browser: Browser) -> list[str]:
    paths = ["/", "/healthz"]
    for candidate in ("/bazar/", "/bazar/jadwal.ics"):
        if browser.get(candidate)[0] == 200:
            paths.append(candidate)
    status, body = browser.get("/bazar/")
    if status == 200:
        import re

        slugs = re.findall(rb'href="(/bazar/[a-z0-9-]+/)"', body)
        paths += sorted({s.decode() for s in slugs})[:3]
    return paths


def run(args) -> int:
    faults = [] if args.no_restart else [f for f in args.faults.split(",") if f]
    redis = RedisServer(REDIS_PORT)
    env = prepare(faults, redis)
    server = Gunicorn(env, HTTP_PORT, workers=args.workers)
    results: list[tuple[float, str, int, float]] = []
    windows: list[tuple[str, float, float]] = []  # (fault, stopped at, running again at)
    acknowledged_writes: list[str] = []
    lock = threading.Lock()
    stop_at = time.time() + args.seconds  # set again when the load starts (after sign-ins)
    try:
        probe = Browser(server.url)
        paths = public_paths(probe)
        staff_paths = ["/admin/", "/admin/auth/group/"]
        for extra in (
            "/admin/umkm/business/",
            "/admin/umkm/business/?q=warung",
            "/laporan/",  # report reads: the replica's, when it is healthy
            "/laporan/kecamatan/31.73.02/",
        ):
            if _staff(server.url).get(extra)[0] == 200:
                staff_paths.append(extra)

        # Staff sign in before the load starts (a sign-in is deliberately slow: password hashing).
        staff_browsers = {n: _staff(server.url) for n in range(0, args.users, 5)}
        writer_browser = _staff(server.url)

        def visitor(n: int):
            browser = staff_browsers.get(n) or Browser(server.url)
            mine = staff_paths if n in staff_browsers else paths
            i = n
            while time.time() < stop_at:
                path = mine[i % len(mine)]
                i += 1
                started = time.time()
                try:
                    status, _ = browser.get(path, timeout=CLIENT_TIMEOUT)
                except TimeoutError:
                    status = -1  # the user gave up: slower than CLIENT_TIMEOUT
                except Exception as exc:
                    # urllib wraps a timeout while connecting in URLError
                    timed_out = isinstance(getattr(exc, "reason", None), TimeoutError)
                    status = -1 if timed_out else 0  # 0: connection refused / reset
                with lock:
                    results.append((started, path, status, time.time() - started))

        def writer():
            browser = writer_browser
            while time.time() < stop_at:
                name = f"load-{uuid.uuid4().hex[:10]}"
                try:
                    status, _ = browser.post_form("/admin/auth/group/add/", {"name": name})
                except Exception:
                    status = 0
                if status == 302:
                    with lock:
                        acknowledged_writes.append(name)
                time.sleep(0.2)

        threads = [threading.Thread(target=visitor, args=(n,)) for n in range(args.users)]
        threads.append(threading.Thread(target=writer))
        # The run's clock starts with the load, not before the sign-ins (tens of seconds on a
        # loaded machine): the faults are placed in it and the last one needs its aftermath.
        stop_at = time.time() + args.seconds
        for t in threads:
            t.start()
        drills = {
            "redis": (redis.stop, redis.start, args.outage),
            "replica": (
                lambda: dbserver("stop", REPLICA_PORT, REPLICA_FOLDER),
                lambda: dbserver("start", REPLICA_PORT, REPLICA_FOLDER),
                args.outage,
            ),
            "postgres": (
                lambda: dbserver("stop", PG_PORT, PG_FOLDER),
                lambda: dbserver("start", PG_PORT, PG_FOLDER),
                2,
            ),
        }
        started = time.time()
        for n, name in enumerate(faults, start=1):
            # Evenly spread: the k-th fault starts at k/(n+1) of the run.
            time.sleep(max(0, started + args.seconds * n / (len(faults) + 1) - time.time()))
            stop, start, seconds = drills[name]
            down = time.time()
            stop()
            time.sleep(seconds)
            start()
            windows.append((name, down, time.time()))
        for t in threads:
            t.join()
    finally:
        server.stop()
        redis.stop()

    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        stored = {
            r[0] for r in conn.execute("SELECT name FROM auth_group WHERE name LIKE 'load-%'")
        }
    lost = [w for w in acknowledged_writes if w not in stored]

    ok = True
    statuses = Counter(s for _, _, s, _ in results)
    print(
        f"requests: {len(results)} in {args.seconds}s with {args.users} users "
        f"({len(results) / args.seconds:.0f}/s); statuses: {dict(statuses)}"
    )
    for path in sorted({p for _, p, _, _ in results}):
        lat = [d for _, p, s, d in results if p == path and s == 200] or [float("nan")]
        print(
            f"  {path:<40} n={len(lat):>6}  p50={statistics.median(lat) * 1000:7.1f} ms"
            f"  p95={p95(lat) * 1000:7.1f} ms"
        )
    failures = [(t, p, s) for t, p, s, _ in results if s <= 0 or s >= 500]
    # Only Postgres's own outage may cost requests: from 10 s before it (requests in flight)
    # to 5 s after it is back. Redis and the replica must cost nothing.
    allowed = [(down - 10, up + 5) for name, down, up in windows if name == "postgres"]
    outside = [f for f in failures if not any(a <= f[0] <= b for a, b in allowed)]
    for name, down, up in windows:
        during = [r for r in results if down <= r[0] <= up]
        bad = [r for r in during if r[2] <= 0 or r[2] >= 500]
        lat = [r[3] for r in during if r[2] == 200] or [float("nan")]
        print(
            f"{name} down {up - down:.1f}s: {len(during)} requests meanwhile, {len(bad)} failed, "
            f"p95 {p95(lat) * 1000:.0f} ms"
        )
        if name == "postgres":
            # Recovery: the first answer after the database is back from a request that
            # needed it (sent once it had gone down), counted when the answer came.
            recovered = [r[0] + r[3] for r in results if r[0] >= down and r[2] == 200]
            first_ok = min((t for t in recovered if t > up), default=None)
            late_ok = [r for r in results if r[0] > up + 5]
            late_failed = [r for r in late_ok if r[2] <= 0 or r[2] >= 500]
            if first_ok is not None:
                print(f"  first success {first_ok - up:.2f}s after the database was back")
            if first_ok is None or first_ok - up > 5 or not late_ok or late_failed:
                ok = False
                print("FAIL: no recovery within 5 s of the database being back")
    print(
        f"failed requests (5xx, -1 timed out after {CLIENT_TIMEOUT} s, 0 refused): "
        f"{len(failures)}, outside Postgres's outage: {len(outside)}"
    )
    for label, chosen in (("outside", outside), ("all", failures)):
        kinds = Counter((p, s) for _, p, s in chosen)
        if kinds:
            print(f"  {label}, by path and status: {dict(kinds)}")
    if outside:
        ok = False
        print("FAIL: failures outside Postgres's outage window")
    print(f"writes acknowledged: {len(acknowledged_writes)}, lost: {len(lost)}")
    if lost:
        ok = False
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


def _staff(url: str) -> Browser:
    browser = Browser(url)
    browser.login(STAFF, PASSWORD)
    return browser


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--faults", default="redis,replica,postgres")
    parser.add_argument("--outage", type=float, default=15, help="seconds Redis/replica are down")
    parser.add_argument("--no-restart", action="store_true", help="no fault at all")
    try:
        raise SystemExit(run(parser.parse_args()))
    finally:
        dbserver("stop", REPLICA_PORT, REPLICA_FOLDER)
        dbserver("stop", PG_PORT, PG_FOLDER)
