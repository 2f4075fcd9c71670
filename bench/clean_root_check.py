"""The guide on a clean machine: docs/DEPLOY.md's steps 1-5 followed literally in a fresh
Debian root made by debootstrap, then the web unit's ExecStart and nginx inside it.

    sudo .venv/bin/python bench/clean_root_check.py [--suite trixie] [--keep]

As root, with debootstrap (apt-get install debootstrap) and Debian's package mirror reachable.
The root is built under var/clean-root-<suite>/ (reused when it is there: delete it for a
cold run). The shell blocks of the guide's sections 1, 2, 3 and 5 are read from DEPLOY.md and
run line by line in the root (chroot), with only these stand-ins for what a person types:
the repository to clone (this checkout's HEAD, as a bare copy inside the root), the password
prompt of `createuser`, and the environment file's values (step 4 writes secrets by hand).
The root's Postgres listens on port 15432 and every command there gets PGPORT=15432, so
nothing reaches the machine's own server. Its nginx runs the guide's site (`nginx -t`, then
started, listening on loopback ports 15080/15443 instead of 80/443) and the result is checked
through it: real HTTPS round trips with curl (--resolve umkm.example.go.id to 127.0.0.1, a
self-signed certificate made here) to /healthz, the home page, /bazar/, the admin sign-in page
and its stylesheet, then /healthz and the redirect on plain HTTP.
Prints each step's result and its time; stops at the first failure.
"""

import argparse
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GUIDE = BASE_DIR / "docs" / "DEPLOY.md"
PGPORT = "15432"
HOST, HTTP_PORT, HTTPS_PORT = "umkm.example.go.id", 15080, 15443
MIRROR = "http://deb.debian.org/debian"


def guide_commands(section: str) -> list[str]:
    """The command lines of the ```sh blocks of one '## N.' section, continuations joined."""
    text = GUIDE.read_text()
    match = re.search(rf"^## {re.escape(section)}\b.*?(?=^## )", text, re.S | re.M)
    if not match:
        raise SystemExit(f"DEPLOY.md has no section '## {section}'")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", match.group(0), re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


