"""Two trees of the project side by side in one run: the admin business list, the certificate
list and the report dashboard, each measured by the tree's OWN bench script, alternating
old, new, old, new ... with the load average written beside each figure.

    git worktree add --detach /tmp/old <commit>; git worktree add --detach /tmp/new main
    (symlink .venv into both, `compilemessages` in each)
    .venv/bin/python bench/side_by_side.py --old /tmp/old --new /tmp/new [--rounds 2]

Databases (each filled once, by the bench's own instructions; the same schema serves both trees
when their migrations are the same): umkm_bench_admin (seed_demo --businesses 370000),
umkm_bench_certs (bench/certificate_admin.py fills it), umkm_bench_reports (bench/reports.py
fills it). The report is timed by calling bench/reports.py's bench_dashboard() of each tree,
without its CSV/XLSX part (bench/exports.py measures the files). Prints one Markdown table per
bench: p50 and p95 of each figure in each round, old and new, their ratio, and the load averages.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

PG = "postgres://postgres@127.0.0.1:5432/"

REPORTS_RUN = """
import json, os, sys
sys.path.insert(0, os.getcwd())
from bench import reports as r
url = os.environ.get("BENCH_DATABASE_URL", r.DEFAULT_URL)
os.environ.update(r._env(url))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
results = r.bench_dashboard({runs})
from django.contrib.auth import get_user_model
client = Client(HTTP_HOST="localhost")
client.force_login(get_user_model().objects.get(username="bench-pejabat"))
for name, url in (("city", "/laporan/?tahun=2023"),
                  ("kecamatan", f"/laporan/kecamatan/{{r.ONE_KECAMATAN}}/?tahun=2023")):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    results[name]["queries"] = len(captured.captured_queries)
print("RESULT " + json.dumps(results))
"""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(tree: Path, args: list[str], env: dict) -> str:
    out = subprocess.run(
        [str(tree / ".venv" / "bin" / "python"), *args],
        cwd=tree,
        env={**os.environ, "DEBUG": "1", **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def admin_list(tree: Path, runs: int) -> dict:
    """{case: (ours p50, ours p95, queries, defaults p50, defaults p95)} (ms)."""
    out = run(tree, ["bench/admin_business_list.py", "--runs", str(runs)],
              {"DATABASE_URL": PG + "umkm_bench_admin"})  # fmt: skip
    figures = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 8 and cells[1].endswith(" ms"):
            label = re.sub(r' "[^"]*".*', "", cells[0])  # the owner's name differs per seed
            figures[label] = (
                _ms(cells[1]),
                _ms(cells[2]),
                int(cells[3]),
                _ms(cells[4]),
                _ms(cells[5]),
            )
    return figures


def certificates(tree: Path, runs: int) -> dict:
    """{page: (p50, p95, queries)} (ms) from the fixed-width table."""
    out = run(tree, ["bench/certificate_admin.py", "--runs", str(runs)],
              {"DATABASE_URL": PG + "umkm_bench_certs"})  # fmt: skip
    figures = {}
    for line in out.splitlines():
        match = re.match(r"(.+?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)$", line)
        if match:
            figures[match[1]] = (float(match[2]), float(match[3]), int(match[5]))
    return figures


def reports(tree: Path, runs: int) -> dict:
    out = run(tree, ["-c", REPORTS_RUN.format(runs=runs)],
              {"BENCH_DATABASE_URL": PG + "umkm_bench_reports"})  # fmt: skip
    data = json.loads(out.split("RESULT ", 1)[1])
    return {
        f"{name} dashboard": (d["p50"] * 1000, d["p95"] * 1000, d["queries"])
        for name, d in data.items()
    }


BENCHES = {"admin": admin_list, "certificates": certificates, "reports": reports}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True)
    parser.add_argument("--new", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bench", choices=list(BENCHES), action="append")
    parser.add_argument("--runs", type=int, default=20, help="requests per page and tree")
    args = parser.parse_args()
    for name in args.bench or list(BENCHES):
        print(f"\n### {name} ({args.runs} requests per page and tree)\n", flush=True)
        rows = []
        for round_ in range(1, args.rounds + 1):
            got = {}
            for side, tree in (("old", args.old), ("new", args.new)):
                before = loadavg()
                got[side] = BENCHES[name](tree, args.runs)
                got[side + "_load"] = f"{before} → {loadavg()}"
                line = f"  round {round_} {side}: {json.dumps(got[side])}"
                print(f"{line} (load {got[side + '_load']})", file=sys.stderr, flush=True)
            for figure, old in got["old"].items():
                new = got["new"].get(figure, (float("nan"),) * len(old))
                rows.append((round_, figure, old, new, got["old_load"], got["new_load"]))
        print("| round | figure | p50 old / new | p95 old / new | p50 ratio | p95 ratio | "
              "queries old / new | load old | load new |")  # fmt: skip
        print("|---:|---|---:|---:|---:|---:|---|---|---|")
        for round_, figure, old, new, old_load, new_load in rows:
            print(f"| {round_} | {figure} | {old[0]:.0f} / {new[0]:.0f} ms "
                  f"| {old[1]:.0f} / {new[1]:.0f} ms | {new[0] / old[0]:.2f}x "
                  f"| {new[1] / old[1]:.2f}x | {old[2]} / {new[2]} "
                  f"| {old_load} | {new_load} |")  # fmt: skip
        if name == "admin":  # the defaults' admin is the same code in both trees: a load gauge
            print("\nDefaults' admin (identical code in both trees: a gauge of the load):\n")
            print("| round | figure | p50 during old / new | p95 during old / new | p50 ratio |")
            print("|---:|---|---:|---:|---:|")
            for round_, figure, old, new, _, _ in rows:
                print(f"| {round_} | {figure} | {old[3]:.0f} / {new[3]:.0f} ms "
                      f"| {old[4]:.0f} / {new[4]:.0f} ms | {new[3] / old[3]:.2f}x |")  # fmt: skip
        sys.stdout.flush()


def _ms(cell: str) -> float:
    return float(cell.removesuffix(" ms"))


if __name__ == "__main__":
    main()
