"""Scale-out proof (issue 9): two app servers, one Postgres, one Redis, one S3-compatible
store and a separate worker process; nothing shared through the local disk.

    .venv/bin/python bench/two_servers.py [--seconds 15] [--users 8] [--rows 300]

Everything runs on loopback and stops by itself:
- a private embedded Postgres (var/bench-two/pg, port 54369) with the demo data;
- the machine's Redis at 127.0.0.1:6379, database 7 only (flushed before and after): cache
  and sessions (SESSION_STORE=cached_db);
- an S3-compatible server (moto, 127.0.0.1:19000): STORAGE_BACKEND=s3 for both storages;
- gunicorn A on 127.0.0.1:8111 and gunicorn B on 127.0.0.1:8112 (production settings, DEBUG
  off), and one `manage.py db_worker` process (TASKS_BACKEND=database). Each of the three
  has its OWN local media folders (var/bench-two/{a,b,worker}); the run checks they stay
  empty, so nothing another server needs was written to a local disk.

Then: sign in on A and continue on B with the same cookie; upload a trainee spreadsheet on A
(preview), confirm it on B (its rows wait in S3): it is large, so it runs in the worker, and
its progress is followed on A; a certificate document stored by a process of machine A (the
service the admin's upload calls) is downloaded through B's view; a city-wide export started on
A is downloaded from B; finally a bounded load loop against A alone, A and B together, and one
server with as many workers as A and B together.
Prints a report; exit status 1 when a check fails.
"""

import argparse
import http.client
import io
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter

from _harness import (
    BASE_DIR,
    PYTHON,
    Browser,
    Gunicorn,
    Nginx,
    dbserver,
    embedded_postgres,
    manage,
    p95,
    process_tree,
    production_env,
)

PG_PORT, PG_FOLDER = 54369, "bench-two/pg"
S3_PORT, A_PORT, B_PORT = 19000, 8111, 8112
REDIS_DB = 7
STAFF, PASSWORD = "bench-two-staff", "bench-two-password-2026!"
WORK = BASE_DIR / "var" / "bench-two"

failures: list[str] = []


def check(ok: bool, what: str, detail: str = "") -> None:
    print(f"  [{'ok' if ok else 'FAIL'}] {what}{' — ' + detail if detail else ''}", flush=True)
    if not ok:
        failures.append(what)


def redis(*args: str) -> None:
    subprocess.run(["redis-cli", "-n", str(REDIS_DB), *args], check=True, capture_output=True)


def local_env(base: dict, name: str) -> dict:
    """One machine's environment: shared services, its own local folders."""
    return {
        **base,
        "MEDIA_ROOT": str(WORK / name / "media"),
        "PRIVATE_MEDIA_ROOT": str(WORK / name / "private"),
    }


def local_files(name: str) -> list[str]:
    root = WORK / name
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]


