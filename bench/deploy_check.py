"""Follow docs/DEPLOY.md on this machine, loopback only, and check the result.

    .venv/bin/python bench/deploy_check.py        (as root: nginx binds its ports as root)

What it does, step by step as DEPLOY.md says (its step numbers in the output):
  4. writes the environment file from deploy/umkm.env.example with fresh secrets;
  5. migrate, collectstatic, compilemessages, check --deploy, first admin with a TOTP device;
  6. starts gunicorn and the worker exactly as the ExecStart lines of deploy/systemd/ say
     (systemd is not PID 1 in this sandbox, so the units themselves are only verified with
     systemd-analyze); 7. a self-signed certificate (openssl) and nginx with
     deploy/nginx/umkm.conf (`nginx -t` first);
then checks over https://127.0.0.1:18443/: HTTP→HTTPS redirect, /healthz 200, HSTS, CSP and the
other headers, Secure __Host- cookies, sign-in with password + TOTP, static files from nginx,
the upload cap (413 above 6 MB), the client address Django sees through X-Forwarded-For,
a background job through the worker, and 9. a graceful reload (SIGHUP) under load with no
failed request. Everything it started is stopped at the end, whatever happens.

The only edits to the committed files are the ones DEPLOY.md tells an installer to make
(marked EDIT: paths, names, ports); ports and folders are private to this check: a private
embedded Postgres (port 54359, var/deploy-check/pg), Redis database 8 (flushed), gunicorn on
127.0.0.1:18000, nginx on 127.0.0.1:18080 and :18443.
"""

import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from _harness import BASE_DIR, embedded_postgres, self_signed_certificate

PG_PORT, PG_FOLDER = 54359, "deploy-check/pg"
APP_PORT, HTTP_PORT, HTTPS_PORT = 18000, 18080, 18443
REDIS_URL = "redis://127.0.0.1:6379/8"
WORK = BASE_DIR / "var" / "deploy-check"
ADMIN, PASSWORD = "deploy-admin", "deploy-check-password-2026!"
HOST = "127.0.0.1"

failures: list[str] = []
processes: list[subprocess.Popen] = []


def step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def check(ok: bool, what: str, detail: str = "") -> None:
    print(f"  [{'ok' if ok else 'FAIL'}] {what}{' — ' + detail if detail else ''}", flush=True)
    if not ok:
        failures.append(what)


def render(text: str) -> str:
    """The installer's edits (the lines marked EDIT in the committed files), for loopback."""
    replacements = {
        "/srv/umkm": str(BASE_DIR),
        "snippets/umkm-proxy.conf": str(BASE_DIR / "deploy/nginx/umkm-proxy.conf"),
        "/etc/umkm/umkm.env": str(WORK / "umkm.env"),
        "/etc/ssl/umkm/": str(WORK / "tls") + "/",
        "/var/log/nginx/umkm.access.log": str(WORK / "nginx" / "access.log"),
        "umkm.example.go.id": HOST,
        "server 127.0.0.1:8000": f"server 127.0.0.1:{APP_PORT}",
        "listen 80;": f"listen {HOST}:{HTTP_PORT};",
        "listen 443 ssl http2;": f"listen {HOST}:{HTTPS_PORT} ssl http2;",
    }
    for old, new in replacements.items():
        text = text.replace(old, new)
    # loopback only: no IPv6 wildcard listeners
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line) + "\n"


def environment_file(database_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "NIK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "NIK_HMAC_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{HTTPS_PORT}",
        "DATABASE_URL": database_url,
        "CACHE_URL": REDIS_URL,
        "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}",
        "GUNICORN_WORKERS": "2",
        # Who signs the PDF reports: blank in the example, which `check` warns about.
        "OFFICE_HEAD_NAME": "Nama Kepala Suku Dinas",
        "OFFICE_HEAD_NIP": "197001011995031001",
    }
    lines, env = [], {}
    for line in (BASE_DIR / "deploy" / "umkm.env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            value = values.get(key, value.strip('"'))  # the quotes systemd and sh take off
            env[key] = value
            line = f'{key}="{value}"' if " " in value else f"{key}={value}"
        lines.append(line)
    (WORK / "umkm.env").write_text(render("\n".join(lines) + "\n"))
    (WORK / "umkm.env").chmod(0o640)
    return {k: render(v).strip() for k, v in env.items()}


def unit_exec_start(unit: str) -> tuple[list[str], Path]:
    text = render((BASE_DIR / "deploy" / "systemd" / unit).read_text())
    (WORK / "systemd" / unit).write_text(text)
    command = re.search(r"^ExecStart=(.+)$", text, re.M).group(1)
    cwd = Path(re.search(r"^WorkingDirectory=(.+)$", text, re.M).group(1))
    return shlex.split(command), cwd


def start_unit(unit: str, env: dict) -> subprocess.Popen:
    command, cwd = unit_exec_start(unit)
    print(f"  {unit}: {shlex.join(command)}", flush=True)
    log = open(WORK / f"{unit}.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log)
    processes.append(proc)
    return proc


def manage(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [str(BASE_DIR / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout if capture else ""


class Client:
    """HTTPS to nginx on loopback (self-signed: not verified), cookies kept by hand."""

    def __init__(self, source: str = HOST):
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE
        self.source = source
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, port=HTTPS_PORT, tls=True):
        if tls:
            conn = http.client.HTTPSConnection(
                HOST, port, context=self.context, timeout=30, source_address=(self.source, 0)
            )
        else:
            conn = http.client.HTTPConnection(
                HOST, port, timeout=30, source_address=(self.source, 0)
            )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, rest = value.split("=", 1)
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response, data

    def post_form(self, path, fields, referer_path=None):
        csrf = self.cookies.get("__Host-csrftoken", "")
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf})
        return self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{HOST}:{HTTPS_PORT}{referer_path or path}",
            },
        )


