import datetime

import pytest
from django.utils import timezone

from certifications import selectors, services
from config.actors import SYSTEM
from tests.certifications.factories import issued_case, open_case, submitted_case
from tests.factories import BusinessFactory, kelurahan, sector
from umkm.models import Business

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def register():
    """One business per situation the food rule knows."""
    b = {
        name: BusinessFactory(name=name)
        for name in [
            "pirt_valid",
            "halal_valid",
            "pirt_expired",
            "halal_referred",
            "pirt_submitted",
            "pirt_needed",
            "halal_rejected",
            "bpom_only",
            "nothing",
        ]
    }
    issued_case(
        b["pirt_valid"], "pirt", number="206317301000128", issued_on=datetime.date(2023, 3, 1)
    )
    issued_case(b["halal_valid"], "halal")
    issued_case(
        b["pirt_expired"], "pirt", number="206317301000125", issued_on=datetime.date(2020, 3, 1)
    )
    services.case_transition(
        actor=SYSTEM, case=open_case(b["halal_referred"], "halal"), to_status="referred"
    )
    submitted_case(b["pirt_submitted"], "pirt")
    open_case(b["pirt_needed"], "pirt")
    services.case_transition(
        actor=SYSTEM, case=open_case(b["halal_rejected"], "halal"), to_status="rejected", note="x"
    )
    issued_case(b["bpom_only"], "bpom-md", issued_on=datetime.date(2024, 1, 1))
    return b


HOLDING = {"pirt_valid", "halal_valid", "halal_referred", "pirt_submitted"}


def test_businesses_holding_food_certificate(register):
    held = selectors.businesses_holding_food_certificate(Business.objects.all(), on=TODAY)
    assert {b.name for b in held} == HOLDING
    # Still a queryset of the given one: it narrows, never widens.
    narrowed = Business.objects.filter(name__startswith="pirt")
    assert {b.name for b in selectors.businesses_holding_food_certificate(narrowed, on=TODAY)} == {
        "pirt_valid",
        "pirt_submitted",
    }


def test_holds_food_certificate(register):
    for name, business in register.items():
        assert selectors.holds_food_certificate(business, on=TODAY) is (name in HOLDING), name


def test_holds_food_certificate_until_the_expiry_date_inclusive(register):
    business = register["pirt_valid"]  # expires 01-03-2028
    assert selectors.holds_food_certificate(business, on=datetime.date(2028, 3, 1))
    assert not selectors.holds_food_certificate(business, on=datetime.date(2028, 3, 2))


def test_holds_food_certificate_query_count(register, count_queries):
    with count_queries() as q:
        selectors.holds_food_certificate(register["nothing"], on=TODAY)
    assert q.count == 1


def test_coverage_by_type(register):
    today = timezone.localdate()
    coverage = selectors.coverage_by_type(Business.objects.all(), on=today)
    assert set(coverage) == {"halal", "pirt", "bpom-md", "bpom-kosmetik", "nib", "merek"}
    assert coverage["pirt"] == {
        "total": 9,
        "issued": 1,
        "in_process": 1,
        "expiring_30": 0,
        "expired": 1,
        "needed": 1,
        "missing": 7,
        "still_needed": 7,  # every business here is Kuliner: PIRT applies to all nine
    }
    assert coverage["halal"]["issued"] == 1 and coverage["halal"]["in_process"] == 1
    assert coverage["bpom-md"]["issued"] == 1
    assert coverage["bpom-kosmetik"]["still_needed"] == 0  # parfum only
    soon = selectors.coverage_by_type(Business.objects.all(), on=datetime.date(2028, 2, 15))
    assert soon["pirt"]["expiring_30"] == 1


def test_coverage_by_type_reads_the_cases_history(register):
    """On a past day the cases opened since do not count (they were opened today), but the
    certificates recorded today with an earlier issue date do."""
    before = selectors.coverage_by_type(Business.objects.all(), on=TODAY)
    assert timezone.localdate() > TODAY
    assert before["pirt"]["issued"] == 1  # issued 01-03-2023, recorded today
    assert (before["pirt"]["in_process"], before["pirt"]["needed"]) == (0, 0)
    assert before["halal"]["in_process"] == 0
    assert before["bpom-md"]["issued"] == 1  # issued 01-01-2024
    early = selectors.coverage_by_type(Business.objects.all(), on=datetime.date(2023, 12, 31))
    assert early["bpom-md"]["issued"] == 0  # not issued yet on that day


def test_coverage_by_kecamatan():
    BusinessFactory(kelurahan=kelurahan("31.73.01.1001"), sector=sector("fesyen"))
    certified = BusinessFactory(kelurahan=kelurahan("31.73.01.1001"))
    BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    issued_case(certified, "halal")
    rows = selectors.coverage_by_kecamatan(Business.objects.all(), on=TODAY)
    assert rows == [
        {
            "kecamatan_code": "31.73.01",
            "kecamatan_name": "Cengkareng",
            "businesses": 2,
            "food_businesses": 1,
            "food_certified": 1,
            "food_missing": 0,
        },
        {
            "kecamatan_code": "31.73.02",
            "kecamatan_name": "Grogol Petamburan",
            "businesses": 1,
            "food_businesses": 1,
            "food_certified": 0,
            "food_missing": 1,
        },
    ]


def test_food_businesses_without_certificate_are_active_kuliner_only(register):
    BusinessFactory(name="fesyen", sector=sector("fesyen"))
    BusinessFactory(name="inactive", status="nonaktif")
    names = {b.name for b in selectors.food_businesses_without_certificate(on=TODAY)}
    assert names == {"pirt_expired", "pirt_needed", "halal_rejected", "bpom_only", "nothing"}
