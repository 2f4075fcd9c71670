"""Shared pieces of the benchmarks: a dedicated embedded Postgres, a gunicorn server on
loopback, a cookie-aware HTTP client. Nothing here talks to anything but 127.0.0.1."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def production_env(database_url: str, **extra) -> dict[str, str]:
    """Settings as in production (DEBUG off), but plain HTTP on loopback and no 2FA prompt."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 60,
        NIK_ENCRYPTION_KEYS="ZGV2LW9ubHktbmlrLWtleS1jaGFuZ2UtbWUtMDAwMCE=",
        NIK_HMAC_KEY="dev-only-nik-hmac-key",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        BEHIND_PROXY="0",
        OTP_REQUIRED="0",
        STATIC_ROOT=str(BASE_DIR / "var" / "bench-static"),
        LOG_LEVEL="WARNING",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def embedded_postgres(port: int, folder: str) -> str:
    """Start a private embedded Postgres (data in var/<folder>) and return its admin URL."""
    env = dict(
        os.environ, EMBEDDED_PGPORT=str(port), EMBEDDED_PGDATA=str(BASE_DIR / "var" / folder)
    )
    subprocess.run([PYTHON, "-m", "config.dbserver", "start"], cwd=BASE_DIR, env=env, check=True)
    return f"postgres://postgres@127.0.0.1:{port}"


def dbserver(command: str, port: int, folder: str) -> None:
    env = dict(
        os.environ, EMBEDDED_PGPORT=str(port), EMBEDDED_PGDATA=str(BASE_DIR / "var" / folder)
    )
    subprocess.run([PYTHON, "-m", "config.dbserver", command], cwd=BASE_DIR, env=env, check=True)


def manage(env: dict, *args: str, quiet: bool = True) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


class Gunicorn:
    def __init__(self, env: dict, port: int, workers: int, wsgi: str = "config.wsgi"):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                wsgi,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "/dev/null",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return
            except Exception:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Browser:
    """A tiny cookie-keeping client with Django's CSRF dance for form posts."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def post_form(self, path: str, data: dict, timeout: float = 10) -> tuple[int, bytes]:
        status, body = self.get(path, timeout=timeout)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not match:
            return status, body
        data = {**data, "csrfmiddlewaretoken": match.group(1).decode()}
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def request(
        self, path: str, data: dict | None = None, timeout: float = 10
    ) -> tuple[int, bytes, str]:
        """One GET (or a form POST when `data` is given), redirects not followed: the status,
        the body and the Location header ("" when there is none)."""
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data).encode() if data is not None else None,
            headers={"Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=timeout) as r:
                return r.status, r.read(), r.headers.get("Location", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers.get("Location", "")

    def login(self, username: str, password: str) -> None:
        status, _ = self.post_form(
            "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"login failed: {status}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def streaming_replica(primary_port: int, port: int, folder: str) -> str:
    """A real streaming replica of the embedded primary on `primary_port`: a second cluster
    made with `pg_basebackup -R` into var/<folder> (made afresh), started on `port`. Returns
    its admin URL once the primary reports it streaming."""
    import shutil

    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    from config import dbserver as embedded

    target = BASE_DIR / "var" / folder
    if (target / "postmaster.pid").exists():
        dbserver("stop", port, folder)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    user = None
    if os.geteuid() == 0:  # Postgres refuses root: the embedded server's own system user
        shutil.chown(target, embedded.SYSTEM_USER, embedded.SYSTEM_USER)
        user = embedded.SYSTEM_USER
    subprocess.run(
        [
            embedded._bin("pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres"),
            *("-D", str(target), "-R", "-X", "stream", "-c", "fast"),
        ],
        check=True,
        user=user,
    )
    target.chmod(0o700)
    dbserver("start", port, folder)
    import psycopg

    deadline = time.time() + 60
    with psycopg.connect(
        f"postgres://postgres@127.0.0.1:{primary_port}/postgres", autocommit=True
    ) as conn:
        while time.time() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
            ).fetchone()
            if row[0]:
                return f"postgres://postgres@127.0.0.1:{port}"
            time.sleep(0.3)
    raise RuntimeError("the replica did not start streaming")


class RedisServer:
    """A private redis-server on loopback (no persistence), for drills that stop it."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 10
        import socket

        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def self_signed_certificate(folder: Path, host: str) -> None:
    """fullchain.pem and privkey.pem in `folder` for `host` (a name or an IP address), two days."""
    alt = f"IP:{host}" if re.fullmatch(r"[\d.]+", host) else f"DNS:{host}"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", f"/CN={host}", "-addext", f"subjectAltName={alt}"),
            *("-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )


class Nginx:
    """nginx on loopback with the committed site (deploy/nginx/umkm.conf), changed only where
    DEPLOY.md says an installer edits it (the lines marked EDIT): ports, paths, host name and
    one upstream `server` line per app server, each keeping the committed parameters. A
    self-signed certificate (openssl) stands in for the real one. Needs root (user root)."""

    def __init__(self, work: Path, upstreams: list[int], http_port: int, https_port: int):
        self.work = work
        self.http_port, self.https_port = http_port, https_port
        (work / "tls").mkdir(parents=True, exist_ok=True)
        self_signed_certificate(work / "tls", "127.0.0.1")
        site = self.render((BASE_DIR / "deploy/nginx/umkm.conf").read_text(), upstreams)
        (work / "umkm.conf").write_text(site)
        logformat = (BASE_DIR / "deploy/nginx/umkm-logformat.conf").read_text()
        self.conf = work / "nginx.conf"
        self.conf.write_text(
            f"""user root;
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    gzip on;
{logformat}
    include {work}/umkm.conf;
}}
"""
        )
        test = subprocess.run(["nginx", "-t", "-c", str(self.conf)], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError(test.stderr)
        subprocess.run(["nginx", "-c", str(self.conf)], check=True)
        self.url = f"https://127.0.0.1:{https_port}"

    def render(self, text: str, upstreams: list[int]) -> str:
        replacements = {
            "/srv/umkm": str(BASE_DIR),
            "snippets/umkm-proxy.conf": str(BASE_DIR / "deploy/nginx/umkm-proxy.conf"),
            "/etc/ssl/umkm/": str(self.work / "tls") + "/",
            "/var/log/nginx/umkm.access.log": str(self.work / "access.log"),
            "/var/www/acme": str(self.work / "acme"),
            "umkm.example.go.id": "127.0.0.1",
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
        }
        for old, new in replacements.items():
            text = text.replace(old, new)
        text = re.sub(
            r"^(\s*)server 127\.0\.0\.1:8000\b([^;]*);.*$",
            lambda m: "\n".join(f"{m[1]}server 127.0.0.1:{p}{m[2]};" for p in upstreams),
            text,
            flags=re.M,
        )
        return "\n".join(line for line in text.splitlines() if "listen [::]" not in line) + "\n"

    def stop(self) -> None:
        if (self.work / "nginx.pid").exists():
            subprocess.run(["nginx", "-c", str(self.conf), "-s", "quit"], check=False)
        for _ in range(50):
            if not (self.work / "nginx.pid").exists():
                break
            time.sleep(0.1)


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (a gunicorn master and its workers), by parent id."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found
