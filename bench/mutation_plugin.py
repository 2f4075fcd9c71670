"""pytest plugin of bench/mutation.py (loaded with `-p bench.mutation_plugin`); two modes:

- MUTATION_TRACE_OUT=<file.json> and MUTATION_TRACE_FILES=<abs paths, os.pathsep-separated>:
  record which lines of those files each test runs (setup, call and teardown), with each test's
  duration and outcome. sys.monitoring (Python 3.12+) with LINE events set only on the code
  objects of those files: every other function costs one PY_START callback per test.
  Lines run outside any test (imports, collection) are recorded under test -1.
- MUTATION_SELECT=<file.json> ({node id: seconds}): run only those tests of the collected files,
  the quickest first (transactional ones last, as pytest-django orders them), so that with -x a
  mutant is usually caught in a second or two.
"""

import json
import os
import sys

import pytest

_events = sys.monitoring.events
_DISABLE = sys.monitoring.DISABLE
_TOOL = sys.monitoring.COVERAGE_ID


class _Tracer:
    def __init__(self, files: set[str]):
        self.files = files
        self.current: int | None = None
        self.tests: list[dict] = []
        self.by_nodeid: dict[str, int] = {}
        self.hits: dict[str, dict[int, set[int]]] = {}
        sys.monitoring.use_tool_id(_TOOL, "mutation-trace")
        sys.monitoring.register_callback(_TOOL, _events.PY_START, self._start)
        sys.monitoring.register_callback(_TOOL, _events.LINE, self._line)
        sys.monitoring.set_events(_TOOL, _events.PY_START)

    def _start(self, code, offset):
        if code.co_filename in self.files:
            sys.monitoring.set_local_events(_TOOL, code, _events.LINE)
        return _DISABLE

    def _line(self, code, line):
        test = -1 if self.current is None else self.current
        self.hits.setdefault(code.co_filename, {}).setdefault(line, set()).add(test)
        return _DISABLE  # once per test: restart_events() at the next test turns it back on

    def begin(self, item) -> None:
        index = self.by_nodeid.get(item.nodeid)
        if index is None:
            index = len(self.tests)
            self.by_nodeid[item.nodeid] = index
            self.tests.append(
                {"nodeid": item.nodeid, "file": item.nodeid.split("::")[0], "duration": 0.0}
            )
            self.tests[index]["passed"] = True
        self.current = index
        sys.monitoring.restart_events()

    def end(self) -> None:
        self.current = None

    def report(self, report) -> None:
        index = self.by_nodeid.get(report.nodeid)
        if index is None:
            return
        self.tests[index]["duration"] += report.duration
        if report.failed or (report.when == "call" and not report.passed):
            self.tests[index]["passed"] = False

    def dump(self, path: str, root: str) -> None:
        lines = {
            os.path.relpath(filename, root): {
                str(line): sorted(tests) for line, tests in sorted(per_line.items())
            }
            for filename, per_line in self.hits.items()
        }
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"tests": self.tests, "lines": lines}, out)
        sys.monitoring.set_events(_TOOL, 0)
        sys.monitoring.free_tool_id(_TOOL)


# Installed when pytest imports the plugin (-p), before pytest-django sets Django up: the
# targets' import-time lines are seen too.
_tracer: _Tracer | None = None
if os.environ.get("MUTATION_TRACE_OUT"):
    _tracer = _Tracer(
        set(filter(None, os.environ.get("MUTATION_TRACE_FILES", "").split(os.pathsep)))
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    if _tracer is not None:
        _tracer.begin(item)
    yield
    if _tracer is not None:
        _tracer.end()


def pytest_runtest_logreport(report):
    if _tracer is not None:
        _tracer.report(report)


def pytest_sessionfinish(session, exitstatus):
    if _tracer is not None:
        _tracer.dump(os.environ["MUTATION_TRACE_OUT"], str(session.config.rootpath))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    select = os.environ.get("MUTATION_SELECT")
    if not select:
        return
    with open(select, encoding="utf-8") as f:
        wanted = json.load(f)
    whole_files = set(wanted.pop("*files*", ()))  # every test of these files (--extra-tests)

    def chosen(item) -> bool:
        return item.nodeid in wanted or item.nodeid.split("::")[0] in whole_files

    kept = [item for item in items if chosen(item)]
    deselected = [item for item in items if not chosen(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    items[:] = sorted(kept, key=lambda item: (_transactional(item), wanted.get(item.nodeid, 0)))


def _transactional(item) -> bool:
    """Tests that commit (and flush every table after): after the others, as pytest-django
    orders them, so that a flushed table never meets a test expecting the reference data."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))
