"""Uploads shown to the public (config/images.py) and private documents
(certifications/uploads.py): every file field of every model goes through one of them."""

import datetime
import io
import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from PIL import ExifTags, Image

from bazaars import services as bazaar_services
from certifications.models import CaseDocument
from certifications.uploads import check_document
from config import images
from config.actors import SYSTEM
from tests.bazaars.factories import VenueFactory, public_business
from tests.certifications.factories import open_case, pdf_bytes
from umkm import services
from umkm.models import Business

NIK = "3173024107850001"
UPLOADED_NAME = f"Foto_Rumah_Bu_Siti_{NIK}.jpg"


def photo_with_gps(size=(300, 200), orientation=6) -> bytes:
    """A JPEG with the camera's EXIF: GPS of the house, a maker, orientation 6 (rotate 90°)."""
    picture = Image.new("RGB", size, (200, 30, 30))
    picture.paste((20, 20, 220), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "KameraRumah"
    exif[ExifTags.Base.ImageDescription] = f"Rumah Bu Siti NIK {NIK}"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "S", 2: (6.0, 10.0, 5.0), 3: "E", 4: (106.0, 45.0, 30.0)})
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif.tobytes(), comment=f"NIK {NIK}".encode())
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it has GPS
    return data


def png_bytes(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name: str = UPLOADED_NAME) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def assert_clean(stored, *, longest: int | None = None):
    """The stored file and its sizes: random name, no metadata, within the sizes."""
    assert images.is_clean_name(stored.name), stored.name
    assert NIK not in stored.name and "Rumah" not in stored.name
    storage = stored.storage
    with storage.open(stored.name) as handle:
        data = handle.read()
    assert NIK.encode() not in data and b"KameraRumah" not in data
    picture = Image.open(io.BytesIO(data))
    assert len(picture.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(picture.info)
    assert max(picture.size) <= images.MAX_SIDE
    if longest:
        assert max(picture.size) == longest
    card = Image.open(storage.open(images.variant_name(stored.name, "card")))
    share = Image.open(storage.open(images.variant_name(stored.name, "share")))
    assert max(card.size) <= 640
    assert share.size == (1200, 630)
    assert len(card.getexif()) == 0 and len(share.getexif()) == 0
    return picture


# --- Every file field of every model ------------------------------------------------------

# File fields that are not public images: each with the check its only writer applies. Keep
# this short; a new public image field is a PublicImageField, not an entry here.
PRIVATE_DOCUMENTS = {
    "certifications.CaseDocument.file": check_document,
    # A mentor's visit photo: re-encoded by config.images, kept in the private storage, served
    # by the desk's scoped view only (tests/mentors/test_desk_scope.py).
    "umkm.Mentoring.photo": images.clean_image,
    # An owner's proposed photo until staff decide: re-encoded by config.images, private,
    # served by the review queue's scoped view (tests/owners/test_private_data.py).
    "owners.ProfileEdit.photo": images.clean_image,
}


def file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def test_every_file_field_is_a_public_image_or_a_checked_private_document():
    found = {f"{model._meta.label}.{field.name}": field for model, field in file_fields()}
    assert "umkm.Business.photo" in found and "bazaars.Bazaar.poster" in found
    unknown = [
        label
        for label, field in found.items()
        if not isinstance(field, images.PublicImageField) and label not in PRIVATE_DOCUMENTS
    ]
    assert unknown == [], "make these PublicImageField, or private with a content check"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field"),
    [pair for pair in file_fields() if isinstance(pair[1], images.PublicImageField)],
    ids=lambda x: getattr(x, "name", None) or x._meta.label,
)
def test_every_public_image_field_stores_through_the_rule(model, field):
    """The field's own machinery (validation at full_clean, then pre_save at save)."""
    instance = model()
    setattr(instance, field.name, upload(photo_with_gps()))
    value = getattr(instance, field.name)
    field.clean(value, instance)  # what full_clean() runs
    stored = field.pre_save(instance, add=True)  # what save() runs
    picture = assert_clean(stored, longest=300)
    assert picture.size == (200, 300)  # turned upright by its EXIF orientation
    # The left half was blue: after a 90° clockwise turn it is the top.
    assert picture.getpixel((100, 10))[2] > 150 and picture.getpixel((100, 290))[0] > 150

    bomb = model()
    setattr(bomb, field.name, upload(png_bytes((9400, 9400)), "poster.png"))
    with pytest.raises(ValidationError, match="juta piksel"):
        field.clean(getattr(bomb, field.name), bomb)


@pytest.mark.django_db
def test_private_documents_are_parsed_and_never_given_a_url():
    field = CaseDocument._meta.get_field("file")
    with pytest.raises(NotImplementedError):
        field.storage.url("x.pdf")
    business = public_business()
    case = open_case(business, "nib")
    from certifications import services as cert_services

    fake = b"%PDF-1.7\n" + b"not a pdf at all " * 50 + b"\n%%EOF\n"
    before = CaseDocument.objects.count()
    with pytest.raises(ValidationError, match="PDF rusak"):
        cert_services.document_attach(
            actor=SYSTEM, case=case, upload=SimpleUploadedFile("ktp.pdf", fake), description=""
        )
    with pytest.raises(ValidationError, match="juta piksel"):
        cert_services.document_attach(
            actor=SYSTEM,
            case=case,
            upload=SimpleUploadedFile("ktp.png", png_bytes((9400, 9400))),
            description="",
        )
    assert CaseDocument.objects.count() == before
    check_document(SimpleUploadedFile("ok.pdf", pdf_bytes()))


