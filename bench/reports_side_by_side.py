"""The report's computed path (every figure, no kept report) of two trees, one request at a time,
alternating, against one database: on a shared machine whose load moves by the minute, two
figures taken seconds apart are comparable where two whole bench runs are not.

    .venv/bin/python bench/reports_side_by_side.py --old ../old-tree --new . [--rounds 5]

Each tree runs as one long-lived process (its own code, its own .venv link), asked in turn to
build the report of the city and of one kecamatan (31.73.01) for 2023 with every section, as
the dashboard does, with the kept reports off (reports.selectors.SNAPSHOTS = False); with
`--kinds kept`, the whole dashboard request (Django test client, as bench-pejabat) with the
report kept, i.e. session, rendering and the kept report's fetch. Rounds go old-new, then
new-old. The database is BENCH_DATABASE_URL, filled by bench/reports.py. Prints
each request's time with the load average, and the medians.
"""

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = """
import os, sys, time
sys.path.insert(0, os.getcwd())
import django
django.setup()
from reports import selectors
from reports.selectors import Period, build_report, city_scope, kecamatan_scope, report_snapshot
from django.contrib.auth import get_user_model
from django.test import Client
client = Client(HTTP_HOST="localhost")
client.force_login(get_user_model().objects.get(username="bench-pejabat"))
scopes = {"city": city_scope, "kecamatan": lambda: kecamatan_scope("31.73.01")}
urls = {"city": "/laporan/?tahun=2023", "kecamatan": "/laporan/kecamatan/31.73.01/?tahun=2023"}
print("ready", flush=True)
for line in sys.stdin:
    kind, page = line.split()
    started = time.perf_counter()
    if kind == "kept":  # the whole dashboard request, the report kept (reused)
        selectors.SNAPSHOTS = True
        assert client.get(urls[page]).status_code == 200
    else:
        selectors.SNAPSHOTS = False
        with report_snapshot():
            build_report(scopes[page](), Period.for_year(2023), sections=True)
    print(time.perf_counter() - started, flush=True)
"""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def start(tree: Path, url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    proc = subprocess.Popen(
        [str(tree / ".venv" / "bin" / "python"), "-c", WORKER],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def ask(proc: subprocess.Popen, page: str) -> float:
    proc.stdin.write(page + "\n")
    proc.stdin.flush()
    return float(proc.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, required=True)
    parser.add_argument("--new", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--kinds",
        nargs="+",
        default=["computed"],
        choices=["computed", "kept"],
        help="computed: every figure; kept: the whole dashboard request with the report kept",
    )
    args = parser.parse_args()
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/umkm_bench_reports"
    )
    trees = {"old": start(args.old.resolve(), url), "new": start(args.new.resolve(), url)}
    pages = [f"{kind} {page}" for kind in args.kinds for page in ("kecamatan", "city")]
    times = {(tree, page): [] for tree in trees for page in pages}
    try:
        for page in pages:
            for name in trees:  # a first request each: connections, caches of the planner
                ask(trees[name], page)
            for r in range(args.rounds):
                order = ("old", "new") if r % 2 == 0 else ("new", "old")
                for name in order:
                    seconds = ask(trees[name], page)
                    times[(name, page)].append(seconds)
                    print(f"{page:18} {name}: {seconds * 1000:7.0f} ms  (load {loadavg()})")
    finally:
        for proc in trees.values():
            proc.stdin.close()
            proc.wait(timeout=60)
    for page in pages:
        old, new = (statistics.median(times[(n, page)]) for n in ("old", "new"))
        print(
            f"{page:18} median old {old * 1000:.0f} ms, new {new * 1000:.0f} ms = {new / old:.2f}x"
            f" ({args.rounds} each, load {loadavg()})"
        )


if __name__ == "__main__":
    sys.exit(main())
