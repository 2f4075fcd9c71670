"""The read replica down and behind, against a REAL streaming replica (issue 14).

    .venv/bin/python bench/replica_drill.py

Starts a private embedded Postgres primary (var/bench-replica-primary, port 54341), migrates a
database on it, makes a second cluster from it with `pg_basebackup -R` (var/bench-replica-
standby, port 54342: a hot standby streaming from the primary), then drives the project's own
middleware and router (django.test.Client, production settings, DATABASE_REPLICA_URL = the
standby) through a probe view that writes and one that reads under report_reads():

1. healthy: report reads are answered by the standby; a browser that wrote reads its write
   from the primary at once; another browser sees it on the standby after the replication lag;
2. behind: replay paused on the standby (pg_wal_replay_pause) while the primary takes writes:
   the writer always reads its own writes; others fall back to the primary once the standby is
   REPLICA_MAX_LAG_SECONDS behind; back to the standby once replay resumes;
3. down: the standby stopped: every report read answers, from the primary, within a second;
   back to the standby once it runs again.

Both clusters are stopped at the end. Prints the figures; exit status 1 when a check fails.
"""

import argparse
import json
import os
import statistics
import sys
import time

from _harness import (
    BASE_DIR,
    dbserver,
    embedded_postgres,
    manage,
    production_env,
    streaming_replica,
)

PRIMARY_PORT, PRIMARY_FOLDER = 54341, "bench-replica-primary"
STANDBY_PORT, STANDBY_FOLDER = 54342, "bench-replica-standby"
DB = "umkm_replica"


def prepare() -> dict:
    import subprocess

    base = embedded_postgres(PRIMARY_PORT, PRIMARY_FOLDER)
    env = production_env(f"{base}/{DB}")
    subprocess.run(
        [sys.executable, "-m", "config.dbserver", "ensure-db"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    standby = streaming_replica(PRIMARY_PORT, STANDBY_PORT, STANDBY_FOLDER)
    env.update(
        DATABASE_REPLICA_URL=f"{standby}/{DB}",
        ALLOWED_HOSTS="testserver",
        REPLICA_MAX_LAG_SECONDS="5",
        REPLICA_CHECK_SECONDS="1",
        REPLICA_PIN_SECONDS="15",
    )
    return env


def standby_sql(sql: str):
    import psycopg

    with psycopg.connect(
        f"postgres://postgres@127.0.0.1:{STANDBY_PORT}/{DB}", autocommit=True
    ) as conn:
        return conn.execute(sql).fetchone()


def run(args) -> int:
    env = prepare()
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings

    ok = True

    def check(condition: bool, text: str):
        nonlocal ok
        print(("  ok    " if condition else "  FAIL  ") + text)
        ok = ok and condition

    writer, other = Client(), Client()

    def read(client) -> tuple[dict, float]:
        started = time.monotonic()
        response = client.get("/drill/read/")
        elapsed = time.monotonic() - started
        assert response.status_code == 200, response.status_code
        return json.loads(response.content), elapsed

    def write() -> str:
        response = writer.post("/drill/write/")
        assert response.status_code == 200, response.status_code
        return response.content.decode()

    with override_settings(ROOT_URLCONF="replica_urls"):
        print(f"1. healthy standby on {STANDBY_PORT}, streaming from {PRIMARY_PORT}")
        body, _ = read(other)
        check(
            body["alias"] == "replica" and body["standby"],
            f"report read on the standby: {body['port']}",
        )
        name = write()
        body, _ = read(writer)
        check(
            name in body["names"] and body["alias"] == "default",
            "the writer's next report read comes from the primary and shows its write",
        )
        started = time.monotonic()
        while name not in read(other)[0]["names"] and time.monotonic() - started < 10:
            time.sleep(0.005)
        lag_ms = (time.monotonic() - started) * 1000
        check(
            name in read(other)[0]["names"],
            f"another browser sees it on the standby after {lag_ms:.0f} ms",
        )

        print("2. standby behind: replay paused while the primary takes writes")
        standby_sql("SELECT pg_wal_replay_pause()")
        paused_at = time.monotonic()
        stale_reads, first_fallback, writer_misses = 0, None, 0
        while time.monotonic() - paused_at < args.lag_seconds:
            name = write()
            writer_body, _ = read(writer)
            writer_misses += name not in writer_body["names"]
            body, _ = read(other)
            if body["alias"] == "replica" and name not in body["names"]:
                stale_reads += 1
            if body["alias"] == "default" and first_fallback is None:
                first_fallback = time.monotonic() - paused_at
            time.sleep(0.2)
        check(writer_misses == 0, f"the writer read all its own writes ({writer_misses} missed)")
        check(
            first_fallback is not None and first_fallback <= settings.REPLICA_MAX_LAG_SECONDS + 2,
            f"others fell back to the primary {first_fallback:.1f} s after replay stopped "
            f"(allowed lag {settings.REPLICA_MAX_LAG_SECONDS:.0f} s; {stale_reads} reads "
            "within it were behind)",
        )
        standby_sql("SELECT pg_wal_replay_resume()")
        resumed_at = time.monotonic()
        while read(other)[0]["alias"] != "replica" and time.monotonic() - resumed_at < 10:
            time.sleep(0.05)
        back = time.monotonic() - resumed_at
        check(
            read(other)[0]["alias"] == "replica",
            f"back on the standby {back:.1f} s after replay resumed",
        )

        print("3. standby down (pg_ctl stop -m fast)")
        dbserver("stop", STANDBY_PORT, STANDBY_FOLDER)
        stopped_at = time.monotonic()
        latencies, aliases = [], set()
        while time.monotonic() - stopped_at < args.down_seconds:
            body, elapsed = read(other)
            latencies.append(elapsed)
            aliases.add(body["alias"])
        check(aliases == {"default"}, f"{len(latencies)} report reads, all answered by the primary")
        check(
            max(latencies) < 1,
            f"slowest {max(latencies) * 1000:.0f} ms, median "
            f"{statistics.median(latencies) * 1000:.1f} ms (fall back within a second)",
        )
        dbserver("start", STANDBY_PORT, STANDBY_FOLDER)
        started_at = time.monotonic()
        while read(other)[0]["alias"] != "replica" and time.monotonic() - started_at < 30:
            time.sleep(0.05)
        back = time.monotonic() - started_at
        check(
            read(other)[0]["alias"] == "replica",
            f"back on the standby {back:.1f} s after it started",
        )
        body, _ = read(other)
        name = write()
        check(
            name in read(writer)[0]["names"], "after the outage the writer still reads its writes"
        )

    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lag-seconds", type=float, default=10)
    parser.add_argument("--down-seconds", type=float, default=5)
    try:
        raise SystemExit(run(parser.parse_args()))
    finally:
        dbserver("stop", STANDBY_PORT, STANDBY_FOLDER)
        dbserver("stop", PRIMARY_PORT, PRIMARY_FOLDER)
