"""The staff desk: each role's first page lists what waits for it, scoped, as counts whose links
open lists holding exactly those rows (config.worklist and each app's worklist.py)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bazaars import services as bazaar_services
from certifications import services as cert_services
from certifications.models import CertificateCase
from config import worklist
from config.actors import SYSTEM
from tests.bazaars.factories import bazaar, eligible_business
from tests.certifications.factories import open_case, submitted_case
from tests.factories import BusinessFactory, admin_sudin, kelurahan, operator, pejabat, sector

pytestmark = pytest.mark.django_db

GROGOL = "31.73.02.1002"  # kecamatan 31.73.02
CENGKARENG = "31.73.01.1001"  # kecamatan 31.73.01


def _entries(client):
    """(count, label, url) of each entry of the desk, as the page shows them."""
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    html = page.content.decode()
    desk = html[html.index('class="desk-worklist') : html.index("</section>")]
    return [
        (int(count), label, url.replace("&amp;", "&"))
        for url, count, label in re.findall(
            r'<a href="([^"]+)"><span class="desk-count">(\d+)</span> '
            r'<span class="desk-label">([^<]+)</span>',
            desk,
        )
    ]


def _listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def _world():
    """Two kecamatan's work: applications, cases at every step, an expiring certificate."""
    fair = bazaar(title="Bazar Kembangan", days=[timezone.localdate() + datetime.timedelta(30)])
    for code in (GROGOL, GROGOL, CENGKARENG):
        business = eligible_business(kelurahan=kelurahan(code), sector=sector("fesyen"))
        bazaar_services.participation_apply(actor=SYSTEM, bazaar=fair, business=business)
    for code in (GROGOL, CENGKARENG):
        late = open_case(BusinessFactory(kelurahan=kelurahan(code)))
        cert_services.case_transition(actor=SYSTEM, case=late, to_status="referred")
        CertificateCase.objects.filter(pk=late.pk).update(
            status_changed_at=timezone.now() - datetime.timedelta(days=20)
        )
    fresh = open_case(BusinessFactory(kelurahan=kelurahan(GROGOL)))
    cert_services.case_transition(actor=SYSTEM, case=fresh, to_status="referred")  # not late
    submitted_case(BusinessFactory(kelurahan=kelurahan(CENGKARENG)))
    expiring = open_case(BusinessFactory(kelurahan=kelurahan(GROGOL)), "nib")
    cert_services.case_transition(actor=SYSTEM, case=expiring, to_status="referred")
    cert_services.case_transition(actor=SYSTEM, case=expiring, to_status="submitted")
    cert_services.case_transition(
        actor=SYSTEM,
        case=expiring,
        to_status="issued",
        number="9120001234567",
        issued_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
        expiry_override_reason="Izin sementara",
    )
    return fair


def test_admin_sudin_sees_the_city_s_work_and_each_link_lists_exactly_it(client):
    _world()
    client.force_login(admin_sudin())
    entries = _entries(client)
    by_label = {label: (count, url) for count, label, url in entries}
    assert by_label["Lamaran menunggu keputusan: Bazar Kembangan"][0] == 3
    assert by_label["Menunggu Sudin PPKUKM lebih dari 14 hari"][0] == 2
    assert by_label["Sudah diajukan, menunggu sertifikat"][0] == 1
    assert by_label["Sertifikat yang habis berlaku dalam 30 hari"][0] == 1
    for count, label, url in entries:
        assert _listed(client, url) == count, label
    assert entries[0][1].startswith("Lamaran")  # sections in their declared order


def test_an_operator_counts_only_their_kecamatan(client):
    _world()
    client.force_login(operator("31.73.02"))
    entries = _entries(client)
    by_label = {label: (count, url) for count, label, url in entries}
    assert by_label["Lamaran menunggu keputusan: Bazar Kembangan"][0] == 2
    assert by_label["Menunggu Sudin PPKUKM lebih dari 14 hari"][0] == 1
    assert "Sudah diajukan, menunggu sertifikat" not in by_label  # Cengkareng's only
    for count, label, url in entries:
        assert _listed(client, url) == count, label


def test_the_waiting_days_are_a_setting(client, settings):
    _world()
    settings.CERTIFICATE_WAITING_DAYS = 30
    client.force_login(admin_sudin())
    labels = [label for _c, label, _u in _entries(client)]
    assert not any(label.startswith("Menunggu Sudin PPKUKM") for label in labels)


def test_a_desk_with_nothing_waiting_says_so(client):
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:index")).content.decode()
    assert "Tidak ada yang menunggu Anda saat ini." in page


def test_a_pejabat_lands_on_the_report_not_the_admin(client):
    client.force_login(pejabat())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:city")
    assert client.get(reverse("staff_home"))["Location"] == reverse("reports:city")


def test_an_app_adds_its_queue_without_touching_the_home(client):
    """What the mentors and owners apps will do: a module registers a provider."""

    @worklist.register("tests.mentors_behind", title="Pendamping", order=5)
    def mentors_behind(user):
        yield worklist.Entry(label="Pendamping terlambat melapor", count=4, url="/admin/")

    try:
        client.force_login(admin_sudin())
        entries = _entries(client)
        assert (4, "Pendamping terlambat melapor", "/admin/") in entries
    finally:
        worklist._providers.pop("tests.mentors_behind")
    assert "tests.mentors_behind" not in worklist.registered_keys()