def prepare(args) -> dict:
    base = embedded_postgres(PG_PORT, PG_FOLDER)
    env = production_env(
        f"{base}/umkm_two",
        DJANGO_SETTINGS_MODULE="bench.two_servers_settings",
        CACHE_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        SESSION_STORE="cached_db",
        TASKS_BACKEND="database",
        IMPORT_BACKGROUND_ROWS=str(args.rows - 1),
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="umkm-media",
        AWS_PRIVATE_BUCKET_NAME="umkm-private",
        AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{S3_PORT}",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench-secret",
        STATIC_ROOT=str(BASE_DIR / "var" / "bench-static"),
    )
    subprocess.run(
        [PYTHON, "-m", "config.dbserver", "ensure-db"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    setup = local_env(env, "setup")
    manage(setup, "migrate", "--noinput")
    manage(setup, "collectstatic", "--noinput")
    manage(setup, "seed_demo", "--if-empty")
    manage(
        setup,
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.models import User\n"
        f"u, _ = User.objects.get_or_create(username='{STAFF}')\n"
        "u.is_staff = u.is_superuser = True\n"
        f"u.set_password('{PASSWORD}')\n"
        "u.save()\n",
    )
    return env


def start_s3() -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{S3_PORT}/", timeout=1)
            break
        except Exception:
            time.sleep(0.3)
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{S3_PORT}",
        aws_access_key_id="bench",
        aws_secret_access_key="bench-secret",
        region_name="us-east-1",
    )
    for bucket in ("umkm-media", "umkm-private"):
        s3.create_bucket(Bucket=bucket)
    return proc, s3


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content, ctype) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def send(browser: Browser, path: str, data: bytes, ctype: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        browser.base + path,
        data=data,
        headers={"Content-Type": ctype, "Referer": browser.base + path},
    )
    try:
        with browser.opener.open(request, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def trainee_csv(env: dict, rows: int) -> bytes:
    # The spreadsheet's columns as the portal defines them.
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(local_env(env, "setup"))
    import django

    django.setup()
    from umkm import importer

    headers = [h for _k, h in importer.COLUMNS]
    import random

    rng = random.Random(9)
    lines = [";".join(headers)]
    for i in range(rows):
        day = rng.randint(1, 28)
        nik = f"317302{day:02d}0490{rng.randint(0, 9999):04d}"
        values = {
            "nik": nik,
            "full_name": f"Peserta Bench {i}",
            "gender": "L",
            "birth_date": f"{day:02d}-04-1990",
            "phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
            "email": "",
            "address": "Jl. Uji No. 1",
            "owner_kelurahan": "31.73.02.1002",
            "business_name": f"Usaha Bench {i}",
            "sector": "Kuliner",
            "products": "Kue",
            "business_kelurahan": "31.73.02.1002",
            "nib": "",
            "attended": "Ya",
            "passed": "Ya",
            "score": "80",
        }
        lines.append(";".join(values.get(k, "") for k, _h in importer.COLUMNS))
    # unique NIKs: the serial part makes collisions unlikely; drop any duplicates
    seen, unique = set(), [lines[0]]
    for line in lines[1:]:
        if line[:16] not in seen:
            seen.add(line[:16])
            unique.append(line)
    return ("\ufeff" + "\n".join(unique) + "\n").encode()


def wait_job(browser: Browser, job_url: str, seconds: float = 120) -> dict:
    deadline = time.time() + seconds
    status: dict = {}
    progress_seen = set()
    while time.time() < deadline:
        code, body = browser.get(job_url + "status.json")
        if code == 200:
            status = json.loads(body)
            progress_seen.add(status["progress"])
            if status["finished"]:
                break
        time.sleep(0.3)
    status["progress_seen"] = sorted(progress_seen)
    return status


def public_paths(url: str) -> list[str]:
    """The public pages this build has (the bazaar pages come with their app)."""
    probe = Browser(url)
    return [p for p in ("/", "/healthz", "/bazar/", "/bazar/jadwal.ics") if probe.get(p)[0] == 200]


def load(urls: list[str], cookies_from: Browser, users: int, seconds: float) -> dict:
    """`users` threads, each with its own keep-alive-less client, round-robin over the servers
    given, for `seconds`. Public pages and one signed-in page."""
    results: list[tuple[int, float, float]] = []
    lock = threading.Lock()
    public = public_paths(urls[0])
    stop_at = time.time() + seconds

    def user(n: int):
        browser = Browser(urls[n % len(urls)])
        if n % 4 == 0:
            browser.opener = cookies_from.opener  # a signed-in member of staff
            paths = ["/admin/", "/healthz"]
        else:
            paths = public
        i = 0
        while time.time() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            code, _ = browser.get(path, timeout=30)
            with lock:
                results.append((code, time.perf_counter() - started, time.time()))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Only what finished inside the window counts (a request in flight at the end does not).
    inside = [(code, d) for code, d, end in results if end <= stop_at]
    codes = Counter(code for code, _, _ in results)
    return {
        "requests": len(inside),
        "per_second": len(inside) / seconds,
        "p95_ms": p95([d for _, d in inside]) * 1000,
        "max_ms": max((d for _, d in inside), default=0) * 1000,
        "codes": dict(codes),
    }


def run(args) -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    redis("FLUSHDB")
    s3_proc, s3 = start_s3()
    started: list = []
    try:
        env = prepare(args)
        a = Gunicorn(local_env(env, "a"), A_PORT, workers=args.workers)
        started.append(a)
        b = Gunicorn(local_env(env, "b"), B_PORT, workers=args.workers)
        started.append(b)
        worker_log = open(WORK / "worker.log", "w")  # noqa: SIM115
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.5", "-v", "0"],
            cwd=BASE_DIR,
            env=local_env(env, "worker"),
            stdout=worker_log,
            stderr=worker_log,
        )
        print(
            f"servers: A {a.url}  B {b.url}  worker pid {worker.pid}  S3 :{S3_PORT}  "
            f"Redis db {REDIS_DB}",
            flush=True,
        )

        on_a = None
        if not args.hung_only:
            on_a = _crossing(env, a, b, s3, args)
        hung_server_drill(a, b, args)
        if not args.hung_only:
            _throughput(env, a, b, on_a, started, args)
        worker.terminate()
        worker.wait(30)
    finally:
        for server in started:
            server.stop()
        try:
            worker.terminate()
            worker.wait(10)
        except Exception:  # noqa: S110 (not started, or already gone)
            pass
        s3_proc.terminate()
        s3_proc.wait(10)
        dbserver("stop", PG_PORT, PG_FOLDER)
        redis("FLUSHDB")
    print(f"\n{'ALL CHECKS PASSED' if not failures else 'FAILED: ' + ', '.join(failures)}")
    return 1 if failures else 0


