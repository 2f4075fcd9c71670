"""Mutation benchmark: small faults put into the rule modules, one at a time; do the tests notice?

    .venv/bin/python bench/mutation.py --sample 150 --seed 12      # ~30-40 min on a shared box
    .venv/bin/python bench/mutation.py --list                      # every mutant id, no run
    .venv/bin/python bench/mutation.py --modules 'certifications/*' umkm/validators.py
    .venv/bin/python bench/mutation.py --ids 'umkm/validators.py:38:11:cmp_LtE_Lt'
    .venv/bin/python bench/mutation.py --survivors                 # re-run the last survivors
    .venv/bin/python bench/mutation.py                             # all mutants: hours

Targets (found by glob, so new modules join): permissions.py, services.py, services/*.py,
rules.py, eligibility.py, selectors.py, selectors/*.py and validators.py of umkm, bazaars,
certifications, reports and jobs, and the export layer's cells.py.
Only code inside functions is mutated (never module constants, docstrings, gettext
messages or log calls). Operators, on the standard library's `ast`: comparison swaps (< <=, > >=,
== !=, in / not in, is / is not), and <-> or, dropping a `not`, small ints +1 / -1, True <-> False,
`return None`, `raise` in an `if` replaced by `pass`, .filter( <-> .exclude(, and +1 on range
stops and slice bounds that hold no literal. Each mutant has a stable id
module:line:col:operator; --sample N --seed S draws a fixed subset of them.

How it runs: the repository's files (tracked and untracked, not ignored, plus the compiled .mo
catalogues) are copied to a temporary folder; the real work tree is never written. Once, the whole
suite (without e2e) runs there under bench/mutation_plugin.py, which records which tests run each
line of the targets (cached in var/mutation/trace.json while the sources do not change). Each
mutant is then written over its file in the copy, and only the tests that ran its lines are run:
`nice pytest -x -q --reuse-db -p no:cacheprovider -m "not e2e"`, one at a time, with a time
budget (a timeout counts as killed, reported apart). The file is restored after each mutant.

DATABASE_URL is read as the Makefile does (default: the embedded server on EMBEDDED_PGPORT);
the tests use their own database, test_<name>_mutation (TEST_DATABASE_NAME), so other test runs
on the same server are not disturbed. The report: var/mutation/report.md (and results.json).
"""

import argparse
import ast
import datetime
import fnmatch
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation_equivalent import EQUIVALENT

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "mutation"
APPS = ("umkm", "bazaars", "certifications", "reports", "jobs", "exports")
PATTERNS = (
    "permissions.py",
    "services.py",
    "services/*.py",
    "rules.py",
    "eligibility.py",
    "selectors.py",
    "selectors/*.py",
    "validators.py",
    "cells.py",  # the export layer's one cell rule
)
SMALL_INT = 10_000  # ints below this (in absolute value) get +1 / -1
PYTEST_ARGS = ["-x", "-q", "--reuse-db", "-p", "no:cacheprovider", "-m", "not e2e"]

# --- Finding the targets and their mutants ---------------------------------------------------


def discover(root: Path = ROOT) -> list[str]:
    found = {
        path.relative_to(root).as_posix()
        for app in APPS
        for pattern in PATTERNS
        for path in (root / app).glob(pattern)
    }
    return sorted(found)


@dataclass
class Mutant:
    id: str
    module: str
    line: int
    operator: str
    start: int  # byte offsets into the module's source
    end: int
    replacement: str
    lines: list[int]  # the lines whose tests are run against it
    before: str = ""
    after: str = ""
    status: str = ""  # killed | timeout | survived | uncovered | error
    killed_by: str = ""
    seconds: float = 0.0
    tests: int = 0
    equivalent: str = ""

    def apply(self, source: bytes) -> bytes:
        return source[: self.start] + self.replacement.encode() + source[self.end :]


_MESSAGE_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "format_lazy",
}
_LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
_LOGGERS = {"logger", "log", "logging", "LOGGER", "audit_log"}
_CMP_SWAP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_CMP_TEXT = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_CMP_PATTERN = {
    ast.Lt: r"<(?!=)",
    ast.LtE: r"<=",
    ast.Gt: r">(?!=)",
    ast.GtE: r">=",
    ast.Eq: r"==",
    ast.NotEq: r"!=",
    ast.In: r"(?<!not )\bin\b",
    ast.NotIn: r"\bnot\s+in\b",
    ast.Is: r"\bis\b(?!\s+not\b)",
    ast.IsNot: r"\bis\s+not\b",
}


