"""The register's writes: what is never saved, kecamatan scoping, scale, stages, capacity."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from config.actors import SYSTEM
from tests.factories import (
    BusinessFactory,
    OwnerFactory,
    TrainingFactory,
    admin_sudin,
    kelurahan,
    operator,
    random_nik,
    sector,
)
from umkm import services
from umkm.models import (
    RP_BILLION,
    Business,
    BusinessStage,
    Enrolment,
    Owner,
    Scale,
    Stage,
    scale_for,
)

pytestmark = pytest.mark.django_db

GROGOL = "31.73.02.1002"  # Grogol Petamburan
CENGKARENG = "31.73.01.1001"  # Cengkareng, another kecamatan of Jakarta Barat


def new_owner(actor=SYSTEM, **kwargs):
    values = {
        "full_name": "Ani Lestari",
        "nik": random_nik(female=True, birth=datetime.date(1990, 5, 17)),
        "gender": "P",
        "birth_date": datetime.date(1990, 5, 17),
        "kelurahan": kelurahan(GROGOL),
        "phone": "0812-3456-7890",
    }
    values.update(kwargs)
    return services.owner_create(actor=actor, **values)


def new_business(owner, actor=SYSTEM, **kwargs):
    values = {
        "name": "Keripik Ani",
        "owner": owner,
        "sector": sector(),
        "kelurahan": kelurahan(GROGOL),
        "binaan_since": datetime.date(2023, 2, 1),
    }
    values.update(kwargs)
    return services.business_create(actor=actor, **values)


# --- Owners -------------------------------------------------------------------------------


def test_owner_create_normalises_phone_and_encrypts_nik():
    nik = random_nik(female=True, birth=datetime.date(1990, 5, 17))
    owner = new_owner(nik=nik).obj
    owner.refresh_from_db()
    assert owner.phone == "+6281234567890"
    assert owner.nik == nik
    assert Owner.objects.with_nik(nik).get() == owner


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nik": "123"}, "nik"),
        ({"nik": "3173020013900001"}, "nik"),  # month 00
        ({"phone": "nomor saya"}, "phone"),
        ({"kelurahan": None}, "kelurahan"),
        ({"gender": "X"}, "gender"),
    ],
)
def test_owner_create_refuses_invalid_and_saves_nothing(changes, field):
    with pytest.raises(ValidationError) as exc:
        new_owner(**changes)
    assert field in exc.value.message_dict
    assert not Owner.objects.exists()


def test_two_owners_never_share_a_nik():
    nik = random_nik()
    new_owner(nik=nik)
    with pytest.raises(ValidationError) as exc:
        new_owner(nik=nik, full_name="Orang Lain")
    assert "NIK" in exc.value.message_dict["nik"][0]
    assert Owner.objects.count() == 1


def test_two_owners_never_share_a_nik_in_the_database():
    nik = random_nik()
    OwnerFactory(nik=nik)
    twin = Owner(full_name="Kembar", gender="L", kelurahan=kelurahan(GROGOL))
    twin.set_nik(nik)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_owner_nik_birth_date_mismatch_is_kept_with_a_warning():
    nik = random_nik(female=True, birth=datetime.date(1990, 5, 17))
    outcome = new_owner(nik=nik, birth_date=datetime.date(1991, 5, 17))
    assert outcome.obj.pk
    assert outcome.warnings
    assert "17/05/1990" in outcome.warnings[0]  # config.formats.date_short


def test_owner_update_refuses_a_nik_of_another_owner():
    first, second = new_owner().obj, new_owner(full_name="Budi").obj
    with pytest.raises(ValidationError):
        services.owner_update(actor=SYSTEM, owner=second, nik=first.nik)
    second.refresh_from_db()
    assert second.nik != first.nik


def test_operator_cannot_create_an_owner_in_another_kecamatan():
    actor = operator("31.73.02")
    with pytest.raises(ValidationError) as exc:
        new_owner(actor=actor, kelurahan=kelurahan(CENGKARENG))
    assert "kelurahan" in exc.value.message_dict
    assert not Owner.objects.exists()


def test_operator_cannot_move_an_owner_out_of_its_kecamatan():
    actor = operator("31.73.02")
    owner = new_owner(actor=actor).obj
    with pytest.raises(ValidationError):
        services.owner_update(actor=actor, owner=owner, kelurahan=kelurahan(CENGKARENG))
    owner.refresh_from_db()
    assert owner.kelurahan_id == GROGOL


def test_operator_cannot_change_an_owner_of_another_kecamatan():
    elsewhere = OwnerFactory(kelurahan=kelurahan(CENGKARENG))
    with pytest.raises(PermissionDenied):
        services.owner_update(actor=operator("31.73.02"), owner=elsewhere, full_name="Diubah")
    elsewhere.refresh_from_db()
    assert elsewhere.full_name != "Diubah"


# --- Businesses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nib": "12345"}, "nib"),
        ({"nib": "12345678901ab"}, "nib"),
        ({"kbli": "1079"}, "kbli"),
        ({"kbli": "abcde"}, "kbli"),
        ({"kelurahan": None}, "kelurahan"),
    ],
)
def test_business_create_refuses_invalid_and_saves_nothing(changes, field):
    owner = OwnerFactory()
    with pytest.raises(ValidationError) as exc:
        new_business(owner, **changes)
    assert field in exc.value.message_dict
    assert not Business.objects.exists()


def test_business_nib_is_unique():
    new_business(OwnerFactory(), nib="1234567890123")
    with pytest.raises(ValidationError):
        new_business(OwnerFactory(), name="Lain", nib="1234567890123")
    assert Business.objects.count() == 1


def test_operator_cannot_create_or_move_a_business_into_another_kecamatan():
    actor = operator("31.73.02")
    owner = OwnerFactory()
    with pytest.raises(ValidationError):
        new_business(owner, actor=actor, kelurahan=kelurahan(CENGKARENG))
    business = new_business(owner, actor=actor).obj
    with pytest.raises(ValidationError):
        services.business_update(actor=actor, business=business, kelurahan=kelurahan(CENGKARENG))
    business.refresh_from_db()
    assert business.kelurahan_id == GROGOL


def test_operator_cannot_change_a_business_of_another_kecamatan():
    elsewhere = BusinessFactory(kelurahan=kelurahan(CENGKARENG), name="Asli")
    with pytest.raises(PermissionDenied):
        services.business_update(actor=operator("31.73.02"), business=elsewhere, name="Diubah")
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Asli"


@pytest.mark.parametrize(
    ("capital", "omzet", "scale"),
    [
        (RP_BILLION, None, Scale.MIKRO),
        (RP_BILLION + 1, None, Scale.KECIL),
        (5 * RP_BILLION, None, Scale.KECIL),
        (10 * RP_BILLION, None, Scale.MENENGAH),
        (10 * RP_BILLION + 1, None, Scale.BESAR),
        (None, 2 * RP_BILLION, Scale.MIKRO),
        (None, 2 * RP_BILLION + 1, Scale.KECIL),
        (None, 15 * RP_BILLION + 1, Scale.MENENGAH),
        (None, 50 * RP_BILLION + 1, Scale.BESAR),
        (500_000_000, 40 * RP_BILLION, Scale.MIKRO),  # capital decides when known
        (None, None, Scale.UNKNOWN),
    ],
)
def test_scale_follows_pp_7_2021(capital, omzet, scale):
    assert scale_for(capital=capital, yearly_omzet=omzet) == scale


def test_business_scale_is_saved_from_capital_and_omzet():
    business = new_business(OwnerFactory(), capital=3 * RP_BILLION).obj
    business.refresh_from_db()
    assert business.scale == Scale.KECIL
    services.business_update(actor=SYSTEM, business=business, capital=None, yearly_omzet=1)
    business.refresh_from_db()
    assert business.scale == Scale.MIKRO


# --- 7P stages ----------------------------------------------------------------------------


def test_new_business_starts_at_the_first_stage():
    business = new_business(OwnerFactory()).obj
    business.refresh_from_db()
    assert business.current_stage.code == "pendaftaran"
    assert business.stages.get().reached_on == datetime.date(2023, 2, 1)


def test_stage_history_and_current_stage():
    actor = admin_sudin()
    business = new_business(OwnerFactory()).obj
    pendampingan = Stage.objects.get(code="pendampingan")
    services.stage_record(
        actor=actor, business=business, stage=pendampingan, reached_on=datetime.date(2023, 4, 1)
    )
    # An earlier stage recorded late does not become the current one.
    services.stage_record(
        actor=actor,
        business=business,
        stage=Stage.objects.get(code="pelatihan"),
        reached_on=datetime.date(2023, 3, 1),
    )
    business.refresh_from_db()
    assert business.current_stage == pendampingan
    assert list(business.stages.order_by("reached_on").values_list("stage__code", flat=True)) == [
        "pendaftaran",
        "pelatihan",
        "pendampingan",
    ]
    record = business.stages.get(stage=pendampingan)
    assert record.recorded_by == actor
    assert record.history.get().history_user == actor


def test_stage_is_reached_once_and_not_in_the_future():
    business = new_business(OwnerFactory()).obj
    with pytest.raises(ValidationError):
        services.stage_record(
            actor=SYSTEM,
            business=business,
            stage=Stage.objects.get(code="pendaftaran"),
            reached_on=datetime.date(2023, 5, 1),
        )
    with pytest.raises(ValidationError):
        services.stage_record(
            actor=SYSTEM,
            business=business,
            stage=Stage.objects.get(code="permodalan"),
            reached_on=datetime.date.today() + datetime.timedelta(days=2),
        )
    assert BusinessStage.objects.filter(business=business).count() == 1


# --- Enrolments ---------------------------------------------------------------------------


def test_enrolment_respects_capacity_and_one_per_business():
    training = TrainingFactory(capacity=1)
    first = BusinessFactory()
    services.enrolment_create(actor=SYSTEM, training=training, business=first)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=SYSTEM, training=training, business=first)
    assert "business" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(actor=SYSTEM, training=training, business=BusinessFactory())
    assert "training" in exc.value.message_dict
    assert Enrolment.objects.filter(training=training).count() == 1


def test_enrolment_moves_the_business_to_the_training_stage():
    training = TrainingFactory(start_date=datetime.date(2023, 3, 6))
    business = new_business(OwnerFactory()).obj
    enrolment = services.enrolment_create(
        actor=SYSTEM, training=training, business=business, passed=True
    ).obj
    business.refresh_from_db()
    assert business.current_stage.code == "pelatihan"
    assert enrolment.attended  # passing means attending


def test_trainee_add_creates_new_and_links_known_owner():
    training = TrainingFactory()
    known = BusinessFactory(name="Batik Rina")
    data = services.TraineeData(
        nik=random_nik(),
        full_name="Dedi",
        gender="L",
        owner_kelurahan=kelurahan(GROGOL),
        business_name="Bengkel Dedi",
        sector=sector("jasa"),
    )
    created = services.trainee_add(actor=SYSTEM, training=training, data=data)
    linked = services.trainee_add(
        actor=SYSTEM, training=training, data=services.TraineeData(nik=known.owner.nik)
    )
    assert created.created and not linked.created
    assert linked.obj.business == known
    assert Owner.objects.count() == 2


def test_trainee_add_by_operator_with_nik_of_another_kecamatan_reveals_nobody():
    elsewhere = OwnerFactory(full_name="Rahasia", kelurahan=kelurahan(CENGKARENG))
    BusinessFactory(owner=elsewhere, kelurahan=kelurahan(CENGKARENG))
    with pytest.raises(ValidationError) as exc:  # asked, as for an unknown NIK, for a name
        services.trainee_add(
            actor=operator("31.73.02"),
            training=TrainingFactory(),
            data=services.TraineeData(nik=elsewhere.nik, business_name="Apa saja"),
        )
    assert "Rahasia" not in str(exc.value)
    assert set(exc.value.message_dict) >= {"full_name", "gender"}
    assert not Enrolment.objects.exists()


def test_trainees_register_writes_all_or_nothing_for_an_operator():
    training = TrainingFactory()
    actor = operator("31.73.02")
    rows = [
        services.TraineeData(
            nik=random_nik(),
            full_name=f"Peserta {i}",
            gender="L",
            owner_kelurahan=kelurahan(GROGOL),
            business_name=f"Usaha {i}",
            sector=sector(),
            business_kelurahan=kelurahan(code),
            row=i + 2,
        )
        for i, code in enumerate([GROGOL, GROGOL, CENGKARENG])
    ]
    with pytest.raises(ValidationError) as exc:
        services.trainees_register(actor=actor, training=training, trainees=rows)
    assert "Baris 4" in exc.value.messages[0]
    assert not Owner.objects.exists()
    assert not Business.objects.exists()

    registration = services.trainees_register(actor=actor, training=training, trainees=rows[:2])
    outcomes = registration.outcomes()
    assert [o.created for o in outcomes] == [True, True]
    assert Enrolment.objects.filter(training=training).count() == 2
    # Enrolled, not passed: still at Pendaftaran (the "training passed" rule moves them on).
    assert Business.objects.filter(current_stage__code="pendaftaran").count() == 2
