"""Load and fault run (issue 8): 50 concurrent users on the public pages and a staff page,
Postgres restarted in the middle, then a check that nothing acknowledged was lost.

    .venv/bin/python bench/load_faults.py [--users 50] [--seconds 180] [--no-restart]

It starts everything it needs on loopback: a private embedded Postgres (var/bench-load-pg,
port 54339, so the restart touches nothing else), the demo data, gunicorn with production
settings (DEBUG off) on 127.0.0.1:8101. Every request loop is bounded in time and stops by
itself. Prints a report; exit status 1 when a check fails.
"""

import argparse
import statistics
import threading
import time
import uuid
from collections import Counter

from _harness import Browser, Gunicorn, dbserver, embedded_postgres, manage, p95, production_env

PG_PORT, PG_FOLDER, HTTP_PORT = 54339, "bench-load-pg", 8101
STAFF, PASSWORD = "bench-staff", "bench-password-2023!"


def prepare() -> dict:
    base = embedded_postgres(PG_PORT, PG_FOLDER)
    env = production_env(f"{base}/umkm_load")
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
    env = prepare()
    server = Gunicorn(env, HTTP_PORT, workers=args.workers)
    results: list[tuple[float, str, int, float]] = []
    acknowledged_writes: list[str] = []
    lock = threading.Lock()
    stop_at = time.time() + args.seconds
    try:
        probe = Browser(server.url)
        paths = public_paths(probe)
        staff_paths = ["/admin/", "/admin/auth/group/"]
        for extra in ("/admin/umkm/business/", "/admin/umkm/business/?q=warung"):
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
                    status, _ = browser.get(path, timeout=10)
                except Exception:
                    status = 0  # connection refused / reset / timeout
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
        for t in threads:
            t.start()
        down_at = up_at = None
        if not args.no_restart:
            time.sleep(args.seconds / 2)
            down_at = time.time()
            dbserver("stop", PG_PORT, PG_FOLDER)
            time.sleep(2)
            dbserver("start", PG_PORT, PG_FOLDER)
            up_at = time.time()
        for t in threads:
            t.join()
    finally:
        server.stop()

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
    failures = [(t, p, s) for t, p, s, _ in results if s == 0 or s >= 500]
    if down_at is None:
        if failures:
            ok = False
            print(f"FAIL: {len(failures)} failed requests without any fault")
    else:
        outside = [f for f in failures if not (down_at - 10 <= f[0] <= up_at + 5)]
        late_ok = [r for r in results if r[0] > up_at + 5]
        print(
            f"database down {up_at - down_at:.1f}s; failed requests: {len(failures)}, "
            f"all within the outage window: {not outside}"
        )
        recovered = [r for r in results if r[0] > up_at and r[2] == 200]
        first_ok = min((r[0] for r in recovered), default=None)
        if first_ok is not None:
            print(f"first success {first_ok - up_at:.2f}s after the database was back")
        if outside or first_ok is None or first_ok - up_at > 5 or not late_ok:
            ok = False
            print("FAIL: failures outside the outage window or no recovery within 5 s")
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
    parser.add_argument("--no-restart", action="store_true")
    try:
        raise SystemExit(run(parser.parse_args()))
    finally:
        dbserver("stop", PG_PORT, PG_FOLDER)