def _is_message_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in _MESSAGE_CALLS
    return (
        isinstance(func, ast.Attribute)
        and func.attr in _LOG_METHODS
        and isinstance(func.value, ast.Name)
        and func.value.id in _LOGGERS
    )


def _has_literal_int(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.BinOp):
        return _has_literal_int(node.left) or _has_literal_int(node.right)
    if isinstance(node, ast.UnaryOp):
        return _has_literal_int(node.operand)
    return False


class _Finder:
    """Walks one module and lists (node, operator, start, end, replacement, lines)."""

    def __init__(self, module: str, source: bytes):
        self.module = module
        self.source = source
        self.starts = [0]
        for line in source.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.found: list[Mutant] = []

    # offsets and text
    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def span(self, node) -> tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(
            node.end_lineno, node.end_col_offset
        )

    def text(self, start: int, end: int) -> str:
        return self.source[start:end].decode()

    def add(self, node, operator: str, start: int, end: int, replacement: str, lines=None):
        line_range = lines or range(node.lineno, node.end_lineno + 1)
        self.found.append(
            Mutant(
                id=f"{self.module}:{node.lineno}:{node.col_offset}:{operator}",
                module=self.module,
                line=node.lineno,
                operator=operator,
                start=start,
                end=end,
                replacement=replacement,
                lines=list(line_range),
            )
        )

    # the walk
    def walk(self, node, in_function: bool = False) -> None:
        if _is_message_call(node):
            return
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and _is_message_call(node.left)  # _("... %(n)s") % {...}
        ):
            return
        if isinstance(node, ast.JoinedStr):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for statement in node.body:
                self.walk(statement, True)
            return
        if isinstance(node, ast.Lambda):
            self.walk(node.body, True)
            return
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                self.walk(statement, in_function)
            return
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.walk(node.value, in_function)
            return
        if in_function:
            self.mutate(node)
        for child in ast.iter_child_nodes(node):
            self.walk(child, in_function)

    def mutate(self, node) -> None:
        if isinstance(node, ast.Compare):
            self._compare(node)
        elif isinstance(node, ast.BoolOp):
            self._boolop(node)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            start, end = self.span(node)
            operand_start = self.span(node.operand)[0]
            prefix = re.sub(r"^not\s*", "", self.text(start, operand_start))
            kept = prefix + self.text(operand_start, end)
            self.add(node, "not_drop", start, end, kept)
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            start, end = self.span(node)
            self.add(node, f"const_{node.value}", start, end, str(not node.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, int):
            if abs(node.value) < SMALL_INT:
                start, end = self.span(node)
                self.add(node, "int_plus1", start, end, str(node.value + 1))
                self.add(node, "int_minus1", start, end, str(node.value - 1))
        elif isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                start, end = self.span(node.value)
                self.add(node, "return_None", start, end, "None")
        elif isinstance(node, ast.If):
            for statement in node.body:
                if isinstance(statement, ast.Raise):
                    start, end = self.span(statement)
                    lines = range(node.test.lineno, node.test.end_lineno + 1)
                    self.add(statement, "raise_pass", start, end, "pass", lines)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Slice):
            for bound in (node.lower, node.upper):
                if bound is not None and not _has_literal_int(bound):
                    start, end = self.span(bound)
                    self.add(bound, "bound_plus1", start, end, f"({self.text(start, end)} + 1)")

    def _compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            new_op = _CMP_SWAP[type(op)]
            gap_start = self.span(operands[i])[1]
            gap_end = self.span(operands[i + 1])[0]
            gap = self.text(gap_start, gap_end).split("#")[0]
            matches = list(re.finditer(_CMP_PATTERN[type(op)], gap))
            name = f"cmp_{type(op).__name__}_{new_op.__name__}" + (f"#{i}" if i else "")
            if len(matches) == 1:
                m = matches[0]
                self.add(
                    node,
                    name,
                    gap_start + len(gap[: m.start()].encode()),
                    gap_start + len(gap[: m.end()].encode()),
                    _CMP_TEXT[new_op],
                )
            else:  # the operator could not be found alone: rewrite the whole comparison
                changed = ast.Compare(
                    left=node.left,
                    ops=[new_op() if j == i else o for j, o in enumerate(node.ops)],
                    comparators=node.comparators,
                )
                start, end = self.span(node)
                self.add(node, name, start, end, f"({ast.unparse(changed)})")

    def _boolop(self, node: ast.BoolOp) -> None:
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        start, end = self.span(node)
        pieces, cursor = [], start
        for left, right in zip(node.values, node.values[1:], strict=False):
            gap_start, gap_end = self.span(left)[1], self.span(right)[0]
            gap = self.text(gap_start, gap_end)
            if len(re.findall(rf"\b{old}\b", gap.split("#")[0])) != 1:
                changed = ast.BoolOp(op=ast.Or() if old == "and" else ast.And(), values=node.values)
                self.add(node, f"bool_{old}_{new}", start, end, f"({ast.unparse(changed)})")
                return
            pieces.append(self.text(cursor, gap_start) + re.sub(rf"\b{old}\b", new, gap, count=1))
            cursor = gap_end
        pieces.append(self.text(cursor, end))
        self.add(node, f"bool_{old}_{new}", start, end, "".join(pieces))

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("filter", "exclude"):
            other = "exclude" if func.attr == "filter" else "filter"
            end = self.offset(func.end_lineno, func.end_col_offset)
            self.add(node, f"{func.attr}_{other}", end - len(func.attr), end, other)
        elif isinstance(func, ast.Name) and func.id == "range" and node.args:
            stop = node.args[1] if len(node.args) > 1 else node.args[0]
            if not _has_literal_int(stop):
                start, end = self.span(stop)
                self.add(stop, "bound_plus1", start, end, f"({self.text(start, end)} + 1)")


