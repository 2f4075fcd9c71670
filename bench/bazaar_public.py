"""Benchmark of the public bazaar pages at DKI scale (issue 4). One command:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm_bench_bazaars \\
        .venv/bin/python bench/bazaar_public.py [--businesses 370000] [--seconds 12] [--workers 2]

Use a database of its own: the script migrates it, then tops it up to --businesses bare
businesses (owners + businesses through COPY, ~1 min for 370,000; reused on later runs) and to
500 published bazaars, each with 2 days and 60 booths, every booth taken by an accepted
participation. It then serves the app with gunicorn (DEBUG off, loopback only, --workers sync
workers) twice and measures, in one run:

1. without any cache (BAZAAR_PUBLIC_CACHE=0): p50/p95 of sequential requests to /bazar/ and to
   a /bazar/<slug>/ with 60 participants (one client, so the time is the server's plus a
   loopback round trip);
2. with the cache on: throughput of /bazar/, /bazar/<slug>/ and of a bare Django view (a trivial
   HttpResponse behind the same middleware), each loaded for --seconds (in 3 interleaved
   rounds) by the same bounded load loop (2 processes x 4 threads, new connection per request).

Server time comes from a Server-Timing header that bench/settings_bench.py's middleware adds
(wall and CPU time inside the worker).

Nothing is left running: gunicorn is stopped at the end, also on errors.
"""

import argparse
import datetime
import hashlib
import io
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from multiprocessing import Pool
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

BAZAARS = 500
PARTICIPANTS = 60
PREFIX = "bench-bazar-"
ROUNDS = 3


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")  # for the data phase only (dev keys)
    import django

    django.setup()


def ensure_businesses(target: int, consenting: float = 0.8, city: str | None = None) -> None:
    """Top the register up to `target` bare businesses, a share `consenting` of the new ones
    with a public profile, in the kelurahan of all DKI or of one `city`."""
    from django.db import connection
    from django.utils import timezone

    from umkm.crypto import encrypt_nik
    from umkm.models import Business, Kelurahan, Sector

    have = Business.objects.count()
    if have >= target:
        print(f"businesses: {have} present")
        return
    missing = target - have
    print(f"businesses: {have} present, adding {missing} bare ones with COPY ...", flush=True)
    started = time.perf_counter()
    areas = Kelurahan.objects.filter(kecamatan__city_id=city) if city else Kelurahan.objects
    kelurahan = list(areas.values_list("code", flat=True))
    sectors = list(Sector.objects.values_list("id", flat=True))
    cipher = bytes(encrypt_nik("3173021507850001"))  # one ciphertext: bench data only
    now = timezone.now().isoformat()
    rnd = random.Random(4)
    run = hashlib.sha256(str(time.time()).encode()).hexdigest()[:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM umkm_owner")
        first_owner = cursor.fetchone()[0] + 1
        raw = cursor.connection
        with raw.cursor().copy(
            "COPY umkm_owner (id, full_name, nik_ciphertext, nik_index, gender, phone, email,"
            " address, kelurahan_id, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(missing):
                index = hashlib.sha256(f"{run}-{i}".encode()).hexdigest()
                copy.write_row(
                    (
                        first_owner + i,
                        f"Pemilik {i}",
                        cipher,
                        index,
                        "P" if i % 2 else "L",
                        "",
                        "",
                        "",
                        rnd.choice(kelurahan),
                        now,
                        now,
                    )
                )
        with raw.cursor().copy(
            "COPY umkm_business (name, slug, owner_id, sector_id, products, kelurahan_id,"
            " address, kbli, scale, binaan_since, status, public_consent, public_consent_at,"
            " photo, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(missing):
                consent = i % 15 < round(15 * consenting)
                copy.write_row(
                    (
                        f"UMKM Bench {run} {i}",
                        f"umkm-bench-{run}-{i}",
                        first_owner + i,
                        rnd.choice(sectors),
                        "Aneka produk",
                        rnd.choice(kelurahan),
                        "",
                        "",
                        "",
                        datetime.date(2020 + i % 5, 1 + i % 12, 1),
                        "aktif",
                        consent,
                        now if consent else None,
                        "",
                        now,
                        now,
                    )
                )
        cursor.execute("SELECT setval('umkm_owner_id_seq', (SELECT max(id) FROM umkm_owner))")
        cursor.execute("ANALYZE umkm_owner; ANALYZE umkm_business;")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)


def ensure_bazaars() -> str:
    """500 published bazaars with 60 accepted participants each; returns a detail slug."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bazaars.models import Bazaar, BazaarDay, Booth, Participation, Venue
    from umkm.models import Business, Kelurahan

    have = Bazaar.objects.filter(slug__startswith=PREFIX).count()
    if have < BAZAARS:
        print(f"bazaars: adding {BAZAARS - have} with {PARTICIPANTS} participants each ...")
        started = time.perf_counter()
        rnd = random.Random(9)
        kelurahan = list(Kelurahan.objects.all())
        ids = list(Business.objects.values_list("id", flat=True)[:200_000])
        venues = [
            Venue.objects.get_or_create(
                name=f"Bench venue {k.code}",
                defaults={"address": f"Jl. {k.name} No. 1", "kelurahan": k},
            )[0]
            for k in kelurahan[:60]
        ]
        today = timezone.localdate()
        now = timezone.now()
        for n in range(have, BAZAARS):
            with transaction.atomic():
                start = today + datetime.timedelta(days=rnd.randint(-2500, 400))
                bazaar = Bazaar.objects.create(
                    title=f"Bazar UMKM {n}",
                    slug=f"{PREFIX}{n}",
                    venue=rnd.choice(venues),
                    organiser="Bench",
                    booth_count=PARTICIPANTS,
                    status="published",
                    published_at=now,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=1),
                )
                BazaarDay.objects.bulk_create(
                    BazaarDay(
                        bazaar=bazaar,
                        date=start + datetime.timedelta(days=d),
                        opens_at=datetime.time(9),
                        closes_at=datetime.time(21),
                    )
                    for d in (0, 1)
                )
                booths = Booth.objects.bulk_create(
                    Booth(bazaar=bazaar, code=f"A{b:02d}") for b in range(1, PARTICIPANTS + 1)
                )
                chosen = rnd.sample(ids, PARTICIPANTS)
                Participation.objects.bulk_create(
                    Participation(
                        bazaar=bazaar,
                        business_id=business,
                        booth=booth,
                        status="accepted",
                        decided_at=now,
                    )
                    for business, booth in zip(chosen, booths, strict=True)
                )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    # A bazaar page with 60 participants of whom most consented.
    return f"{PREFIX}{BAZAARS - 1}"


# --- serving and measuring ------------------------------------------------------------------


def server_env(static_root: str, cache: bool = True) -> dict:
    """Production-like settings (DEBUG off), loopback only."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "NIK_ENCRYPTION_KEYS": "ZGV2LW9ubHktbmlrLWtleS1jaGFuZ2UtbWUtMDAwMCE=",
        "NIK_HMAC_KEY": "dev-only-nik-hmac-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_COOKIES": "0",  # the name the settings use after the security work (issue 8)
        "BEHIND_PROXY": "0",
        "STATIC_ROOT": static_root,
        "BAZAAR_PUBLIC_CACHE": "1" if cache else "0",
        "CACHE_URL": "locmemcache://bench",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BASE_DIR),
    }


