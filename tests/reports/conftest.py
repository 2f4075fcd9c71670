import csv
import io
from html.parser import HTMLParser

import pytest

from tests.factories import admin_sudin, operator, pejabat
from tests.reports.factories import GROGOL, build_world
from tests.worker import run_queued_tasks


@pytest.fixture(autouse=True)
def _food_rule_off(settings):
    """The report fixtures place Kuliner businesses in bazaars without certificates; the food
    rule is the bazaars' own concern (tested there), not the reports'."""
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def pejabat_client(client, db):
    client.force_login(pejabat(username="pejabat-laporan"))
    return client


@pytest.fixture
def admin_client_sudin(client, db):
    client.force_login(admin_sudin(username="admin-sudin-laporan"))
    return client


@pytest.fixture
def operator_client(client, db):
    client.force_login(operator(GROGOL, username="operator-grogol"))
    return client


class _Figures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures = {}
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-figure" in attrs:
            self.figures[attrs["data-figure"]] = {"value": attrs.get("data-value", ""), "text": ""}
            self._open = attrs["data-figure"]

    def handle_data(self, data):
        if self._open:
            self.figures[self._open]["text"] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th", "strong"):
            self._open = None


def figures(html: str) -> dict[str, str]:
    """Every figure cell of a report page: its data-figure name -> its data-value."""
    parser = _Figures()
    parser.feed(html)
    return {key: cell["value"] for key, cell in parser.figures.items()}


def figure_texts(html: str) -> dict[str, str]:
    parser = _Figures()
    parser.feed(html)
    return {key: cell["text"].strip() for key, cell in parser.figures.items()}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def collected(response):
    """A city-wide PDF/XLSX export answers with its background job's page: the worker runs
    it, then the file is fetched from there, as the user would."""
    if response.status_code != 302 or "/tugas/" not in response["Location"]:
        return response
    run_queued_tasks()
    client = response.client
    status = client.get(response["Location"] + "status.json").json()
    assert status["status"] == "done", status
    return client.get(status["download_url"])


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff"), "CSV must start with a BOM for Excel"
    return list(csv.reader(io.StringIO(text[1:])))