def test_every_app_module_is_found():
    assert {"bazaars.applications", "certifications.cases", "jobs.own"} <= set(
        worklist.registered_keys()
    )


def test_own_failed_jobs_are_counted_and_listed(client):
    from jobs.models import Job

    user = admin_sudin()
    other = admin_sudin()
    for owner in (user, other):
        Job.objects.create(
            requested_by=owner, kind="import", title="Impor peserta", runner="x", status="failed"
        )
    client.force_login(user)
    entries = {label: (count, url) for count, label, url in _entries(client)}
    count, url = entries["Gagal dalam 7 hari terakhir"]
    assert count == 1
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("Impor peserta") == 1


# --- The public header ------------------------------------------------------------------------


def _nav(html: str) -> str:
    return html[html.index('class="site-nav"') : html.index("</nav>")]


def test_the_public_header_knows_who_is_signed_in_on_cached_pages(client):
    from django.test import Client

    schedule = reverse("bazaars:schedule")
    visitor = Client(HTTP_X_FORWARDED_PROTO="https")
    first = _nav(visitor.get(schedule).content.decode())
    assert "Masuk" in first and "Keluar" not in first
    client.force_login(admin_sudin())
    for url in (schedule, reverse("home")):
        nav = _nav(client.get(url).content.decode())
        assert "Masuk" not in nav, url
        assert "Keluar" in nav and reverse("staff_home") in nav, url
    # The page the signed-in user was served came from the same cache entry: a visitor
    # after them still gets "Masuk".
    again = _nav(visitor.get(schedule).content.decode())
    assert "Masuk" in again and "Keluar" not in again


def test_signing_out_from_the_header_signs_out(client):
    client.force_login(admin_sudin())
    nav = _nav(client.get(reverse("home")).content.decode())
    assert f'action="{reverse("admin:logout")}"' in nav
    client.post(reverse("admin:logout"))
    assert "Masuk" in _nav(client.get(reverse("home")).content.decode())


def test_the_desk_costs_the_same_queries_for_one_bazaar_or_three(client, count_queries):
    """One query per count, whatever the number of bazaars waiting (no query per row)."""

    def desk_queries():
        with count_queries() as counted:
            assert client.get(reverse("admin:index")).status_code == 200
        return counted.count

    client.force_login(admin_sudin())
    client.get(reverse("admin:index"))  # session, groups and content types warmed up
    for title in ("Bazar Satu",):
        fair = bazaar(title=title, days=[timezone.localdate() + datetime.timedelta(30)])
        business = eligible_business(sector=sector("fesyen"))
        bazaar_services.participation_apply(actor=SYSTEM, bazaar=fair, business=business)
    one = desk_queries()
    for title in ("Bazar Dua", "Bazar Tiga"):
        fair = bazaar(title=title, days=[timezone.localdate() + datetime.timedelta(30)])
        business = eligible_business(sector=sector("fesyen"))
        bazaar_services.participation_apply(actor=SYSTEM, bazaar=fair, business=business)
    assert len([e for e in _entries(client) if e[1].startswith("Lamaran")]) == 3
    assert desk_queries() == one


def _owners_world():
    """Owners' requests in two kecamatan: a pending profile change and an open correction in
    each, one handled correction, one open deletion request."""
    from owners import services as owner_services
    from owners.signin import account_for

    made = {}
    for code in (GROGOL, CENGKARENG):
        business = eligible_business(kelurahan=kelurahan(code))
        user = account_for(business.owner).user
        owner_services.profile_edit_submit(
            actor=user, business=business, text={"description": "Kue basah"}, links={}
        )
        owner_services.correction_request_submit(
            actor=user, business=business, field="name", message="Nama saya Siti Aminah"
        )
        made[code] = (business, user)
    business, user = made[GROGOL]
    done = owner_services.correction_request_submit(
        actor=user, business=business, field="other", message="Alamat usaha pindah"
    )
    owner_services.correction_request_close(
        actor=admin_sudin(), request=done, status="done", note="Sudah diperbaiki"
    )
    owner_services.deletion_request_submit(actor=user, reason="Usaha tutup")


def test_owners_requests_join_the_desk_scoped_and_each_link_lists_exactly_them(client):
    _owners_world()
    client.force_login(admin_sudin())
    by_label = {label: (count, url) for count, label, url in _entries(client)}
    assert by_label["Perubahan profil menunggu ditinjau"][0] == 2
    assert by_label["Permintaan koreksi dari pemilik"][0] == 2
    assert by_label["Permintaan penghapusan data pribadi"][0] == 1
    for count, url in by_label.values():
        assert _listed(client, url) == count, url

    client.force_login(operator("31.73.02"))
    by_label = {label: (count, url) for count, label, url in _entries(client)}
    assert by_label["Perubahan profil menunggu ditinjau"][0] == 1
    assert by_label["Permintaan koreksi dari pemilik"][0] == 1
    assert "Permintaan penghapusan data pribadi" not in by_label  # erasure is Sudin's
    for count, url in by_label.values():
        assert _listed(client, url) == count, url
