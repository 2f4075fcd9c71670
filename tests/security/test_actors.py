"""A missing actor is an error, never full access; SYSTEM is the portal acting, explicitly.

The first test walks every public function of every services module and calls each one that
takes an `actor` with actor=None: it must raise TypeError before touching the database. A new
service is covered as soon as it is written.
"""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bazaars import services as bazaar_services
from bazaars.models import Bazaar
from certifications import services as certificate_services
from config.actors import SYSTEM
from tests.bazaars.factories import VenueFactory
from tests.certifications.factories import cert_type
from tests.factories import BusinessFactory, kelurahan, operator
from umkm import permissions
from umkm import services as register_services
from umkm.models import Stage

SERVICE_PACKAGES = ["umkm.services", "bazaars.services"]
SERVICE_MODULES = ["certifications.services", "jobs.services", "owners.services"]


def _service_modules():
    names = list(SERVICE_MODULES)
    for package in SERVICE_PACKAGES:
        module = importlib.import_module(package)
        names += [f"{package}.{info.name}" for info in pkgutil.iter_modules(module.__path__)]
    return [importlib.import_module(name) for name in names]


def _services_with_actor():
    found = []
    for module in _service_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if "actor" in inspect.signature(function).parameters:
                found.append(pytest.param(function, id=f"{module.__name__}.{name}"))
    return found


SERVICES = _services_with_actor()


def test_the_walk_finds_the_services():
    names = {p.id.rsplit(".", 1)[-1] for p in SERVICES}
    assert {
        "owner_create",
        "business_update",
        "stages_reorder",
        "bazaar_create",
        "day_record",
        "participation_update",
        "case_transition",
        "jobs_prune",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("service", SERVICES)
def test_service_without_actor_raises_before_any_query(service):
    parameters = inspect.signature(service).parameters.values()
    required = {
        p.name: None
        for p in parameters
        if p.default is inspect.Parameter.empty
        and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    }
    required["actor"] = None
    with CaptureQueriesContext(connection) as queries, pytest.raises(TypeError, match="actor"):
        service(**required)
    assert not queries.captured_queries


@pytest.mark.django_db
def test_system_passes_every_permission_function_without_querying_groups():
    business = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    with CaptureQueriesContext(connection) as queries:
        assert permissions.is_city_wide(SYSTEM)
        assert permissions.operator_kecamatan_code(SYSTEM) is None
        assert permissions.can_access_business(SYSTEM, business)
        assert permissions.can_access_owner(SYSTEM, business.owner)
        assert permissions.can_access_kelurahan(SYSTEM, business.kelurahan)
        assert permissions.can_access_kecamatan(SYSTEM, "31.73.05")
        assert permissions.can_view_nik(SYSTEM)
        assert permissions.can_view_personal_data(SYSTEM)
    assert not queries.captured_queries


@pytest.mark.django_db
def test_system_writes_across_kecamatan_without_a_history_user():
    elsewhere = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"), name="Usaha Cengkareng")
    register_services.business_update(actor=SYSTEM, business=elsewhere, products="Kue lapis")
    elsewhere.refresh_from_db()
    assert elsewhere.products == "Kue lapis"
    assert elsewhere.history.latest().history_user is None
    case = certificate_services.case_open(
        actor=SYSTEM, business=elsewhere, cert_type=cert_type("nib")
    )
    assert case.transitions.get().by is None


@pytest.mark.django_db
def test_operator_cannot_write_to_another_kecamatan_and_nothing_changes():
    elsewhere = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"), products="Sambal")
    grogol = operator("31.73.02")
    with pytest.raises(PermissionDenied):
        register_services.business_update(actor=grogol, business=elsewhere, products="Kue")
    with pytest.raises(PermissionDenied):
        certificate_services.case_open(actor=grogol, business=elsewhere, cert_type=cert_type("nib"))
    elsewhere.refresh_from_db()
    assert elsewhere.products == "Sambal"
    assert not elsewhere.certificate_cases.exists()


@pytest.mark.django_db
def test_operator_cannot_plan_a_bazaar_but_system_can():
    arguments = {
        "title": "Bazar Kecamatan",
        "venue": VenueFactory(),
        "organiser": "Sudin PPKUKM",
        "booth_count": 2,
        "days": [(datetime.date(2024, 8, 17), datetime.time(9), datetime.time(17))],
    }
    with pytest.raises(PermissionDenied):
        bazaar_services.bazaar_create(actor=operator("31.73.02"), **arguments)
    assert not Bazaar.objects.exists()
    bazaar = bazaar_services.bazaar_create(actor=SYSTEM, **arguments)
    assert bazaar.booths.count() == 2
    assert bazaar.history.latest().history_user is None


@pytest.mark.django_db
def test_a_stage_recorded_by_system_names_no_one():
    record = register_services.stage_record(
        actor=SYSTEM,
        business=BusinessFactory(),
        stage=Stage.objects.get(code="pelatihan"),
        reached_on=datetime.date(2023, 3, 1),
    ).obj
    assert record.recorded_by is None
