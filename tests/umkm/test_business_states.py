"""The register remembers: status, scale, kelurahan and consent as dated states
(umkm.models.states), kept by the business table's trigger whatever the write, and the
backfill of migration 0008."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.actors import SYSTEM
from tests.factories import BusinessFactory, admin_sudin, kelurahan, operator
from tests.umkm.admin_forms import form_data
from umkm import services
from umkm.migrations._business_state import _days
from umkm.models import Business, BusinessState, BusinessStatus

pytestmark = pytest.mark.django_db

D = datetime.date


def states(business):
    return [
        (s.valid.lower, s.valid.upper, s.status, s.kelurahan_id, s.public_consent, s.reason)
        for s in BusinessState.objects.filter(business=business).order_by("valid")
    ]


def test_a_new_business_has_one_open_state_with_its_values():
    business = BusinessFactory(status=BusinessStatus.AKTIF)
    [(lower, upper, status, kelurahan_id, consent, _reason)] = states(business)
    assert (lower, upper) == (None, None)  # -infinity .. infinity
    assert (status, kelurahan_id, consent) == ("aktif", business.kelurahan_id, False)


def test_a_dated_change_closes_the_range_and_opens_the_next():
    business = BusinessFactory()
    sudin = admin_sudin()
    services.business_update(
        actor=sudin,
        business=business,
        status=BusinessStatus.NAIK_KELAS,
        effective_on=D(2024, 3, 1),
        reason="Omzet di atas Rp2 miliar",
    )
    assert states(business) == [
        (None, D(2024, 3, 1), "aktif", business.kelurahan_id, False, ""),
        (
            D(2024, 3, 1),
            None,
            "naik_kelas",
            business.kelurahan_id,
            False,
            "Omzet di atas Rp2 miliar",
        ),
    ]
    latest = BusinessState.objects.get(business=business, valid__upper_inf=True)
    assert latest.recorded_by_id == sudin.pk
    assert BusinessState.objects.on(D(2024, 2, 29)).get(business=business).status == "aktif"
    assert BusinessState.objects.on(D(2024, 3, 1)).get(business=business).status == "naik_kelas"


def test_a_move_is_remembered_and_the_old_kecamatan_keeps_its_past():
    business = BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    services.business_update(
        actor=SYSTEM,
        business=business,
        kelurahan=kelurahan("31.73.01.1001"),
        effective_on=D(2025, 7, 1),
    )
    assert BusinessState.objects.on(D(2025, 6, 30)).get(business=business).kelurahan_id == (
        "31.73.02.1002"
    )
    assert BusinessState.objects.on(D(2025, 7, 1)).get(business=business).kelurahan_id == (
        "31.73.01.1001"
    )


def test_a_second_change_on_the_same_day_corrects_the_first_and_back_removes_it():
    business = BusinessFactory()
    day = D(2025, 1, 10)
    for status in (BusinessStatus.NONAKTIF, BusinessStatus.NAIK_KELAS):
        services.business_update(
            actor=SYSTEM, business=business, status=status, effective_on=day, reason="r"
        )
    assert [s[:3] for s in states(business)] == [(None, day, "aktif"), (day, None, "naik_kelas")]
    services.business_update(
        actor=SYSTEM, business=business, status=BusinessStatus.AKTIF, effective_on=day, reason="x"
    )
    assert [s[:3] for s in states(business)] == [(None, None, "aktif")]


def test_a_change_before_the_last_one_or_in_the_future_is_refused_and_nothing_changes():
    business = BusinessFactory()
    services.business_update(
        actor=SYSTEM,
        business=business,
        status="nonaktif",
        effective_on=D(2025, 5, 1),
        reason="tutup",
    )
    before = states(business)
    business.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.business_update(
            actor=SYSTEM,
            business=business,
            status="aktif",
            effective_on=D(2025, 4, 30),
            reason="buka",
        )
    assert "effective_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.business_update(
            actor=SYSTEM,
            business=business,
            status="aktif",
            effective_on=timezone.localdate() + datetime.timedelta(days=1),
            reason="buka",
        )
    assert "effective_on" in exc.value.error_dict
    assert states(business) == before
    assert Business.objects.get(pk=business.pk).status == "nonaktif"


def test_a_status_change_needs_a_reason():
    business = BusinessFactory()
    with pytest.raises(ValidationError) as exc:
        services.business_update(actor=SYSTEM, business=business, status="nonaktif")
    assert "reason" in exc.value.error_dict
    assert [s[2] for s in states(business)] == ["aktif"]


def test_an_unrelated_change_records_nothing():
    business = BusinessFactory()
    services.business_update(actor=SYSTEM, business=business, products="Kue lapis")
    assert len(states(business)) == 1


def test_writes_that_bypass_the_service_are_recorded_too():
    """queryset.update() and raw SQL: the trigger sees every write, dated today (Jakarta)."""
    business = BusinessFactory()
    Business.objects.filter(pk=business.pk).update(
        public_consent=True, public_consent_at=timezone.now()
    )
    today = timezone.localdate()
    assert [s[:2] + s[4:5] for s in states(business)] == [(None, today, False), (today, None, True)]
    # The trigger's refusal is the last guard when no service checked first.
    with connection.cursor() as cursor, pytest.raises(IntegrityError), transaction.atomic():
        cursor.execute("SELECT set_config('umkm.effective_on', '2020-01-01', true)")
        cursor.execute("UPDATE umkm_business SET status = 'nonaktif' WHERE id = %s", [business.pk])


def test_ranges_of_one_business_cannot_overlap():
    business = BusinessFactory()
    state = BusinessState.objects.get(business=business)
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessState.objects.create(
            business=business,
            valid=(D(2020, 1, 1), None),
            status="aktif",
            kelurahan_id=business.kelurahan_id,
            public_consent=False,
            recorded_at=timezone.now(),
        )
    assert BusinessState.objects.filter(business=business).get() == state


def test_the_admin_form_dates_a_change_and_shows_the_history(client):
    user = operator("31.73.02")
    business = BusinessFactory(kelurahan=kelurahan("31.73.02.1002"))
    client.force_login(user)
    url = f"/admin/umkm/business/{business.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, status="nonaktif", effective_on="03-11-2025", reason="Pindah usaha")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [s[:3] for s in states(business)] == [
        (None, D(2025, 11, 3), "aktif"),
        (D(2025, 11, 3), None, "nonaktif"),
    ]
    assert "Pindah usaha" in client.get(url).content.decode()


class _H:
    def __init__(
        self, when, status="aktif", kelurahan_id="31.73.02.1002", consent=False, capital=None
    ):
        self.history_date = when
        self.status, self.kelurahan_id, self.public_consent = status, kelurahan_id, consent
        self.capital, self.yearly_omzet, self.history_user_id = capital, None, None


def test_the_backfill_turns_history_into_days_of_change():
    jkt = timezone.get_current_timezone()
    at = lambda *a: datetime.datetime(*a, tzinfo=jkt)  # noqa: E731
    business = Business(
        status="naik_kelas", kelurahan_id="31.73.02.1002", scale="", public_consent=False
    )
    history = [
        _H(at(2021, 1, 1, 9)),
        _H(at(2021, 1, 1, 10)),  # same values: not a change
        _H(at(2022, 6, 1, 8), status="nonaktif"),
        _H(at(2022, 6, 1, 23, 30), status="aktif"),  # same day: the last record counts
        _H(at(2023, 2, 1), status="naik_kelas"),
    ]
    days = [(day, values[0]) for day, values, _at, _by in _days(history, business)]
    assert days == [(D(2021, 1, 1), "aktif"), (D(2023, 2, 1), "naik_kelas")]
