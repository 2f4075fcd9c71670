"""Accepted participations never outnumber the booths, also when two staff save at the same
moment: two threads, two database connections, both committing for real."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bazaars import services
from bazaars.models import Participation, ParticipationStatus
from config.actors import SYSTEM
from tests.bazaars.factories import bazaar, eligible_business

S = ParticipationStatus

# The marker, not the `transactional_db` fixture: the shared conftest's autouse reload runs
# before database access is granted when that fixture is named.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data():
    """A transactional test before this one flushed the areas and sectors: put them back."""
    from umkm.reference import ensure_reference_data

    ensure_reference_data()


def test_two_staff_accepting_the_last_booth_at_the_same_moment_only_one_wins(reference_data):
    b = bazaar(booths=1)
    candidates = [
        services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(p):
        try:
            barrier.wait(timeout=5)
            services.participation_decide(actor=SYSTEM, participation=p, status=S.ACCEPTED)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(p,)) for p in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(outcomes) == ["accepted", "refused"]
    assert Participation.objects.filter(bazaar=b, status=S.ACCEPTED).count() == 1


def test_two_raw_transactions_cannot_overfill_a_bazaar(reference_data):
    """Bypassing the service, the trigger's row lock still serialises two writers."""
    b = bazaar(booths=1)
    ps = [
        services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    errors = []

    def raw_accept(p):
        try:
            with transaction.atomic():
                barrier.wait(timeout=5)
                Participation.objects.filter(pk=p.pk).update(
                    status=S.ACCEPTED, decided_at=timezone.now()
                )
        except IntegrityError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raw_accept, args=(p,)) for p in ps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(errors) == 1
    assert Participation.objects.filter(bazaar=b, status=S.ACCEPTED).count() == 1
