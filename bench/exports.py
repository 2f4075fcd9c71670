"""Exports side by side: the XLSX writers (the old reports/xlsx.py of commit 920ef55, the export
layer's exports/xlsx.py, XlsxWriter in constant-memory mode) and the streamed CSV against
Postgres COPY, on the DKI-scale data of bench/reports.py.

    .venv/bin/python bench/exports.py                 # 370,000 businesses, 3 rounds
    .venv/bin/python bench/exports.py --businesses 50000 --rounds 5 --old 920ef55
    .venv/bin/python bench/exports.py --csv-variants --rounds 5   # the two CSV variants only

It fills (or reuses) BENCH_DATABASE_URL as bench/reports.py does, extracts the old commit's tree
to a temporary folder (git archive), and alternates, round after round:
1. the XLSX of one kecamatan (31.73.01, 15,000 businesses), built in-process by each tree's own
   export_file() (report figures, every table, the two long lists): old tree vs new tree;
2. the writers alone on the same materialised rows: the old reports/xlsx.py, exports.xlsx and
   XlsxWriter (bench/xlsxwriter_sheets.py: the same sheets and cell rule);
3. plain COPY of the city's business list (every business) as each tree selects it (the new
   one makes every text column formula-safe in SQL, the old one only the name);
then the CSV of all businesses through a real server (gunicorn, bench/reports.py's harness) vs
plain COPY of the same SELECT. The load average is printed beside each figure: the machine is
shared, so compare the ratios in one run rather than absolute times across runs.

With --csv-variants, only the two CSV variants (exports.csv_stream) of the city's business list
(every business), in this process, against plain COPY of the same SELECT, in turn each round:
the standard CSV and "CSV (Excel Indonesia)" (semicolons, decimal commas and DD/MM/YYYY dates
made in SQL, exports.sql) through exports.sql.stream_copy_csv. Target: each within 1.1x.
"""

import argparse
import json
import os
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ONE_KECAMATAN = "31.73.01"

XLSX_RUN = """
import json, statistics, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.http import QueryDict
try:
    from reports.exports import export_file
except ImportError:  # the old tree: export_file lived in reports.views
    from reports.views import export_file
from reports.selectors import kecamatan_scope
user = get_user_model().objects.get(username="bench-pejabat")
scope, query = kecamatan_scope("{code}"), QueryDict("tahun=2023")
export_file(user=user, query=query, scope=scope, fmt="xlsx")  # warm-up
times = []
for _ in range({runs}):
    started = time.perf_counter()
    data, _type, _name = export_file(user=user, query=query, scope=scope, fmt="xlsx")
    times.append(time.perf_counter() - started)
print(json.dumps({{"seconds": statistics.median(times), "bytes": len(data)}}))
"""

COPY_RUN = """
import json, os, statistics, time, django
django.setup()
from django.db import connection
from reports.selectors import Period, business_rows, city_scope
sql, params = business_rows(city_scope(), Period.for_year(2025)).query.sql_with_params()
times = []
for _ in range({runs}):
    size = 0
    with connection.cursor() as c, open(os.devnull, "wb") as out:
        started = time.perf_counter()
        with c.cursor.copy(f"COPY ({{sql}}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for data in copy:
                out.write(data); size += len(data)
        times.append(time.perf_counter() - started)
print(json.dumps({{"seconds": statistics.median(times), "bytes": size}}))
"""


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def extract_old_tree(commit: str, into: Path) -> Path:
    tree = into / "old"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", commit], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    mo = ROOT / "locale/id/LC_MESSAGES/django.mo"
    if mo.exists():  # the same Indonesian headers in both files
        shutil.copy(mo, tree / "locale/id/LC_MESSAGES/django.mo")
    return tree