def mutants_of(module: str, root: Path = ROOT) -> list[Mutant]:
    source = (root / module).read_bytes()
    tree = ast.parse(source)
    finder = _Finder(module, source)
    finder.walk(tree)
    original = ast.dump(tree)
    lines = source.decode().splitlines()
    result, seen = [], set()
    for mutant in finder.found:
        if mutant.id in seen:
            continue
        seen.add(mutant.id)
        changed = mutant.apply(source)
        try:
            changed_tree = ast.parse(changed)
            compile(changed_tree, module, "exec")
        except SyntaxError:
            continue
        if ast.dump(changed_tree) == original:
            continue
        mutant.before = lines[mutant.line - 1].strip()
        changed_lines = changed.decode().splitlines()
        mutant.after = (
            changed_lines[mutant.line - 1].strip() if mutant.line <= len(changed_lines) else ""
        )
        if mutant.after == mutant.before:  # the change is on a later line of the node
            for i in range(mutant.line, min(len(lines), len(changed_lines))):
                if lines[i] != changed_lines[i]:
                    mutant.before, mutant.after = lines[i].strip(), changed_lines[i].strip()
                    break
        mutant.equivalent = _equivalent_reason(mutant)
        result.append(mutant)
    return result


def _equivalent_reason(mutant: Mutant) -> str:
    where = mutant.id.split(":", 2)[2]  # col:operator (the column within an unchanged line)
    for module, col_operator, before, reason in EQUIVALENT:
        if module == mutant.module and col_operator == where and before == mutant.before:
            return reason
    return ""


# --- The copy, the trace and the runs ----------------------------------------------------------


def database_env() -> dict[str, str]:
    env = dict(os.environ)
    port = env.get("EMBEDDED_PGPORT", "54329")
    url = env.get("DATABASE_URL") or f"postgres://postgres@127.0.0.1:{port}/umkm"
    env["DATABASE_URL"] = url
    env.setdefault("DATABASE_REPLICA_URL", url)
    env.setdefault("DEBUG", "1")
    env.setdefault(
        "TEST_DATABASE_NAME", "test_" + url.rsplit("/", 1)[-1].split("?")[0] + "_mutation"
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant is never read back from a stale .pyc
    return env


def copy_repository(dest: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    files = [name.decode() for name in listed if name]
    files += [p.relative_to(ROOT).as_posix() for p in (ROOT / "locale").rglob("*.mo")]
    for name in files:
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def sources_key(modules: list[str]) -> str:
    digest = hashlib.sha256()
    skip = {".venv", "var", ".lockenv", "node_modules", "bench"}
    paths = sorted(p for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts))
    paths.append(ROOT / "bench" / "mutation_plugin.py")
    for path in paths:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(modules).encode())
    return digest.hexdigest()


