"""Public pages against a truly bare Django project, side by side in one run (issue 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm_bench_serving \\
        .venv/bin/python bench/public_serving.py [--businesses 370000] [--seconds 8] [--grid]
        [--grid-only | --directory-only]

Needs `wrk` (apt-get install wrk) and the machine's Redis (database 9, flushed before and
after). Use a database of its own: the data are bench/bazaar_public.py's (bare owners and
businesses through COPY, a third of them consenting to a public profile, and 500 published
bazaars of 60 participants), built once and reused.

Both servers run the same gunicorn binary with the same config (deploy/gunicorn.conf.py) and
the same worker and thread counts, one after the other on 127.0.0.1:8790:
- the anchor: bench/bare_project/, a separate minimal project (startproject's settings and
  middleware, no database) whose one view returns 12 KB of HTML;
- the portal with production settings (DEBUG off, Redis cache, the public page cache on).
Each URL is loaded by `wrk -t2 -c8` for --seconds, right after the bare project (each page's
share is of the anchor measured just before it), in two rounds; requests/s, p50 and p99 are
wrk's, the load average is printed beside every figure. Beside requests/s, the CPU time each
request cost the server (its gunicorn processes) and the services it uses (Redis, Postgres),
read from /proc (psutil) around each wrk window: on a shared host the rate follows whatever
else runs, while the CPU a request costs does not, and with 8 connections on 2 cores the
server is saturated, so the inverse of the CPU cost is the rate it can reach. Its share is
"of bare's rate": the bare request's CPU over the page's. Then the directory's cost of a cache
miss (the page built from the database: first page, a deep page, a search, a filter) as
sequential latency with the cache off, and with --grid a small grid of gunicorn settings
(workers, threads, max_requests), on the cached pages alone and with one request in ten a
new directory search (a miss on Postgres); --grid-only runs the grid alone. Between: the
directory mix right after a change (the public version bumped in Redis, as any staff save
does), three times; --directory-only runs the directory's figures alone.

Nothing is left running: each gunicorn is stopped, also on errors.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import bazaar_public
from _harness import Gunicorn

PORTAL, BARE, UNCACHED, GRID = 8790, 8791, 8792, 8793
REDIS_DB = 9
ROUNDS = 2
AFTER_CHANGE_RUNS = 3
# bazaars.cache.VERSION_KEY as django-redis stores it (no KEY_PREFIX, version 1)
VERSION_KEY = ":1:bazaars:public:version"
CITY = "31.73"  # the office's city (OFFICE_CITY_CODE): every bench business is in it
# (workers, threads, max_requests): the grid of --grid, on this 2-core machine
GRID_SETTINGS = [(2, 1, 0), (3, 1, 0), (5, 1, 0), (2, 4, 0), (3, 4, 0), (3, 4, 2000), (3, 8, 0)]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def build_data(businesses: int) -> tuple[str, str]:
    """The bench data (reused when present); returns a bazaar slug and a business slug."""
    bazaar_public.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from umkm.models import Business

    call_command("migrate", verbosity=0)
    bazaar_public.ensure_businesses(businesses, consenting=1 / 3, city=CITY)
    bazaar = bazaar_public.ensure_bazaars()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) umkm_business")
    listed = Business.objects.listed_publicly().filter(kelurahan__kecamatan__city_id=CITY)
    print(f"businesses: {Business.objects.count()}, consenting in the city: {listed.count()}")
    return bazaar, listed.order_by("name").values_list("slug", flat=True).first()


def redis(*args: str) -> str:
    done = subprocess.run(
        ["redis-cli", "-n", str(REDIS_DB), *args], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def portal_env(static_root: str, cache: bool = True, **extra) -> dict:
    env = bazaar_public.server_env(static_root, cache)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",  # production's, no timing middleware
        CACHE_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        GUNICORN_ACCESS_LOG="/dev/null",
        **{k: str(v) for k, v in extra.items()},
    )
    return env


def bare_env(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.bare_project.settings",
        "PYTHONPATH": str(BASE_DIR),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        **{k: str(v) for k, v in extra.items()},
    }


def _cpu_seconds(server) -> tuple[float, float]:
    """CPU seconds used so far by the server's processes (the gunicorn master and its
    workers), and by the services a request may use (Redis, Postgres)."""
    import psutil

    def used(process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system + times.children_user + times.children_system

    master = psutil.Process(server.proc.pid)
    tree = sum(used(p) for p in [master, *master.children(recursive=True)])
    services = sum(
        used(p) for p in psutil.process_iter(["name"]) if p.info["name"] in SERVICE_NAMES
    )
    return tree, services


SERVICE_NAMES = {"redis-server", "postgres"}


def wrk(url: str, seconds: float, script: Path | None = None, server=None) -> dict:
    """wrk -t2 -c8: requests/s, p50 and p99 (ms), non-2xx answers; with `server`, also the
    CPU time each request cost the server and its services (ms). Requests/s on a shared
    2-core host follow whatever else runs; CPU per request does not, and with the server
    saturated (8 connections, 2 cores) it is throughput's inverse."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds:.0f}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    before = _cpu_seconds(server) if server else None
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    after = _cpu_seconds(server) if server else None

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "bad": int(bad.group(1)) if bad else 0,
        "load": loadavg(),
    }
    if server:
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        found["cpu_ms"] = 1000 * (after[0] - before[0]) / requests
        found["service_ms"] = 1000 * (after[1] - before[1]) / requests
    return found