def test_a_password_protected_or_empty_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="kata sandi"):
        check_document(SimpleUploadedFile("x.pdf", out.getvalue()))
    empty = io.BytesIO()
    PdfWriter().write(empty)
    with pytest.raises(ValidationError, match="halaman"):
        check_document(SimpleUploadedFile("x.pdf", empty.getvalue()))


# --- The limits ---------------------------------------------------------------------------


def test_a_decompression_bomb_is_refused_from_its_header_quickly():
    data = png_bytes((9400, 9400))
    assert len(data) < 200_000  # small on disk ...
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="9400 x 9400") as refused:
        images.clean_image(ContentFile(data))
    assert time.perf_counter() - started < 0.5  # ... refused without decoding 88 Mpx
    assert refused.value.messages == [
        "Gambar berukuran 9400 x 9400 piksel: lebih dari 40 juta piksel, batas terbanyak."
    ]
    with pytest.raises(ValidationError, match="juta piksel"):
        images.clean_image(ContentFile(png_bytes((30000, 30000))))  # past Pillow's own guard


def test_too_many_bytes_not_an_image_or_another_format_is_refused():
    with pytest.raises(ValidationError, match="lebih besar dari 5"):
        images.clean_image(ContentFile(b"\xff\xd8" + b"0" * (6 * 1024 * 1024)))
    with pytest.raises(ValidationError, match="rusak atau bukan gambar"):
        images.clean_image(ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    tiff = io.BytesIO()
    Image.new("RGB", (10, 10)).save(tiff, "TIFF")
    with pytest.raises(ValidationError, match="Hanya gambar JPEG"):
        images.clean_image(ContentFile(tiff.getvalue()))


def test_a_large_photo_is_made_2000_px_with_a_card_and_a_share_size():
    cleaned = images.clean_image(ContentFile(photo_with_gps((4000, 3000), orientation=1)))
    assert (cleaned.width, cleaned.height) == (2000, 1500)
    assert Image.open(io.BytesIO(cleaned.card)).size == (640, 480)
    assert Image.open(io.BytesIO(cleaned.share)).size == (1200, 630)


def test_transparency_is_kept_as_png_and_flattened_for_sharing():
    logo = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 128, 0, 0)).save(logo, "PNG")
    cleaned = images.clean_image(ContentFile(logo.getvalue()))
    assert cleaned.extension == "png"
    assert Image.open(io.BytesIO(cleaned.share)).getpixel((600, 300)) == (255, 255, 255)


# --- Through the services and on the public pages ----------------------------------------


@pytest.mark.django_db
def test_a_refused_photo_saves_nothing_and_a_good_one_is_shown_clean(client):
    business = public_business(name="Warung Bu Siti")
    with pytest.raises(ValidationError) as refused:
        services.business_update(
            actor=SYSTEM, business=business, photo=upload(png_bytes((9400, 9400)), "x.png")
        )
    assert "juta piksel" in str(refused.value.message_dict["photo"])
    business.refresh_from_db()
    assert not business.photo
    assert not default_storage.exists("umkm")  # no file of it either

    services.business_update(actor=SYSTEM, business=business, photo=upload(photo_with_gps()))
    business.refresh_from_db()
    assert_clean(business.photo)
    page = client.get(reverse("bazaars:business", args=[business.slug])).content.decode()
    assert images.variant_name(business.photo.name, "share") in page  # og:image
    assert images.variant_name(business.photo.name, "card") in page  # <img src>
    assert NIK not in page and "Foto_Rumah" not in page


@pytest.mark.django_db
def test_a_bazaar_poster_through_the_service_is_clean(client):
    bazaar = bazaar_services.bazaar_create(
        actor=SYSTEM,
        title="Bazar Poster",
        venue=VenueFactory(),
        organiser="Sudin PPKUKM",
        booth_count=2,
        days=[(datetime.date(2023, 9, 25), datetime.time(9), datetime.time(21))],
        poster=upload(photo_with_gps((2600, 3600), orientation=1), f"poster_{NIK}.jpg"),
        publish=True,
    )
    assert_clean(bazaar.poster, longest=2000)
    page = client.get(bazaar.get_absolute_url()).content.decode()
    assert 'property="og:image"' in page and ".share.jpg" in page


# --- Files stored before the rule ---------------------------------------------------------


@pytest.mark.django_db
def test_clean_public_images_migrates_old_files_once():
    business = public_business(name="Warung Lama")
    old_name = default_storage.save(f"umkm/2023/{UPLOADED_NAME}", ContentFile(photo_with_gps()))
    Business.objects.filter(pk=business.pk).update(photo=old_name)
    business.history.update(photo=old_name)  # the history named it too
    broken = public_business(name="Warung Rusak")
    broken_name = default_storage.save("umkm/2023/rusak.jpg", ContentFile(b"not an image"))
    Business.objects.filter(pk=broken.pk).update(photo=broken_name)

    out = io.StringIO()
    call_command("clean_public_images", stdout=out)
    assert "cleaned 1, already clean 0, refused 1, missing 0" in out.getvalue()
    business.refresh_from_db()
    assert_clean(business.photo)
    assert not default_storage.exists(old_name)
    assert not business.history.filter(photo=old_name).exists()
    broken.refresh_from_db()
    assert broken.photo.name == broken_name and broken.photo.card_url == ""  # not shown

    again = io.StringIO()
    call_command("clean_public_images", stdout=again)
    assert "cleaned 0, already clean 1, refused 1, missing 0" in again.getvalue()
    assert Business.objects.get(pk=business.pk).photo.name == business.photo.name