def in_tree(tree: Path, code: str, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree), "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"{tree}: {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def writers_alone(old_tree: Path, runs: int) -> tuple[float, float, int]:
    """The old writer and XlsxWriter on the same rows (all materialised first)."""
    import importlib.util
    import io

    from django.contrib.auth import get_user_model
    from django.http import QueryDict

    from exports import xlsx as new_xlsx
    from exports.cells import safe_text
    from reports.exports import report_context
    from reports.selectors import kecamatan_scope
    from reports.tables import long_tables

    def load_module(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    old = load_module("old_xlsx", old_tree / "reports/xlsx.py")
    xw = load_module("xlsxwriter_sheets", ROOT / "bench/xlsxwriter_sheets.py")
    styles = {
        "int": old.INT, "rupiah": old.RUPIAH, "percent": old.PERCENT, "date": old.DATE,
        "month": old.MONTH, "code": old.TEXT, "text": old.TEXT,
    }  # fmt: skip
    user = get_user_model().objects.get(username="bench-pejabat")
    scope = kecamatan_scope(ONE_KECAMATAN)
    context = report_context(user=user, query=QueryDict("tahun=2023"), scope=scope)
    tables = [*context["table_list"], *long_tables(scope, context["period"])]
    data = [(t, [tuple(v) for v in t.values()]) for t in tables]
    cells = sum(len(rows) * len(t.columns) for t, rows in data)

    def old_once():
        def rows(table, values):
            yield [(h, old.HEADER) for h in table.headers()]
            kinds = [styles[c.kind] for c in table.columns]
            for row in values:  # the old renderer's safe_cell, then the old styles
                yield [
                    (safe_text(v) if isinstance(v, str) else v, s)
                    for v, s in zip(row, kinds, strict=True)
                ]

        sheets = [
            old.Sheet(str(t.title), [c.width for c in t.columns], 1, rows(t, v)) for t, v in data
        ]
        old.write_workbook(io.BytesIO(), sheets)

    def new_once():
        new_xlsx.workbook_bytes([new_xlsx.Sheet(str(t.title), t.columns, v) for t, v in data])

    def xw_once():
        xw.workbook_bytes([xw.Sheet(str(t.title), t.columns, v) for t, v in data])

    times = {"old": [], "layer": [], "xlsxwriter": []}
    runs_of = (("old", old_once), ("layer", new_once), ("xlsxwriter", xw_once))
    for _name, fn in runs_of:  # warm-up
        fn()
    for _ in range(runs):
        for name, fn in runs_of:
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}, cells


def csv_variants(rounds: int) -> None:
    """The report's business list as each CSV variant, against plain COPY (see the docstring)."""
    from django.db import connection

    from exports.csv_stream import EXCEL_ID, STANDARD
    from exports.sql import stream_copy_csv
    from reports.selectors import Period, city_scope
    from reports.tables import long_tables

    year = runpy.run_path(str(ROOT / "bench/reports.py"), run_name="bench_reports")["CSV_YEAR"]
    table = {t.key: t for t in long_tables(city_scope(), Period.for_year(year))}["umkm"]

    def plain():
        sql, params = table.queryset().query.sql_with_params()
        size = 0
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
        with (
            connection.cursor() as c,
            open(os.devnull, "wb") as out,
            c.cursor.copy(copy_sql, params) as copy,
        ):
            for data in copy:
                out.write(data)
                size += len(data)
        return size

    def variant(v):
        def run():
            size = 0
            with open(os.devnull, "wb") as out:
                for chunk in stream_copy_csv(table.queryset(), table.columns, variant=v):
                    out.write(chunk)
                    size += len(chunk)
            return size

        return run

    runs = {"plain COPY": plain, "standard": variant(STANDARD), "excel-id": variant(EXCEL_ID)}
    for run in runs.values():
        run()  # warm-up: the same rows in the cache for each
    times = {name: [] for name in runs}
    sizes = {}
    for r in range(1, rounds + 1):
        order = list(runs) if r % 2 else list(reversed(runs))
        for name in order:
            started = time.perf_counter()
            sizes[name] = runs[name]()
            times[name].append(time.perf_counter() - started)
        print(
            f"round {r} CSV of every business: "
            + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in runs)
            + f"  [load {load()}]"
        )
    anchor = statistics.median(times["plain COPY"])
    print(
        f"median of {rounds}: plain COPY {anchor:.2f} s ({sizes['plain COPY'] / 1e6:.1f} MB); "
        + ", ".join(
            f"{n} {statistics.median(times[n]):.2f} s ({sizes[n] / 1e6:.1f} MB) = "
            f"{statistics.median(times[n]) / anchor:.2f}x"
            for n in ("standard", "excel-id")
        )
        + f" (target <= 1.1x)  [load {load()}]"
    )
    # On a shared machine the load drifts between rounds: the ratio within each round (the
    # three runs follow each other) is the steadier figure.
    ratios = {
        n: [t / p for t, p in zip(times[n], times["plain COPY"], strict=True)]
        for n in ("standard", "excel-id")
    }
    print(
        "median of the per-round ratios to plain COPY: "
        + ", ".join(f"{n} {statistics.median(ratios[n]):.2f}x" for n in ratios)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--businesses", type=int, default=370_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--old", default="920ef55", help="the commit with the old XLSX writer")
    parser.add_argument("--no-server", action="store_true", help="skip the gunicorn CSV run")
    parser.add_argument(
        "--csv-variants", action="store_true", help="only the two CSV variants against COPY"
    )
    args = parser.parse_args()
    bench = runpy.run_path(str(ROOT / "bench/reports.py"), run_name="bench_reports")
    url = os.environ.get("BENCH_DATABASE_URL", bench["DEFAULT_URL"])
    env = bench["_env"](url)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    bench["prepare"](url, args.businesses)

    import django

    django.setup()
    bench["fill"](args.businesses)
    bench["analyse"]()
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-pejabat")
    user.is_superuser = user.is_staff = True  # as bench/reports.py's dashboard run makes it
    user.save()
    print(f"load average (1/5/15 min) at start: {load()}")
    if args.csv_variants:
        csv_variants(args.rounds)
        return

    with tempfile.TemporaryDirectory() as tmp:
        old_tree = extract_old_tree(args.old, Path(tmp))
        xlsx_code = XLSX_RUN.format(code=ONE_KECAMATAN, runs=3)
        copy_code = COPY_RUN.format(runs=1)
        for r in range(1, args.rounds + 1):
            old_x = in_tree(old_tree, xlsx_code, env)
            new_x = in_tree(ROOT, xlsx_code, env)
            print(
                f"round {r} XLSX {ONE_KECAMATAN} (export_file, median of 3): old tree "
                f"{old_x['seconds']:.2f} s ({old_x['bytes'] / 1e6:.1f} MB), new tree "
                f"{new_x['seconds']:.2f} s ({new_x['bytes'] / 1e6:.1f} MB) = "
                f"{new_x['seconds'] / old_x['seconds']:.2f}x  [load {load()}]"
            )
            w, cells = writers_alone(old_tree, 3)
            print(
                f"round {r} writers alone ({cells:,} cells, median of 3): "
                + ", ".join(f"{k} {v:.2f} s = {v / cells * 1e6:.1f} us/cell" for k, v in w.items())
                + f"; layer/old {w['layer'] / w['old']:.2f}x, "
                f"xlsxwriter/layer {w['xlsxwriter'] / w['layer']:.2f}x  [load {load()}]"
            )
            old_c = in_tree(old_tree, copy_code, env)
            new_c = in_tree(ROOT, copy_code, env)
            print(
                f"round {r} plain COPY of every business: old SELECT {old_c['seconds']:.2f} s, "
                f"new SELECT (all text columns formula-safe) {new_c['seconds']:.2f} s = "
                f"{new_c['seconds'] / old_c['seconds']:.2f}x  [load {load()}]"
            )
        if not args.no_server:
            # The same harness (bench/reports.py) from each tree: its server and its COPY run
            # in that tree's folder, so each measures its own code.
            old_bench = runpy.run_path(str(old_tree / "bench/reports.py"), run_name="old_bench")
            for r in range(1, args.rounds + 1):
                for label, harness in (("old tree", old_bench), ("new tree", bench)):
                    files = harness["bench_files"](url, 1)
                    print(
                        f"round {r} {label}: CSV of all businesses through gunicorn "
                        f"{files['csv_seconds']:.2f} s vs plain COPY of the same SELECT "
                        f"{files['copy_seconds']:.2f} s = "
                        f"{files['csv_seconds'] / files['copy_seconds']:.2f}x (target <= 1.1x), "
                        f"{files['csv_bytes'] / 1e6:.1f} MB, "
                        f"worker RSS +{files['csv_rss_above_idle_mb']:.1f} MB; XLSX "
                        f"{ONE_KECAMATAN} through gunicorn {files['xlsx_seconds']:.2f} s "
                        f"(target < 1 s)  [load {load()}]"
                    )


if __name__ == "__main__":
    main()
