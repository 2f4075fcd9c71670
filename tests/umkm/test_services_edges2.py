"""Edges of the register's services (umkm/services/) that the mutation benchmark found untested
on the merged issue-12 code."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from config.actors import SYSTEM
from tests.factories import (
    BusinessFactory,
    EnrolmentFactory,
    OwnerFactory,
    TrainingFactory,
    kelurahan,
    operator,
    random_nik,
    sector,
)
from umkm import services
from umkm.models import Business, Enrolment, Owner

pytestmark = pytest.mark.django_db


def test_business_create_keeps_the_products_trimmed_and_says_it_created():
    outcome = services.business_create(
        actor=SYSTEM,
        name="Keripik Bu Sari",
        owner=OwnerFactory(),
        sector=sector(),
        kelurahan=kelurahan(),
        binaan_since=datetime.date(2024, 1, 8),
        products="  Keripik singkong, keripik pisang ",
    )
    assert outcome.created
    saved = Business.objects.get(pk=outcome.obj.pk)
    assert saved.products == "Keripik singkong, keripik pisang"


def test_trainee_row_with_a_phone_that_is_no_phone_number_is_refused_naming_the_row():
    row = services.TraineeData(
        nik=random_nik(),
        full_name="Budi Santoso",
        gender="L",
        phone="12345",
        owner_kelurahan=kelurahan(),
        business_name="Warung Budi",
        sector=sector(),
        row=4,
    )
    with pytest.raises(services.RegistrationError) as refused:
        services.trainees_register(actor=SYSTEM, training=TrainingFactory(), trainees=[row])
    assert refused.value.messages == [
        "Baris 4: Nomor telepon harus berbentuk seperti 0812-3456-7890 atau +62 812 3456 7890."
    ]
    assert not Owner.objects.exists()


def test_trainee_row_for_an_owner_of_two_businesses_without_a_name_asks_which_one():
    first = BusinessFactory(name="Batik Lama")
    BusinessFactory(name="Kopi Baru", owner=first.owner)
    row = services.TraineeData(nik=first.owner.nik, row=2)
    with pytest.raises(services.RegistrationError) as refused:
        services.trainees_register(actor=SYSTEM, training=TrainingFactory(), trainees=[row])
    assert refused.value.messages == [
        "Baris 2: pelaku usaha ini punya beberapa usaha: tuliskan usaha yang mana."
    ]
    assert not Enrolment.objects.exists()


def test_trainees_register_new_business_keeps_its_products_and_reports_its_progress():
    row = services.TraineeData(
        nik=random_nik(),
        full_name="Siti Aminah",
        gender="P",
        owner_kelurahan=kelurahan(),
        business_name="Batik Siti",
        sector=sector(),
        products=" Batik tulis ",
    )
    heard = []
    services.trainees_register(
        actor=SYSTEM, training=TrainingFactory(), trainees=[row], progress=heard.append
    )
    assert Business.objects.get(name="Batik Siti").products == "Batik tulis"
    assert heard == [20, 45, 70]


def test_trainee_rows_without_a_number_are_counted_from_1_in_messages():
    rows = [
        services.TraineeData(nik="123", full_name="Budi", gender="L"),
        services.TraineeData(nik="456", full_name="Sari", gender="P"),
    ]
    with pytest.raises(services.RegistrationError) as refused:
        services.trainees_register(actor=SYSTEM, training=TrainingFactory(), trainees=rows)
    numbers = {m.split(":")[0] for m in refused.value.messages}
    assert numbers == {"Baris 1", "Baris 2"}


def test_enrolment_update_to_passed_marks_attended_and_returns_the_enrolment():
    enrolment = EnrolmentFactory(attended=False, passed=False, score=None)
    outcome = services.enrolment_update(actor=SYSTEM, enrolment=enrolment, passed=True, score=85)
    saved = Enrolment.objects.get(pk=enrolment.pk)
    assert (saved.attended, saved.passed, saved.score) == (True, True, 85)
    assert outcome.obj.pk == enrolment.pk


def test_enrolment_update_by_operator_of_another_kecamatan_is_refused_and_nothing_changes():
    enrolment = EnrolmentFactory(attended=False, passed=False, score=None)
    with pytest.raises(PermissionDenied):
        services.enrolment_update(actor=operator("31.73.01"), enrolment=enrolment, passed=True)
    assert Enrolment.objects.filter(pk=enrolment.pk, passed=False, attended=False).exists()
