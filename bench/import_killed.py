"""Fault: a trainee import killed halfway writes nothing (issue 8).

    .venv/bin/python bench/import_killed.py [--rows 5000]

On a private embedded Postgres (var/bench-kill-pg, port 54349): generates a 5,000-row trainee
file (bench/import_trainees.py's generator), starts a separate process that checks it and
writes it with the same service the admin's confirm uses, kills that process with SIGKILL while
its transaction is writing (seen in pg_stat_activity), and compares the owner, business,
enrolment and history counts before and after. Exit status 1 if anything of it was written.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import BASE_DIR, PYTHON, dbserver, embedded_postgres, manage

PG_PORT, PG_FOLDER = 54349, "bench-kill-pg"
TABLES = [
    "umkm_owner",
    "umkm_business",
    "umkm_enrolment",
    "umkm_historicalowner",
    "umkm_businessstage",
]

WRITER = r"""
import os, sys
sys.path.insert(0, {base!r}); sys.path.insert(0, {bench!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django; django.setup()
from django.contrib.auth.models import User
from import_trainees import build_file
from umkm import importer, services
from umkm.models import Training
training = Training.objects.get(title="Bench: import dibatalkan")
actor = User.objects.get(username="bench-kill")
rows = importer.read_rows("xlsx", build_file({rows}, 7, []))
preview = importer.check_rows(actor=actor, training=training, rows=rows)
assert preview.can_confirm, preview.file_errors or preview.error_rows[:3]
print("writing", flush=True)
services.trainees_register(actor=actor, training=training, trainees=[r.data for r in preview.rows])
print("done", flush=True)
"""


def counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def writing_transaction(url: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        ).fetchone()
        return row[0] > 0


def main(rows: int) -> int:
    base = embedded_postgres(PG_PORT, PG_FOLDER)
    url = f"{base}/umkm_kill"
    env = dict(os.environ, DATABASE_URL=url, DEBUG="1")
    subprocess.run(
        [PYTHON, "-m", "config.dbserver", "ensure-db"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manage(env, "migrate", "--noinput")
    manage(
        env,
        "shell",
        "-c",
        "import datetime;from django.contrib.auth.models import User;"
        "from umkm.models import Training;"
        "User.objects.get_or_create(username='bench-kill', defaults={'is_superuser': True,"
        " 'is_staff': True});"
        "Training.objects.get_or_create(title='Bench: import dibatalkan', defaults={"
        "'start_date': datetime.date(2023,3,1), 'end_date': datetime.date(2023,3,2),"
        f" 'capacity': {rows * 2}}})",
    )
    before = counts(url)
    code = WRITER.format(base=str(BASE_DIR), bench=str(HERE), rows=rows)
    proc = subprocess.Popen(
        [PYTHON, "-c", code],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "writing", "the writer did not get to writing"
    started = time.time()
    while not writing_transaction(url):
        if proc.poll() is not None or time.time() - started > 60:
            print("FAIL: the write finished before it could be killed; use more --rows")
            return 1
        time.sleep(0.05)
    time.sleep(1.0)  # well inside the write: thousands of rows inserted, not committed
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    print(
        f"killed the writer {time.time() - started:.1f}s into its transaction "
        f"(exit {proc.returncode})"
    )
    time.sleep(0.5)
    after = counts(url)
    print("before:", before)
    print("after: ", after)
    ok = before == after
    print("RESULT:", "PASS (nothing of it written)" if ok else "FAIL (partial import left)")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    try:
        raise SystemExit(main(parser.parse_args().rows))
    finally:
        dbserver("stop", PG_PORT, PG_FOLDER)
