"""One trainee registration through its three doors: quick entry (admin POST), the spreadsheet
import (file upload and confirm through the admin) and the service. Each case runs through
every door and must end the same way: saved, or refused with the error on the same row and
field and nothing half-saved. Then enrolment removal through the training's inline."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import (
    BusinessFactory,
    EnrolmentFactory,
    OwnerFactory,
    TrainingFactory,
    admin_sudin,
    kelurahan,
    operator,
    random_nik,
    sector,
)
from tests.umkm.admin_forms import form_data
from tests.umkm.test_import import csv_file
from umkm import services
from umkm.admin.trainee_import import SESSION_KEY
from umkm.models import Business, BusinessStage, Enrolment, Kelurahan, Owner, Sector

pytestmark = pytest.mark.django_db

GROGOL = "31.73.02.1002"  # the operator's kecamatan, 31.73.02
CENGKARENG = "31.73.01.1001"  # another kecamatan
UNKNOWN = "31.73.99.9999"


@dataclass(frozen=True)
class Answer:
    saved: bool
    errors: frozenset = frozenset()  # (row index in the batch, field)
    batch_error: bool = False


def new_row(**values) -> dict:
    row = {
        "nik": random_nik(),
        "full_name": "Sri Wahyuni",
        "gender": "P",
        "owner_kelurahan": GROGOL,
        "business_name": "Keripik Sri",
        "sector": "kuliner",
    }
    return row | values


# --- The three doors ----------------------------------------------------------------------


def quick_entry(client, user, training, rows) -> Answer:
    client.force_login(user)
    data = {
        "peserta-TOTAL_FORMS": str(len(rows)),
        "peserta-INITIAL_FORMS": "0",
        "peserta-MIN_NUM_FORMS": "0",
        "peserta-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        sector_pk = Sector.objects.get(code=row["sector"]).pk if row.get("sector") else ""
        data |= {
            f"peserta-{i}-nik": row["nik"],
            f"peserta-{i}-full_name": row.get("full_name", ""),
            f"peserta-{i}-gender": row.get("gender", ""),
            f"peserta-{i}-owner_kelurahan": row.get("owner_kelurahan") or "",
            f"peserta-{i}-business_name": row.get("business_name", ""),
            f"peserta-{i}-sector": sector_pk,
        }
    response = client.post(reverse("admin:umkm_training_trainees", args=[training.pk]), data)
    if response.status_code == 302:
        return Answer(saved=True)
    assert response.status_code == 200
    errors = frozenset(
        (i, name if name != "__all__" else "")
        for i, form in enumerate(response.context["formset"].forms)
        for name in form.errors
    )
    batch = any("tempat" in str(m) for m in response.context["messages"])
    return Answer(saved=False, errors=errors, batch_error=batch)


def spreadsheet_import(client, user, training, rows) -> Answer:
    client.force_login(user)
    cells = [{k: v or "" for k, v in row.items()} for row in rows]
    response = client.post(
        reverse("admin:umkm_training_import", args=[training.pk]), {"file": csv_file(cells)}
    )
    preview = response.context["preview"]
    if preview.can_confirm:
        token = client.session[SESSION_KEY]["token"]
        response = client.post(
            reverse("admin:umkm_training_import_confirm", args=[training.pk]), {"token": token}
        )
        if response.status_code == 302:
            return Answer(saved=True)
        preview = response.context["preview"]
    errors = frozenset(
        (i, column) for i, r in enumerate(preview.rows) for column in r.error_columns
    )
    return Answer(saved=False, errors=errors, batch_error=bool(preview.file_errors))


def service(client, user, training, rows) -> Answer:
    trainees = [
        services.TraineeData(
            nik=row["nik"],
            full_name=row.get("full_name", ""),
            gender=row.get("gender", ""),
            owner_kelurahan=Kelurahan.objects.filter(code=row.get("owner_kelurahan")).first(),
            business_name=row.get("business_name", ""),
            sector=sector(row["sector"]) if row.get("sector") else None,
            row=i + 1,
        )
        for i, row in enumerate(rows)
    ]
    try:
        services.trainees_register(actor=user, training=training, trainees=trainees)
    except services.RegistrationError as exc:
        registration = exc.registration
        errors = frozenset(
            (i, name) for i, r in enumerate(registration.rows) for name, _m in r.errors
        )
        return Answer(saved=False, errors=errors, batch_error=bool(registration.errors))
    return Answer(saved=True)


DOORS = [
    pytest.param(quick_entry, id="quick-entry"),
    pytest.param(spreadsheet_import, id="import"),
    pytest.param(service, id="service"),
]


# --- The cases ----------------------------------------------------------------------------


def _unknown_kelurahan(training):
    # The service cannot be handed a code: an unknown kelurahan reaches it as none at all.
    return [new_row(owner_kelurahan=UNKNOWN)], Answer(False, frozenset({(0, "owner_kelurahan")}))


def _kelurahan_outside_scope(training):
    return [new_row(owner_kelurahan=CENGKARENG)], Answer(False, frozenset({(0, "owner_kelurahan")}))


def _nik_of_another_kecamatan(training):
    # Answered exactly as an unknown NIK without a name: nothing says the NIK exists.
    elsewhere = OwnerFactory(full_name="Rahasia", kelurahan=kelurahan(CENGKARENG))
    BusinessFactory(owner=elsewhere, kelurahan=kelurahan(CENGKARENG))
    row = new_row(nik=elsewhere.nik, full_name="")
    return [row], Answer(False, frozenset({(0, "full_name")}))


def _nik_of_another_kecamatan_full_row(training):
    # Saved as an unknown NIK would be: a new owner, marked for Sudin (Owner.nik_match_of).
    elsewhere = OwnerFactory(full_name="Rahasia", kelurahan=kelurahan(CENGKARENG))
    return [new_row(nik=elsewhere.nik)], Answer(True)


def _duplicate_nik(training):
    nik = random_nik()
    rows = [new_row(nik=nik), new_row(), new_row(nik=nik, business_name="Usaha Kedua")]
    return rows, Answer(False, frozenset({(0, "nik"), (2, "nik")}))


def _capacity_reached_exactly(training):
    training.capacity = 3
    training.save()
    EnrolmentFactory(training=training, business=BusinessFactory(kelurahan=kelurahan(GROGOL)))
    return [new_row(), new_row()], Answer(True)


def _capacity_exceeded_by_one(training):
    training.capacity = 3
    training.save()
    EnrolmentFactory(training=training, business=BusinessFactory(kelurahan=kelurahan(GROGOL)))
    return [new_row(), new_row(), new_row()], Answer(False, batch_error=True)


def _existing_owner_new_business(training):
    known = BusinessFactory(
        name="Batik Lama",
        owner=OwnerFactory(kelurahan=kelurahan(GROGOL)),
        kelurahan=kelurahan(GROGOL),
    )
    row = {"nik": known.owner.nik, "business_name": "Kopi Baru", "sector": "kuliner"}
    return [row], Answer(True)


def _existing_owner_and_business_already_enrolled(training):
    known = BusinessFactory(
        owner=OwnerFactory(kelurahan=kelurahan(GROGOL)), kelurahan=kelurahan(GROGOL)
    )
    EnrolmentFactory(training=training, business=known)
    rows = [new_row(), {"nik": known.owner.nik}]
    return rows, Answer(False, frozenset({(1, "nik")}))


CASES = [
    pytest.param(_unknown_kelurahan, id="unknown-kelurahan"),
    pytest.param(_kelurahan_outside_scope, id="operator-outside-scope"),
    pytest.param(_nik_of_another_kecamatan, id="nik-of-another-kecamatan"),
    pytest.param(_nik_of_another_kecamatan_full_row, id="nik-of-another-kecamatan-full-row"),
    pytest.param(_duplicate_nik, id="duplicate-nik-in-batch"),
    pytest.param(_capacity_reached_exactly, id="capacity-reached-exactly"),
    pytest.param(_capacity_exceeded_by_one, id="capacity-exceeded-by-one"),
    pytest.param(_existing_owner_new_business, id="existing-owner-new-business"),
    pytest.param(_existing_owner_and_business_already_enrolled, id="already-enrolled"),
]


def _counts():
    return (
        Owner.objects.count(),
        Owner.history.count(),
        Business.objects.count(),
        BusinessStage.objects.count(),
        Enrolment.objects.count(),
        Enrolment.history.count(),
    )


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", CASES)
def test_trainee_registration_same_outcome_through_every_door(client, door, case):
    training = TrainingFactory(kecamatan_id="31.73.02")
    rows, expected = case(training)
    user = operator("31.73.02")
    enrolled = Enrolment.objects.filter(training=training).count()
    before = _counts()

    answer = door(client, user, training, rows)

    assert answer == expected
    if answer.saved:
        assert Enrolment.objects.filter(training=training).count() == enrolled + len(rows)
    else:
        assert _counts() == before  # nothing half-saved


def test_trainee_registration_existing_owner_gets_a_second_business():
    training = TrainingFactory()
    known = BusinessFactory(name="Batik Lama")
    services.trainee_add(
        actor=admin_sudin(),
        training=training,
        data=services.TraineeData(
            nik=known.owner.nik, business_name="Kopi Baru", sector=sector(), passed=True
        ),
    )
    new = Business.objects.get(name="Kopi Baru")
    assert new.owner == known.owner
    assert Owner.objects.count() == 1
    assert new.current_stage.code == "pelatihan"  # passed: the "training passed" rule
    assert Enrolment.objects.get(training=training).business == new


def test_trainee_registration_of_another_kecamatan_nik_with_a_full_row_reveals_nobody():
    elsewhere = OwnerFactory(full_name="Rahasia Orang Lain", kelurahan=kelurahan(CENGKARENG))
    row = services.TraineeData(
        nik=elsewhere.nik,
        full_name="Budi",
        gender="L",
        owner_kelurahan=kelurahan(GROGOL),
        business_name="Warung",
        sector=sector(),
    )
    registration = services.trainees_register(
        actor=operator("31.73.02"), training=TrainingFactory(), trainees=[row]
    )
    (outcome,) = registration.outcomes()
    assert outcome.created and outcome.obj.owner.full_name == "Budi"  # what the operator typed
    assert outcome.obj.owner.nik_match_of == elsewhere  # for Sudin to resolve
    assert "Rahasia" not in " ".join(w for r in registration.rows for w in r.warnings)


def test_trainee_registration_without_actor_is_refused():
    with pytest.raises(TypeError):
        services.trainees_register(
            actor=None, training=TrainingFactory(), trainees=[services.TraineeData(nik="1")]
        )
    assert not Enrolment.objects.exists()


# --- Enrolment removal through the inline -------------------------------------------------


def _may_change_trainings(user):
    """Operators only view trainings; one who may also change them still cannot reach
    another kecamatan's trainees."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="change_training"))
    return user


