"""An owner's desk: their own businesses only, personal data to its owner only (NIK masked),
edits through the review queue, corrections, consent, my data and erasure."""

import datetime
import json

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from owners.models import CorrectionRequest, DeletionRequest, ProfileEdit, ReviewStatus
from tests.bazaars.factories import accepted, bazaar
from tests.certifications.factories import open_case, pdf_bytes, upload
from tests.factories import admin_sudin, operator, sector
from tests.owners.factories import owner_business, signed_in
from umkm.models import Business, BusinessState, PersonalDataAccess
from umkm.validators import mask_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine():
    return owner_business(name="Kue Bu Siti", slug="kue-bu-siti", sector=sector("fesyen"))


@pytest.fixture
def theirs():
    return owner_business(
        name="Batik Pak Joko",
        slug="batik-pak-joko",
        owner__phone="+6281277776666",
        sector=sector("fesyen"),
    )


def _desk_routes():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if getattr(entry, "namespace", None) == "owners":
            return [p for p in entry.url_patterns if isinstance(p, URLPattern)]
    raise AssertionError("owners' URLs are not in the URLconf")


def test_every_desk_page_of_another_owners_business_is_not_found(client, mine, theirs):
    """Walk every desk URL that names a business: another owner's business is a 404 for GET
    and POST, and nothing of theirs changes."""
    b = bazaar(
        applications_open=timezone.localdate(),
        days=[timezone.localdate() + datetime.timedelta(days=9)],
    )
    their_participation = accepted(b, theirs)
    signed_in(client, mine.owner)
    fill = {
        "business_id": theirs.pk,
        "slug": b.slug,
        "participation_id": their_participation.pk,
    }
    walked = 0
    for route in _desk_routes():
        names = list(route.pattern.converters)
        if "business_id" not in names:
            continue
        url = "/usaha-saya/" + str(route.pattern)
        for name in names:
            url = url.replace(f"<int:{name}>", str(fill[name])).replace(
                f"<slug:{name}>", str(fill[name])
            )
        for method in (client.get, client.post):
            status = method(url, {"action": "withdraw", "code": "1"}).status_code
            assert status in (404, 405), (url, method, status)
        walked += 1
    assert walked >= 7
    their_participation.refresh_from_db()
    assert their_participation.status == "accepted"
    theirs.refresh_from_db()
    assert theirs.public_consent is False
    assert not ProfileEdit.objects.exists() and not CorrectionRequest.objects.exists()


def test_my_page_shows_my_register_data_with_the_nik_masked(client, mine):
    signed_in(client, mine.owner)
    page = client.get(f"/usaha-saya/{mine.pk}/").content.decode()
    assert mine.owner.phone in page and mine.owner.address in page
    assert mask_nik(mine.owner.nik) in page
    assert mine.owner.nik not in page


def test_the_owners_page_shows_no_one_elses_personal_data(client, mine, theirs):
    signed_in(client, mine.owner)
    for url in ("/usaha-saya/", f"/usaha-saya/{mine.pk}/", f"/usaha-saya/{mine.pk}/persetujuan/"):
        page = client.get(url, follow=True).content.decode()
        assert theirs.owner.phone not in page and theirs.owner.full_name not in page


def test_a_profile_edit_waits_for_staff_and_is_written_when_approved(client, mine):
    signed_in(client, mine.owner)
    posted = client.post(
        f"/usaha-saya/{mine.pk}/profil/",
        {
            "description": "Kue basah tiap pagi",
            "opening_hours": "Senin-Sabtu 06.00-12.00",
            "products": "Kue lumpur, klepon",
            "link_instagram": "https://www.instagram.com/kuebusiti",
        },
    )
    assert posted.status_code == 302
    mine.refresh_from_db()
    assert mine.description == ""  # not yet
    edit = ProfileEdit.objects.get(business=mine, status=ReviewStatus.PENDING)

    elsewhere = operator("31.73.01")  # another kecamatan's operator: not in their queue
    staff = ProductionClientFor(elsewhere)
    assert staff.get(f"/admin/owners/profileedit/{edit.pk}/change/").status_code == 404

    staff = ProductionClientFor(admin_sudin())
    approved = staff.post(
        f"/admin/owners/profileedit/{edit.pk}/change/", {"decision": "approve", "note": ""}
    )
    assert approved.status_code == 302, approved.content.decode()[:3000]
    mine.refresh_from_db()
    assert mine.description == "Kue basah tiap pagi"
    assert mine.links.get().url == "https://www.instagram.com/kuebusiti"
    edit.refresh_from_db()
    assert edit.status == ReviewStatus.APPROVED