def mix_script(paths: list[str], folder: Path) -> Path:
    """A wrk script that asks for one of `paths` at random on every request."""
    script = folder / f"mix-{len(paths)}.lua"
    quoted = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "request = function()\n"
        "  return wrk.format('GET', paths[math.random(#paths)])\n"
        "end\n"
    )
    return script


def mix_with_misses_script(paths: list[str], folder: Path, one_in: int = 10) -> Path:
    """Like mix_script, but one request in `one_in` is a directory search no one made before
    (a cache miss that waits on Postgres): what threads are for."""
    script = folder / f"mix-misses-{len(paths)}.lua"
    quoted = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\n"
        "request = function()\n"
        f"  if math.random({one_in}) == 1 then\n"
        "    return wrk.format('GET', '/umkm/?q=' .. math.random(1, 1000000000))\n"
        "  end\n"
        "  return wrk.format('GET', paths[math.random(#paths)])\n"
        "end\n"
    )
    return script


def line(label: str, r: dict, anchor: dict | None = None) -> str:
    share = f"  {r['rps'] / anchor['rps']:5.0%} of bare" if anchor else ""
    cpu = ""
    if "cpu_ms" in r:
        cost = r["cpu_ms"] + r["service_ms"]
        cpu = f"  CPU {r['cpu_ms']:.3f} + {r['service_ms']:.3f} ms/req"
        if anchor and "cpu_ms" in anchor:
            cpu += f" = {(anchor['cpu_ms'] + anchor['service_ms']) / cost:5.0%} of bare's rate"
    return (
        f"  {label:34} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms"
        f"{share}{cpu}  non-2xx {r['bad']}  load {r['load']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--businesses", type=int, default=370_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=3, help="the same for both servers")
    parser.add_argument("--threads", type=int, default=4, help="the same for both servers")
    parser.add_argument("--grid", action="store_true", help="also the gunicorn settings grid")
    parser.add_argument("--grid-only", action="store_true", help="only the gunicorn grid")
    parser.add_argument(
        "--directory-only",
        action="store_true",
        help="only the directory: its mix in each round, right after a change, its misses",
    )
    args = parser.parse_args()

    bazaar, business = build_data(args.businesses)
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    work = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=portal_env(static_root),
        check=True,
    )
    redis("FLUSHDB")
    knobs = {"GUNICORN_THREADS": args.threads, "GUNICORN_MAX_REQUESTS": 0}
    pages = ["/", "/bazar/", f"/bazar/{bazaar}/", "/umkm/", f"/umkm/{business}/"]
    # The directory as visitors and crawlers ask for it: the first 100 pages, each sector
    # and kecamatan, a few searches (misses at first, then kept).
    directory = [f"/umkm/?halaman={n}" for n in range(1, 101)]
    directory += [f"/umkm/?sektor={s}" for s in ("kuliner", "fesyen", "kerajinan-tangan", "jasa")]
    directory += [f"/umkm/?kecamatan=31.73.0{k}" for k in range(1, 9)]
    directory += [f"/umkm/?q={w}" for w in ("kopi", "batik", "bench+12", "bench+12345")]
    started = []
    try:
        print(
            f"gunicorn {args.workers} workers x {args.threads} threads (deploy/gunicorn.conf.py, "
            f"max_requests 0) for both; wrk -t2 -c8, {args.seconds:.0f} s per URL, {ROUNDS} "
            f"rounds; {os.cpu_count()} cores, load before {loadavg()}",
            flush=True,
        )
        bare = Gunicorn(bare_env(**knobs), BARE, args.workers, wsgi="bench.bare_project.wsgi")
        started.append(bare)
        portal = Gunicorn(portal_env(static_root, **knobs), PORTAL, args.workers)
        started.append(portal)
        for path in pages:  # fill the cache
            wrk(f"{portal.url}{path}", 1)
        for round_ in range(1, 0 if args.grid_only else ROUNDS + 1):
            print(f"\nround {round_}: cached public pages against the bare project", flush=True)
            # The anchor is measured right before each page, not once a round: the machine's
            # own rate drifts by a third over a minute (the bare project read 2,878 then 2,237
            # requests/s in two rounds of one run), and a ratio to a figure a minute old
            # measures the drift.
            for path in [] if args.directory_only else pages:
                anchor = wrk(f"{bare.url}/", args.seconds, server=bare)
                print(line("  bare Django project (12 KB view)", anchor), flush=True)
                page = wrk(f"{portal.url}{path}", args.seconds, server=portal)
                print(line(path[:34], page, anchor), flush=True)
            mix = wrk(f"{portal.url}/", args.seconds, mix_script(directory, work))
            print(line(f"directory mix ({len(directory)} URLs)", mix), flush=True)
        if not args.grid_only:
            # The minute after a change: a bump of the public version (what any staff save
            # does) makes every kept page and count stale in every process at once, and the
            # mix's first requests build them again while the others wait on the same cores.
            print("\ndirectory mix right after a change (the public version bumped)", flush=True)
            for n in range(1, AFTER_CHANGE_RUNS + 1):
                if int(redis("INCR", VERSION_KEY)) < 10**12:  # the portal starts at its ms clock
                    raise SystemExit(f"{VERSION_KEY} is not the portal's version key")
                r = wrk(f"{portal.url}/", args.seconds, mix_script(directory, work))
                print(line(f"after change {n}", r), flush=True)
        portal.stop()

        if not args.grid_only:
            print("\ndirectory misses: the public cache off (every request from the database)")
            env = portal_env(static_root, cache=False, **knobs)
            uncached = Gunicorn(env, UNCACHED, args.workers)
            started.append(uncached)
            for label, path in (
                ("page 1", "/umkm/"),
                ("page 100 (the last offered)", "/umkm/?halaman=100"),
                ("a sector", "/umkm/?sektor=kuliner"),
                ("a kecamatan", "/umkm/?kecamatan=31.73.02"),
                ("a search", "/umkm/?q=kopi"),
            ):
                print(line(label, wrk(f"{uncached.url}{path}", args.seconds / 2)), flush=True)
            uncached.stop()

        if args.grid or args.grid_only:
            workloads = [
                ("the five public pages at random, cached", mix_script(pages, work)),
                ("the same, and one request in ten a new directory search (a miss)",
                 mix_with_misses_script(pages, work)),
            ]  # fmt: skip
            for title, script in workloads:
                print(f"\ngunicorn grid: {title} (workers x threads, max_requests)")
                for workers, threads, max_requests in GRID_SETTINGS:
                    env = portal_env(
                        static_root, GUNICORN_THREADS=threads, GUNICORN_MAX_REQUESTS=max_requests
                    )
                    server = Gunicorn(env, GRID, workers)
                    started.append(server)
                    wrk(f"{server.url}/", 2, mix_script(pages, work))  # warm
                    r = wrk(f"{server.url}/", args.seconds, script, server=server)
                    label = f"{workers} x {threads}, max_requests {max_requests or 'off'}"
                    print(line(label, r), flush=True)
                    server.stop()
    finally:
        for server in started:
            server.stop()
        redis("FLUSHDB")


if __name__ == "__main__":
    main()
