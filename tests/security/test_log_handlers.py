"""No log line of any configured handler carries a NIK or a phone number: runserver's request
lines, Django's own loggers, and gunicorn's access and error logs (its logger class from
deploy/gunicorn.conf.py, run on a fake request).

The handlers are found by walking the logging tree (the root and every logger), not listed by
hand, so a handler a later change adds is covered, or makes this test fail until it is."""

import datetime
import io
import logging
import runpy
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from tests.factories import random_nik

NIK = random_nik()
PHONES = ("081234567890", "+6281234567890", "6281298765432")
SECRETS = (NIK, *PHONES, "1234567890", "98765432")  # and no tail of a phone either


def _requests(nik: str) -> list[str]:
    return [
        f"/umkm/{nik}/",
        f"/admin/umkm/owner/?q={nik}",
        f"/admin/umkm/owner/{nik}/change/",
        "/admin/umkm/business/?q=%2B6281234567890",
        f"/bazar/?q=081234567890&nik={nik}",
        "/laporan/kecamatan/31.73.02/?telepon=6281298765432",
        f"/sertifikat/dokumen/{nik}/",
        f"/tugas/{nik}/",
        f"/{nik}/081234567890/",
    ]


def _all_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    found = {}
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture, not a configured handler
            if type(handler) is logging.NullHandler:
                continue  # a library's "no output unless configured": writes nothing
            found[id(handler)] = handler
    return list(found.values())


@pytest.fixture
def captured_handlers():
    """Every configured handler writes into a buffer of its own for the test."""
    handlers = _all_handlers()
    assert handlers, "no configured log handler found"
    buffers, previous = [], []
    for handler in handlers:
        # A handler of a kind this test cannot read must be judged before it is added.
        assert isinstance(handler, logging.StreamHandler), f"unread log handler: {handler!r}"
        buffer = io.StringIO()
        previous.append((handler, handler.setStream(buffer)))
        buffers.append((handler, buffer))
    yield buffers
    for handler, stream in previous:
        handler.setStream(stream)


def _serve(handler_class, requests, cookie=""):
    """Serve `requests` with runserver's own server and request handler classes."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), handler_class, allow_reuse_address=True)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    statuses = []
    try:
        for path in requests:
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.server_port}{path}", headers={"Cookie": cookie}
            )
            try:
                with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
    finally:
        server.shutdown()
        server.server_close()
    return statuses


@pytest.mark.django_db(transaction=True)
# runserver is the development server: it answers on 127.0.0.1 over plain HTTP.
@pytest.mark.development_settings("ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")
def test_runserver_and_django_log_lines_carry_no_nik_or_phone(captured_handlers, client):
    from django.contrib.auth.models import User

    staff = User.objects.create_superuser("log-admin", password="log-password-2023!")
    client.force_login(staff)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    statuses = _serve(WSGIRequestHandler, _requests(NIK))  # anonymous
    statuses += _serve(WSGIRequestHandler, _requests(NIK), cookie=cookie)  # signed-in staff
    assert all(s < 500 for s in statuses), statuses

    output = "".join(buffer.getvalue() for _, buffer in captured_handlers)
    for secret in SECRETS:
        assert secret not in output, secret
    # The lines were written (a test that captured nothing would prove nothing).
    assert '"GET /admin/umkm/owner/?q=[NIK] HTTP/1.1"' in output
    assert "telepon=[TELEPON]" in output
    assert "Not Found: /umkm/[NIK]/" in output


class _FakeResponse:
    status = "404 Not Found"
    sent = 1234
    headers = [("Content-Type", "text/html"), ("Location", f"/login/?next=/x/{NIK}/")]


class _FakeRequest:
    def __init__(self, query: str):
        self.headers = [
            ("HOST", "portal.example.go.id"),
            ("REFERER", f"https://portal.example.go.id/admin/?q={NIK}"),
            ("USER-AGENT", "Mozilla/5.0"),
            ("COOKIE", "sessionid=abc"),
            ("X-ORIGINAL-URI", f"/admin/?{query}"),
        ]


def _environ(path: str, query: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": f"https://portal.example.go.id/admin/?q={NIK}",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }


def _gunicorn_logger(tmp_path: Path, access_log_format: str | None = None):
    """The logger class, format and levels deploy/gunicorn.conf.py configures."""
    from gunicorn.config import Config

    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("logger_class", "access_log_format", "loglevel"):
        cfg.set(name, conf[name])
    if access_log_format:
        cfg.set("access_log_format", access_log_format)
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    return cfg.logger_class(cfg)


@pytest.mark.parametrize(
    "access_log_format",
    [
        None,  # the deploy file's own format
        # An operator's "richer" format: every atom that could carry a query or a referer.
        '%(h)s "%(r)s" %(U)s %(q)s %(f)s %(a)s %({referer}i)s %({x-original-uri}i)s '
        "%({query_string}e)s %({raw_uri}e)s %({location}o)s",
    ],
)
def test_gunicorn_access_and_error_logs_carry_no_nik_or_phone(tmp_path, access_log_format):
    log = _gunicorn_logger(tmp_path, access_log_format)
    for path in _requests(NIK):
        plain, _, query = path.partition("?")
        query = query or f"q={NIK}&telepon=081234567890"
        log.access(
            _FakeResponse(),
            _FakeRequest(query),
            _environ(plain, query),
            datetime.timedelta(milliseconds=12),
        )
        log.exception("Error handling request %s", f"{plain}?{query}")
    for handler in log.access_log.handlers + log.error_log.handlers:
        handler.flush()
    access = (tmp_path / "access.log").read_text()
    error = (tmp_path / "error.log").read_text()
    for secret in SECRETS:
        assert secret not in access, secret
        assert secret not in error, secret
    assert access.count("\n") == len(_requests(NIK))
    assert "/umkm/[NIK]/" in access and "/[NIK]/[TELEPON]/" in access
    assert "?" not in access.split('"')[1]  # the request line: no query string
    assert "Error handling request /umkm/[NIK]/?q=[NIK]" in error
