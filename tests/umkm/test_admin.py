import datetime
import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import (
    BusinessFactory,
    EnrolmentFactory,
    MentoringFactory,
    OwnerFactory,
    TrainingFactory,
    UserFactory,
    admin_sudin,
    kelurahan,
    operator,
    pejabat,
    random_nik,
    sector,
)
from tests.umkm.admin_forms import form_data
from umkm.models import Business, BusinessStage, Enrolment, Owner, Stage
from umkm.validators import mask_nik

pytestmark = pytest.mark.django_db

GROGOL = "31.73.02.1002"  # a kelurahan of Grogol Petamburan (31.73.02)
CENGKARENG = "31.73.01.1001"  # a kelurahan of Cengkareng (31.73.01)


def _client(client, user):
    client.force_login(user)
    return client


def _business(name, kel=GROGOL, **kwargs):
    owner = kwargs.pop("owner", None) or OwnerFactory(kelurahan=kelurahan(kel))
    return BusinessFactory(name=name, kelurahan=kelurahan(kel), owner=owner, **kwargs)


def _changelist(model="business"):
    return reverse(f"admin:umkm_{model}_changelist")


def _change(obj):
    return reverse(f"admin:umkm_{obj._meta.model_name}_change", args=[obj.pk])


# --- Access per role ----------------------------------------------------------------------


def test_business_list_admin_sudin_sees_every_kecamatan(client):
    _business("Dapur Grogol")
    _business("Dapur Cengkareng", kel=CENGKARENG)
    html = _client(client, admin_sudin()).get(_changelist()).content.decode()
    assert "Dapur Grogol" in html
    assert "Dapur Cengkareng" in html


def test_lists_operator_sees_only_own_kecamatan(client):
    ours = _business("Dapur Grogol")
    theirs = _business("Dapur Cengkareng", kel=CENGKARENG)
    c = _client(client, operator("31.73.02"))
    html = c.get(_changelist()).content.decode()
    assert "Dapur Grogol" in html
    assert "Dapur Cengkareng" not in html
    owners = c.get(_changelist("owner")).content.decode()
    assert ours.owner.full_name in owners
    assert theirs.owner.full_name not in owners


