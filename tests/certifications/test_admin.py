import datetime
import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certifications import services
from certifications.admin import CertificateCaseInline, attach_to_business_admin
from certifications.models import CertificateCase
from config.actors import SYSTEM
from tests.certifications.factories import (
    VALID_NUMBERS,
    issued_case,
    open_case,
    pdf_bytes,
    submitted_case,
)
from tests.client import ProductionClient as Client
from tests.factories import BusinessFactory, admin_sudin, kelurahan, operator, pejabat
from umkm.models import Business

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:certifications_certificatecase_changelist")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _names(response):
    return {case.business.name for case in response.context["cl"].result_list}


def _expiring(business, days_left: int, code="bpom-md"):
    """An issued certificate whose computed expiry is `days_left` days from today."""
    today = timezone.localdate()
    years = {"bpom-md": 5, "bpom-kosmetik": 3, "merek": 10}[code]
    expires_on = today + datetime.timedelta(days=days_left)
    issued_on = expires_on.replace(year=expires_on.year - years)
    return issued_case(business, code, issued_on=issued_on)


@pytest.mark.parametrize("query", ["", "?expires_within=30", "?kecamatan=31.73.02"])
@pytest.mark.parametrize("make_user", [admin_sudin, operator], ids=["admin_sudin", "operator"])
def test_case_list_query_count_is_fixed(count_queries, query, make_user):
    client = _client(make_user())
    _expiring(BusinessFactory(), 10)
    client.get(CHANGELIST + query)  # warm the session and content types
    with count_queries() as one:
        response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    for days in (5, 20, 25):
        _expiring(BusinessFactory(), days)
        open_case(BusinessFactory(), "halal")
    with count_queries() as many:
        response = client.get(CHANGELIST + query)
    assert len(response.context["cl"].result_list) >= 4
    assert many.count == one.count, many.sql


def test_expiry_filter_picks_30_60_90_days_and_expired():
    business = {d: BusinessFactory(name=f"Usaha {d}") for d in (10, 45, 80, 200)}
    for days, b in business.items():
        _expiring(b, days)
    expired = issued_case(
        BusinessFactory(name="Usaha kedaluwarsa"), "bpom-md", issued_on=datetime.date(2019, 1, 2)
    )
    open_case(BusinessFactory(name="Usaha baru"), "halal")
    client = _client(admin_sudin())
    assert _names(client.get(CHANGELIST + "?expires_within=30")) == {"Usaha 10"}
    assert _names(client.get(CHANGELIST + "?expires_within=60")) == {"Usaha 10", "Usaha 45"}
    assert _names(client.get(CHANGELIST + "?expires_within=90")) == {
        "Usaha 10",
        "Usaha 45",
        "Usaha 80",
    }
    response = client.get(CHANGELIST + "?expires_within=expired")
    assert _names(response) == {"Usaha kedaluwarsa"}
    assert "Terbit, kedaluwarsa" in response.text
    assert expired.is_expired()


def test_filters_by_type_status_and_kecamatan():
    open_case(BusinessFactory(name="Grogol", kelurahan=kelurahan("31.73.02.1002")), "halal")
    open_case(BusinessFactory(name="Cengkareng", kelurahan=kelurahan("31.73.01.1001")), "nib")
    client = _client(admin_sudin())
    assert _names(client.get(CHANGELIST + "?kecamatan=31.73.01")) == {"Cengkareng"}
    halal = CertificateCase.objects.get(type__code="halal").type_id
    assert _names(client.get(CHANGELIST + f"?type__id__exact={halal}")) == {"Grogol"}
    assert _names(client.get(CHANGELIST + "?status__exact=needed")) == {"Grogol", "Cengkareng"}


