"""Edges of the bazaar services (bazaars/services/) that the mutation benchmark
(bench/mutation.py, run on the merged issue-12 code) found untested."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bazaars import permissions, services
from bazaars.models import Bazaar, DailySales
from config.actors import SYSTEM
from tests.bazaars.factories import VenueFactory, accepted
from tests.factories import operator

pytestmark = pytest.mark.django_db

NINE, NINE_PM = datetime.time(9), datetime.time(21)


def _create(days, **kwargs):
    kwargs.setdefault("title", "Bazar Tahun Baru")
    return services.bazaar_create(
        actor=SYSTEM,
        venue=VenueFactory(),
        organiser="Sudin PPKUKM Jakarta Barat",
        booth_count=2,
        days=days,
        **kwargs,
    )


def test_bazaar_create_without_days_is_refused_and_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        _create([])
    assert exc.value.message_dict == {"days": ["Bazar memerlukan paling sedikit satu hari."]}
    assert not Bazaar.objects.exists()


def test_bazaar_create_over_new_year_takes_the_slug_year_from_its_first_day():
    b = _create(
        [(datetime.date(2024, 1, 1), NINE, NINE_PM), (datetime.date(2023, 12, 31), NINE, NINE_PM)]
    )
    assert Bazaar.objects.get(pk=b.pk).slug == "bazar-tahun-baru-2023"


def test_bazaar_update_with_a_booth_of_another_bazaar_is_refused_and_that_booth_kept():
    mine = _create([(datetime.date(2024, 3, 1), NINE, NINE_PM)], title="Bazar Maret")
    theirs = _create([(datetime.date(2024, 4, 1), NINE, NINE_PM)], title="Bazar April")
    other = theirs.booths.order_by("code").first()
    with pytest.raises(ValidationError) as exc:
        services.bazaar_update(
            actor=SYSTEM, bazaar=mine, booths=[services.BoothInput(code="Z09", pk=other.pk)]
        )
    assert exc.value.message_dict == {"booths": ["Booth Z09 milik bazar lain."]}
    assert other.__class__.objects.get(pk=other.pk).code == other.code
    assert sorted(theirs.booths.values_list("code", flat=True)) == ["A01", "A02"]


def test_bazaar_update_renaming_the_zone_of_a_held_booth_keeps_its_business():
    b = _create([(datetime.date(2024, 3, 1), NINE, NINE_PM)], title="Bazar Maret")
    p = accepted(b)
    held = p.booth
    services.bazaar_update(
        actor=SYSTEM,
        bazaar=b,
        booths=[services.BoothInput(code=held.code, zone="Utara", pk=held.pk)],
    )
    held.refresh_from_db()
    p.refresh_from_db()
    assert (held.zone, p.booth_id) == ("Utara", held.pk)


def test_booths_fill_after_more_booths_are_planned_says_how_many_it_added():
    b = _create([(datetime.date(2024, 3, 1), NINE, NINE_PM)], title="Bazar Maret")
    services.bazaar_update(actor=SYSTEM, bazaar=b, booth_count=4)
    assert services.booths_fill(actor=SYSTEM, bazaar=b) == 2
    assert sorted(b.booths.values_list("code", flat=True)) == ["A01", "A02", "A03", "A04"]
    assert services.booths_fill(actor=SYSTEM, bazaar=b) == 0


def test_daily_sales_with_a_fraction_of_a_transaction_is_refused_and_nothing_saved():
    b = _create([(datetime.date(2024, 3, 1), NINE, NINE_PM)], title="Bazar Maret")
    p = accepted(b)
    with pytest.raises(ValidationError) as exc:
        services.daily_sales_record(
            actor=SYSTEM, participation=p, day=b.days.get(), omzet=100_000, transactions=2.5
        )
    assert exc.value.message_dict == {"transactions": ["Jumlah transaksi harus nol atau lebih."]}
    assert not DailySales.objects.exists()


def test_can_access_participation_follows_the_kecamatan_of_its_business():
    b = _create([(datetime.date(2024, 3, 1), NINE, NINE_PM)], title="Bazar Maret")
    p = accepted(b)  # a business of 31.73.02
    assert permissions.can_access_participation(operator("31.73.02"), p)
    assert not permissions.can_access_participation(operator("31.73.01"), p)
    assert permissions.can_access_participation(SYSTEM, p)


def test_participations_decide_with_an_unknown_decision_is_refused_and_nothing_changes():
    b = _create([(datetime.date(2024, 3, 1), NINE, NINE_PM)], title="Bazar Maret")
    p = accepted(b)
    with pytest.raises(ValidationError) as exc:
        services.participations_decide(actor=SYSTEM, participations=[p], status="approved")
    assert exc.value.messages == ["Keputusan tidak dikenal."]
    p.refresh_from_db()
    assert p.status == "accepted"
