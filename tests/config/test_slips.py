"""The slips issue 17 lists, each as a person meets it."""

import datetime
import io
import logging
import re
from pathlib import Path

import pytest
from django.urls import reverse

from bazaars import eligibility
from bazaars import services as bazaar_services
from config.actors import SYSTEM
from tests.bazaars.factories import accepted, bazaar, public_business
from tests.certifications.factories import open_case
from tests.factories import BusinessFactory, admin_sudin, pejabat, sector
from umkm import services

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_history_page_is_indonesian_and_never_says_none(client):
    business = BusinessFactory(name="Keripik Ani", nib=None)
    services.business_update(actor=SYSTEM, business=business, nib="9120001234567")
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:umkm_business_history", args=[business.pk])).content.decode()
    assert '<th scope="col">Perubahan</th>' in page
    assert "None" not in re.sub(r"<[^>]+>", " ", page)
    assert re.search(r"NIB:</strong>\s*—\s*(&nbsp;)*&rarr;(&nbsp;)*9120001234567", page)


def test_the_public_profile_names_the_booth_in_indonesian(client):
    fair = bazaar(title="Bazar Kembangan", days=[datetime.date(2023, 9, 25)])
    seller = accepted(fair, business=public_business(name="Batik Sari", sector=sector("fesyen")))
    booth = fair.booths.order_by("code").first()
    bazaar_services.booth_assign(actor=SYSTEM, participation=seller, booth=booth)
    page = client.get(reverse("bazaars:business", args=[seller.business.slug])).content.decode()
    assert f"Stan {booth.code}" in page
    assert "booth" not in page.lower().replace("booths", "")


def test_no_slug_label_and_the_decision_label_is_capitalised(client):
    fair = bazaar(title="Bazar Kembangan")
    participation = accepted(fair, sector=sector("fesyen"))
    client.force_login(admin_sudin())
    bazaar_page = client.get(reverse("admin:bazaars_bazaar_change", args=[fair.pk])).content
    assert b"Slug" not in bazaar_page and b"Alamat halaman" in bazaar_page
    page = client.get(
        reverse("admin:bazaars_participation_change", args=[participation.pk])
    ).content.decode()
    assert ">Keputusan:</label>" in page
    assert "keputusan:" not in page


def test_reasons_of_ineligibility_read_as_sentences():
    business = BusinessFactory(status="nonaktif", sector=sector("fesyen"))
    text = str(eligibility.check(business))
    assert "; " not in text
    assert "Usaha tidak aktif. Usaha belum lulus pelatihan apa pun." in text


def test_a_pejabat_is_not_invited_to_search_by_nik(client):
    client.force_login(pejabat())
    for name in ("admin:umkm_business_changelist", "admin:umkm_owner_changelist"):
        response = client.get(reverse(name))
        if response.status_code != 200:
            continue  # a list the role does not open invites nothing
        assert "NIK" not in response.context["cl"].search_help_text, name
    client.force_login(admin_sudin())
    staff = client.get(reverse("admin:umkm_business_changelist")).context["cl"]
    assert "NIK" in staff.search_help_text


def test_the_readme_says_one_default_for_the_food_certificate_rule():
    from django.conf import settings

    text = README.read_text()
    mentions = [line for line in text.splitlines() if "BAZAAR_REQUIRE_FOOD_CERTIFICATE" in line]
    assert mentions
    assert settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE is True
    assert not any("off by default" in line for line in mentions)
    assert any("| `1` |" in line for line in mentions)


def test_favicon_is_no_404_and_admin_pages_link_the_icon(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert not [r for r in caplog.records if "favicon" in r.getMessage()]
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:index")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]+favicon[^"]*\.svg"', page)


def test_the_date_of_a_referral_is_the_jakarta_date():
    """The referral list's "Tanggal dirujuk": a case referred at 03:00 in Jakarta (20:00 UTC
    the day before) is dated that Jakarta day, at any hour."""
    import openpyxl

    from certifications import exports

    case = open_case(BusinessFactory())
    case.status_changed_at = datetime.datetime(2024, 1, 5, 20, 0, tzinfo=datetime.UTC)
    book = openpyxl.load_workbook(io.BytesIO(exports.referral_xlsx([case], title="Rujukan")))
    rows = list(book.active.iter_rows(values_only=True))
    header = next(r for r in rows if "Tanggal dirujuk" in r)
    value = rows[rows.index(header) + 1][header.index("Tanggal dirujuk")]
    assert value.date() == datetime.date(2024, 1, 6)
