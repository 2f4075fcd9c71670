"""The rules of planning a bazaar and of its days, held by the services (admin only collects
input): omzet and transactions together, only accepted participants on the day, a bazaar's
days and booths kept consistent with what was recorded on them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bazaars import services
from bazaars.models import Attendance, Bazaar, BazaarDay, DailySales, ParticipationStatus
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, eligible_business

pytestmark = pytest.mark.django_db

S = ParticipationStatus


def _days(b):
    return [
        services.DayInput(pk=d.pk, date=d.date, opens_at=d.opens_at, closes_at=d.closes_at)
        for d in b.days.all()
    ]


# --- On the day ---------------------------------------------------------------------------


def test_omzet_without_transactions_is_refused_naming_the_field_and_nothing_saved():
    b = bazaar()
    p = accepted(b)
    with pytest.raises(ValidationError) as exc:
        services.daily_sales_record(
            actor=SYSTEM, participation=p, day=b.days.first(), omzet=500_000, transactions=None
        )
    assert list(exc.value.message_dict) == ["transactions"]
    assert "jumlah transaksi" in exc.value.message_dict["transactions"][0]
    assert not DailySales.objects.exists()


def test_day_page_with_one_incomplete_row_saves_no_row():
    b = bazaar()
    complete, incomplete = accepted(b), accepted(b, name="Dapur Bu Sri")
    day = b.days.first()
    entries = [
        services.DayEntry(
            participation=complete, present=True, omzet="1.250.000", transactions="41"
        ),
        services.DayEntry(participation=incomplete, present=True, omzet="300000", transactions=""),
    ]
    with pytest.raises(ValidationError) as exc:
        services.day_record(actor=SYSTEM, day=day, entries=entries)
    assert exc.value.messages == [
        "Baris A02 Dapur Bu Sri: isi omzet dan jumlah transaksi sekaligus, atau kosongkan keduanya."
    ]
    assert not Attendance.objects.exists() and not DailySales.objects.exists()
    entries[1].transactions = "7"
    assert services.day_record(actor=SYSTEM, day=day, entries=entries) == 2
    assert sorted(DailySales.objects.values_list("omzet", "transactions")) == [
        (300_000, 7),
        (1_250_000, 41),
    ]


@pytest.mark.parametrize("typed", ["²", "1²", "١٢", "-5"])
def test_day_page_refuses_digits_that_are_not_whole_numbers_naming_the_column(typed):
    b = bazaar()
    p = accepted(b)
    with pytest.raises(ValidationError, match="bilangan bulat"):
        services.day_record(
            actor=SYSTEM,
            day=b.days.first(),
            entries=[
                services.DayEntry(participation=p, present=True, omzet=typed, transactions="3")
            ],
        )
    assert not DailySales.objects.exists()


def test_check_in_of_a_participant_not_accepted_is_refused():
    b = bazaar()
    applied = services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
    with pytest.raises(ValidationError, match="bukan peserta yang diterima"):
        services.attendance_set(actor=SYSTEM, participation=applied, day=b.days.first())
    with pytest.raises(ValidationError):
        services.day_record(
            actor=SYSTEM,
            day=b.days.first(),
            entries=[services.DayEntry(participation=applied, present=True)],
        )
    assert not Attendance.objects.exists()


def test_a_day_of_another_bazaar_is_refused():
    p = accepted(bazaar())
    other_day = bazaar(title="Bazar Lain").days.first()
    with pytest.raises(ValidationError) as exc:
        services.attendance_set(actor=SYSTEM, participation=p, day=other_day)
    assert "day" in exc.value.message_dict
    assert not Attendance.objects.exists()


# --- Publishing -----------------------------------------------------------------------------


def test_a_draft_cannot_be_cancelled_and_stays_off_the_public_schedule():
    b = bazaar(publish=False)
    with pytest.raises(ValidationError, match="belum pernah diterbitkan"):
        services.bazaar_cancel(actor=SYSTEM, bazaar=b)
    b.refresh_from_db()
    assert (b.status, b.published_at) == ("draft", None)
    assert not Bazaar.objects.public().filter(pk=b.pk).exists()


def test_a_cancelled_bazaar_cannot_be_published():
    b = bazaar(publish=True)
    services.bazaar_cancel(actor=SYSTEM, bazaar=b)
    with pytest.raises(ValidationError, match="dibatalkan"):
        services.bazaar_publish(actor=SYSTEM, bazaar=b)
    b.refresh_from_db()
    assert b.status == "cancelled"


def test_publishing_again_keeps_the_first_publication_time():
    b = bazaar(publish=False)
    assert b.status == "draft" and b.published_at is None
    first = services.bazaar_publish(actor=SYSTEM, bazaar=b).published_at
    b.refresh_from_db()
    services.bazaar_publish(actor=SYSTEM, bazaar=b)
    b.refresh_from_db()
    assert b.status == "published" and b.published_at == first
    assert b.history.filter(history_change_reason="published").count() == 1


def test_a_bazaar_without_booths_cannot_be_published():
    b = bazaar(publish=False, booths=1)
    services.bazaar_update(
        actor=SYSTEM,
        bazaar=b,
        booths=[
            services.BoothInput(pk=booth.pk, code=booth.code, delete=True)
            for booth in b.booths.all()
        ],
    )
    with pytest.raises(ValidationError, match="booth"):
        services.bazaar_publish(actor=SYSTEM, bazaar=b)


# --- Changing a bazaar ----------------------------------------------------------------------


def test_booths_cannot_drop_below_the_accepted_businesses():
    b = bazaar(booths=3)
    accepted(b)
    accepted(b)
    with pytest.raises(ValidationError) as exc:
        services.bazaar_update(actor=SYSTEM, bazaar=b, booth_count=1)
    assert "booth_count" in exc.value.message_dict
    b.refresh_from_db()
    assert b.booth_count == 3


def test_a_day_with_sales_is_not_removed_and_nothing_else_changes():
    b = bazaar()
    p = accepted(b)
    first = b.days.order_by("date").first()
    services.daily_sales_record(actor=SYSTEM, participation=p, day=first, omzet=1, transactions=1)
    days = _days(b)
    days[0].delete = True
    with pytest.raises(ValidationError) as exc:
        services.bazaar_update(actor=SYSTEM, bazaar=b, title="Judul Baru", days=days)
    assert "25/09/2023" in exc.value.message_dict["days"][0]
    b.refresh_from_db()
    assert b.title == "Bazar UMKM Jakarta Barat" and b.days.count() == 2


def test_days_changed_move_the_bazaars_dates_and_the_last_day_stays():
    b = bazaar()
    days = _days(b)
    days[1].delete = True
    days.append(
        services.DayInput(
            date=datetime.date(2023, 9, 30), opens_at=datetime.time(10), closes_at=datetime.time(18)
        )
    )
    services.bazaar_update(actor=SYSTEM, bazaar=b, days=days)
    b.refresh_from_db()
    assert (b.start_date, b.end_date) == (datetime.date(2023, 9, 25), datetime.date(2023, 9, 30))
    every = [
        services.DayInput(
            pk=d.pk, date=d.date, opens_at=d.opens_at, closes_at=d.closes_at, delete=True
        )
        for d in b.days.all()
    ]
    with pytest.raises(ValidationError, match="paling sedikit satu hari"):
        services.bazaar_update(actor=SYSTEM, bazaar=b, days=every)
    assert BazaarDay.objects.filter(bazaar=b).count() == 2


def test_a_booth_held_by_an_accepted_business_is_not_removed():
    b = bazaar(booths=2)
    p = accepted(b, name="Dapur Bu Sri")
    booth = p.booth
    with pytest.raises(ValidationError, match="Dapur Bu Sri"):
        services.bazaar_update(
            actor=SYSTEM,
            bazaar=b,
            booths=[services.BoothInput(pk=booth.pk, code=booth.code, delete=True)],
        )
    p.refresh_from_db()
    assert p.booth == booth


# --- A participation's page -----------------------------------------------------------------


def test_participation_update_accepts_with_the_chosen_booth_and_keeps_the_note():
    b = bazaar(booths=3)
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
    chosen = b.booths.get(code="A03")
    services.participation_update(
        actor=SYSTEM, participation=p, decision=S.ACCEPTED, booth=chosen, note=" Di pojok "
    )
    p.refresh_from_db()
    assert (p.status, p.booth, p.note) == (S.ACCEPTED, chosen, "Di pojok")


def test_participation_update_on_a_full_bazaar_changes_nothing_not_even_the_note():
    b = bazaar(booths=1)
    accepted(b)
    p = services.participation_apply(actor=SYSTEM, bazaar=b, business=eligible_business())
    with pytest.raises(ValidationError, match="Semua 1 booth"):
        services.participation_update(
            actor=SYSTEM, participation=p, decision=S.ACCEPTED, note="catatan"
        )
    p.refresh_from_db()
    assert (p.status, p.note) == (S.APPLIED, "")
