"""Every public page and every export, scanned for the NIK, phone, e-mail and home address of
every owner in the database: none may appear (UU PDP)."""

import io
import re
import zipfile
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.formats import date_format

from bazaars.models import Bazaar
from certifications.models import CaseStatus, CertificateCase
from tests.factories import admin_sudin, pejabat
from tests.worker import run_queued_tasks
from umkm.models import Owner
from umkm.validators import mask_nik

pytestmark = pytest.mark.django_db

SKIP = ("/admin", "/static", "/media", "/i18n", "/sertifikat/dokumen")


@pytest.fixture
def demo(settings):
    settings.BAZAAR_PUBLIC_CACHE = False
    call_command("seed_demo", businesses=120, seed=11, stdout=io.StringIO())


def _secrets() -> dict[str, str]:
    found = {}
    for owner in Owner.objects.all():
        found[owner.nik] = f"NIK of owner {owner.pk}"
        if owner.phone:
            found[owner.phone] = f"phone of owner {owner.pk}"
            found["0" + owner.phone[3:]] = f"phone (local form) of owner {owner.pk}"
        if owner.email:
            found[owner.email] = f"e-mail of owner {owner.pk}"
        if len(owner.address) >= 10:
            found[owner.address] = f"home address of owner {owner.pk}"
        found[mask_nik(owner.nik)] = f"masked NIK of owner {owner.pk}"
        if owner.birth_date:
            for shape in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
                found[owner.birth_date.strftime(shape)] = f"birth date of owner {owner.pk}"
            with translation.override("id"):
                found[date_format(owner.birth_date)] = f"birth date of owner {owner.pk}"
    return found


def _text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if content[:4] == b"PK\x03\x04":  # XLSX: the text lives in the XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(n).decode("utf-8", "replace")
                for n in archive.namelist()
                if n.endswith(".xml")
            )
    if content[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    text = content.decode("utf-8", "replace")
    return unescape(text) if "html" in kind else text


def _assert_clean(label: str, text: str, secrets: dict[str, str]) -> None:
    leaks = [what for secret, what in secrets.items() if secret and secret in text]
    assert not leaks, f"{label} shows {leaks[:5]}"


def _crawl(
    client, start: list[str], limit: int = 600, skip: tuple[str, ...] = SKIP
) -> dict[str, object]:
    seen, queue, pages = set(), list(start), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, path
        pages[path] = response
        if "html" in response.get("Content-Type", ""):
            for link in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
                link = unescape(link)
                if not link.startswith(skip) and link not in seen:
                    queue.append(link)
    return pages


def test_no_public_page_shows_any_owners_personal_data(client, demo):
    assert Bazaar.objects.exists()
    secrets = _secrets()
    assert len(secrets) > 100
    pages = _crawl(client, ["/", "/bazar/", "/umkm/", "/bazar/jadwal.ics", "/bazar/?tahun=2023"])
    assert any(p.startswith("/umkm/") and p.count("/") == 3 for p in pages)  # profiles reached
    assert any(p.endswith(".ics") for p in pages)
    for path, response in pages.items():
        _assert_clean(path, _text_of(response), secrets)


def test_no_report_or_export_shows_any_owners_personal_data(client, demo):
    secrets = _secrets()
    client.force_login(pejabat())
    dashboards = ["/laporan/?tahun=2023", "/laporan/kecamatan/31.73.02/?tahun=2023"]
    exports = set()
    for path in dashboards:
        response = client.get(path)
        assert response.status_code == 200
        _assert_clean(path, _text_of(response), secrets)
        exports |= {
            unescape(u)
            for u in re.findall(r'href="([^"]*/ekspor/[^"]*)"', response.content.decode())
        }
    assert any("/xlsx/" in u for u in exports) and any("/pdf/" in u for u in exports)
    assert sum("/csv/" in u for u in exports) >= 4
    for url in sorted(exports):
        response = client.get(url)
        if response.status_code == 302 and "/tugas/" in response["Location"]:
            # City-wide files are made by the worker: run it, then fetch the result.
            run_queued_tasks()
            response = client.get(response["Location"].rstrip("/") + "/unduh")
        assert response.status_code == 200, url
        _assert_clean(url, _text_of(response), secrets)

    client.force_login(admin_sudin())
    for bazaar in Bazaar.objects.all():
        for fmt in ("xlsx", "csv"):
            url = f"/admin/bazaars/bazaar/{bazaar.pk}/ekspor.{fmt}"
            response = client.get(url)
            assert response.status_code == 200, url
            _assert_clean(url, _text_of(response), secrets)
    needed = list(
        CertificateCase.objects.filter(status=CaseStatus.NEEDED).values_list("pk", flat=True)[:20]
    )
    response = client.post(
        "/admin/certifications/certificatecase/",
        {"action": "refer_to_sudin", "_selected_action": needed},
    )
    assert response.status_code == 200 and response.content[:2] == b"PK"
    _assert_clean("referral list", _text_of(response), secrets)


def test_no_admin_page_shows_a_pejabat_any_owners_personal_data(client, demo):
    """Every admin page a Pejabat reaches by its links (lists, filters, records, history):
    none shows an owner's NIK (masked or not), phone, e-mail, home address or birth date."""
    secrets = _secrets()
    assert any("birth date" in what for what in secrets.values())
    client.force_login(pejabat())
    skip = ("/static", "/media", "/i18n", "/sertifikat/dokumen", "/admin/logout")
    owners = Owner.objects.order_by("pk").values_list("pk", flat=True)[:5]
    start = ["/admin/", *(f"/admin/umkm/owner/{pk}/history/" for pk in owners)]
    pages = _crawl(client, start, limit=250, skip=skip)
    assert sum(p.startswith("/admin/umkm/owner/") for p in pages) > 10  # owners reached
    assert any("/history/" in p for p in pages)
    for path, response in pages.items():
        _assert_clean(path, _text_of(response), secrets)
