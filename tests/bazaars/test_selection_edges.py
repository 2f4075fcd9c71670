"""Edges of the fair-selection proposal that the mutation benchmark (bench/mutation.py) found
untested: the number of seats and the size of the pool are upper bounds, met exactly."""

import datetime

import pytest
from django.utils import timezone

from bazaars import selectors
from tests.bazaars.factories import bazaar, eligible_business
from tests.factories import kelurahan

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=40)
KECAMATAN = ["31.73.01.1001", "31.73.02.1002", "31.73.03.1001", "31.73.04.1001"]


@pytest.fixture
def four_eligible():
    return [eligible_business(kelurahan=kelurahan(code)) for code in KECAMATAN]


def test_proposal_fills_exactly_the_seats_asked_for(four_eligible):
    new = bazaar(title="Bazar Baru", booths=16, days=[SOON])
    assert len(selectors.propose_participants(new, seats=3)) == 3
    assert len(selectors.propose_participants(new, seats=1)) == 1
    assert selectors.propose_participants(new, seats=0) == []


def test_proposal_draws_from_at_most_the_pool_size(four_eligible):
    new = bazaar(title="Bazar Baru", booths=16, days=[SOON])
    proposal = selectors.propose_participants(new, pool_size=2)
    assert len(proposal) == 2
    assert {p.business for p in proposal} <= set(four_eligible)
