"""Every URL pattern of the URLconf (admin's included), requested with hostile path parameters
and query strings as anonymous, Operator Kecamatan and Pejabat: no answer is a 5xx.

The patterns are walked from the resolver (tests/security/fuzzing.py), so a new view is fuzzed
without being listed. The values are drawn by a seeded generator (the same requests on every
run); bench/fuzz.py sends many more.
"""

import random
import traceback

import pytest
from django.core.signals import got_request_exception

from tests.client import ProductionClient as Client
from tests.factories import operator, pejabat
from tests.security import fuzzing

pytestmark = pytest.mark.django_db


def test_every_route_is_found_with_admin_and_public_pages():
    names = {route.name for route in fuzzing.routes()}
    assert "bazar/<slug:slug>/" in names
    assert "laporan/kecamatan/<str:code>/" in names
    assert any(name.startswith("admin/") and "change/" in name for name in names)
    # Every admin's changelist is among them, with its ModelAdmin known.
    with_admin = {r.model_admin for r in fuzzing.routes() if r.model_admin is not None}
    from django.contrib import admin

    assert with_admin == set(admin.site._registry.values())


def test_every_path_parameter_gets_a_real_value():
    """A parameter without a sample would only ever be fuzzed as '1': teach Samples."""
    samples = fuzzing.Samples(by_name={})
    names = set()
    for route in fuzzing.routes():
        for name, _kind in route.params():
            is_object = route.model_admin is not None and name in {
                "object_id",
                "pk",
                "id",
                "training_id",
                1,
            }
            if not is_object:
                names.add(name)
    world_names = {
        "slug", "code", "fmt", "pk", "job_id", "version_id", 2, "day", "app_label",
        "content_type_id", "object_id", "uidb64", "token", "url",
        "business_id", "participation_id",
    }  # fmt: skip
    assert names <= world_names, names - world_names
    assert samples.by_name == {}


def test_no_url_answers_5xx_to_hostile_values():
    samples = fuzzing.build_world()
    failures = []

    def record(sender, request, **kwargs):
        failures.append((request.get_full_path()[:300], traceback.format_exc(limit=-3)))

    got_request_exception.connect(record)
    sent, fives, answered = 0, [], set()
    try:
        for role, user in (("anonim", None), ("operator", operator()), ("pejabat", pejabat())):
            client = fuzzing.verified_client(Client, user)
            rnd = random.Random(f"fuzz-{role}")
            for route in fuzzing.routes():
                for url in fuzzing.requests_for(route, samples, rnd):
                    response = client.get(url)
                    sent += 1
                    answered.add(response.status_code // 100)
                    if response.status_code >= 500:
                        fives.append((role, url[:300], response.status_code))
    finally:
        got_request_exception.disconnect(record)
    assert sent > 3000
    assert {2, 3, 4} <= answered  # the views ran: not every request stopped at the door
    assert fives == [], (
        "\n".join(f"{f}" for f in fives[:20])
        + "\n"
        + "\n".join(f"{url}\n{trace}" for url, trace in failures[:5])
    )