NGINX_HTTP, NGINX_HTTPS = 18180, 18543
WARM_SECONDS = 8  # every worker of A and B has served its first requests


def hung_server_drill(a: Gunicorn, b: Gunicorn, args) -> None:
    """Issue 19: one app server SIGSTOPped (hung, not dead: its socket still accepts) behind
    nginx with the committed site (deploy/nginx/umkm.conf, A and B as its two upstream lines).
    Users keep asking through nginx over HTTPS; after the first failover no request may take
    longer than 5 s. Then SIGCONT: A must serve again."""
    print(f"\n== one app server hung (SIGSTOP) behind nginx, {args.users} users", flush=True)
    if os.geteuid() != 0 or not shutil.which("nginx"):
        check(False, "hung-server drill", "needs root and nginx (apt-get install nginx)")
        return
    nginx = Nginx(WORK / "nginx", [A_PORT, B_PORT], NGINX_HTTP, NGINX_HTTPS)
    paths = ["/", "/bazar/", "/healthz", "/bazar/jadwal.ics"]
    results: list[tuple[float, float, int]] = []  # (start, end, status) by wall clock
    lock = threading.Lock()
    stop_at = time.time() + WARM_SECONDS + args.hung_seconds + 8
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    def user(n: int) -> None:
        conn, i = None, n
        while time.time() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            started = time.time()
            try:
                if conn is None:
                    conn = http.client.HTTPSConnection(
                        "127.0.0.1", NGINX_HTTPS, context=context, timeout=120
                    )
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status, conn = 0, None
            with lock:
                results.append((started, time.time(), status))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
    try:
        for t in threads:
            t.start()
        time.sleep(WARM_SECONDS)
        tree = process_tree(a.proc.pid)
        for pid in tree:
            os.kill(pid, signal.SIGSTOP)
        stopped_at = time.time()
        print(f"  SIGSTOP to A's {len(tree)} processes (master and workers)", flush=True)
        time.sleep(args.hung_seconds)
        for pid in tree:
            os.kill(pid, signal.SIGCONT)
        resumed_at = time.time()
        print(f"  SIGCONT after {resumed_at - stopped_at:.0f} s", flush=True)
        for t in threads:
            t.join()
        answered_a = Browser(a.url).get("/healthz", timeout=30)[0]
    finally:
        for pid in process_tree(a.proc.pid):
            os.kill(pid, signal.SIGCONT)
        nginx.stop()
    loadavg = os.getloadavg()
    # The first failover: the first request asked while A was hung that took over 1 s ends.
    slow = [end for start, end, _ in results if start >= stopped_at and end - start > 1]
    first_failover = min(slow, default=stopped_at)
    before = [end - start for start, end, _ in results if start < stopped_at]
    during = [
        (end - start, status)
        for start, end, status in results
        if first_failover <= start < resumed_at
    ]
    after = [(end - start, status) for start, end, status in results if start >= resumed_at]
    worst = max((d for d, _ in during), default=0)
    over5 = sum(1 for d, _ in during if d > 5)
    probes = sum(1 for d, _ in during if d > 1)
    codes = Counter(status for _, _, status in results)
    print(
        f"  before the stop: {len(before)} requests, p95 {p95(before) * 1000:.0f} ms\n"
        f"  first failover done {first_failover - stopped_at:.1f} s after the stop\n"
        f"  after it, while A was hung: {len(during)} requests, p95 "
        f"{p95([d for d, _ in during]) * 1000:.0f} ms, slowest {worst * 1000:.0f} ms, "
        f"{probes} over 1 s (nginx trying A again), {over5} over 5 s\n"
        f"  after SIGCONT: {len(after)} requests, p95 {p95([d for d, _ in after]) * 1000:.0f} ms\n"
        f"  codes {dict(codes)}   load average {loadavg[0]:.1f} {loadavg[1]:.1f} "
        f"{loadavg[2]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    check(
        worst <= 5 and during,
        "no request slower than 5 s after the first failover",
        f"slowest {worst:.1f} s",
    )
    check(set(codes) == {200}, "every request answered 200", str(dict(codes)))
    check(answered_a == 200, "A serves again after SIGCONT")