class Root:
    def __init__(self, path: Path):
        self.path = path
        self.mounted: list[Path] = []

    def mount(self):
        for name, kind in (("proc", "proc"), ("sys", "sysfs"), ("dev", None), ("dev/pts", None)):
            target = self.path / name
            target.mkdir(parents=True, exist_ok=True)
            if kind:
                subprocess.run(["mount", "-t", kind, kind, str(target)], check=True)
            else:
                subprocess.run(["mount", "--bind", f"/{name}", str(target)], check=True)
            self.mounted.append(target)
        # /dev/shm as a booted system has it (gunicorn keeps its worker heartbeats there).
        shm = self.path / "dev" / "shm"
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", str(shm)], check=True)
        self.mounted.append(shm)
        (self.path / "etc" / "resolv.conf").write_text(Path("/etc/resolv.conf").read_text())
        # debootstrap's minbase of trixie writes no /etc/hosts (a booted system has one).
        hosts = self.path / "etc" / "hosts"
        if not hosts.exists():
            hosts.write_text("127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n")
        name = os.uname().nodename
        if name not in hosts.read_text():
            hosts.write_text(hosts.read_text() + f"127.0.1.1 {name}\n")
        # This machine's network reaches the package registries through its own certificate
        # authority: pip in the root trusts the same bundle as pip here (a real server needs
        # nothing of the kind).
        bundle = Path("/etc/ssl/certs/ca-certificates.crt")
        if bundle.exists():
            (self.path / "etc" / "ssl").mkdir(parents=True, exist_ok=True)
            (self.path / "etc" / "ssl" / "host-ca.crt").write_bytes(bundle.read_bytes())
            (self.path / "etc" / "pip.conf").write_text("[global]\ncert = /etc/ssl/host-ca.crt\n")
        # Services do not start by themselves in a chroot (the script starts what it needs).
        policy = self.path / "usr" / "sbin" / "policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)

    def unmount(self):
        for target in reversed(self.mounted):
            subprocess.run(["umount", "-l", str(target)], check=False)
        self.mounted.clear()

    def run(self, command: str, cwd: str = "/", timeout: int = 900) -> subprocess.CompletedProcess:
        env = {
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/root",
            "LANG": "C.UTF-8",
            "DEBIAN_FRONTEND": "noninteractive",
            "PGPORT": PGPORT,
        }
        return subprocess.run(
            ["chroot", str(self.path), "/bin/sh", "-c", f"cd {shlex.quote(cwd)} && {command}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def step(label: str, root: Root, command: str, cwd: str = "/") -> str:
    started = time.monotonic()
    result = root.run(command, cwd=cwd)
    seconds = time.monotonic() - started
    status = "ok" if result.returncode == 0 else "FAIL"
    print(f"  [{status}] {label}  ({seconds:.0f} s)\n         $ {command[:150]}", flush=True)
    if result.returncode != 0:
        print((result.stdout + result.stderr)[-3000:])
        raise SystemExit(f"step failed: {label}")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", default="trixie")
    parser.add_argument("--keep", action="store_true", help="leave the root's services running")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root (debootstrap, chroot, mount)")
    started = time.monotonic()
    path = BASE_DIR / "var" / f"clean-root-{args.suite}"
    if not (path / "etc" / "debian_version").exists():
        print(f"debootstrap {args.suite} into {path.relative_to(BASE_DIR)} ...", flush=True)
        subprocess.run(
            ["debootstrap", "--variant=minbase", args.suite, str(path), MIRROR], check=True
        )
    root = Root(path)
    try:
        root.mount()
        follow_the_guide(root)
    finally:
        if not args.keep:
            root.run("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main stop")
            # Only the gunicorn this script started, by its process id.
            root.run("test -f /run/umkm-check.pid && kill $(cat /run/umkm-check.pid) || true")
            root.run("test -f /run/nginx.pid && nginx -s quit || true")
        root.unmount()
    print(f"ALL STEPS PASSED in {time.monotonic() - started:.0f} s")


def follow_the_guide(root: Root) -> None:
    print("1. Machine", flush=True)
    for command in guide_commands("1. Machine"):
        step("guide", root, command)

    print("2. User and code", flush=True)
    bare = root.path / "srv" / "portal.git"
    if not bare.exists():
        subprocess.run(["git", "clone", "--bare", "-q", str(BASE_DIR), str(bare)], check=True)
    cwd = "/"
    for command in guide_commands("2. User and code"):
        command = command.replace("<the repository>", "/srv/portal.git")
        if command.startswith("adduser") and root.run("id umkm").returncode == 0:
            print("  [ok] user umkm exists already (a reused root)")
            continue
        if command.startswith("git clone") and (root.path / "srv/umkm/.git").exists():
            # A reused root: the checkout goes, and the guide clones this HEAD again.
            subprocess.run(["rm", "-rf", str(bare)], check=True)
            subprocess.run(["git", "clone", "--bare", "-q", str(BASE_DIR), str(bare)], check=True)
            step(
                "a reused root: the old checkout removed",
                root,
                "find /srv/umkm -mindepth 1 -delete",
            )
        if command.startswith("cd "):
            cwd = command[3:].strip()
            continue
        step("guide", root, command, cwd=cwd)

    print("3. Database", flush=True)
    step(
        "the root's Postgres on port 15432 (systemd would start it)",
        root,
        f"v=$(ls /etc/postgresql); pg_conftool $v main set port {PGPORT} && "
        "pg_ctlcluster --skip-systemctl-redirect $v main start",
    )
    password = secrets.token_hex(12)
    for command in guide_commands("3. Database"):
        if "createuser" in command:
            command = command.replace("--pwprompt ", "") + " || true"
            step("guide", root, command)
            step(
                "the password createuser prompted for",
                root,
                f"sudo -u postgres psql -qc \"ALTER USER umkm PASSWORD '{password}'\"",
            )
            continue
        step("guide", root, command + " || sudo -u postgres psql -lqt | grep -qw umkm")

    print("4. Environment file", flush=True)
    keys = step(
        "secrets made with the guide's commands",
        root,
        " && ".join(
            c for c in guide_commands("4. Environment file") if c.startswith(".venv/bin/python")
        ),
        cwd="/srv/umkm",
    )
    env = (BASE_DIR / "deploy" / "umkm.env.example").read_text()
    for line in keys.split():
        name = line.split("=", 1)[0]
        env = re.sub(rf"^{name}=.*$", line.replace("\\", "\\\\"), env, flags=re.M)
    env = env.replace("umkm:PASSWORD@127.0.0.1:5432", f"umkm:{password}@127.0.0.1:{PGPORT}")
    env = env.replace("CACHE_URL=redis://127.0.0.1:6379/1", "CACHE_URL=locmemcache://umkm")
    # Who signs the PDF reports: the example leaves them blank for the installer to fill in
    # (step 4), and `check --deploy --fail-level WARNING` in step 5 insists.
    env = env.replace("OFFICE_HEAD_NAME=\n", 'OFFICE_HEAD_NAME="Nama Kepala Suku Dinas"\n')
    env = env.replace("OFFICE_HEAD_NIP=\n", "OFFICE_HEAD_NIP=197001011995031001\n")
    (root.path / "etc" / "umkm").mkdir(exist_ok=True)
    (root.path / "etc" / "umkm" / "umkm.env").write_text(env)
    step(
        "the environment file",
        root,
        "chgrp umkm /etc/umkm/umkm.env && chmod 0640 /etc/umkm/umkm.env",
    )

    print("5. Prepare the release", flush=True)
    for command in guide_commands("5. Prepare the release"):
        if "createsuperuser" in command or command.startswith(
            (".venv/bin/python manage.py shell", "from ", "d =", "print")
        ):
            continue
        if command.startswith(("set -a", "(set -a")):
            continue
        step(
            "guide (as umkm, environment loaded)",
            root,
            "sudo -u umkm sh -c " + shlex.quote(f"set -a; . /etc/umkm/umkm.env; set +a; {command}"),
            cwd="/srv/umkm",
        )

    print("6. Web server (the unit's ExecStart) and 7. nginx", flush=True)
    unit = (BASE_DIR / "deploy" / "systemd" / "umkm-web.service").read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1)
    step(
        "gunicorn as the unit starts it; /healthz answers",
        root,
        "sudo -u umkm sh -c "
        + shlex.quote(
            "set -a; . /etc/umkm/umkm.env; set +a; GUNICORN_BIND=127.0.0.1:18765 "
            f"nohup {exec_start} >/srv/umkm/var/gunicorn.log 2>&1 & "
            "echo $! >/srv/umkm/var/gunicorn.pid"
        )
        + " ; cp /srv/umkm/var/gunicorn.pid /run/umkm-check.pid"
        + ' ; for i in $(seq 1 30); do python3 -c "import urllib.request as u; '
        "r=u.urlopen(u.Request('http://127.0.0.1:18765/healthz', headers={'Host': "
        "'umkm.example.go.id', 'X-Forwarded-Proto': 'https'})); print(r.status, r.read()[:80])\" "
        "&& exit 0; sleep 1; done; cat /srv/umkm/var/gunicorn.log; exit 1",
        cwd="/srv/umkm",
    )
    step(
        "nginx -t with deploy/nginx/umkm.conf (self-signed certificate)",
        root,
        "apt-get install -y -qq openssl >/dev/null && install -d /etc/ssl/umkm /var/www/acme && "
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=umkm.example.go.id "
        "-keyout /etc/ssl/umkm/privkey.pem -out /etc/ssl/umkm/fullchain.pem 2>/dev/null && "
        "cp deploy/nginx/umkm-logformat.conf /etc/nginx/conf.d/ && "
        "cp deploy/nginx/umkm-proxy.conf /etc/nginx/snippets/ && "
        "cp deploy/nginx/umkm.conf /etc/nginx/sites-available/umkm.conf && "
        "ln -sf ../sites-available/umkm.conf /etc/nginx/sites-enabled/ && "
        "rm -f /etc/nginx/sites-enabled/default && nginx -t",
        cwd="/srv/umkm",
    )
    # The guide's EDIT lines: gunicorn's address (the check's 18765) and, so that nothing of
    # the machine's own is touched, the listen ports 80/443 as 15080/15443 on loopback. The
    # host name, certificate and /srv/umkm paths are the committed ones.
    step(
        "nginx started with the site (EDIT lines: upstream 127.0.0.1:18765, ports 15080/15443)",
        root,
        "sed -i -e 's/server 127.0.0.1:8000/server 127.0.0.1:18765/' "
        f"-e 's/listen 80;/listen 127.0.0.1:{HTTP_PORT};/' "
        f"-e 's/listen 443 ssl/listen 127.0.0.1:{HTTPS_PORT} ssl/' "
        "-e '/listen \\[::\\]/d' /etc/nginx/sites-available/umkm.conf && "
        "apt-get install -y -qq curl >/dev/null && nginx -t 2>/dev/null && nginx",
    )
    print("   through nginx: curl --resolve umkm.example.go.id to loopback, over HTTPS", flush=True)
    through_nginx(root, "/healthz", 200, '"database": "up"')
    through_nginx(root, "/", 200, "<html")
    through_nginx(root, "/bazar/", 200, "<html")
    page = through_nginx(root, "/admin/login/", 200, 'name="csrfmiddlewaretoken"')
    css = re.search(r'href="(/static/[^"]+\.css)"', page)
    if not css:
        raise SystemExit("step failed: the admin login page names no stylesheet")
    through_nginx(root, css.group(1), 200, "")
    through_nginx(root, "/healthz", 200, '"database": "up"', tls=False)
    through_nginx(root, "/bazar/", 301, "", tls=False)


def through_nginx(root: Root, path: str, expect: int, needle: str, tls: bool = True) -> str:
    """One real round trip to the root's nginx as a browser makes it (HTTPS, the site's host
    name resolved to loopback; the self-signed certificate is not verified): the status, and
    a piece of the body that only the right page has."""
    scheme, port = ("https", HTTPS_PORT) if tls else ("http", HTTP_PORT)
    url = f"{scheme}://{HOST}:{port}{path}"
    started = time.monotonic()
    result = root.run(
        f"curl -sk --max-time 20 --resolve {HOST}:{port}:127.0.0.1 -o /tmp/page "
        f"-w '%{{http_code}} %{{size_download}}' {shlex.quote(url)}; echo; cat /tmp/page"
    )
    first, _, body = result.stdout.partition("\n")
    code, _, size = first.partition(" ")
    ok = code == str(expect) and needle in body
    print(
        f"  [{'ok' if ok else 'FAIL'}] GET {url}: {code}, {size} bytes"
        f"{', has ' + needle if needle and ok else ''}  ({time.monotonic() - started:.1f} s)",
        flush=True,
    )
    if not ok:
        print(body[-2000:] or result.stderr[-2000:])
        raise SystemExit(f"step failed: {url} (wanted {expect})")
    return body


if __name__ == "__main__":
    sys.exit(main())