def test_a_rejected_edit_needs_a_reason_and_the_owner_sees_it(client, mine):
    signed_in(client, mine.owner)
    client.post(f"/usaha-saya/{mine.pk}/profil/", {"description": "Termurah se-Jakarta!!!"})
    edit = ProfileEdit.objects.get()
    staff = ProductionClientFor(admin_sudin())
    no_reason = staff.post(
        f"/admin/owners/profileedit/{edit.pk}/change/", {"decision": "reject", "note": ""}
    )
    assert no_reason.status_code == 200
    edit.refresh_from_db()
    assert edit.status == ReviewStatus.PENDING
    staff.post(
        f"/admin/owners/profileedit/{edit.pk}/change/",
        {"decision": "reject", "note": "Tanpa klaim harga."},
    )
    edit.refresh_from_db()
    assert edit.status == ReviewStatus.REJECTED
    assert "Tanpa klaim harga." in client.get(f"/usaha-saya/{mine.pk}/").content.decode()
    mine.refresh_from_db()
    assert mine.description == ""


def test_with_approval_switched_off_an_edit_is_written_at_once(client, mine, settings):
    settings.OWNER_EDITS_NEED_APPROVAL = False
    signed_in(client, mine.owner)
    client.post(f"/usaha-saya/{mine.pk}/profil/", {"description": "Langsung tayang"})
    mine.refresh_from_db()
    assert mine.description == "Langsung tayang"


def test_a_link_to_another_host_is_refused_and_nothing_is_saved(client, mine):
    signed_in(client, mine.owner)
    page = client.post(
        f"/usaha-saya/{mine.pk}/profil/",
        {"description": "x", "link_instagram": "https://evil.example/instagram.com"},
    )
    assert page.status_code == 200
    assert "instagram.com" in page.content.decode()
    assert not ProfileEdit.objects.exists()


def test_a_correction_request_goes_to_the_kecamatans_staff(client, mine):
    signed_in(client, mine.owner)
    client.post(
        f"/usaha-saya/{mine.pk}/koreksi/", {"field": "nib", "message": "NIB saya 1234567890123"}
    )
    request = CorrectionRequest.objects.get(business=mine)
    staff = ProductionClientFor(operator("31.73.02"))
    assert staff.get(f"/admin/owners/correctionrequest/{request.pk}/change/").status_code == 200
    assert (
        ProductionClientFor(operator("31.73.01"))
        .get(f"/admin/owners/correctionrequest/{request.pk}/change/")
        .status_code
        == 404
    )


def test_withdrawn_consent_leaves_nothing_public_or_cached(client, mine, settings):
    from tests.client import ProductionClient

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    signed_in(client, mine.owner)
    client.post(f"/usaha-saya/{mine.pk}/persetujuan/", {"action": "grant"})
    mine.refresh_from_db()
    assert mine.public_consent
    public = ProductionClient()
    assert public.get("/umkm/kue-bu-siti/").status_code == 200  # now cached
    assert "Kue Bu Siti" in public.get("/umkm/").content.decode()

    client.post(f"/usaha-saya/{mine.pk}/persetujuan/", {"action": "withdraw"})
    assert public.get("/umkm/kue-bu-siti/").status_code == 404
    assert "Kue Bu Siti" not in public.get("/umkm/").content.decode()
    assert BusinessState.objects.filter(business=mine).current().get().public_consent is False
    history = client.get(f"/usaha-saya/{mine.pk}/persetujuan/").content.decode()
    assert "menarik persetujuan" in history and "menyetujui penayangan" in history