def _crossing(env: dict, a: Gunicorn, b: Gunicorn, s3, args) -> Browser:
    """Session, upload, document and export cross the servers; no local files."""
    print("\n== a session started on A continues on B", flush=True)
    on_a = Browser(a.url)
    on_a.login(STAFF, PASSWORD)
    on_b = Browser(b.url)
    on_b.jar, on_b.opener = on_a.jar, on_a.opener  # the same browser, another server
    check(on_a.get("/admin/")[0] == 200, "signed in on A")
    check(on_b.get("/admin/")[0] == 200, "the same cookie is signed in on B")

    print("\n== an upload on A, confirmed on B, run by the worker, followed on A", flush=True)
    training_id = _training_id(env)
    content = trainee_csv(env, args.rows)
    rows = content.decode().count("\n") - 1
    path = f"/admin/umkm/training/{training_id}/import/"
    code, page = on_a.get(path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body, ctype = multipart(
        {"csrfmiddlewaretoken": token}, {"file": ("peserta.csv", content, "text/csv")}
    )
    code, _headers, page = send(on_a, path, body, ctype)
    check(code == 200 and b'name="token"' in page, f"preview of {rows} rows on A", str(code))
    confirm_token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    data = urllib.parse.urlencode({"token": confirm_token, "csrfmiddlewaretoken": csrf})
    code, headers, _ = send(
        on_b, path + "confirm/", data.encode(), "application/x-www-form-urlencoded"
    )
    job_url = headers.get("Location", "")
    check(code == 302 and "/tugas/" in job_url, "confirmed on B: a background job", job_url)
    started_at = time.time()
    status = wait_job(on_a, job_url)
    check(
        status.get("status") == "done",
        f"the worker saved the import ({time.time() - started_at:.1f} s), followed on A",
        f"{status.get('message', '')[:90]} progress seen {status.get('progress_seen')}",
    )
    check(on_b.get(job_url)[0] == 200, "the job page answers on B too")
    stranger = Browser(b.url)
    check(stranger.get(job_url + "status.json")[0] == 302, "signed out: no status")

    _certificate_document(env, on_b)
    export = _export(on_a, on_b)

    print("\n== nothing that another server needs is on a local disk", flush=True)
    for name in ("a", "b", "worker"):
        files = local_files(name)
        check(not files, f"no local files written by {name}", ", ".join(files[:3]))
    keys = s3.list_objects_v2(Bucket="umkm-private").get("KeyCount", 0)
    check(keys >= (1 if export else 0), f"the private bucket holds the results ({keys})")

    return on_a


def _throughput(env: dict, a: Gunicorn, b: Gunicorn, on_a: Browser, started: list, args) -> None:
    """A alone, A and B together, one server with as many workers as both."""
    print(f"\n== throughput: {args.users} users for {args.seconds} s each", flush=True)
    print(f"  pages: {', '.join(public_paths(a.url))} and, signed in, /admin/")
    load1 = load([a.url], on_a, args.users, args.seconds)
    load2 = load([a.url, b.url], on_a, args.users, args.seconds)
    b.stop()
    a.stop()
    # The same number of processes on one server: what the second server adds beyond
    # its worker processes (on this 2-core machine, nothing: they share the cores).
    c = Gunicorn(local_env(env, "a"), A_PORT, workers=args.workers * 2)
    started.append(c)
    load3 = load([c.url], on_a, args.users, args.seconds)
    loadavg = os.getloadavg()[0]
    for label, figures in (
        (f"one server, {args.workers} workers", load1),
        (f"two servers, {args.workers}+{args.workers}", load2),
        (f"one server, {args.workers * 2} workers", load3),
    ):
        print(
            f"  {label:24} {figures['requests']:6d} requests  "
            f"{figures['per_second']:7.1f} req/s  p95 {figures['p95_ms']:5.0f} ms  "
            f"max {figures['max_ms']:5.0f} ms  "
            f"codes {figures['codes']}"
        )
    print(f"  load average after: {loadavg:.1f} on {os.cpu_count()} cores")
    bad = sum(n for f in (load1, load2, load3) for c, n in f["codes"].items() if c != 200)
    check(bad == 0, "every request under load answered 200", str(bad))


def _training_id(env: dict) -> int:
    out = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from tests.factories import TrainingFactory\n"
            "print(TrainingFactory(capacity=100000).pk)",
        ],
        cwd=BASE_DIR,
        env=local_env(env, "setup"),
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def _certificate_document(env: dict, on_b: Browser) -> None:
    """A certificate document stored by a process of machine A (the service the admin's upload
    calls), downloaded through server B's view."""
    print("\n== a certificate document stored on A, downloaded from B", flush=True)
    out = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.contrib.auth.models import User\n"
            "from certifications import services\n"
            "from tests.certifications.factories import open_case, pdf_bytes, upload\n"
            "from tests.factories import BusinessFactory\n"
            f"actor = User.objects.get(username='{STAFF}')\n"
            "case = open_case(BusinessFactory())\n"
            "doc = services.document_attach(actor=actor, case=case,"
            " upload=upload('izin-pirt.pdf', pdf_bytes()))\n"
            "print(doc.pk, len(pdf_bytes()))",
        ],
        cwd=BASE_DIR,
        env=local_env(env, "a"),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        check(False, "certificate document stored on A", out.stderr.strip()[-200:])
        return
    pk, size = out.stdout.split()[-2:]
    code, body = on_b.get(f"/sertifikat/dokumen/{pk}/")
    check(
        code == 200 and body.startswith(b"%PDF") and len(body) == int(size),
        "the document downloads from B",
        f"{code}, {len(body)} bytes",
    )


