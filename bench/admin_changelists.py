"""Every admin changelist at DKI scale, this tree against an anchor tree, side by side in one run.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/umkm_bench_admin DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --businesses 370000 --if-empty      # once, slow
    createdb -T umkm_bench_admin umkm_bench_admin_anchor   # the same data, before this branch's
                                                           # migrations (or migrate it back)
    git worktree add --detach ../anchor <commit>           # e.g. main before these changes
    .venv/bin/python bench/admin_changelists.py --anchor ../anchor \\
        --anchor-database-url postgres://postgres@127.0.0.1:5432/umkm_bench_admin_anchor \\
        [--runs 7] [--rounds 1] [--only business,owner]

What is walked: for each ModelAdmin in `admin.site._registry` of the tree under test, its
changelist (1) as it opens, (2) sorted by each sortable column of `list_display`, ascending and
descending (`?o=N`, `?o=-N`), (3) the last page its paginator links, read from the page's own
pagination links, and (4) each level of its date hierarchy (the first year link, the first month
link of that year, the first day link of that month), read from the page's own links. Each URL is
requested as an Admin Sudin (city-wide) and as a Kecamatan operator (31.73.02); a URL the role
may not open (403/302) is reported as such, not timed.

Each tree is walked by a worker process running its own code (`<tree>/.venv/bin/python this-file
--worker`, cwd = the tree) through Django's test Client with DEBUG off (full middleware, session,
templates; no network). The anchor walks its own URLs (its last page is the one it offers); rows
are matched by label. Per URL: one warm-up, then --runs timed requests; p50 and p95 (nearest
rank) and the number of SQL queries of one request. The load average is printed before and after
each walk. Prints a Markdown table.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROLES_AS = (("sudin", "Admin Sudin"), ("operator", "Operator Kecamatan"))
OPERATOR_KECAMATAN = "31.73.02"
HREF = re.compile(r'href="(\?[^"]*)"')


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- the worker: runs inside one tree --------------------------------------------------------


def _users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from umkm.models import StaffProfile

    user_model = get_user_model()
    users = {}
    for key, role in ROLES_AS:
        user, _ = user_model.objects.get_or_create(
            username=f"bench-cl-{key}", defaults={"is_staff": True}
        )
        user.groups.add(Group.objects.get(name=role))
        if key == "operator":
            StaffProfile.objects.update_or_create(
                user=user, defaults={"kecamatan_id": OPERATOR_KECAMATAN}
            )
        users[key] = user
    return users


def _links(html: str, marker: str) -> list[str]:
    import html as html_lib

    return [html_lib.unescape(h) for h in HREF.findall(html) if marker in h]


def _last_page(html: str) -> str | None:
    import html as html_lib

    best, best_n = None, 0
    for href in HREF.findall(html):
        query = html_lib.unescape(href)
        match = re.fullmatch(r"\?p=(\d+)", query)
        if match and int(match[1]) > best_n:
            best, best_n = query, int(match[1])
    return best


def _cases(client, base: str, model_admin, request_factory, user) -> list[tuple[str, str]]:
    """(label, query) for one admin: first page, sorts, last offered page, date levels."""
    cases = [("open", "")]
    request = request_factory.get(base)
    request.user = user
    try:
        changelist = model_admin.get_changelist_instance(request)
    except Exception:  # a role that may not see the list: only "open" is tried
        changelist = None
    # the changelist's own columns (the action checkbox first when there are actions): ?o=N
    # counts them the same way
    for index, name in enumerate(changelist.list_display if changelist else ()):
        if name == "action_checkbox" or name not in changelist.sortable_by:
            continue
        if not changelist.get_ordering_field(name):
            continue
        label = name if isinstance(name, str) else getattr(name, "__name__", str(index))
        cases.append((f"sort {label}", f"?o={index}"))
        cases.append((f"sort -{label}", f"?o=-{index}"))
    response = client.get(base)
    if response.status_code != 200:
        return cases
    html = response.content.decode()
    last = _last_page(html)
    if last:
        cases.append(("last page", last))
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        for level in ("year", "month", "day"):
            links = _links(html, f"{field}__{level}=")
            if not links:
                break
            cases.append((f"date {level}", links[0]))
            response = client.get(base + links[0])
            if response.status_code != 200:
                break
            html = response.content.decode()
    return cases


def _measure(client, url: str, runs: int) -> dict:
    from django.db import connection

    response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code}
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "status": response.status_code,
        "p50": statistics.median(samples),
        "p95": p95(samples),
        "queries": len(queries),
    }


def worker(runs: int, only: set[str]) -> None:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib import admin
    from django.test import Client, RequestFactory
    from django.test.utils import override_settings
    from django.urls import reverse

    users = _users()
    factory = RequestFactory()
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False, OTP_REQUIRED=False):
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            if only and opts.model_name not in only:
                continue
            base = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            for key, _role in ROLES_AS:
                client = Client()
                client.force_login(users[key])
                cases = _cases(client, base, model_admin, factory, users[key])
                for label, query in cases:
                    got = _measure(client, base + query, runs)
                    row = {"admin": opts.label, "case": label, "role": key, "url": query, **got}
                    print("ROW " + json.dumps(row), flush=True)
                    if os.environ.get("BENCH_ROWS_FILE"):  # kept as it goes: a long walk
                        with open(os.environ["BENCH_ROWS_FILE"], "a") as out:
                            out.write(json.dumps(row) + "\n")


# --- the driver: both trees, one table -------------------------------------------------------


def walk(tree: Path, database_url: str, runs: int, only: str, rows_file: str = "") -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    if rows_file:
        env["BENCH_ROWS_FILE"] = rows_file
    python = tree / ".venv" / "bin" / "python"
    args = [str(python), str(HERE), "--worker", "--runs", str(runs), "--only", only]
    out = subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"worker in {tree} failed")
    rows = {}
    for line in out.stdout.splitlines():
        if line.startswith("ROW "):
            row = json.loads(line[4:])
            rows[row["admin"], row["case"], row["role"]] = row
    return rows


def _cell(row: dict | None) -> str:
    if row is None:
        return "— | — | —"
    if "p95" not in row:
        return f"HTTP {row['status']} | | "
    return f"{row['p50']:.0f} | {row['p95']:.0f} | {row['queries']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--anchor", type=Path, help="the tree to compare with (e.g. main)")
    parser.add_argument("--anchor-database-url", help="its database (default: DATABASE_URL)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", default="", help="model names, comma-separated")
    parser.add_argument("--keep", default="", help="also write each URL's row to KEEP.<side>.jsonl")
    parser.add_argument("--print-kept", action="store_true", help="only print KEEP's table")
    args = parser.parse_args()
    only = {m.strip().lower() for m in args.only.split(",") if m.strip()}
    if args.worker:
        worker(args.runs, only)
        return
    if args.print_kept:
        print_kept(args.keep)
        return
    database_url = os.environ["DATABASE_URL"]
    tree = HERE.parent.parent
    for round_ in range(1, args.rounds + 1):
        results, loads = {}, {}
        sides = [("ours", tree, database_url)]
        if args.anchor:  # ours first, then the anchor; --rounds 2 alternates the order
            anchor = ("anchor", args.anchor, args.anchor_database_url or database_url)
            sides.insert(0 if round_ % 2 == 0 else 1, anchor)
        for side, side_tree, url in sides:
            before = loadavg()
            started = time.time()
            rows_file = f"{args.keep}.{side}.jsonl" if args.keep else ""
            results[side] = walk(side_tree, url, args.runs, args.only, rows_file)
            loads[side] = f"{before} → {loadavg()} ({time.time() - started:.0f} s)"
            print(f"  round {round_} {side}: {len(results[side])} URLs, load {loads[side]}",
                  file=sys.stderr, flush=True)  # fmt: skip
        print_table(results, loads, f"Round {round_}: {args.runs} timed requests per URL")


def print_table(results: dict, loads: dict, title: str) -> None:
    ours = results.get("ours", {})
    anchor = results.get("anchor", {})
    print(f"\n### {title}\n")
    for side, load in loads.items():
        print(f"- load average during {side}: {load}")
    print("\n| admin | case | role | ours p50 | ours p95 | queries | anchor p50 | anchor p95 "
          "| queries | ours URL |")  # fmt: skip
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    keys = list(dict.fromkeys([*ours, *anchor]))
    worst = 0.0
    for key in keys:
        row = ours.get(key)
        worst = max(worst, (row or {}).get("p95", 0))
        url = (row or anchor.get(key) or {}).get("url", "")
        print(f"| {key[0]} | {key[1]} | {key[2]} | {_cell(row)} | {_cell(anchor.get(key))} "
              f"| `{url or '(none)'}` |")  # fmt: skip
    over = [k for k in keys if ours.get(k, {}).get("p95", 0) > 150]
    print(f"\nWorst p95 (ours): {worst:.0f} ms; URLs over 150 ms: {len(over)}")
    for key in over:
        print(f"- {' / '.join(key)}: {ours[key]['p95']:.0f} ms")


def print_kept(keep: str) -> None:
    """The table from the rows a walk kept (--keep), e.g. of a walk stopped half-way."""
    results = {}
    for side in ("ours", "anchor"):
        path = Path(f"{keep}.{side}.jsonl")
        if path.exists():
            rows = [json.loads(line) for line in path.read_text().splitlines() if line]
            results[side] = {(r["admin"], r["case"], r["role"]): r for r in rows}
    print_table(results, {}, f"Kept rows of {keep}")


if __name__ == "__main__":
    main()
