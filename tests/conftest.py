import fcntl
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from django.test.utils import CaptureQueriesContext
from hypothesis import settings as hypothesis_settings

from tests.client import ProductionClient

# Property-based tests (hypothesis). Locally: hypothesis's defaults, random examples and the
# example database in .hypothesis/, so each run may find something new and replays what failed.
# Under CI (the CI variable set, as .ci/run does): the same examples on every run
# (derandomize, no example database), no deadline on a shared machine, a bounded number of
# examples: a CI run never fails at random. HYPOTHESIS_PROFILE=ci tries the CI profile locally.
hypothesis_settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, max_examples=50, print_blob=True
)
hypothesis_settings.register_profile("dev")
_IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _IN_CI else "dev")
)


# --- The browser tests' end-of-run summary (tests/e2e), also when pytest-xdist runs the suite:
# each worker sends its notices and page weights to the controller, which prints them.


def pytest_sessionfinish(session):
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        from tests.e2e import helpers

        output["e2e"] = {"notices": helpers.NOTICES, "weights": helpers.MEASURED_WEIGHTS}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.e2e import helpers

    sent = getattr(node, "workeroutput", {}).get("e2e", {})
    helpers.NOTICES.extend(n for n in sent.get("notices", []) if n not in helpers.NOTICES)
    helpers.MEASURED_WEIGHTS.extend(sent.get("weights", []))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.e2e import helpers

    for notice in helpers.NOTICES:
        terminalreporter.write_sep("!", "BROWSER TESTS NOT RUN", red=True, bold=True)
        terminalreporter.write_line(notice, red=True, bold=True)
    if helpers.MEASURED_WEIGHTS:
        terminalreporter.write_sep("-", "page weight on first load (budget 150 KB)")
        for line in helpers.MEASURED_WEIGHTS:
            terminalreporter.write_line(line)


@pytest.fixture
def client():
    return ProductionClient()


@pytest.fixture
def admin_client(admin_user):
    client = ProductionClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="session", autouse=True)
def _collected_static():
    """Production's static storage (whitenoise's compressed manifest) knows only the files that
    collectstatic wrote, and a template naming a missing one is a 500. So the suite collects,
    as the deploy does, into STATIC_ROOT (tests/settings.py); kept between runs while no static
    source changed (a fingerprint of every file the finders list), since it takes ~20 s."""
    from django.conf import settings

    # With `-n 2` (make test) each pytest-xdist worker runs this: the first to take the lock
    # collects, the other then finds the stamp and goes on.
    root = Path(str(settings.STATIC_ROOT))
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / f"{root.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _collect_static_once(root)


def _collect_static_once(root: Path) -> None:
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list(["CVS", ".*", "*~"]), key=lambda f: f[0]):
            digest.update(path.encode() + b"\0")
            with storage.open(path) as source:
                digest.update(hashlib.sha256(source.read()).digest())
    stamp = root / ".sources-sha256"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    shutil.rmtree(root, ignore_errors=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())


@pytest.fixture(autouse=True)
def _development_settings(request):
    """`@pytest.mark.development_settings("TASKS", ...)`: this test runs with these settings as
    development (DEBUG on) has them, the rest as production (tests/settings.py)."""
    marker = request.node.get_closest_marker("development_settings")
    if marker is None:
        return
    from tests.settings import development_values

    settings = request.getfixturevalue("settings")
    for name, value in development_values(*marker.args).items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language. A request with another language
    (the English cookie, ?lang=en) leaves it active in the thread after the response, and a
    later test that calls a view or a form directly would then speak English: which test ran
    before depends on how pytest-xdist shares the tests out."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def notification_outbox():
    """The SMS and WhatsApp messages a test sent (notifications' MemoryBackend), empty at start."""
    from notifications.backends import outbox

    outbox.clear()
    yield outbox
    outbox.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Production hashing is deliberately slow; tests sign in often."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test never land in the project folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _reads_on_the_primary(settings):
    """The replica alias (make test sets one: a second connection to the test database) does
    not see a test's uncommitted rows: only the router's own tests turn replica reads on."""
    settings.REPLICA_READS = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been emptied by a transactional test of the last run."""
    with django_db_blocker.unblock():
        _ensure_all_reference_data()


def _ensure_all_reference_data():
    from certifications.reference import ensure_types
    from umkm.reference import ensure_reference_data

    ensure_reference_data()
    ensure_types()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional and live-server tests flush every table afterwards, migrated data included:
    put the areas, sectors, stages, roles and certificate types back before such a test runs."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        _ensure_all_reference_data()


class _QueryCounter:
    def __init__(self, connection):
        self.context = CaptureQueriesContext(connection)

    def __enter__(self):
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)

    @property
    def count(self) -> int:
        return len(self.context.captured_queries)

    @property
    def sql(self) -> str:
        return "\n".join(q["sql"] for q in self.context.captured_queries)


@pytest.fixture
def count_queries():
    """`with count_queries() as q: ...; assert q.count == N` (q.sql lists them on failure)."""
    from django.db import connection

    return lambda: _QueryCounter(connection)