def test_an_unpublished_whatsapp_number_is_on_no_public_page(client, mine, settings):
    """Walk every public page with the business listed: the number it did not publish is on
    none; once published, its page shows a wa.me button."""
    from tests.client import ProductionClient
    from tests.security.test_staff_access import _routes, _urls

    signed_in(client, mine.owner)
    client.post(f"/usaha-saya/{mine.pk}/persetujuan/", {"action": "grant"})
    client.post(
        f"/usaha-saya/{mine.pk}/persetujuan/",
        {"action": "whatsapp", "whatsapp": "0813-5555-4444"},
    )
    mine.refresh_from_db()
    assert mine.whatsapp == "+6281355554444" and not mine.whatsapp_public
    b = bazaar()
    accepted(b, mine)
    from config.access import PUBLIC_VIEWS

    public = ProductionClient()
    pages = 0
    for route in _routes():
        if route.name not in PUBLIC_VIEWS or route.name.startswith("owners:"):
            continue
        for url in _urls(route, None):
            body = public.get(url).content.decode()
            assert "81355554444" not in body and "5555-4444" not in body, url
            pages += 1
    assert pages >= 8

    client.post(
        f"/usaha-saya/{mine.pk}/persetujuan/",
        {"action": "whatsapp", "whatsapp": "0813-5555-4444", "whatsapp_public": "on"},
    )
    page = public.get("/umkm/kue-bu-siti/").content.decode()
    assert "https://wa.me/6281355554444?text=" in page