def test_operator_sees_only_cases_of_its_kecamatan():
    open_case(BusinessFactory(name="Grogol", kelurahan=kelurahan("31.73.02.1002")), "halal")
    other = open_case(
        BusinessFactory(name="Cengkareng", kelurahan=kelurahan("31.73.01.1001")), "halal"
    )
    client = _client(operator("31.73.02"))
    response = client.get(CHANGELIST)
    assert _names(response) == {"Grogol"}
    change = reverse("admin:certifications_certificatecase_change", args=[other.pk])
    assert client.get(change).status_code == 404  # one answer for another kecamatan: 404
    status_url = reverse("admin:certifications_certificatecase_transition", args=[other.pk])
    assert client.post(status_url, {"to_status": "referred"}).status_code == 404
    assert CertificateCase.objects.get(pk=other.pk).status == "needed"


def test_pejabat_sees_cases_but_cannot_change_status():
    case = open_case(BusinessFactory(), "halal")
    client = _client(pejabat())
    assert client.get(CHANGELIST).status_code == 200
    status_url = reverse("admin:certifications_certificatecase_transition", args=[case.pk])
    assert client.post(status_url, {"to_status": "referred"}).status_code == 403
    assert CertificateCase.objects.get(pk=case.pk).status == "needed"


def test_refer_action_transitions_needed_cases_and_returns_the_referral_list():
    business = BusinessFactory(name="Warung Bu Siti", nib="9120001234567")
    needed = open_case(business, "pirt", product="Keripik pisang")
    submitted = submitted_case(BusinessFactory(name="Sudah diajukan"), "halal")
    user = admin_sudin()
    response = _client(user).post(
        CHANGELIST,
        {"action": "refer_to_sudin", "_selected_action": [needed.pk, submitted.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rujukan-sudin')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "Nama usaha"
    assert rows[2][1:8] == (
        "Warung Bu Siti",
        "Kuliner",
        "Grogol Petamburan",
        business.kelurahan.name,
        "SPP-IRT (PIRT)",
        "Keripik pisang",
        "9120001234567",
    )
    assert len(rows) == 3  # title, header, the one referred case
    text = repr(rows)
    owner = business.owner
    for private in (owner.nik, owner.phone, owner.address, business.address):
        assert private not in text
    needed.refresh_from_db()
    assert needed.status == "referred"
    assert needed.transitions.last().by == user
    assert CertificateCase.objects.get(pk=submitted.pk).status == "submitted"


def test_status_form_issues_a_certificate():
    case = submitted_case(BusinessFactory(), "pirt")
    url = reverse("admin:certifications_certificatecase_transition", args=[case.pk])
    client = _client(admin_sudin())
    assert "Terbit" in client.get(url).text
    response = client.post(
        url,
        {"to_status": "issued", "number": VALID_NUMBERS["pirt"], "issued_on": "15/03/2023"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.expires_on) == ("issued", datetime.date(2028, 3, 15))


def test_status_form_shows_the_error_and_changes_nothing():
    case = submitted_case(BusinessFactory(), "pirt")
    url = reverse("admin:certifications_certificatecase_transition", args=[case.pk])
    response = _client(admin_sudin()).post(
        url, {"to_status": "issued", "number": "123", "issued_on": "15/03/2023"}
    )
    assert response.status_code == 200
    assert "15 digit" in response.text
    assert CertificateCase.objects.get(pk=case.pk).status == "submitted"


def test_change_form_cannot_set_the_status_directly():
    case = open_case(BusinessFactory(), "halal")
    url = reverse("admin:certifications_certificatecase_change", args=[case.pk])
    client = _client(admin_sudin())
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.text
    data = {
        "note": "Catatan baru",
        "halal_route": "self_declare",
        "status": "issued",
        "number": "ID31110000123450623",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-2-TOTAL_FORMS": "0",
        "documents-2-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "1",
        "transitions-INITIAL_FORMS": "1",
    }
    client.post(url, data)
    case.refresh_from_db()
    assert (case.status, case.number) == ("needed", "")


def test_upload_through_admin_is_checked_by_content():
    case = open_case(BusinessFactory(), "halal")
    url = reverse("admin:certifications_certificatecase_change", args=[case.pk])
    client = _client(admin_sudin())
    page = client.get(url)
    # Inlines in order: documents (read-only), new documents, status history.
    prefixes = [fs.formset.prefix for fs in page.context["inline_admin_formsets"]]

    def post(upload):
        data = {"note": "", "halal_route": ""}
        for prefix in prefixes:
            data[f"{prefix}-TOTAL_FORMS"] = "1" if prefix == prefixes[1] else "0"
            data[f"{prefix}-INITIAL_FORMS"] = "0"
        history = prefixes[2]
        data[f"{history}-TOTAL_FORMS"] = "1"
        data[f"{history}-INITIAL_FORMS"] = "1"
        data[f"{history}-0-id"] = str(case.transitions.get().pk)
        data[f"{history}-0-case"] = str(case.pk)
        data[f"{prefixes[1]}-0-file"] = upload
        data[f"{prefixes[1]}-0-description"] = "Sertifikat"
        return client.post(url, data)

    refused = post(SimpleUploadedFile("x.pdf", b"MZ" + b"\x00" * 100, "application/pdf"))
    assert refused.status_code == 200
    assert "Hanya dokumen PDF, JPEG atau PNG" in refused.text
    assert not case.documents.exists()
    accepted = post(SimpleUploadedFile("scan.pdf", pdf_bytes(), "application/pdf"))
    assert accepted.status_code == 302
    document = case.documents.get()
    assert document.description == "Sertifikat"
    page = client.get(url)
    assert document.get_absolute_url() in page.text


def test_business_admin_gets_the_certificates_inline():
    site = admin.AdminSite(name="test_site")
    site.register(Business, admin.ModelAdmin)
    assert attach_to_business_admin(site) is True
    assert CertificateCaseInline in site._registry[Business].inlines
    assert attach_to_business_admin(site) is False  # once only
    assert attach_to_business_admin(admin.AdminSite(name="empty")) is False


def test_certificates_inline_lists_the_cases_of_a_business(rf):
    business = BusinessFactory()
    issued_case(business, "nib")
    open_case(business, "halal")
    inline = CertificateCaseInline(Business, admin.site)
    request = rf.get("/")
    request.user = admin_sudin()
    cases = list(inline.get_queryset(request).filter(business=business))
    assert [c.type.code for c in cases] == ["halal", "nib"]
    assert inline.status_summary(cases[0]) == "Dibutuhkan"
    assert not inline.has_add_permission(request, business)


def test_add_case_through_admin_uses_the_service():
    business = BusinessFactory()
    client = _client(admin_sudin())
    url = reverse("admin:certifications_certificatecase_add")
    page = client.get(url)
    prefixes = [fs.formset.prefix for fs in page.context["inline_admin_formsets"]]
    data = {"business": business.pk, "type": "", "product": "", "halal_route": "", "note": "x"}
    from certifications.models import CertificateType

    data["type"] = CertificateType.objects.get(code="halal").pk
    for prefix in prefixes:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = CertificateCase.objects.get(business=business)
    assert case.status == "needed"
    assert case.transitions.get().to_status == "needed"
    services.case_transition(actor=SYSTEM, case=case, to_status="referred")


def test_add_pirt_case_without_product_shows_the_error_on_the_form():
    business = BusinessFactory()
    client = _client(admin_sudin())
    url = reverse("admin:certifications_certificatecase_add")
    page = client.get(url)
    from certifications.models import CertificateType

    data = {
        "business": business.pk,
        "type": CertificateType.objects.get(code="pirt").pk,
        "product": "",
        "halal_route": "self_declare",
        "note": "",
    }
    for fs in page.context["inline_admin_formsets"]:
        data[f"{fs.formset.prefix}-TOTAL_FORMS"] = "0"
        data[f"{fs.formset.prefix}-INITIAL_FORMS"] = "0"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "sebutkan produknya" in errors["product"][0]
    assert "halal" in errors["halal_route"][0]
    assert not CertificateCase.objects.exists()


def test_change_status_button_only_for_those_who_may_change():
    case = open_case(BusinessFactory(), "halal")
    url = reverse("admin:certifications_certificatecase_change", args=[case.pk])
    status_url = reverse("admin:certifications_certificatecase_transition", args=[case.pk])
    assert status_url in _client(admin_sudin()).get(url).text
    page = _client(pejabat()).get(url)
    assert page.status_code == 200
    assert status_url not in page.text