def _nice() -> list[str]:
    return ["nice", "-n", "10"] if shutil.which("nice") else []


def build_trace(copy: Path, modules: list[str], env: dict, key: str, reuse: bool) -> dict:
    trace_file = OUT_DIR / "trace.json"
    if trace_file.exists():
        cached = json.loads(trace_file.read_text())
        if cached.get("key") == key or reuse:
            print(f"Test map: cached ({trace_file.relative_to(ROOT)})", flush=True)
            return cached
    print("Test map: running the suite once (without e2e) to see which tests run which lines…")
    raw = copy / "var" / "trace-raw.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    run_env = dict(env)
    run_env["MUTATION_TRACE_OUT"] = str(raw)
    run_env["MUTATION_TRACE_FILES"] = os.pathsep.join(str(copy / m) for m in modules)
    started = time.monotonic()
    command = [*_nice(), sys.executable, "-m", "pytest", "-q", "--create-db"]
    command += ["-p", "no:cacheprovider", "-m", "not e2e", "--ignore=tests/e2e"]
    command += ["-p", "bench.mutation_plugin", "tests"]
    result = subprocess.run(command, cwd=copy, env=run_env, capture_output=True, text=True)
    if not raw.exists():
        sys.exit(f"The test map run failed (rc {result.returncode}):\n{result.stdout[-3000:]}")
    trace = json.loads(raw.read_text())
    trace["key"] = key
    trace["seconds"] = round(time.monotonic() - started, 1)
    failed = [t["nodeid"] for t in trace["tests"] if not t["passed"]]
    trace["not_passing"] = failed
    print(
        f"Test map: {len(trace['tests'])} tests in {trace['seconds']} s;"
        f" {len(failed)} not passing (never used to judge a mutant)",
        flush=True,
    )
    trace_file.write_text(json.dumps(trace))
    return trace


def tests_for(mutant: Mutant, trace: dict) -> list[dict]:
    per_line = trace["lines"].get(mutant.module, {})
    indexes = set()
    for line in mutant.lines:
        indexes.update(per_line.get(str(line), ()))
    if -1 in indexes:  # the line runs at import time: every test of the module judges it
        indexes = {i for tests in per_line.values() for i in tests}
    indexes.discard(-1)
    tests = [trace["tests"][i] for i in sorted(indexes)]
    return [t for t in tests if t["passed"]]


def run_mutant(mutant: Mutant, copy: Path, env: dict, trace: dict, args, fresh_db: bool) -> None:
    tests = tests_for(mutant, trace)
    mutant.tests = len(tests)
    if not tests and not args.extra_tests:
        mutant.status = "uncovered"
        return
    path = copy / mutant.module
    original = path.read_bytes()
    select = copy / "var" / "select.json"
    chosen = {t["nodeid"]: t["duration"] for t in tests}
    select.write_text(json.dumps({**chosen, "*files*": args.extra_tests}))
    files = sorted({t["file"] for t in tests} | set(args.extra_tests))
    budget = args.timeout_min + args.timeout_factor * sum(t["duration"] for t in tests)
    command = [*_nice(), sys.executable, "-m", "pytest", *PYTEST_ARGS]
    if fresh_db:
        command.append("--create-db")
    command += ["-p", "bench.mutation_plugin", *files]
    run_env = dict(env, MUTATION_SELECT=str(select))
    started = time.monotonic()
    try:
        path.write_bytes(mutant.apply(original))
        process = subprocess.Popen(
            command,
            cwd=copy,
            env=run_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            mutant.status = "timeout"
            mutant.killed_by = f"no answer within {budget:.0f} s"
            return
        except KeyboardInterrupt:  # its own session: Ctrl-C does not reach it
            os.killpg(process.pid, signal.SIGKILL)
            raise
    finally:
        path.write_bytes(original)
        mutant.seconds = round(time.monotonic() - started, 1)
    if process.returncode == 0:
        mutant.status = "survived"
    elif process.returncode in (1, 2):  # a test failed, or the mutant broke an import
        mutant.status = "killed"
        failed = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE)
        mutant.killed_by = failed.group(1) if failed else f"pytest exit {process.returncode}"
    else:
        mutant.status = "error"
        mutant.killed_by = f"pytest exit {process.returncode}: {output.strip()[-300:]}"


