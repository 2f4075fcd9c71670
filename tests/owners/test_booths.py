"""Two owners never get the same booth, and one business applies once, also when their
requests arrive at the same moment (two threads, two connections, real commits)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from bazaars import services as bazaar_services
from bazaars.models import Participation
from config.actors import SYSTEM
from owners import services
from owners.signin import account_for
from tests.bazaars.factories import bazaar
from tests.factories import sector
from tests.owners.factories import owner_business

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data():
    from umkm.reference import ensure_reference_data

    ensure_reference_data()


def _together(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=5)
            call()
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


def test_one_business_applying_twice_at_once_is_recorded_once(reference_data):
    today = timezone.localdate()
    b = bazaar(applications_open=today, days=[today + datetime.timedelta(days=5)])
    business = owner_business(sector=sector("fesyen"))
    user = account_for(business.owner).user
    outcomes = _together(
        [lambda: services.application_submit(actor=user, business=business, bazaar=b)] * 2
    )
    assert outcomes == ["ok", "refused"]
    assert Participation.objects.filter(bazaar=b, business=business).count() == 1


def test_two_owners_accepted_at_once_never_share_a_booth(reference_data):
    today = timezone.localdate()
    b = bazaar(booths=2, applications_open=today, days=[today + datetime.timedelta(days=5)])
    applied = []
    for _ in range(3):
        business = owner_business(sector=sector("fesyen"))
        applied.append(
            services.application_submit(
                actor=account_for(business.owner).user, business=business, bazaar=b
            )
        )
    outcomes = _together(
        [
            lambda p=p: bazaar_services.participation_decide(
                actor=SYSTEM, participation=p, status="accepted"
            )
            for p in applied
        ]
    )
    assert outcomes == ["ok", "ok", "refused"]
    booths = list(
        Participation.objects.filter(bazaar=b, status="accepted").values_list("booth", flat=True)
    )
    assert len(booths) == 2 and len(set(booths)) == 2 and None not in booths
