"""No NIK-existence oracle: an operator entering a NIK registered outside their kecamatan gets,
byte for byte, the answer a new NIK gets. The entry is kept as a new owner marked
`nik_match_of` the registered one; Admin Sudin sees these entries and merges them, so the
NIK still ends with one owner."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

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
from umkm.models import Business, Enrolment, Owner, Sector

pytestmark = pytest.mark.django_db

GROGOL, CENGKARENG = "31.73.02.1002", "31.73.01.1001"


@pytest.fixture
def elsewhere():
    owner = OwnerFactory(
        full_name="Rahasia Cengkareng", kelurahan=kelurahan(CENGKARENG), nik=random_nik(female=True)
    )
    BusinessFactory(name="Usaha Rahasia", owner=owner, kelurahan=kelurahan(CENGKARENG))
    return owner


def _quick_entry(client, training, nik, *, complete=True):
    data = {
        "peserta-TOTAL_FORMS": "1",
        "peserta-INITIAL_FORMS": "0",
        "peserta-MIN_NUM_FORMS": "0",
        "peserta-MAX_NUM_FORMS": "1000",
        "peserta-0-nik": nik,
        "peserta-0-full_name": "Sri Wahyuni",
        "peserta-0-gender": "P",
        "peserta-0-owner_kelurahan": GROGOL,
        "peserta-0-business_name": "Keripik Sri",
        "peserta-0-sector": str(Sector.objects.get(code="kuliner").pk) if complete else "",
    }
    url = reverse("admin:umkm_training_trainees", args=[training.pk])
    return client.post(url, data, follow=True)


def _answer(response) -> tuple:
    """What the operator is shown: the pages, their messages and bytes (the CSRF token, new
    every time, and the ids of the rows just written set aside)."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r"/admin/umkm/(business|enrolment|owner)/\d+/", "/admin/umkm/<id>/", body)
    body = re.sub(r'(name="enrolments-\d+-id" value=")\d+', r"\1<id>", body)
    messages = [str(m) for m in response.context["messages"]] if response.context else []
    return response.status_code, response.redirect_chain, messages, body


def test_operator_gets_byte_identical_answers_for_a_nik_registered_elsewhere_and_a_new_one(
    client, elsewhere
):
    client.force_login(operator("31.73.02"))
    new_nik = random_nik(female=True)
    # A row missing its sector: refused, and the page says the same for both NIKs.
    training = TrainingFactory(title="Pelatihan A")
    refused = [
        _answer(_quick_entry(client, training, nik, complete=False))
        for nik in (elsewhere.nik, new_nik)
    ]
    assert refused[0][0] == 200 and refused[0][2]
    assert refused[0][3].replace(elsewhere.nik, new_nik) == refused[1][3]
    assert refused[0][:3] == refused[1][:3]
    # A full row: saved, and the same answer again (each into its own training of one name).
    saved = []
    for nik in (elsewhere.nik, new_nik):
        training = TrainingFactory(title="Pelatihan B")
        response = _quick_entry(client, training, nik)
        status, chain, messages, body = _answer(response)
        chain = [(url.replace(str(training.pk), "<t>"), code) for url, code in chain]
        body = body.replace(f"/{training.pk}/", "/<t>/").replace(f'="{training.pk}"', '="<t>"')
        saved.append((status, chain, messages, body))
    assert saved[0][1] and saved[0][1][0][1] == 302  # saved and sent back to the training
    assert saved[0][2] == saved[1][2]  # the same messages
    assert saved[0] == saved[1]
    assert "Rahasia" not in saved[0][3] and "Cengkareng" not in saved[0][3]
    # Each has a new owner of its own; the registered one is untouched and still unseen.
    entry = Owner.objects.get(nik_match_of=elsewhere)
    assert entry.full_name == "Sri Wahyuni"
    assert Owner.objects.with_nik(new_nik).get().nik_match_of is None
    assert client.get(reverse("admin:umkm_owner_change", args=[elsewhere.pk])).status_code == 404


def test_the_service_answers_an_operator_the_same_for_both(elsewhere):
    actor = operator("31.73.02")
    training = TrainingFactory()

    def check(nik):
        row = services.TraineeData(
            nik=nik,
            full_name="Sri",
            gender="P",
            owner_kelurahan=kelurahan(GROGOL),
            business_name="Keripik",
            sector=sector(),
        )
        (result,) = services.trainees_check(actor=actor, training=training, trainees=[row]).rows
        return result.errors, result.warnings, result.owner_matched, result.business_matched

    assert check(elsewhere.nik) == check(random_nik(female=True))


def test_sudin_sees_the_match_and_merges_it_into_the_registered_owner(client, elsewhere):
    training = TrainingFactory()
    row = services.TraineeData(
        nik=elsewhere.nik,
        full_name="Sri",
        gender="P",
        owner_kelurahan=kelurahan(GROGOL),
        business_name="Keripik Grogol",
        sector=sector(),
    )
    services.trainee_add(actor=operator("31.73.02"), training=training, data=row)
    entry = Owner.objects.get(nik_match_of=elsewhere)

    as_operator = operator("31.73.02")
    client.force_login(as_operator)
    listing = client.get(reverse("admin:umkm_owner_changelist")).content.decode()
    assert "Sri" in listing and "Rahasia" not in listing and "nik_match" not in listing

    client.force_login(admin_sudin())
    url = reverse("admin:umkm_owner_changelist")
    pending = client.get(url, {"nik_match": "pending"})
    assert list(pending.context["cl"].result_list) == [entry]
    assert "Rahasia Cengkareng" in pending.content.decode()  # the match it points at
    response = client.post(
        url, {"action": "merge_nik_matches", "_selected_action": [entry.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not Owner.objects.filter(pk=entry.pk).exists()
    assert Business.objects.get(name="Keripik Grogol").owner == elsewhere
    assert Enrolment.objects.get(training=training).owner == elsewhere
    assert Owner.objects.with_nik(elsewhere.nik).count() == 1
    # The owner now runs a business in Grogol: its operator sees them, as for any such owner.
    client.force_login(as_operator)
    assert client.get(reverse("admin:umkm_owner_change", args=[elsewhere.pk])).status_code == 200


def test_an_operator_may_not_merge(elsewhere):
    entry = services.owner_create(
        actor=operator("31.73.02"),
        full_name="Sri",
        nik=elsewhere.nik,
        gender="P",
        kelurahan=kelurahan(GROGOL),
    ).obj
    assert entry.nik_match_of == elsewhere
    with pytest.raises(PermissionDenied):
        services.owner_match_merge(actor=operator("31.73.02"), owner=entry)
    assert Owner.objects.filter(pk=entry.pk).exists()


def test_duplicates_are_still_refused_where_the_owner_is_visible(elsewhere):
    with pytest.raises(ValidationError) as exc:
        services.owner_create(
            actor=admin_sudin(),
            full_name="Lagi",
            nik=elsewhere.nik,
            gender="L",
            kelurahan=kelurahan(CENGKARENG),
        )
    assert "nik" in exc.value.message_dict
    mine = OwnerFactory(kelurahan=kelurahan(GROGOL))
    with pytest.raises(ValidationError):
        services.owner_create(
            actor=operator("31.73.02"),
            full_name="Lagi",
            nik=mine.nik,
            gender="L",
            kelurahan=kelurahan(GROGOL),
        )
    # The database holds the rule: two owners of one NIK, neither marked, cannot exist.
    twin = Owner(full_name="Kembar", gender="L", kelurahan=kelurahan(GROGOL))
    twin.set_nik(mine.nik)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