def _export(on_a: Browser, on_b: Browser) -> bool:
    """A city-wide XLSX export started on A, collected from B (needs the reports app)."""
    request = urllib.request.Request(on_a.base + "/laporan/ekspor/xlsx/")
    try:
        with on_a.opener.open(request, timeout=60) as r:
            code, location = r.status, r.headers.get("Location", "")
    except urllib.error.HTTPError as e:
        code, location = e.code, e.headers.get("Location", "")
    if code == 404:
        print("\n== (no city-wide export here: the reports app is not merged)", flush=True)
        return False
    print("\n== a city-wide export started on A, collected from B", flush=True)
    check(code == 302 and "/tugas/" in location, "the export became a background job", location)
    started = time.time()
    status = wait_job(on_b, location)
    check(
        status.get("status") == "done",
        f"the worker finished the export ({time.time() - started:.1f} s), followed on B",
        f"progress seen {status.get('progress_seen')}",
    )
    if status.get("download_url"):
        code, body = on_b.get(status["download_url"], timeout=60)
        check(code == 200 and body[:2] == b"PK", f"XLSX downloaded from B ({len(body)} bytes)")
    return True


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--hung-seconds", type=float, default=60, help="how long A stays SIGSTOPped"
    )
    parser.add_argument(
        "--hung-only", action="store_true", help="only the hung-server drill (root, nginx)"
    )
    parser.add_argument("--rows", type=int, default=300, help="rows of the trainee import")
    sys.exit(run(parser.parse_args()))
