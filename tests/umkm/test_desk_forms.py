"""Choices that fit the office and forms in one go (issue 17): the office's own city first in
every kecamatan choice, kelurahan by autocomplete, an owner and business on one page, a case
started from the business page, named (not numbered) businesses, taken booths, day totals."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from bazaars import services as bazaar_services
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar
from tests.factories import BusinessFactory, TrainingFactory, admin_sudin, operator, sector
from tests.umkm.admin_forms import form_data
from umkm.models import Business, Kecamatan, Owner

pytestmark = pytest.mark.django_db

OFFICE = "31.73"  # tests run with the default OFFICE_CITY_CODE, Jakarta Barat


def _filter_choices(response, title_fragment: str) -> list[str]:
    """The choices of one list filter, as their link texts, in order."""
    html = response.content.decode()
    start = html.index(title_fragment)
    block = html[start : html.index("</details>", start)]
    return [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<a [^>]*>([^<]+)</a>", block)]


def test_every_kecamatan_choice_starts_with_the_office_city(client):
    client.force_login(admin_sudin())
    own = set(Kecamatan.objects.filter(city_id=OFFICE).values_list("name", flat=True))
    for url, title in [
        (reverse("admin:umkm_business_changelist"), 'data-filter-title="kecamatan'),
        (reverse("admin:bazaars_participation_changelist"), 'data-filter-title="kecamatan'),
        (reverse("admin:umkm_training_changelist"), 'data-filter-title="kecamatan'),
    ]:
        response = client.get(url)
        choices = [c for c in _filter_choices(response, title) if c != "Semua"]
        assert len(choices) > len(own), url  # all DKI for Sudin ...
        assert set(choices[: len(own)]) == own, url  # ... the office's own first
        assert choices[: len(own)] == sorted(choices[: len(own)]), url
    form = client.get(reverse("admin:umkm_training_add")).content.decode()
    options = re.findall(r'<option value="(31\.\d\d\.\d\d)"', form)
    assert options[: len(own)] and all(o.startswith(OFFICE + ".") for o in options[: len(own)])


def test_an_operator_is_offered_only_their_kecamatan(client):
    client.force_login(operator("31.73.02"))
    response = client.get(reverse("admin:umkm_business_changelist"))
    choices = [c for c in _filter_choices(response, 'data-filter-title="kecamatan') if c != "Semua"]
    assert choices == ["Grogol Petamburan"]


def _autocomplete(client, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "umkm", "model_name": "owner", "field_name": "kelurahan", "term": term},
    )
    assert response.status_code == 200
    return json.loads(response.content)["results"]


def test_the_kelurahan_autocomplete_is_scoped_office_first_and_names_the_kecamatan(client):
    client.force_login(admin_sudin())
    results = _autocomplete(client)
    assert all(r["id"].startswith(OFFICE + ".") for r in results)  # the first page: the office's
    assert re.fullmatch(r".+ \(.+\)", results[0]["text"])  # "Kedoya Utara (Kebon Jeruk)"
    assert _autocomplete(client, "Cakung")  # the rest of DKI is there when searched for
    client.force_login(operator("31.73.02"))
    assert {r["id"][:8] for r in _autocomplete(client)} == {"31.73.02"}
    assert _autocomplete(client, "Cakung") == []


def test_the_quick_trainee_entry_picks_the_kelurahan_by_autocomplete(client):
    training = TrainingFactory()
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:umkm_training_trainees", args=[training.pk])).content.decode()
    start = page.index('<select name="peserta-0-owner_kelurahan"')
    select = page[start : page.index("</select>", start)]
    assert "admin-autocomplete" in select
    assert select.count("<option") <= 1  # not 267 kelurahan in every row
    assert re.search(r"admin/js/autocomplete[.\w]*\.js", page)


def test_a_new_owner_and_their_business_on_one_page(client):
    client.force_login(admin_sudin())
    url = reverse("admin:umkm_owner_add")
    page = client.get(url)
    data = form_data(
        page,
        full_name="Ani Lestari",
        nik="3173024508900002",
        gender="P",
        kelurahan="31.73.02.1002",
        business_name="Keripik Ani",
        business_sector=str(sector().pk),
        business_kelurahan="31.73.02.1002",
        business_binaan_since="2023-02-01",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    owner = Owner.objects.with_nik("3173024508900002").get()
    business = Business.objects.get(owner=owner)
    assert business.name == "Keripik Ani"
    assert business.current_stage.code == "pendaftaran"  # the service's rules, not the admin's


def test_a_bad_business_on_the_owner_page_saves_neither(client):
    client.force_login(admin_sudin())
    url = reverse("admin:umkm_owner_add")
    data = form_data(
        client.get(url),
        full_name="Ani Lestari",
        nik="3173024508900002",
        gender="P",
        kelurahan="31.73.02.1002",
        business_name="Keripik Ani",
        business_kelurahan="31.73.02.1002",
    )  # no sector
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Owner.objects.exists() and not Business.objects.exists()
    errors = response.context["adminform"].form.errors
    assert "business_sector" in errors or "business_sector" in str(errors)


def test_a_certificate_case_is_started_from_the_business_page(client):
    business = BusinessFactory(name="Keripik Ani")
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:umkm_business_change", args=[business.pk])).content.decode()
    add = reverse("admin:certifications_certificatecase_add")
    link = f"{add}?business={business.pk}"
    assert f'href="{link}"' in page and "Mulai kasus sertifikat" in page
    form = client.get(link).content.decode()
    assert "admin-autocomplete" in form  # picked by name, no pop-up ID lookup
    assert re.search(rf'<option value="{business.pk}" selected>Keripik Ani', form)
    assert "vForeignKeyRawIdAdminField" not in form


def test_an_operator_sees_no_case_link_for_a_role_without_it(client):
    from tests.factories import pejabat

    business = BusinessFactory()
    client.force_login(pejabat())
    response = client.get(reverse("admin:umkm_business_change", args=[business.pk]))
    assert "Mulai kasus sertifikat" not in response.content.decode()


def test_a_participant_is_named_and_taken_booths_are_marked(client):
    fair = bazaar(booths=3)
    first = accepted(fair, sector=sector("fesyen"), name="Batik Sari")
    second = accepted(fair, sector=sector("fesyen"), name="Tenun Rina")
    booths = list(fair.booths.order_by("code"))
    bazaar_services.booth_assign(actor=SYSTEM, participation=first, booth=booths[0])
    client.force_login(admin_sudin())
    page = client.get(
        reverse("admin:bazaars_participation_change", args=[second.pk])
    ).content.decode()
    assert f"{booths[0].code} (terpakai)" in page
    assert re.search(rf">{booths[1].code}</option>", page)
    assert "Tenun Rina" in page and "vForeignKeyRawIdAdminField" not in page


def test_the_check_in_page_shows_the_day_s_totals(client):
    fair = bazaar(days=[datetime.date(2023, 9, 25)])
    sellers = [accepted(fair, sector=sector("fesyen")) for _ in range(3)]
    day = fair.days.get()
    bazaar_services.day_record(
        actor=SYSTEM,
        day=day,
        entries=[
            bazaar_services.DayEntry(sellers[0], present=True, omzet=1_250_000, transactions=9),
            bazaar_services.DayEntry(sellers[1], present=True, omzet=750_000, transactions=4),
            bazaar_services.DayEntry(sellers[2], present=False),
        ],
    )
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:bazaars_bazaar_day", args=[fair.pk, day.pk])).content.decode()
    assert re.search(r'id="day-present">2 dari 3<', page)
    assert re.search(r'id="day-omzet">Rp2\.000\.000<', page)
    assert re.search(r'id="day-transactions">13<', page)
