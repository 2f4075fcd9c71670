"""The object store (S3-compatible) unreachable: an upload is refused with a clear Indonesian
message and nothing is half-saved; pages that only show files still answer; a download says
what is wrong. The store is "S3" at a closed port, through the storage settings production
uses with STORAGE_BACKEND=s3 (django-storages, short botocore timeouts)."""

import socket
import time

import pytest
from django.urls import reverse

from bazaars.models import Bazaar
from certifications.models import CaseDocument
from tests.bazaars.factories import accepted, bazaar, public_business
from tests.certifications.factories import open_case, pdf_bytes, upload
from tests.factories import BusinessFactory, admin_sudin
from umkm.models import Business

pytestmark = pytest.mark.django_db

UNREACHABLE = "Penyimpanan berkas sedang tidak dapat dihubungi"


@pytest.fixture
def store_down(settings):
    from botocore.config import Config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    options = {
        "bucket_name": "umkm-media",
        "endpoint_url": f"http://127.0.0.1:{port}",
        "region_name": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "addressing_style": "path",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": False,
        # settings.py's defaults for an S3 store.
        "client_config": Config(
            connect_timeout=3, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"}
        ),
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "media"},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "location": "private"},
        },
    }


def _post_document(client, case, note: str):
    url = reverse("admin:certifications_certificatecase_change", args=[case.pk])
    page = client.get(url)
    prefixes = [fs.formset.prefix for fs in page.context["inline_admin_formsets"]]
    data = {"note": note, "halal_route": ""}
    for prefix in prefixes:
        data[f"{prefix}-TOTAL_FORMS"] = "1" if prefix == prefixes[1] else "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    history = prefixes[2]
    data[f"{history}-TOTAL_FORMS"] = data[f"{history}-INITIAL_FORMS"] = "1"
    data[f"{history}-0-id"] = str(case.transitions.get().pk)
    data[f"{history}-0-case"] = str(case.pk)
    data[f"{prefixes[1]}-0-file"] = upload("izin.pdf", pdf_bytes())
    data[f"{prefixes[1]}-0-description"] = "Sertifikat"
    return client.post(url, data)


def test_an_upload_is_refused_with_a_message_and_nothing_half_saved(store_down, client):
    case = open_case(BusinessFactory(), "halal")
    client.force_login(admin_sudin())
    started = time.monotonic()
    response = _post_document(client, case, note="Catatan yang tidak boleh tersimpan")
    assert time.monotonic() - started < 10  # short timeouts, not botocore's minute
    assert response.status_code == 503
    assert UNREACHABLE in response.text and "tidak disimpan" in response.text
    assert "Traceback" not in response.text
    case.refresh_from_db()
    assert case.note != "Catatan yang tidak boleh tersimpan"  # the whole change rolled back
    assert not CaseDocument.objects.filter(case=case).exists()


def test_pages_that_only_show_files_still_answer(store_down, client, settings):
    settings.BAZAAR_REQUIRE_FOOD_CERTIFICATE = False
    b = bazaar(title="Bazar September")
    poster = "0123456789abcdef0123456789abcdef.jpg"  # a name config.images gave
    Bazaar.objects.filter(pk=b.pk).update(poster=poster)
    business = public_business(name="Sambal Mak Ijah")
    Business.objects.filter(pk=business.pk).update(photo="umkm/2023/foto.jpg")
    accepted(b, business)
    for path in ("/", "/bazar/", f"/bazar/{b.slug}/", "/umkm/", f"/umkm/{business.slug}/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert f"/media/{poster}" in client.get(f"/bazar/{b.slug}/").text


def test_a_download_says_the_store_is_away(store_down, client):
    case = open_case(BusinessFactory(), "halal")
    document = CaseDocument.objects.create(
        case=case,
        file="dokumen/x.pdf",
        original_name="izin.pdf",
        content_type="application/pdf",
        size=10,
    )
    client.force_login(admin_sudin())
    response = client.get(reverse("certifications:document", args=[document.pk]))
    assert response.status_code == 503
    assert UNREACHABLE in response.text and "tidak dapat ditampilkan" in response.text