def stop_all() -> None:
    nginx_conf = WORK / "nginx" / "nginx.conf"
    if (WORK / "nginx" / "nginx.pid").exists():
        subprocess.run(["nginx", "-c", str(nginx_conf), "-s", "quit"], check=False)
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    for _ in range(50):
        if not (WORK / "nginx" / "nginx.pid").exists():
            break
        time.sleep(0.1)
    from _harness import dbserver

    dbserver("stop", PG_PORT, PG_FOLDER)


def wait_http(url_check, seconds=30) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if url_check():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def main() -> int:
    if shutil.which("nginx") is None:
        print("nginx is missing: apt-get install nginx (DEPLOY.md step 1)")
        return 2
    shutil.rmtree(WORK, ignore_errors=True)
    for sub in ("systemd", "nginx", "tls"):
        (WORK / sub).mkdir(parents=True, exist_ok=True)

    step("3. database (a private embedded Postgres stands in for the server's)")
    database_url = embedded_postgres(PG_PORT, PG_FOLDER) + "/umkm"
    subprocess.run(
        [sys.executable, "-m", "config.dbserver", "ensure-db"],
        cwd=BASE_DIR,
        env=dict(os.environ, DATABASE_URL=database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(["redis-cli", "-n", "8", "FLUSHDB"], check=True, stdout=subprocess.DEVNULL)

    step("4. environment file from deploy/umkm.env.example")
    env_values = environment_file(database_url)
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **env_values}
    check(env["DEBUG"] == "0" and env["SECURE_COOKIES"] == "1", "production values (DEBUG=0)")

    step("5. migrate, collectstatic, compilemessages, check --deploy, first admin")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "compilemessages", "--ignore", ".venv", "--ignore", "var")
    warnings = subprocess.run(
        [
            str(BASE_DIR / ".venv/bin/python"),
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    check(warnings.returncode == 0, "manage.py check --deploy: no warning", warnings.stderr[-300:])
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.models import User\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        f"u = User.objects.create_superuser('{ADMIN}', 'admin@example.go.id', '{PASSWORD}')\n"
        "TOTPDevice.objects.create(user=u, name='HP admin', confirmed=True)\n",
    )

    step("6. gunicorn and the worker, as the units' ExecStart lines say")
    web = start_unit("umkm-web.service", env)
    start_unit("umkm-worker.service", env)
    # Every timer in deploy/systemd and the service it starts (a new daily job is checked too).
    for unit in sorted(p.stem for p in (BASE_DIR / "deploy/systemd").glob("umkm-*.timer")):
        for suffix in ("service", "timer"):
            (WORK / "systemd" / f"{unit}.{suffix}").write_text(
                render((BASE_DIR / "deploy/systemd" / f"{unit}.{suffix}").read_text())
            )
    verify = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in (WORK / "systemd").iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    # Only the sandbox's own gaps (no user "umkm", no running systemd) may be reported.
    problems = [
        line
        for line in verify.stderr.splitlines()
        if line.strip()
        and "umkm" in line
        and not re.search(r"User|Group|not found|No such|Failed to|System has not", line)
    ]
    check(not problems, "systemd-analyze verify of the units", "; ".join(problems)[:300])
    up = wait_http(
        lambda: (
            http.client.HTTPConnection(HOST, APP_PORT, timeout=2).request("GET", "/healthz") or True
        )
    )
    check(up and web.poll() is None, f"gunicorn answers on 127.0.0.1:{APP_PORT}")

    step("7. TLS certificate (self-signed here) and nginx")
    self_signed_certificate(WORK / "tls", HOST)
    site = render((BASE_DIR / "deploy/nginx/umkm.conf").read_text())
    (WORK / "nginx/umkm.conf").write_text(site)
    logformat = (BASE_DIR / "deploy/nginx/umkm-logformat.conf").read_text()
    # The machine's /etc/nginx/nginx.conf, reduced to what the site needs, with paths in WORK:
    # the site file is included unchanged apart from the EDIT lines.
    (WORK / "nginx/nginx.conf").write_text(
        f"""user root;
worker_processes 2;
pid {WORK}/nginx/nginx.pid;
error_log {WORK}/nginx/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {WORK}/nginx/body;
    proxy_temp_path {WORK}/nginx/proxy;
    gzip on;
{logformat}
    include {WORK}/nginx/umkm.conf;
}}
"""
    )
    test = subprocess.run(
        ["nginx", "-t", "-c", str(WORK / "nginx/nginx.conf")], capture_output=True, text=True
    )
    check(test.returncode == 0, "nginx -t", test.stderr.strip().splitlines()[-1])
    subprocess.run(["nginx", "-c", str(WORK / "nginx/nginx.conf")], check=True)
    client = Client()
    wait_http(lambda: client.request("GET", "/healthz")[0].status == 200)

    step(f"checks over https://127.0.0.1:{HTTPS_PORT}/")
    response, _body = client.request("GET", "/bazar/?x=1", port=HTTP_PORT, tls=False)
    check(
        response.status == 301 and response.headers["Location"] == f"https://{HOST}/bazar/?x=1",
        "http:// redirects to https:// (same path and query)",
        f"{response.status} {response.headers.get('Location')}",
    )
    response, body = client.request("GET", "/healthz")
    check(response.status == 200 and json.loads(body)["database"] == "up", "/healthz 200 via nginx")
    response, body = client.request("GET", "/")
    headers = response.headers
    check(response.status == 200, "home page 200 over HTTPS (no redirect loop: X-Forwarded-Proto)")
    check(
        headers.get("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload",
        "HSTS from Django, once",
        str(headers.get_all("Strict-Transport-Security")),
    )
    csp = headers.get("Content-Security-Policy", "")
    check("script-src 'self'" in csp and "frame-ancestors 'none'" in csp, "CSP", csp[:80])
    check(headers.get("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options nosniff")
    check(headers.get("X-Frame-Options") == "DENY", "X-Frame-Options DENY")
    check(headers.get("Referrer-Policy") == "same-origin", "Referrer-Policy same-origin")
    check(headers.get("Server") == "nginx", "nginx does not announce its version")
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', body)
    check(css is not None, "static file names are hashed (collectstatic manifest)")
    if css:
        response, data = client.request("GET", css.group(1).decode())
        check(
            response.status == 200
            and "immutable" in response.headers.get("Cache-Control", "")
            and b"Background jobs" in data,
            "static CSS served by nginx, cached for a year",
            f"{response.status} {response.headers.get('Cache-Control')} {len(data)} bytes",
        )

    response, body = client.request("GET", "/admin/login/?next=/admin/")
    cookie = next(
        (
            c
            for c in response.headers.get_all("Set-Cookie") or []
            if c.startswith("__Host-csrftoken")
        ),
        "",
    )
    check(
        all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/")),
        "CSRF cookie __Host-csrftoken: Secure, HttpOnly, SameSite=Lax",
        cookie.split(";", 1)[-1],
    )
    token = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django_otp.oath import totp\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        f"d = TOTPDevice.objects.get(user__username='{ADMIN}')\n"
        "print(f'{totp(d.bin_key, d.step, d.t0, d.digits, d.drift):06d}', d.persistent_id)",
        capture=True,
    ).split()
    response, _ = client.post_form(
        "/admin/login/?next=/admin/",
        {"username": ADMIN, "password": PASSWORD, "otp_token": token[0], "otp_device": token[1]},
    )
    session_cookie = next(
        (
            c
            for c in response.headers.get_all("Set-Cookie") or []
            if c.startswith("__Host-sessionid")
        ),
        "",
    )
    check(
        response.status == 302, "sign-in with password + TOTP through nginx", str(response.status)
    )
    check(
        all(flag in session_cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax")),
        "session cookie __Host-sessionid: Secure, HttpOnly, SameSite=Lax",
    )
    response, body = client.request("GET", "/admin/")
    check(response.status == 200, "admin index after sign-in")
    check("no-store" in response.headers.get("Cache-Control", ""), "signed-in pages: no-store")

    big = b"x" * (7 * 1024 * 1024)
    response, _ = client.request(
        "POST", "/admin/login/", body=big, headers={"Content-Type": "application/octet-stream"}
    )
    check(response.status == 413, "a 7 MB body is refused by nginx (413)", str(response.status))
    fits = b"x" * (5 * 1024 * 1024 + 500_000)
    response, _ = client.request(
        "POST", "/admin/login/", body=fits, headers={"Content-Type": "application/octet-stream"}
    )
    check(response.status != 413, "a 5.5 MB body reaches Django", str(response.status))

    # Client address: a request from 127.0.0.2 with a forged X-Forwarded-For. nginx replaces
    # the header, so axes records 127.0.0.2 (not gunicorn's REMOTE_ADDR 127.0.0.1, not the lie).
    stranger = Client(source="127.0.0.2")
    stranger.request("GET", "/admin/login/")
    csrf = stranger.cookies.get("__Host-csrftoken", "")
    stranger.request(
        "POST",
        "/admin/login/?next=/admin/",
        body=urllib.parse.urlencode(
            {
                "username": "nobody-here",
                "password": "wrong-password",
                "otp_token": "000000",
                "csrfmiddlewaretoken": csrf,
            }
        ),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}:{HTTPS_PORT}/admin/login/",
            "X-Forwarded-For": "203.0.113.9",  # forged: nginx must replace it
        },
    )
    seen = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from axes.models import AccessAttempt\n"
        "print(*AccessAttempt.objects.filter(username='nobody-here')"
        ".values_list('ip_address', flat=True))",
        capture=True,
    ).strip()
    check(seen == "127.0.0.2", "sign-in attempts are recorded with the client's address", seen)

    step("a background job through the worker (city-wide work runs there)")
    job_id = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.models import User\n"
        "from jobs.services import job_start\n"
        f"u = User.objects.get(username='{ADMIN}')\n"
        "j = job_start(requested_by=u, kind='check', title='Deploy check',"
        " runner='jobs.checks.deploy_probe')\n"
        "print(j.pk)",
        capture=True,
    ).strip()
    done = wait_http(
        lambda: json.loads(client.request("GET", f"/tugas/{job_id}/status.json")[1])["finished"],
        seconds=30,
    )
    status = json.loads(client.request("GET", f"/tugas/{job_id}/status.json")[1])
    check(done and status["status"] == "done", "the worker ran the job", str(status)[:120])
    if status.get("download_url"):
        response, data = client.request("GET", status["download_url"])
        check(
            response.status == 200 and data.startswith(b"deploy-check"),
            "its file downloads over HTTPS",
        )

    response, _ = client.request("GET", "/laporan/ekspor/pdf/")
    location = response.headers.get("Location", "")
    check(
        response.status == 302 and location.startswith("/tugas/"),
        "the city-wide PDF export becomes a background job",
        f"{response.status} {location}",
    )
    if location.startswith("/tugas/"):
        done = wait_http(
            lambda: json.loads(client.request("GET", location + "status.json")[1])["finished"],
            seconds=120,
        )
        status = json.loads(client.request("GET", location + "status.json")[1])
        pdf = b""
        if status.get("download_url"):
            response, pdf = client.request("GET", status["download_url"])
        check(
            done and pdf.startswith(b"%PDF"),
            "the worker rendered the PDF; it downloads over HTTPS",
            f"{len(pdf)} bytes",
        )

    step("9. upgrade: graceful reload (SIGHUP) while requests keep coming")
    errors, served = [], [0]
    stop = threading.Event()

    def hammer():
        own = Client()
        while not stop.is_set():
            try:
                response, _ = own.request("GET", "/healthz")
                if response.status != 200:
                    errors.append(response.status)
                served[0] += 1
            except OSError as exc:
                errors.append(repr(exc))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(2)
    before = served[0]
    web.send_signal(signal.SIGHUP)
    time.sleep(6)
    stop.set()
    for t in threads:
        t.join()
    check(
        not errors and served[0] > before,
        "no request failed during the reload",
        f"{served[0]} requests, {len(errors)} failed {errors[:3]}",
    )
    check(web.poll() is None, "gunicorn still running after the reload")
    return 0


if __name__ == "__main__":
    code = 1  # an exception inside main() is not a pass either
    try:
        code = main()
    finally:
        step("stopping nginx, gunicorn, the worker and the database")
        stop_all()
    if failures:
        print("\nFAILED: " + ", ".join(failures))
    elif code:
        print(f"\nSTOPPED before the end (exit {code}): nothing above counts as passed")
    else:
        print("\nALL CHECKS PASSED")
    sys.exit(1 if failures or code else 0)