def _inline_delete(client, user, training, enrolment_id):
    client.force_login(user)
    url = reverse("admin:umkm_training_change", args=[training.pk])
    data = form_data(client.get(url))
    data |= {"enrolments-0-id": str(enrolment_id), "enrolments-0-DELETE": "on"}
    return client.post(url, data)


def test_enrolment_removal_by_operator_of_another_kecamatan_is_refused(client):
    training = TrainingFactory()
    ours = EnrolmentFactory(
        training=training, business=BusinessFactory(kelurahan=kelurahan(GROGOL))
    )
    theirs = EnrolmentFactory(
        training=training, business=BusinessFactory(kelurahan=kelurahan(CENGKARENG))
    )
    user = _may_change_trainings(operator("31.73.02"))

    response = _inline_delete(client, user, training, theirs.pk)

    # The inline knows only the operator's own trainees: a forged row of another kecamatan
    # is no existing enrolment to it, so it removes nothing.
    assert response.status_code in (200, 302)
    assert Enrolment.objects.filter(pk__in=[ours.pk, theirs.pk]).count() == 2
    with pytest.raises(PermissionDenied):
        services.enrolment_remove(actor=user, enrolment=theirs)
    assert Enrolment.objects.filter(pk=theirs.pk).exists()
    assert not Enrolment.history.filter(id=theirs.pk, history_type="-").exists()


def test_enrolment_removal_through_the_inline_leaves_history(client):
    training = TrainingFactory()
    enrolment = EnrolmentFactory(
        training=training, business=BusinessFactory(kelurahan=kelurahan(GROGOL))
    )
    user = _may_change_trainings(operator("31.73.02"))

    response = _inline_delete(client, user, training, enrolment.pk)

    assert response.status_code == 302
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
    removal = Enrolment.history.get(id=enrolment.pk, history_type="-")
    assert removal.history_user == user
    assert removal.business_id == enrolment.business_id


def test_enrolment_removal_in_the_enrolment_admin_goes_through_the_service(client):
    theirs = EnrolmentFactory(business=BusinessFactory(kelurahan=kelurahan(CENGKARENG)))
    client.force_login(operator("31.73.02"))
    url = reverse("admin:umkm_enrolment_delete", args=[theirs.pk])
    assert client.post(url, {"post": "yes"}).status_code == 404
    assert Enrolment.objects.filter(pk=theirs.pk).exists()

    user = admin_sudin()
    client.force_login(user)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert Enrolment.history.get(id=theirs.pk, history_type="-").history_user == user
