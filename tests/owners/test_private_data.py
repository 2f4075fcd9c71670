"""What an owner sends staff stays private until staff decide on it: a NIK typed into a
correction request (encrypted, read only by staff allowed to see NIKs) and a proposed photo
(private storage, served to the queue's staff by its own view, gone once decided)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from owners.models import CorrectionRequest, ProfileEdit, ReviewStatus
from tests.client import ProductionClient
from tests.factories import admin_sudin, operator, sector
from tests.owners.factories import owner_business, signed_in

pytestmark = pytest.mark.django_db

NIK = "3173024107850001"


@pytest.fixture
def mine():
    return owner_business(name="Kue Bu Siti", slug="kue-bu-siti", sector=sector("fesyen"))


def _staff(user):
    client = ProductionClient()
    client.force_login(user)
    return client


def _jpeg(colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(out, "JPEG")
    return SimpleUploadedFile(f"Foto_Rumah_{NIK}.jpg", out.getvalue(), content_type="image/jpeg")


def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_nik_correction_is_kept_encrypted_and_read_only_with_view_nik(client, mine):
    signed_in(client, mine.owner)
    client.post(
        f"/usaha-saya/{mine.pk}/koreksi/",
        {"field": "nik", "message": f"NIK saya yang benar {NIK}"},
    )
    client.post(f"/usaha-saya/{mine.pk}/koreksi/", {"field": "nib", "message": "NIB 1234567890123"})
    nik_request = CorrectionRequest.objects.get(business=mine, field="nik")
    nib_request = CorrectionRequest.objects.get(business=mine, field="nib")
    with connection.cursor() as cursor:  # nothing of it in the clear, in any column
        cursor.execute(
            "SELECT count(*) FROM owners_correctionrequest WHERE message LIKE %s"
            " OR position(%s::bytea in coalesce(message_ciphertext, ''::bytea)) > 0",
            [f"%{NIK}%", NIK.encode()],
        )
        assert cursor.fetchone()[0] == 0
    assert nik_request.text == f"NIK saya yang benar {NIK}"

    # An operator of the business's kecamatan handles the request but has no umkm.view_nik:
    # they see that a NIK correction exists, not what it says.
    page = _staff(operator("31.73.02")).get(
        f"/admin/owners/correctionrequest/{nik_request.pk}/change/"
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert NIK not in body and NIK[-6:] not in body
    assert "NIK" in body
    nib_page = _staff(operator("31.73.02")).get(
        f"/admin/owners/correctionrequest/{nib_request.pk}/change/"
    )
    assert "NIB 1234567890123" in nib_page.content.decode()  # other corrections as before

    sudin = _staff(admin_sudin()).get(f"/admin/owners/correctionrequest/{nik_request.pk}/change/")
    assert NIK in sudin.content.decode()


def test_an_unreviewed_photo_is_private_and_shown_to_its_queue_only(
    client, mine, tmp_path, django_capture_on_commit_callbacks
):
    signed_in(client, mine.owner)
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            f"/usaha-saya/{mine.pk}/profil/", {"description": "Kue basah", "photo": _jpeg()}
        )
    assert posted.status_code == 302
    edit = ProfileEdit.objects.get(business=mine, status=ReviewStatus.PENDING)
    assert edit.photo and NIK not in edit.photo.name
    with pytest.raises(NotImplementedError):
        edit.photo.url  # noqa: B018 - a private file has no URL
    assert _files(tmp_path / "media") == []  # nothing in the public storage
    assert len(_files(tmp_path / "private")) == 1

    url = f"/admin/owners/profileedit/{edit.pk}/foto/"
    shown = _staff(operator("31.73.02")).get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert "no-store" in shown["Cache-Control"]
    assert (
        url
        in _staff(admin_sudin())
        .get(f"/admin/owners/profileedit/{edit.pk}/change/")
        .content.decode()
    )
    assert _staff(operator("31.73.01")).get(url).status_code == 404  # another kecamatan
    assert ProductionClient().get(url).status_code == 302  # to the sign-in form
    assert client.get(url).status_code in (302, 403)  # the owner is not staff

    with django_capture_on_commit_callbacks(execute=True):
        approved = _staff(admin_sudin()).post(
            f"/admin/owners/profileedit/{edit.pk}/change/", {"decision": "approve", "note": ""}
        )
    assert approved.status_code == 302
    mine.refresh_from_db()
    edit.refresh_from_db()
    assert mine.photo and mine.photo.card_url  # public now, through the public-image rule
    assert not edit.photo and _files(tmp_path / "private") == []


def test_a_replaced_or_rejected_proposal_keeps_no_photo(
    client, mine, tmp_path, django_capture_on_commit_callbacks
):
    signed_in(client, mine.owner)
    for colour in [(200, 0, 0), (0, 200, 0), (0, 0, 200)]:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/usaha-saya/{mine.pk}/profil/", {"description": "x", "photo": _jpeg(colour)}
            )
    # One pending proposal per business (held by the database), so one unreviewed photo.
    assert ProfileEdit.objects.filter(business=mine, status=ReviewStatus.PENDING).count() == 1
    assert not ProfileEdit.objects.filter(status=ReviewStatus.SUPERSEDED).exclude(photo="")
    assert len(_files(tmp_path / "private")) == 1

    edit = ProfileEdit.objects.get(status=ReviewStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        _staff(admin_sudin()).post(
            f"/admin/owners/profileedit/{edit.pk}/change/",
            {"decision": "reject", "note": "Foto buram."},
        )
    edit.refresh_from_db()
    assert edit.status == ReviewStatus.REJECTED and not edit.photo
    assert _files(tmp_path / "private") == []
    assert _files(tmp_path / "media") == []


def test_the_photo_page_refuses_a_role_without_the_queue(mine):
    from tests.factories import pejabat

    edit = ProfileEdit.objects.create(business=mine, proposed={}, photo="usulan/x.jpg")
    assert _staff(pejabat()).get(f"/admin/owners/profileedit/{edit.pk}/foto/").status_code == 403


def test_the_migration_moves_pending_photos_out_of_the_public_storage(mine, tmp_path):
    """Proposals made before photos were private: a pending one's file moves to the private
    storage, a decided one's file goes, unless the business shows it (approved)."""
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage, storages

    migration = importlib.import_module(
        "owners.migrations.0002_private_proposal_photos_encrypted_nik_corrections"
    )
    names = {
        status: default_storage.save(f"usulan/2025/{status}.jpg", ContentFile(b"jpeg"))
        for status in ["pending", "rejected", "approved"]
    }
    rows = {}
    for status, name in names.items():
        rows[status] = ProfileEdit.objects.create(
            business=mine, proposed={}, photo=name, status=status, reason="r"
        )
    type(mine).objects.filter(pk=mine.pk).update(photo=names["approved"])
    migration.move_proposal_photos(apps, None)
    for row in rows.values():
        row.refresh_from_db()
    assert not default_storage.exists(names["pending"])
    assert not default_storage.exists(names["rejected"])
    assert default_storage.exists(names["approved"])  # the business's own photo now
    assert rows["pending"].photo and storages["private"].exists(rows["pending"].photo.name)
    assert not rows["rejected"].photo and not rows["approved"].photo