def test_my_data_downloads_and_is_audited(client, mine):
    signed_in(client, mine.owner)
    page = client.get("/usaha-saya/data-saya/")  # a GET only says what the file holds
    assert page.status_code == 200 and mine.owner.nik not in page.content.decode()
    assert not PersonalDataAccess.objects.exists()
    response = client.post("/usaha-saya/data-saya/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["owner"]["nik"] == mine.owner.nik
    assert data["businesses"][0]["name"] == "Kue Bu Siti"
    access = PersonalDataAccess.objects.get(owner=mine.owner)
    assert access.action == PersonalDataAccess.Action.SUBJECT_ACCESS


def test_a_deletion_request_is_carried_out_by_city_staff_only(client, mine):
    signed_in(client, mine.owner)
    client.post("/usaha-saya/hapus-data/", {"reason": "Usaha tutup"})
    request = DeletionRequest.objects.get(owner=mine.owner)
    assert (
        ProductionClientFor(operator("31.73.02"))
        .get(f"/admin/owners/deletionrequest/{request.pk}/change/")
        .status_code
        == 404
    )
    staff = ProductionClientFor(admin_sudin())
    done = staff.post(f"/admin/owners/deletionrequest/{request.pk}/change/", {"decision": "erase"})
    assert done.status_code == 302
    mine.owner.refresh_from_db()
    assert mine.owner.anonymised_at is not None and mine.owner.phone == ""
    assert client.get("/usaha-saya/").status_code == 302  # the account is closed


def test_an_owner_uploads_a_document_to_their_case_through_the_checks(client, mine, theirs):
    case = open_case(mine, "halal")
    their_case = open_case(theirs, "halal")
    signed_in(client, mine.owner)
    page = f"/usaha-saya/{mine.pk}/sertifikat/"
    ok = client.post(page, {"case": case.pk, "file": upload("ktp.pdf", pdf_bytes())})
    assert ok.status_code == 302
    assert case.documents.count() == 1
    bad = client.post(page, {"case": case.pk, "file": upload("x.pdf", b"MZ\x90\x00 not a pdf")})
    assert bad.status_code == 200 and case.documents.count() == 1
    other = client.post(page, {"case": their_case.pk, "file": upload("k.pdf", pdf_bytes())})
    assert other.status_code == 404 and their_case.documents.count() == 0
    assert client.post(page, {"case": "abc"}).status_code == 400  # not a 500


def ProductionClientFor(user):
    from tests.client import ProductionClient

    c = ProductionClient()
    c.force_login(user)
    return c


def test_no_owner_page_shows_another_business(client, mine, theirs):
    # Every page of the owners' URLconf that takes no other argument than the business, for
    # the signed-in owner's business: nothing of the other business is in it; and each of
    # those pages answers 404 for the other business's id.
    from django.urls import reverse

    from owners import urls as owner_urls

    signed_in(client, mine.owner)
    walked = 0
    for pattern in owner_urls.urlpatterns:
        converters = set(pattern.pattern.converters)
        if converters != {"business_id"}:
            continue
        url = reverse(f"owners:{pattern.name}", args=[mine.pk])
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "Batik Pak Joko" not in text and theirs.owner.phone[-4:] not in text, url
        other = reverse(f"owners:{pattern.name}", args=[theirs.pk])
        assert client.get(other).status_code == 404, other
        walked += 1
    assert walked >= 5


def test_the_office_s_working_notes_stay_off_the_owner_pages(client, mine):
    # A case's note and a change's reason are written by staff for staff ("owner difficult on
    # the phone"); the owner sees states, dates and the notes written to them.
    from django.urls import reverse

    from umkm import services as register_services

    case = open_case(mine, "halal")
    type(case).objects.filter(pk=case.pk).update(note="Catatan internal: pemilik sulit dihubungi")
    register_services.business_update(
        actor=admin_sudin(),
        business=mine,
        public_consent=False,
        reason="Catatan internal: ditelepon operator, marah",
    )
    # Whatever reason a staff path records on the history row (simple_history's change reason).
    latest = mine.history.order_by("-history_id").first()
    type(latest).objects.filter(pk=latest.pk).update(
        history_change_reason="Catatan internal: ditelepon operator, marah"
    )
    signed_in(client, mine.owner)
    for name in ("certificates", "consent", "business"):
        text = client.get(reverse(f"owners:{name}", args=[mine.pk])).content.decode()
        assert "Catatan internal" not in text, name


def test_the_consent_history_lists_each_change_once_newest_first(client, mine):
    from config.actors import SYSTEM
    from owners.views import consent_history
    from umkm import services as register

    for public, name in [(True, "A"), (True, "B"), (False, "C"), (False, "D"), (True, "E")]:
        business = Business.objects.get(pk=mine.pk)
        business.name = name  # a change that is not the consent's: not a line of its own
        business.save()
        if business.public_consent != public:
            register.business_update(actor=SYSTEM, business=business, public_consent=public)
    from owners.signin import account_for

    user = account_for(mine.owner).user
    rows = consent_history(mine, user)
    assert [r["public_consent"] for r in rows] == [True, False, True, False]
    assert len(consent_history(mine, user, limit=2)) == 2


def test_my_business_with_another_owners_participation_or_case_is_not_found(client, mine, theirs):
    """A hostile owner keeps their own business in the address and puts another business's
    participation or certificate case beside it: 404, and nothing of theirs changes."""
    b = bazaar(
        applications_open=timezone.localdate(),
        days=[timezone.localdate() + datetime.timedelta(days=9)],
    )
    their_participation = accepted(b, theirs)
    their_case = open_case(theirs, "halal")
    signed_in(client, mine.owner)
    withdraw = f"/usaha-saya/{mine.pk}/ikut/{their_participation.pk}/mundur/"
    assert client.post(withdraw).status_code == 404
    page = f"/usaha-saya/{mine.pk}/sertifikat/"
    posted = client.post(page, {"case": their_case.pk, "file": upload("k.pdf", pdf_bytes())})
    assert posted.status_code == 404
    for junk in ("abc", "1e3", "-1", "9" * 30, "１"):
        answer = client.post(page, {"case": junk, "file": upload("k.pdf", pdf_bytes())})
        assert answer.status_code in (400, 404), junk
    their_participation.refresh_from_db()
    assert their_participation.status == "accepted"
    assert their_case.documents.count() == 0
