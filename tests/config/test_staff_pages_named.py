"""Indonesian everywhere and every input named: per-row names in formsets (one renderer for the
whole portal), the admin's icons and search box in Indonesian, the 403 and CSRF pages in the
site's layout, languages in their own tongue, and the TOTP device admin in Indonesian and open
to Admin Sudin (whose permission a migration gives)."""

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import (
    BusinessFactory,
    EnrolmentFactory,
    TrainingFactory,
    UserFactory,
    admin_sudin,
    operator,
)
from umkm import roles

pytestmark = pytest.mark.django_db


def _named(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}"[^>]*aria-label="([^"]*)"', html)


def test_quick_entry_names_every_input_with_its_row(client):
    training = TrainingFactory()
    client.force_login(admin_sudin())
    html = client.get(reverse("admin:umkm_training_trainees", args=[training.pk])).content.decode()
    assert _named(html, "peserta-2-business_name") == ["Nama usaha, baris 3"]
    assert _named(html, "peserta-0-gender") == ["Jenis kelamin, baris 1"]
    inputs = re.findall(r'<(?:input|select)[^>]*name="peserta-\d+-[a-z_]+"[^>]*>', html)
    assert inputs and all("aria-label=" in tag for tag in inputs)
    # Two lines per trainee: no line holds more than five inputs.
    assert max(len(re.findall(r"<(?:input|select)", tr)) for tr in html.split("<tr")[1:]) <= 5


def test_tabular_inline_and_list_editing_name_every_input_with_its_row(client):
    business = BusinessFactory(name="Batik Kembangan")
    training = TrainingFactory()
    EnrolmentFactory(training=training, business=business)
    client.force_login(UserFactory(username="akar", is_superuser=True, is_staff=True))
    html = client.get(reverse("admin:umkm_training_change", args=[training.pk])).content.decode()
    assert _named(html, "enrolments-0-attended")[0].endswith(", baris 1")
    assert _named(html, "enrolments-__prefix__-attended")[0].endswith(", baris baru")
    listing = client.get(reverse("admin:umkm_sector_changelist")).content.decode()
    assert _named(listing, "form-1-order") == ["Urutan, baris 2"] or _named(
        listing, "form-1-order"
    )[0].endswith(", baris 2")


def test_admin_icons_and_search_box_speak_indonesian(client):
    client.force_login(UserFactory(username="akar", is_superuser=True, is_staff=True))
    TOTPDevice.objects.create(user=operator(), name="HP operator", confirmed=True)
    html = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert 'alt="Cari"' in html and 'alt="Search"' not in html
    assert 'alt="Ya"' in html
    assert not re.search(r'alt="(True|False|None)"', html)


def test_forbidden_page_is_in_the_sites_layout_and_indonesian(client):
    client.force_login(UserFactory(username="warga", is_staff=False))
    response = client.get(reverse("reports:city"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="id">' in html and "Akses ditolak" in html and "site-footer" in html
    assert "403 Forbidden" not in html


def test_csrf_failure_is_in_the_sites_layout_and_indonesian():
    browser = Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_PROTO="https")
    response = browser.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="id">' in html and "Formulir sudah kedaluwarsa" in html
    assert "Tidak ada yang disimpan" in html
    assert "CSRF" not in html


def test_language_switcher_names_each_language_in_its_own_tongue(client):
    html = client.get("/").content.decode()
    assert '<option value="id" lang="id" selected>Bahasa Indonesia</option>' in html
    assert '<option value="en" lang="en">English</option>' in html
    assert "Bahasa Inggris" not in html


def test_totp_device_pages_are_indonesian(client):
    client.force_login(admin_sudin())
    device = TOTPDevice.objects.create(user=operator(), name="HP operator", confirmed=True)
    html = client.get(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    ).content.decode()
    for indonesian in ("Kunci rahasia", "Langkah waktu (detik)", "Waktu mulai (T0)", "Staf"):
        assert indonesian in html, indonesian
    for english in (">Identity<", ">Key:", ">Step:", ">T0:", ">Digits:", "qrcode</a>"):
        assert english not in html, english
    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    assert "Kode QR perangkat autentikator" in config.content.decode()


def test_admin_sudin_without_the_device_permissions_gets_them_from_the_migration(client):
    """The 403: an Admin Sudin group without otp_totp's permissions (a database whose groups
    predate the grant and never saw the post_migrate sync). The migration gives them."""
    sudin = admin_sudin()
    group = Group.objects.get(name=roles.ADMIN_SUDIN)
    group.permissions.remove(*group.permissions.filter(content_type__app_label="otp_totp"))
    client.force_login(sudin)
    listing = reverse("admin:otp_totp_totpdevice_changelist")
    assert client.get(listing).status_code == 403

    migration = import_module("umkm.migrations.0021_admin_sudin_totp_devices")
    migration.forwards(django_apps, None)
    client.force_login(type(sudin).objects.get(pk=sudin.pk))
    assert client.get(listing).status_code == 200
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 200
