"""What must never happen: a booth booked twice, more accepted than booths, a business twice in
one bazaar — impossible in the services and in the database itself."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bazaars import services
from bazaars.models import Bazaar, Booth, Participation, ParticipationStatus
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, eligible_business
from tests.factories import BusinessFactory, kelurahan, operator
from umkm.models import Business, BusinessStatus

pytestmark = pytest.mark.django_db

S = ParticipationStatus


def test_business_twice_in_one_bazaar_is_refused_by_service_and_database():
    b = bazaar()
    business = eligible_business()
    services.participation_apply(actor=SYSTEM, bazaar=b, business=business)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services.participation_apply(actor=SYSTEM, bazaar=b, business=business)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(bazaar=b, business=business)
    assert Participation.objects.filter(bazaar=b, business=business).count() == 1


def test_booth_booked_twice_is_a_clear_error():
    b = bazaar(booths=2)
    first = accepted(b)
    second = accepted(b)
    assert first.booth != second.booth
    with pytest.raises(ValidationError) as exc:
        services.booth_assign(actor=SYSTEM, participation=second, booth=first.booth)
    assert "sudah dipakai" in str(exc.value) or "already taken" in str(exc.value)
    second.refresh_from_db()
    assert second.booth.code == "A02"


def test_booth_booked_twice_is_impossible_in_the_database():
    b = bazaar(booths=2)
    first = accepted(b)
    second = accepted(b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.filter(pk=second.pk).update(booth=first.booth)


def test_booth_of_another_bazaar_is_impossible():
    b = bazaar(booths=2)
    other = bazaar(title="Bazar Lain", booths=2)
    p = accepted(b)
    foreign = other.booths.first()
    with pytest.raises(ValidationError, match=r"another bazaar|bazar lain"):
        services.booth_assign(actor=SYSTEM, participation=p, booth=foreign)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.filter(pk=p.pk).update(booth=foreign)


def test_only_accepted_participations_hold_a_booth_in_the_database():
    b = bazaar(booths=1)
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.filter(pk=p.pk).update(booth=b.booths.get())


def test_more_accepted_than_booths_is_refused():
    b = bazaar(booths=2)
    accepted(b)
    accepted(b)
    third = services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
    with pytest.raises(ValidationError, match="2"):
        services.participation_decide(actor=SYSTEM, participation=third, status=S.ACCEPTED)
    third.refresh_from_db()
    assert third.status == S.APPLIED
    assert b.participations.accepted().count() == 2


def test_bulk_accept_beyond_the_booths_accepts_nobody():
    b = bazaar(booths=2)
    businesses = [eligible_business() for _ in range(3)]
    with pytest.raises(ValidationError):
        services.participants_accept(actor=SYSTEM, bazaar=b, businesses=businesses)
    assert b.participations.count() == 0


def test_more_accepted_than_booths_is_impossible_in_the_database():
    b = bazaar(booths=1)
    accepted(b)
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.filter(pk=p.pk).update(status=S.ACCEPTED, decided_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Bazaar.objects.filter(pk=b.pk).update(booth_count=0)


def test_ineligible_business_needs_a_recorded_reason():
    b = bazaar()
    untrained = BusinessFactory()
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=untrained)
    with pytest.raises(ValidationError, match=r"pelatihan|training"):
        services.participation_decide(actor=SYSTEM, participation=p, status=S.ACCEPTED)
    services.participation_decide(
        actor=SYSTEM,
        participation=p,
        status=S.ACCEPTED,
        override_reason="Juara lomba kuliner, pelatihan menyusul",
    )
    p.refresh_from_db()
    assert p.status == S.ACCEPTED
    assert p.eligibility_override
    assert p.override_reason == "Juara lomba kuliner, pelatihan menyusul"


def test_withdrawal_moves_the_first_waitlisted_business_into_the_booth():
    b = bazaar(booths=1, days=[timezone.localdate() + datetime.timedelta(days=20)])
    leaving = accepted(b)
    booth = leaving.booth
    first, second = (
        services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
        for _ in range(2)
    )
    services.participation_decide(actor=SYSTEM, participation=first, status=S.WAITLISTED)
    services.participation_decide(actor=SYSTEM, participation=second, status=S.WAITLISTED)
    moved = services.participation_withdraw(actor=SYSTEM, participation=leaving)
    assert moved.pk == first.pk
    first.refresh_from_db()
    leaving.refresh_from_db()
    assert (first.status, first.booth) == (S.ACCEPTED, booth)
    assert (leaving.status, leaving.booth) == (S.WITHDRAWN, None)
    second.refresh_from_db()
    assert second.status == S.WAITLISTED


def test_operator_cannot_change_a_participation_outside_their_kecamatan():
    b = bazaar(booths=3)
    outside = eligible_business(kelurahan=kelurahan("31.73.01.1001"))
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=outside)
    grogol = operator("31.73.02")
    for call in (
        lambda: services.participation_decide(actor=grogol, participation=p, status=S.ACCEPTED),
        lambda: services.participations_decide(actor=grogol, participations=[p], status=S.REJECTED),
        lambda: services.participation_withdraw(actor=grogol, participation=p),
        lambda: services.participation_apply(actor=grogol, bazaar=b, business=outside),
    ):
        with pytest.raises(PermissionDenied):
            call()
    p.refresh_from_db()
    assert p.status == S.APPLIED
    inside = eligible_business()  # Grogol Petamburan by default
    mine = services.participation_apply(actor=grogol, bazaar=b, business=inside)
    services.participation_decide(actor=grogol, participation=mine, status=S.ACCEPTED)
    mine.refresh_from_db()
    assert mine.status == S.ACCEPTED
    assert mine.decided_by == grogol
    last = mine.history.order_by("-history_date").first()
    assert (last.status, last.history_user) == (S.ACCEPTED, grogol)


def test_daily_sales_are_never_negative():
    b = bazaar()
    p = accepted(b)
    day = b.days.first()
    with pytest.raises(ValidationError) as exc:
        services.daily_sales_record(
            actor=SYSTEM, participation=p, day=day, omzet=-1, transactions=3
        )
    assert "omzet" in exc.value.message_dict
    sales = services.daily_sales_record(
        actor=SYSTEM, participation=p, day=day, omzet=1_250_000, transactions=41
    )
    assert (sales.omzet, sales.transactions) == (1_250_000, 41)
    assert Booth.objects.filter(bazaar=b).count() == 3


def _waitlisted(b, business):
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=business)
    services.participation_decide(actor=SYSTEM, participation=p, status=S.WAITLISTED)
    return p


def test_withdrawal_moves_up_only_an_eligible_waitlisted_business():
    b = bazaar(booths=1, days=[timezone.localdate() + datetime.timedelta(days=20)])
    leaving = accepted(b)
    lapsed = _waitlisted(b, eligible_business(name="Sudah Tidak Aktif"))
    # Eligible when waitlisted, no longer now: it stays on the waitlist, the next one moves up.
    Business.objects.filter(pk=lapsed.business_id).update(status=BusinessStatus.NONAKTIF)
    next_in_line = _waitlisted(b, eligible_business(name="Masih Layak"))

    moved = services.participation_withdraw(actor=SYSTEM, participation=leaving)

    assert moved.pk == next_in_line.pk
    lapsed.refresh_from_db()
    next_in_line.refresh_from_db()
    assert (lapsed.status, lapsed.booth) == (S.WAITLISTED, None)
    assert (next_in_line.status, next_in_line.booth) == (S.ACCEPTED, leaving.booth)


def test_withdrawal_moves_up_an_ineligible_business_whose_eligibility_was_overridden():
    b = bazaar(booths=1, days=[timezone.localdate() + datetime.timedelta(days=20)])
    untrained = services.participation_apply(actor=SYSTEM, bazaar=b, business=BusinessFactory())
    services.participation_decide(
        actor=SYSTEM,
        participation=untrained,
        status=S.ACCEPTED,
        override_reason="Juara lomba kuliner, pelatihan menyusul",
    )
    services.participation_decide(actor=SYSTEM, participation=untrained, status=S.WAITLISTED)
    leaving = accepted(b)

    moved = services.participation_withdraw(actor=SYSTEM, participation=leaving)

    assert moved is not None and moved.pk == untrained.pk
    untrained.refresh_from_db()
    assert (untrained.status, untrained.eligibility_override) == (S.ACCEPTED, True)


def test_applying_to_a_cancelled_bazaar_is_refused_and_records_nothing():
    b = bazaar(booths=3, days=[timezone.localdate() + datetime.timedelta(days=20)])
    services.bazaar_cancel(actor=SYSTEM, bazaar=b)
    business = eligible_business()
    with pytest.raises(ValidationError, match="dibatalkan"):
        services.participation_apply(actor=SYSTEM, bazaar=b, business=business)
    assert not Participation.objects.filter(bazaar=b).exists()