def test_direct_url_operator_other_kecamatan_record_is_404(client):
    theirs = _business("Dapur Cengkareng", kel=CENGKARENG)
    c = _client(client, operator("31.73.02"))
    assert c.get(_change(theirs)).status_code == 404
    assert c.get(_change(theirs.owner)).status_code == 404
    history = reverse("admin:umkm_business_history", args=[theirs.pk])
    assert c.get(history).status_code == 404
    response = c.post(_change(theirs), {"name": "Diambil alih"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Dapur Cengkareng"


def test_business_form_operator_cannot_move_business_to_other_kecamatan(client):
    business = _business("Dapur Grogol")
    c = _client(client, operator("31.73.02"))
    data = form_data(c.get(_change(business)), kelurahan=CENGKARENG, name="Dapur Pindah")
    response = c.post(_change(business), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    business.refresh_from_db()
    assert business.kelurahan_id == GROGOL
    assert business.name == "Dapur Grogol"


def test_business_form_operator_can_change_within_own_kecamatan(client):
    business = _business("Dapur Grogol")
    c = _client(client, operator("31.73.02"))
    data = form_data(c.get(_change(business)), name="Dapur Grogol Baru", kelurahan="31.73.02.1001")
    response = c.post(_change(business), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    business.refresh_from_db()
    assert (business.name, business.kelurahan_id) == ("Dapur Grogol Baru", "31.73.02.1001")


def test_owner_form_operator_cannot_move_owner_to_other_kecamatan(client):
    owner = OwnerFactory(kelurahan=kelurahan(GROGOL))
    c = _client(client, operator("31.73.02"))
    data = form_data(c.get(_change(owner)), kelurahan=CENGKARENG)
    response = c.post(_change(owner), data)
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.kelurahan_id == GROGOL


def test_owner_form_operator_can_edit_owner_living_elsewhere_with_business_here(client):
    owner = OwnerFactory(kelurahan=kelurahan(CENGKARENG))
    _business("Usaha Di Grogol", owner=owner)
    c = _client(client, operator("31.73.02"))
    data = form_data(c.get(_change(owner)), full_name="Nama Dikoreksi")
    response = c.post(_change(owner), data)
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.content.decode())
    owner.refresh_from_db()
    assert (owner.full_name, owner.kelurahan_id) == ("Nama Dikoreksi", CENGKARENG)
    # ... but may not move them to yet another kecamatan.
    data = form_data(c.get(_change(owner)), kelurahan="31.73.03.1001")
    assert c.post(_change(owner), data).status_code == 200
    owner.refresh_from_db()
    assert owner.kelurahan_id == CENGKARENG


def test_autocomplete_operator_is_scoped(client):
    _business("Dapur Grogol")
    theirs = _business("Dapur Cengkareng", kel=CENGKARENG)
    c = _client(client, operator("31.73.02"))
    url = reverse("admin:autocomplete")
    kel = c.get(
        url,
        {"app_label": "umkm", "model_name": "business", "field_name": "kelurahan", "term": ""},
    )
    codes = {r["id"] for r in json.loads(kel.content)["results"]}
    assert codes
    assert all(code.startswith("31.73.02.") for code in codes)
    owners = c.get(
        url,
        {
            "app_label": "umkm",
            "model_name": "business",
            "field_name": "owner",
            "term": theirs.owner.full_name.split()[0],
        },
    )
    ids = {r["id"] for r in json.loads(owners.content)["results"]}
    assert str(theirs.owner.pk) not in ids


def test_pejabat_never_sees_nik_phone_or_address(client):
    owner = OwnerFactory(
        phone="+6281234567890", address="Jl. Rahasia Sekali No. 7", birth_date=None
    )
    nik = owner.nik
    business = _business("Kedai Pejabat", owner=owner)
    # A change by staff so that the history has something to show.
    staff = _client(client, admin_sudin())
    data = form_data(
        staff.get(_change(owner)),
        phone="081299998888",
        address="Jl. Baru Rahasia No. 9",
        full_name="Nama Baru",
    )
    assert staff.post(_change(owner), data).status_code == 302
    owner.refresh_from_db()
    assert owner.phone == "+6281299998888"

    c = _client(client, pejabat())
    pages = [
        _changelist("owner"),
        _changelist("owner") + "?q=Nama",
        _change(owner),
        reverse("admin:umkm_owner_history", args=[owner.pk]),
        _changelist() + "?q=Kedai",
        _change(business),
    ]
    history_id = owner.history.order_by("history_id").first().history_id
    pages.append(reverse("admin:umkm_owner_simple_history", args=[owner.pk, history_id]))
    secrets = [
        nik,
        nik[4:],
        "+6281234567890",
        "+6281299998888",
        "081299998888",
        "Rahasia",
        owner.email,
    ]
    for url in pages:
        response = c.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in secrets:
            assert secret not in html, (url, secret)
    # Not even masked (umkm.permissions.PERSONAL_DATA); the owner is listed by name.
    listing = c.get(_changelist("owner")).content.decode()
    assert mask_nik(nik) not in listing and "Nama Baru" in listing


def test_pejabat_search_by_nik_finds_nothing(client):
    business = _business("Kedai Rahasia")
    c = _client(client, pejabat())
    html = c.get(_changelist(), {"q": business.owner.nik}).content.decode()
    assert "Kedai Rahasia" not in html


def test_pejabat_cannot_change(client):
    business = _business("Kedai Tetap")
    c = _client(client, pejabat())
    data = form_data(c.get(_change(business)), name="Diubah")
    c.post(_change(business), data)
    business.refresh_from_db()
    assert business.name == "Kedai Tetap"


# --- Search ---------------------------------------------------------------------------------


def test_business_search_by_exact_nik(client):
    wanted = _business("Warung Dicari")
    _business("Warung Lain")
    c = _client(client, admin_sudin())
    nik = wanted.owner.nik
    html = c.get(_changelist(), {"q": nik}).content.decode()
    assert "Warung Dicari" in html
    assert "Warung Lain" not in html
    # Only the whole NIK finds: a prefix is not a NIK search.
    html = c.get(_changelist(), {"q": nik[:15]}).content.decode()
    assert "Warung Dicari" not in html


def test_business_search_by_owner_name_business_name_and_nib(client):
    by_owner = _business("Kedai Satu", owner=OwnerFactory(full_name="Siti Rahmawati"))
    _business("Toko Rahmawati Jaya")
    _business("Kedai Nib", nib="9120000000001")
    # An owner named here: a generated name can be a Rahmawati too (it was, once, in CI).
    _business("Salon Lain", owner=OwnerFactory(full_name="Budi Santoso"))
    c = _client(client, admin_sudin())
    html = c.get(_changelist(), {"q": "rahmawati"}).content.decode()
    assert by_owner.name in html
    assert "Toko Rahmawati Jaya" in html
    assert "Salon Lain" not in html
    html = c.get(_changelist(), {"q": "9120000000001"}).content.decode()
    assert "Kedai Nib" in html and "Kedai Satu" not in html
    html = c.get(_changelist(), {"q": "91200"}).content.decode()
    assert "Kedai Nib" in html and "Kedai Satu" not in html


def test_business_search_follows_an_owner_renamed_in_admin(client):
    business = _business("Kedai Ganti Nama", owner=OwnerFactory(full_name="Nama Lama"))
    c = _client(client, admin_sudin())
    data = form_data(c.get(_change(business.owner)), full_name="Maryam Kusumawardani")
    assert c.post(_change(business.owner), data).status_code == 302
    html = c.get(_changelist(), {"q": "kusumawardani"}).content.decode()
    assert "Kedai Ganti Nama" in html
    assert "Kedai Ganti Nama" not in c.get(_changelist(), {"q": "Nama Lama"}).content.decode()


def test_owner_search_by_exact_nik(client):
    owner = OwnerFactory(full_name="Dewi Lestari")
    OwnerFactory(full_name="Budi Santoso")
    html = _client(client, admin_sudin()).get(_changelist("owner"), {"q": owner.nik})
    html = html.content.decode()
    assert "Dewi Lestari" in html
    assert "Budi Santoso" not in html


def test_owner_table_never_holds_nik_in_clear_text(client):
    c = _client(client, admin_sudin())
    add = reverse("admin:umkm_owner_add")
    nik = random_nik(female=True, birth=datetime.date(1990, 5, 17))
    data = form_data(
        c.get(add),
        full_name="Rina Wati",
        nik=nik,
        gender="P",
        birth_date="1990-05-17",
        phone="0812-1111-2222",
        kelurahan=GROGOL,
    )
    response = c.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    owner = Owner.objects.get(full_name="Rina Wati")
    assert owner.nik == nik
    assert owner.phone == "+6281211112222"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM umkm_owner WHERE id = %s", [owner.pk])
        row = cursor.fetchone()
        cursor.execute("SELECT * FROM umkm_historicalowner WHERE id = %s", [owner.pk])
        history_rows = cursor.fetchall()
    for value in [*row, *(v for h in history_rows for v in h)]:
        raw = bytes(value) if isinstance(value, memoryview | bytes) else str(value).encode()
        assert nik.encode() not in raw


def test_owner_admin_warns_when_nik_birth_date_disagrees(client):
    c = _client(client, admin_sudin())
    add = reverse("admin:umkm_owner_add")
    nik = random_nik(female=False, birth=datetime.date(1980, 1, 2))
    data = form_data(
        c.get(add),
        full_name="Agus Salim",
        nik=nik,
        gender="L",
        birth_date="1981-03-04",
        kelurahan=GROGOL,
    )
    response = c.post(add, data, follow=True)
    assert Owner.objects.filter(full_name="Agus Salim").exists()
    assert "02/01/1980" in response.content.decode()  # config.formats.date_short


def test_owner_admin_rejects_invalid_and_duplicate_nik(client):
    existing = OwnerFactory()
    c = _client(client, admin_sudin())
    add = reverse("admin:umkm_owner_add")
    for bad in ["12345", existing.nik]:
        data = form_data(c.get(add), full_name="Orang Baru", nik=bad, gender="L", kelurahan=GROGOL)
        response = c.post(add, data)
        assert response.status_code == 200
        assert "NIK" in response.content.decode()
    assert not Owner.objects.filter(full_name="Orang Baru").exists()


def test_owner_form_operator_sees_masked_nik_only(client):
    owner = OwnerFactory()
    html = _client(client, operator("31.73.02")).get(_change(owner)).content.decode()
    assert mask_nik(owner.nik) in html
    assert owner.nik not in html


# --- Quick trainee entry ----------------------------------------------------------------------


def _trainee_rows(rows):
    data = {
        "peserta-TOTAL_FORMS": str(len(rows)),
        "peserta-INITIAL_FORMS": "0",
        "peserta-MIN_NUM_FORMS": "0",
        "peserta-MAX_NUM_FORMS": "200",
    }
    for i, row in enumerate(rows):
        data.update({f"peserta-{i}-{k}": v for k, v in row.items()})
    return data


def _new_trainee(nik, name="Sri Wahyuni", business="Keripik Sri"):
    return {
        "nik": nik,
        "full_name": name,
        "gender": "P",
        "birth_date": "",
        "phone": "0813-2222-3333",
        "owner_kelurahan": GROGOL,
        "business_name": business,
        "sector": str(sector("kuliner").pk),
        "products": "keripik pisang",
    }


def test_quick_trainee_entry_creates_owner_and_business_and_links_known_nik(client):
    training = TrainingFactory()
    known = _business("Batik Lama", sector=sector("fesyen"))
    c = _client(client, operator("31.73.02"))
    url = reverse("admin:umkm_training_trainees", args=[training.pk])
    assert c.get(url).status_code == 200
    new_nik = random_nik(female=True)
    response = c.post(
        url,
        _trainee_rows(
            [
                _new_trainee(new_nik),
                {"nik": known.owner.nik, "full_name": "", "business_name": ""},
                {"nik": "", "full_name": ""},  # an empty row is skipped
            ]
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    new_owner = Owner.objects.with_nik(new_nik).get()
    assert new_owner.full_name == "Sri Wahyuni"
    assert new_owner.phone == "+6281322223333"
    new_business = Business.objects.get(owner=new_owner)
    assert new_business.name == "Keripik Sri"
    assert set(Enrolment.objects.filter(training=training).values_list("business", flat=True)) == {
        new_business.pk,
        known.pk,
    }
    assert Owner.objects.with_nik(known.owner.nik).count() == 1
    # Enrolled, not yet passed: registered (Pendaftaran), Pelatihan comes with passing.
    assert set(
        BusinessStage.objects.filter(business=new_business).values_list("stage__code", flat=True)
    ) == {"pendaftaran"}


def test_quick_trainee_entry_bad_row_saves_nothing(client):
    training = TrainingFactory()
    c = _client(client, admin_sudin())
    url = reverse("admin:umkm_training_trainees", args=[training.pk])
    good, other = random_nik(), random_nik()
    rows = [
        _new_trainee(good),
        _new_trainee(other, name="", business="Tanpa Nama"),  # a new owner needs a name
        _new_trainee("1234", name="NIK Salah"),
    ]
    response = c.post(url, _trainee_rows(rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Baris 3" in html
    assert "NIK" in html
    assert not Owner.objects.with_nik(good).exists()
    assert not Enrolment.objects.filter(training=training).exists()
    # Only the name is missing now: the service refuses row 2, and row 1 is rolled back too.
    response = c.post(url, _trainee_rows(rows[:2]))
    assert response.status_code == 200
    assert "Baris 2" in response.content.decode()
    assert not Owner.objects.with_nik(good).exists()
    assert not Business.objects.filter(name="Keripik Sri").exists()


def test_quick_trainee_entry_operator_cannot_use_other_kecamatan_kelurahan(client):
    training = TrainingFactory()
    c = _client(client, operator("31.73.02"))
    url = reverse("admin:umkm_training_trainees", args=[training.pk])
    row = _new_trainee(random_nik()) | {"owner_kelurahan": CENGKARENG}
    response = c.post(url, _trainee_rows([row]))
    assert response.status_code == 200
    assert not Enrolment.objects.exists()


def test_quick_trainee_entry_pejabat_is_refused(client):
    training = TrainingFactory()
    url = reverse("admin:umkm_training_trainees", args=[training.pk])
    c = _client(client, pejabat())
    assert c.get(url).status_code == 403
    assert c.post(url, _trainee_rows([_new_trainee(random_nik())])).status_code == 403
    assert not Enrolment.objects.exists()


# --- History --------------------------------------------------------------------------------


def test_history_records_who_changed_what(client):
    business = _business("Dapur Awal")
    user = admin_sudin(username="bu_sinta")
    c = _client(client, user)
    data = form_data(
        c.get(_change(business)), name="Dapur Akhir", status="naik_kelas", reason="Omzet naik"
    )
    assert c.post(_change(business), data).status_code == 302
    record = business.history.order_by("-history_id").first()
    assert record.history_user == user
    assert record.name == "Dapur Akhir"
    html = c.get(reverse("admin:umkm_business_history", args=[business.pk])).content.decode()
    assert "bu_sinta" in html
    assert "Dapur Awal" in html and "Dapur Akhir" in html


def test_owner_history_hides_nik_value(client):
    owner = OwnerFactory()
    old_nik = owner.nik
    c = _client(client, admin_sudin())
    new_nik = random_nik(birth=owner.birth_date, female=False)
    data = form_data(c.get(_change(owner)), nik=new_nik)
    assert c.post(_change(owner), data).status_code == 302
    html = c.get(reverse("admin:umkm_owner_history", args=[owner.pk])).content.decode()
    assert old_nik not in html and new_nik not in html
    assert "NIK" in html


# --- Speed --------------------------------------------------------------------------------


def test_business_list_query_count_does_not_grow_with_rows(client, count_queries):
    c = _client(client, admin_sudin())
    _business("Usaha 1")
    c.get(_changelist())
    with count_queries() as one:
        response = c.get(_changelist())
    assert "Usaha 1" in response.content.decode()
    for i in range(2, 5):
        _business(f"Usaha {i}", kel=CENGKARENG if i % 2 else GROGOL, sector=sector("jasa"))
    with count_queries() as four:
        response = c.get(_changelist())
    assert "Usaha 4" in response.content.decode()
    assert four.count == one.count, four.sql


def test_business_list_does_not_count_the_whole_table(client, count_queries):
    c = _client(client, admin_sudin())
    _business("Usaha 1")
    with count_queries() as q:
        c.get(_changelist(), {"q": "Usaha"})
    counts = [s for s in q.sql.splitlines() if "COUNT(" in s.upper()]
    # One capped count of the search; no second COUNT(*) over the unfiltered table.
    assert len(counts) == 1
    assert "LIMIT" in counts[0].upper()


# --- Stage order --------------------------------------------------------------------------


def test_stage_order_can_be_swapped_in_the_list(client):
    user = UserFactory(is_superuser=True)
    c = _client(client, user)
    url = _changelist("stage")
    response = c.get(url)
    data = form_data(response)
    stages = {s.code: s for s in Stage.objects.all()}
    forms = int(data["form-TOTAL_FORMS"])
    for i in range(forms):
        pk = int(data[f"form-{i}-id"])
        if pk == stages["pelatihan"].pk:
            data[f"form-{i}-order"] = "3"
        elif pk == stages["pendampingan"].pk:
            data[f"form-{i}-order"] = "2"
    data["_save"] = "Simpan"
    data.pop("action", None)
    response = c.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.content.decode())
    assert Stage.objects.get(code="pendampingan").order == 2
    assert Stage.objects.get(code="pelatihan").order == 3


def _stage_reached():
    return BusinessStage.objects.create(
        business=_business("Usaha Tahap"),
        stage=Stage.objects.get(code="pendaftaran"),
        reached_on=datetime.date(2023, 1, 5),
    )


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("owner", lambda: OwnerFactory()),
        ("training", lambda: EnrolmentFactory().training),
        ("enrolment", lambda: EnrolmentFactory()),
        ("mentoring", lambda: MentoringFactory()),
        ("businessstage", lambda: _stage_reached()),
    ],
)
def test_other_lists_query_count_does_not_grow_with_rows(client, count_queries, model, make):
    c = _client(client, admin_sudin())
    make()
    c.get(_changelist(model))
    with count_queries() as one:
        assert c.get(_changelist(model)).status_code == 200
    for _ in range(3):
        make()
    with count_queries() as four:
        assert c.get(_changelist(model)).status_code == 200
    assert four.count == one.count, four.sql


# --- Writes go through the services -------------------------------------------------------


def test_business_add_through_admin_records_first_stage_and_history(client):
    owner = OwnerFactory(kelurahan=kelurahan(GROGOL))
    user = operator("31.73.02")
    c = _client(client, user)
    add = reverse("admin:umkm_business_add")
    data = form_data(
        c.get(add),
        name="Kue Lapis Bu Ani",
        owner=str(owner.pk),
        sector=str(sector("kuliner").pk),
        kelurahan=GROGOL,
        binaan_since="2023-02-01",
        status="aktif",
        nib="9120000000777",
        yearly_omzet="300000000",
    )
    response = c.post(add, data)
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.content.decode())
    business = Business.objects.get(name="Kue Lapis Bu Ani")
    assert business.slug.startswith("kue-lapis-bu-ani")
    assert business.scale == "mikro"
    assert business.current_stage.code == "pendaftaran"
    assert business.history.get().history_user == user


def test_business_add_operator_cannot_use_other_kecamatan_kelurahan(client):
    owner = OwnerFactory(kelurahan=kelurahan(GROGOL))
    c = _client(client, operator("31.73.02"))
    add = reverse("admin:umkm_business_add")
    data = form_data(
        c.get(add),
        name="Usaha Nyasar",
        owner=str(owner.pk),
        sector=str(sector("jasa").pk),
        kelurahan=CENGKARENG,
        binaan_since="2023-02-01",
        status="aktif",
    )
    assert c.post(add, data).status_code == 200
    assert not Business.objects.filter(name="Usaha Nyasar").exists()


def test_stage_inline_records_stage_through_service(client):
    business = _business("Dapur Tahap")
    c = _client(client, admin_sudin())
    data = form_data(c.get(_change(business)))
    data.update(
        {
            "stages-TOTAL_FORMS": str(int(data["stages-TOTAL_FORMS"]) + 1),
            f"stages-{data['stages-TOTAL_FORMS']}-stage": str(
                Stage.objects.get(code="perizinan").pk
            ),
            f"stages-{data['stages-TOTAL_FORMS']}-reached_on": "2023-06-01",
        }
    )
    response = c.post(_change(business), data)
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.content.decode())
    business.refresh_from_db()
    assert business.current_stage.code == "perizinan"
    assert BusinessStage.objects.get(business=business).recorded_by is not None


def test_stage_inline_future_date_is_refused_and_nothing_saved(client):
    business = _business("Dapur Masa Depan")
    c = _client(client, admin_sudin())
    data = form_data(c.get(_change(business)), name="Nama Berubah")
    n = data["stages-TOTAL_FORMS"]
    data.update(
        {
            "stages-TOTAL_FORMS": str(int(n) + 1),
            f"stages-{n}-stage": str(Stage.objects.get(code="perizinan").pk),
            f"stages-{n}-reached_on": "2099-01-01",
        }
    )
    response = c.post(_change(business), data, follow=True)
    assert "masa depan" in response.content.decode()
    business.refresh_from_db()
    assert business.name == "Dapur Masa Depan"
    assert not BusinessStage.objects.filter(business=business).exists()


def test_quick_trainee_entry_offers_more_rows_on_request(client):
    training = TrainingFactory()
    c = _client(client, admin_sudin())
    url = reverse("admin:umkm_training_trainees", args=[training.pk])
    assert form_data(c.get(url))["peserta-TOTAL_FORMS"] == "10"
    assert form_data(c.get(url, {"baris": "30"}))["peserta-TOTAL_FORMS"] == "30"
    # The training's page links to the quick entry.
    assert url in c.get(_change(training)).content.decode()


def test_services_refuse_operator_moving_records_out_of_kecamatan():
    from django.core.exceptions import ValidationError

    from umkm import services

    business = _business("Dapur Tetap")
    user = operator("31.73.02")
    with pytest.raises(ValidationError) as refused:
        services.business_update(actor=user, business=business, kelurahan=kelurahan(CENGKARENG))
    assert "kelurahan" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.owner_update(actor=user, owner=business.owner, kelurahan=kelurahan(CENGKARENG))
    business.refresh_from_db()
    business.owner.refresh_from_db()
    assert business.kelurahan_id == GROGOL
    assert business.owner.kelurahan_id == GROGOL
