import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from certifications.models import CertificateType
from certifications.services import case_open
from config.actors import SYSTEM
from tests.factories import BusinessFactory, EnrolmentFactory, MentoringFactory, OwnerFactory
from umkm.models import Business, Owner, PersonalDataAccess


def _nik_of(owner):
    return Owner.objects.get(pk=owner.pk).nik


@pytest.mark.django_db
def test_pdp_export_gives_everything_held_with_processing_history():
    owner = OwnerFactory(full_name="Siti Rahmawati", phone="+6281234567890")
    business = BusinessFactory(owner=owner, name="Keripik Bu Siti")
    EnrolmentFactory(business=business, owner=owner)
    MentoringFactory(business=business, notes="Catatan pendampingan")
    case_open(
        actor=SYSTEM,
        business=business,
        cert_type=CertificateType.objects.get(code="pirt"),
        product="Keripik singkong",
    )
    out = StringIO()
    call_command("pdp_export", _nik_of(owner), stdout=out)
    data = json.loads(out.getvalue())
    assert data["owner"]["full_name"] == "Siti Rahmawati"
    assert data["owner"]["nik"] == owner.nik
    assert data["owner"]["phone"] == "+6281234567890"
    assert data["businesses"][0]["name"] == "Keripik Bu Siti"
    assert data["businesses"][0]["mentoring"][0]["notes"] == "Catatan pendampingan"
    assert len(data["trainings"]) == 1
    assert data["certificates"][0]["type"] == "SPP-IRT (PIRT)"
    assert data["certificates"][0]["history"][0]["to"] == "Dibutuhkan"
    assert data["processing_log"][-1]["action"] == "Ekspor akses subjek data"
    assert PersonalDataAccess.objects.filter(
        owner=owner, action=PersonalDataAccess.Action.SUBJECT_ACCESS
    ).exists()


@pytest.mark.django_db
def test_pdp_export_of_unknown_or_invalid_nik_is_refused():
    with pytest.raises(CommandError, match="Tidak ada pelaku usaha"):
        call_command("pdp_export", "3173024107850001")
    with pytest.raises(CommandError, match="NIK tidak valid"):
        call_command("pdp_export", "12345")


@pytest.mark.django_db
def test_pdp_anonymise_removes_personal_data_and_keeps_statistics():
    owner = OwnerFactory(full_name="Budi Santoso", phone="+6281299998888", address="Jl. Mawar 5")
    nik = _nik_of(owner)
    business = BusinessFactory(owner=owner, name="Bakso Pak Budi", nib="1234567890123")
    other = BusinessFactory()
    EnrolmentFactory(business=business, owner=owner)

    def stats():
        return sorted(
            Business.objects.values_list(
                "kelurahan__kecamatan_id", "sector__code", "binaan_since__year", "status"
            )
        )

    before = stats()
    with pytest.raises(CommandError, match="--yes"):
        call_command("pdp_anonymise", nik)
    call_command("pdp_anonymise", nik, "--yes", stdout=StringIO())

    owner.refresh_from_db()
    business.refresh_from_db()
    assert owner.full_name == "Anonim" and owner.phone == "" and owner.address == ""
    assert owner.nik == "" and owner.birth_date is None and owner.anonymised_at
    assert not Owner.objects.with_nik(nik).exists()
    assert business.name != "Bakso Pak Budi" and business.nib is None
    assert not business.public_consent
    assert stats() == before  # counts per kecamatan, sector, year, status unchanged
    assert business.enrolments.count() == 1
    assert Business.objects.get(pk=other.pk).name == other.name
    # Nothing of it is left in the history tables either.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM umkm_historicalowner WHERE full_name = %s OR phone = %s",
            ["Budi Santoso", "+6281299998888"],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM umkm_historicalbusiness WHERE name = %s", ["Bakso Pak Budi"]
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_opening_an_owner_in_admin_is_recorded_in_the_audit_trail(client):
    from tests.factories import admin_sudin, pejabat

    owner = OwnerFactory()
    staff = admin_sudin()
    client.force_login(staff)
    assert client.get(f"/admin/umkm/owner/{owner.pk}/change/").status_code == 200
    entry = PersonalDataAccess.objects.get(owner=owner)
    assert entry.user == staff and entry.action == PersonalDataAccess.Action.VIEW
    assert client.get("/admin/umkm/personaldataaccess/").status_code == 200
    # Pejabat sees no personal data, so its visit is not a personal-data access.
    client.force_login(pejabat())
    client.get(f"/admin/umkm/owner/{owner.pk}/change/")
    assert PersonalDataAccess.objects.filter(owner=owner).count() == 1
