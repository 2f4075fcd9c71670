import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from certifications import services
from certifications.models import CaseDocument
from config.actors import SYSTEM
from tests.certifications.factories import (
    VALID_NUMBERS,
    broken_png_bytes,
    elf_bytes,
    exe_bytes,
    jpeg_bytes,
    open_case,
    pdf_bytes,
    png_bytes,
    upload,
)
from tests.client import ProductionClient as Client
from tests.factories import BusinessFactory, UserFactory, admin_sudin, kelurahan, operator, pejabat

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return open_case(BusinessFactory(kelurahan=kelurahan("31.73.02.1002")), "pirt")


@pytest.fixture
def document(case):
    return services.document_attach(
        actor=SYSTEM, case=case, upload=upload("izin edar.pdf", pdf_bytes()), description="Formulir"
    )


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_pdf_is_stored_privately_under_a_random_name(case, document):
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name
    assert stored.read_bytes() == pdf_bytes()
    assert document.file.name.endswith(".pdf")
    assert "izin" not in document.file.name
    assert document.original_name == "izin edar.pdf"
    assert document.content_type == "application/pdf"
    assert not (Path(settings.MEDIA_ROOT) / document.file.name).exists()
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("content", "kind", "extension"),
    [(png_bytes(), "image/png", "png"), (jpeg_bytes(), "image/jpeg", "jpg")],
)
def test_images_are_accepted_by_content(case, content, kind, extension):
    document = services.document_attach(actor=SYSTEM, case=case, upload=upload("foto.jpg", content))
    assert document.content_type == kind
    assert document.file.name.endswith(f".{extension}")


def test_png_renamed_to_pdf_is_kept_as_the_png_it_is(case):
    document = services.document_attach(
        actor=SYSTEM, case=case, upload=upload("sertifikat.pdf", png_bytes(), "application/pdf")
    )
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sertifikat.pdf", b"Ini hanya teks biasa yang mengaku PDF.\n" * 10),
        ("sertifikat.pdf", elf_bytes()),
        ("sertifikat.pdf", exe_bytes()),
        ("setup.exe", exe_bytes()),
        ("foto.png", broken_png_bytes()),
        ("rusak.pdf", b"%PDF-1.4\n" + b"0" * 500),  # no %%EOF: truncated
        ("kosong.pdf", b""),
    ],
)
def test_files_that_are_not_real_pdf_jpeg_or_png_are_refused(case, name, content):
    with pytest.raises(ValidationError) as exc_info:
        services.document_attach(actor=SYSTEM, case=case, upload=upload(name, content))
    assert exc_info.value.message_dict["file"]
    assert not CaseDocument.objects.exists()
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


def test_executable_named_pdf_gets_a_clear_message(case):
    with pytest.raises(ValidationError) as exc_info:
        services.document_attach(actor=SYSTEM, case=case, upload=upload("x.pdf", exe_bytes()))
    assert "Hanya dokumen PDF, JPEG atau PNG" in exc_info.value.message_dict["file"][0]


def test_file_over_5_mb_is_refused(case):
    big = pdf_bytes()[:-6] + b"0" * (5 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(ValidationError) as exc_info:
        services.document_attach(actor=SYSTEM, case=case, upload=upload("besar.pdf", big))
    assert "lebih dari 5 MB" in exc_info.value.message_dict["file"][0]
    assert not CaseDocument.objects.exists()


def test_document_stays_attached_through_every_status_change(case, document):
    for status in ["referred", "submitted"]:
        services.case_transition(actor=SYSTEM, case=case, to_status=status)
    services.case_transition(
        actor=SYSTEM,
        case=case,
        to_status="issued",
        number=VALID_NUMBERS["pirt"],
        issued_on=datetime.date(2023, 3, 15),
    )
    services.case_transition(actor=SYSTEM, case=case, to_status="submitted", note="Perpanjangan")
    assert list(case.documents.all()) == [document]
    assert Path(settings.PRIVATE_MEDIA_ROOT, document.file.name).exists()


def test_document_is_served_to_admin_sudin_as_an_attachment(document):
    response = _client(admin_sudin()).get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_document_is_served_to_the_operator_of_its_kecamatan(document):
    response = _client(operator("31.73.02")).get(document.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize(
    "who",
    ["anonymous", "other_operator", "pejabat", "staff_without_role", "operator_without_kecamatan"],
)
def test_document_is_not_served_to_others(document, who):
    user = {
        "anonymous": lambda: None,
        "other_operator": lambda: operator("31.73.01"),
        "pejabat": pejabat,
        "staff_without_role": UserFactory,
        "operator_without_kecamatan": lambda: operator(None),
    }[who]()
    response = _client(user).get(document.get_absolute_url())
    # Signed out: the sign-in form (config.access), the same for any number; staff: 404.
    assert response.status_code == (302 if user is None else 404)
    assert document.original_name.encode() not in response.content


def test_document_url_is_not_under_media_or_static(document):
    url = document.get_absolute_url()
    assert not url.startswith(settings.MEDIA_URL)
    assert not url.startswith("/" + settings.STATIC_URL)
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018  (no public URL exists)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_document_removes_its_file():
    case = open_case(BusinessFactory(kelurahan=kelurahan("31.73.02.1002")), "pirt")
    document = services.document_attach(
        actor=SYSTEM, case=case, upload=upload("a.pdf", pdf_bytes())
    )
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name
    assert stored.exists()
    document.delete()
    assert not stored.exists()