# --- Report --------------------------------------------------------------------------------------


@dataclass
class Row:
    module: str
    mutants: int = 0
    killed: int = 0
    timeouts: int = 0
    survived: int = 0
    equivalent: int = 0
    errors: int = 0

    @property
    def rate(self) -> float | None:
        judged = self.mutants - self.equivalent - self.errors
        return 100 * (self.killed + self.timeouts) / judged if judged else None

    def add(self, mutant: Mutant) -> None:
        self.mutants += 1
        if mutant.status == "killed":
            self.killed += 1
        elif mutant.status == "timeout":
            self.timeouts += 1
        elif mutant.status == "error":
            self.errors += 1
        elif mutant.equivalent:
            self.equivalent += 1
        else:
            self.survived += 1


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def report(mutants: list[Mutant], meta: dict) -> str:
    rows: dict[str, Row] = {}
    total = Row("**all**")
    for mutant in mutants:
        rows.setdefault(mutant.module, Row(mutant.module)).add(mutant)
        total.add(mutant)
    out = [
        "# Mutation benchmark",
        "",
        f"- run: {meta['started']} – {meta['finished']} ({meta['minutes']} min),"
        f" commit {meta['commit']}, {meta['selection']}",
        f"- load average (/proc/loadavg): {meta['load_start']} at the start,"
        f" {meta['load_end']} at the end; {os.cpu_count()} CPUs",
        f"- test map: {meta['trace_tests']} tests; mutants judged by the tests that run their line",
        *([f"- {meta['rerun']} (with the tests written since)"] if meta.get("rerun") else []),
        "- kill rate = (killed + timeouts) / (mutants − judged equivalent − errors)",
        "",
        "| module | mutants | killed | timeouts | survived | equivalent | errors | kill rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [*sorted(rows.values(), key=lambda r: r.module), total]:
        out.append(
            f"| {row.module} | {row.mutants} | {row.killed} | {row.timeouts} | {row.survived}"
            f" | {row.equivalent} | {row.errors} | {_rate(row.rate)} |"
        )
    survivors = [m for m in mutants if m.status in ("survived", "uncovered") and not m.equivalent]
    out += ["", f"## Survivors ({len(survivors)})", ""]
    for m in survivors:
        note = " (no test runs this line)" if m.status == "uncovered" else f" ({m.tests} tests)"
        out += [f"- `{m.id}`{note}", "  ```diff", f"  - {m.before}", f"  + {m.after}", "  ```"]
    equivalent = [m for m in mutants if m.equivalent and m.status in ("survived", "uncovered")]
    if equivalent:
        out += ["", f"## Judged equivalent ({len(equivalent)})", ""]
        out += [f"- `{m.id}` `{m.after}`: {m.equivalent}" for m in equivalent]
    errors = [m for m in mutants if m.status == "error"]
    if errors:
        out += ["", "## Errors", ""] + [f"- `{m.id}`: {m.killed_by}" for m in errors]
    return "\n".join(out) + "\n"


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


# --- Command line --------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="+", default=["*"], help="globs over target paths")
    parser.add_argument("--sample", type=int, help="run N mutants drawn with --seed")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--ids", nargs="+", help="run exactly these mutant ids")
    parser.add_argument("--survivors", action="store_true", help="re-run the last survivors")
    parser.add_argument("--merge", action="store_true", help="merge into the last results")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--timeout-min", type=float, default=60.0, help="seconds, plus…")
    parser.add_argument("--timeout-factor", type=float, default=4.0, help="× the tests' time")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument(
        "--extra-tests",
        nargs="+",
        default=[],
        help="test files run against every mutant too (new tests, before the map knows them)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite report.md from results.json (after judging more mutants equivalent)",
    )
    parser.add_argument(
        "--reuse-trace", action="store_true", help="use var/mutation/trace.json even if stale"
    )
    return parser.parse_args(argv)


def select(args) -> tuple[list[str], list[Mutant], str]:
    modules = [m for m in discover() if any(fnmatch.fnmatch(m, g) for g in args.modules)]
    every = [mutant for module in modules for mutant in mutants_of(module)]
    if args.survivors:
        last = json.loads((OUT_DIR / "results.json").read_text())
        args.ids = [m["id"] for m in last["mutants"] if m["status"] in ("survived", "uncovered")]
    if args.ids:
        wanted = set(args.ids)
        chosen = [m for m in every if m.id in wanted]
        missing = wanted - {m.id for m in chosen}
        if missing:
            print(f"Unknown ids (the code moved?): {', '.join(sorted(missing))}")
        how = f"{len(chosen)} mutants by id"
    elif args.sample and args.sample < len(every):
        picked = set(random.Random(args.seed).sample(sorted(m.id for m in every), args.sample))
        chosen = [m for m in every if m.id in picked]
        how = f"sample of {args.sample} of {len(every)} mutants, seed {args.seed}"
    else:
        chosen = every
        how = f"all {len(every)} mutants"
    return modules, chosen, how + f" in {len(modules)} modules"


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.report_only:
        write_report(json.loads((OUT_DIR / "results.json").read_text()))
        return 0
    _modules, chosen, how = select(args)
    if args.list:
        for mutant in chosen:
            print(f"{mutant.id}\t{mutant.after}")
        print(how)
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    env = database_env()
    meta = {
        "started": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load_start": _loadavg(),
        "selection": how,
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }
    print(f"{how}; tests on database {env['TEST_DATABASE_NAME']}", flush=True)
    started = time.monotonic()
    copy = Path(tempfile.mkdtemp(prefix="umkm-mutation-"))
    try:
        copy_repository(copy)
        (copy / "var").mkdir(exist_ok=True)
        every_module = discover()  # the map covers every target, whatever this run selects
        key = sources_key(every_module)
        trace = build_trace(copy, every_module, env, key, args.reuse_trace)
        fresh_db = False
        for n, mutant in enumerate(chosen, 1):
            try:
                run_mutant(mutant, copy, env, trace, args, fresh_db)
            except KeyboardInterrupt:  # Ctrl-C: report the mutants judged so far
                print(f"Interrupted: the report covers the first {n - 1} mutants")
                chosen = chosen[: n - 1]
                break
            fresh_db = mutant.status == "timeout"  # a killed run may leave committed rows
            mark = " (judged equivalent)" if mutant.equivalent else ""
            print(
                f"[{n}/{len(chosen)}] {mutant.status:9} {mutant.seconds:6.1f}s"
                f" {mutant.tests:3} tests  {mutant.id}{mark}",
                flush=True,
            )
    finally:
        if args.keep:
            print(f"Copy kept in {copy}")
        else:
            shutil.rmtree(copy, ignore_errors=True)
    meta.update(
        finished=datetime.datetime.now().strftime("%H:%M"),
        minutes=round((time.monotonic() - started) / 60, 1),
        load_end=_loadavg(),
        trace_tests=len(trace["tests"]),
    )
    results = {"meta": meta, "mutants": [asdict(m) for m in chosen]}
    if args.survivors or args.merge:  # the last run's figures with these mutants judged again
        last = json.loads((OUT_DIR / "results.json").read_text())
        again = {m["id"]: m for m in results["mutants"]}
        last["mutants"] = [again.get(m["id"], m) for m in last["mutants"]]
        last["meta"]["rerun"] = (
            f"{len(again)} survivors re-run {meta['started']} ({meta['minutes']} min)"
        )
        results = last
    write_report(results)
    return 0


def write_report(results: dict) -> None:
    """report.md from results.json, judged with mutation_equivalent.py as it is now."""
    mutants = []
    for data in results["mutants"]:
        mutant = Mutant(**data)
        mutant.equivalent = _equivalent_reason(mutant)
        mutants.append(mutant)
    results["mutants"] = [asdict(m) for m in mutants]
    text = report(mutants, results["meta"])
    (OUT_DIR / "report.md").write_text(text)
    (OUT_DIR / "results.json").write_text(json.dumps(results, indent=1))
    print(text)


if __name__ == "__main__":
    sys.exit(main())
