"""Every export of the portal, fed names that are formulas: no cell of any file may run.

The exports are those in exports.registry; the test also discovers admin actions and URLs that
look like exports and fails for any that is not registered, so a new export cannot be missed.
"""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from exports.registry import admin_action_route, all_exports
from tests.bazaars.factories import VenueFactory, accepted, bazaar, eligible_business
from tests.certifications.factories import open_case
from tests.factories import EnrolmentFactory, OwnerFactory, TrainingFactory, admin_sudin
from umkm.models import Sector

PAYLOADS = [
    '=HYPERLINK("http://evil.example/","x")',
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "\t=1",
    " =1",
    "＝1",
]
HYPERLINK = PAYLOADS[0]
# Independent of exports.cells on purpose: what a spreadsheet would run.
LIVE = re.compile(r"^(?:[\t\r\n]|[\s\u200b\ufeff]*[=+\-@＝＋－＠])")
EXPORT_WORDS = re.compile(r"export|ekspor|csv|xlsx|download|unduh|spreadsheet", re.I)
URL_WORDS = re.compile(r"export|ekspor|csv|xlsx|templat", re.I)  # templates are files too


@pytest.fixture(autouse=True)
def _food_rule_off(settings):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False


@pytest.fixture
def hostile_world(db):
    """Businesses, owners, products, a venue, a bazaar, a training and a sector named like
    formulas, all in Kecamatan Grogol Petamburan, 2023."""
    Sector.objects.create(code="sektor-formula", name=HYPERLINK, order=99)
    venue = VenueFactory(name=HYPERLINK)
    fair = bazaar(title="+Bazar " + HYPERLINK, venue=venue, booths=len(PAYLOADS) + 2)
    training = TrainingFactory(title=HYPERLINK, place="@SUM(A1)", organiser="-1")
    businesses = []
    for i, payload in enumerate(PAYLOADS):
        owner = OwnerFactory(full_name=payload)
        business = eligible_business(name=payload, owner=owner, products=payload)
        EnrolmentFactory(training=training, business=business, owner=owner)
        accepted(fair, business)
        open_case(business, "pirt", product=PAYLOADS[(i + 1) % len(PAYLOADS)])
        businesses.append(business)
    return businesses


# --- discovery ---------------------------------------------------------------------------


def _url_names(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", str(p.pattern)


def _export_like_admin_actions():
    for model, model_admin in admin.site._registry.items():
        for action in [*admin.site.actions, *(model_admin.actions or [])]:
            action = action[1] if isinstance(action, tuple) else action
            found = model_admin.get_action(action)
            texts = [found.name]
            for language in ("en", "id"):
                with translation.override(language):
                    texts.append(str(found.description))
            if any(EXPORT_WORDS.search(t) for t in texts):
                yield admin_action_route(model, found.name)


def _registered_routes() -> set[str]:
    return {route for export in all_exports() for route in export.routes}


def _model_admin_pages() -> set[str]:
    """The admin's own pages of each model (a model named ExportLog is not an export)."""
    suffixes = ("add", "change", "changelist", "delete", "history", "history_detail")
    return {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_{suffix}"
        for m in admin.site._registry
        for suffix in suffixes
    }


def test_every_export_url_is_registered():
    found = {
        name
        for name, _route in _url_names(get_resolver().url_patterns)
        if URL_WORDS.search(name) and name not in _model_admin_pages()
    }
    assert found  # the walk itself finds the known ones
    assert found <= _registered_routes(), found - _registered_routes()


def test_every_export_admin_action_is_registered():
    found = set(_export_like_admin_actions())
    assert "admin-action:certifications.certificatecase.refer_to_sudin" in found
    assert found <= _registered_routes(), found - _registered_routes()


def test_every_registered_route_exists():
    names = {name for name, _route in _url_names(get_resolver().url_patterns)}
    actions = set()
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or []:
            actions.add(admin_action_route(model, model_admin.get_action(action).name))
    for export in all_exports():
        assert export.routes, export.name
        for route in export.routes:
            assert route in names or route in actions, (export.name, route)


# --- the files -----------------------------------------------------------------------------


def _cells(file) -> list[str]:
    """Every text cell of the file; fails on a formula cell."""
    if file.filename.endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(file.content))
        texts = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    assert c.data_type != "f", (file.filename, c.coordinate, c.value)
                    if isinstance(c.value, str):
                        texts.append(c.value)
        return texts
    if file.filename.endswith(".csv"):
        text = file.content.decode("utf-8")
        assert text.startswith("\ufeff")
        delimiter = ";" if file.filename.endswith("-excel-id.csv") else ","  # csv_stream.EXCEL_ID
        return [v for row in csv.reader(io.StringIO(text[1:]), delimiter=delimiter) for v in row]
    assert file.filename.endswith(".pdf") and file.content.startswith(b"%PDF"), file.filename
    return []


@pytest.mark.parametrize("export", all_exports(), ids=lambda e: e.name)
def test_no_cell_of_any_export_is_a_live_formula(hostile_world, export):
    user = admin_sudin(username=f"admin-{export.name}")
    business = hostile_world[0]
    files = list(export.produce(user=user, business=business))
    assert files, export.name
    seen = []
    for file in files:
        cells = _cells(file)
        live = [c for c in cells if LIVE.match(c)]
        assert not live, (file.filename, live)
        seen += cells
    # The hostile business really is in the files, neutralised (else the test proves nothing).
    assert "'" + HYPERLINK in seen, export.name
    assert not any(c in PAYLOADS for c in seen)


def test_registry_covers_the_known_exports():
    assert {e.name for e in all_exports()} >= {
        "reports.kecamatan",
        "reports.city",
        "bazaars.participants",
        "certifications.referral",
    }


def test_referral_date_is_the_jakarta_day(hostile_world):
    """A case referred at 00:30 in Jakarta (17:30 UTC the day before) shows the Jakarta day."""
    from certifications.models import CertificateCase
    from exports.registry import all_exports as exports_list

    case = CertificateCase.objects.get(business=hostile_world[0])
    jakarta_midnight = datetime.datetime(2026, 5, 1, 17, 30, tzinfo=datetime.UTC)
    CertificateCase.objects.filter(pk=case.pk).update(status_changed_at=jakarta_midnight)
    referral = next(e for e in exports_list() if e.name == "certifications.referral")
    file = next(iter(referral.produce(user=admin_sudin(), business=hostile_world[0])))
    rows = list(openpyxl.load_workbook(io.BytesIO(file.content)).active.iter_rows(values_only=True))
    assert rows[2][8] == datetime.datetime(2026, 5, 2)