def gunicorn(port: int, workers: int, cache: bool, static_root: str):
    env = server_env(static_root, cache)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.status


def latency(url: str, n: int) -> dict[str, tuple[float, float]]:
    """p50/p95 of the server's own wall time and CPU time (Server-Timing, measured in the
    worker) and of the whole round trip seen by the client."""
    for _ in range(20):
        get(url)  # warm-up: connections, templates
    server, cpu, total = [], [], []
    for _ in range(n):
        t = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            assert response.status == 200
            timing = response.headers["Server-Timing"]
        total.append((time.perf_counter() - t) * 1000)
        app, used = (float(part.split("dur=")[1]) for part in timing.split(", "))
        server.append(app)
        cpu.append(used)

    def pct(values, q):
        values = sorted(values)
        return values[max(int(len(values) * q) - 1, 0)]

    return {
        name: (pct(values, 0.5), pct(values, 0.95))
        for name, values in (("server", server), ("cpu", cpu), ("total", total))
    }


def _load_process(args) -> int:
    url, seconds, threads = args
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def loop(i):
        while time.perf_counter() < stop:
            if get(url) == 200:
                done[i] += 1

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(done)


def throughput(url: str, seconds: float, processes: int = 2, threads: int = 4) -> float:
    for _ in range(20):
        get(url)
    with Pool(processes) as pool:
        counts = pool.map(_load_process, [(url, seconds, threads)] * processes)
    return sum(counts) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--businesses", type=int, default=370_000)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    ensure_businesses(args.businesses)
    slug = ensure_bazaars()

    static_root = tempfile.mkdtemp(prefix="bench-static-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=server_env(static_root),
        check=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    pages = {"/bazar/": f"{base}/bazar/", "/bazar/<slug>/ (60)": f"{base}/bazar/{slug}/"}
    out = io.StringIO()
    print(
        f"workers: {args.workers} gunicorn sync, loopback; bazaars: {BAZAARS}; "
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        file=out,
    )

    server = gunicorn(args.port, args.workers, cache=False, static_root=static_root)
    try:
        print(
            f"\nwithout cache, {args.requests} sequential requests (ms, p50/p95):"
            " server time | worker CPU | round trip",
            file=out,
        )
        for name, url in pages.items():
            r = latency(url, args.requests)
            print(
                f"  {name:24} "
                + " | ".join(f"{r[k][0]:5.1f} /{r[k][1]:5.1f}" for k in ("server", "cpu", "total")),
                file=out,
            )
        print(f"  load average after: {os.getloadavg()[0]:.1f}", file=out)
    finally:
        server.terminate()
        server.wait()

    server = gunicorn(args.port, args.workers, cache=True, static_root=static_root)
    try:
        print(
            f"\nwith cache, throughput (requests/s), {args.seconds:.0f} s per URL in"
            f" {ROUNDS} interleaved rounds (so that the other jobs' load hits all alike):",
            file=out,
        )
        urls = {"bare Django view": f"{base}/bench/bare/", **pages}
        done = dict.fromkeys(urls, 0.0)
        for _ in range(ROUNDS):
            for name, url in urls.items():
                done[name] += throughput(url, args.seconds / ROUNDS) * args.seconds / ROUNDS
        bare = done["bare Django view"] / args.seconds
        for name in urls:
            rps = done[name] / args.seconds
            print(f"  {name:24} {rps:7.0f}  ({rps / bare:.0%} of bare)", file=out)
    finally:
        server.terminate()
        server.wait()
    print(out.getvalue())


if __name__ == "__main__":
    main()
