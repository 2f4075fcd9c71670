import time

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.middleware import SESSION_STARTED_KEY
from tests.factories import admin_sudin

PASSWORD = "kata-sandi-uji-123"


def _login(client, username, password, address="10.0.0.1"):
    user = User.objects.get(username=username)
    return client.sign_in_to_admin(user, password, next_url="/admin/", REMOTE_ADDR=address)


@pytest.mark.django_db
def test_password_shorter_than_12_or_common_is_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for bad in ("pendek123", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(bad)
    validate_password("Batik-Palmerah-2023-kuat")


@pytest.mark.django_db
def test_lockout_after_five_failures_for_that_username_and_address(client):
    user = admin_sudin()
    for _ in range(4):
        assert _login(client, user.username, "salah-sekali").status_code == 200
    assert _login(client, user.username, "salah-sekali").status_code == 429  # the 5th locks
    locked = _login(client, user.username, PASSWORD)  # even the right password now
    assert locked.status_code == 429
    assert "diblokir sementara" in locked.content.decode()


@pytest.mark.django_db
def test_lockout_does_not_block_the_same_user_from_another_address(client):
    user = admin_sudin()
    for _ in range(5):
        _login(client, user.username, "x", address="10.0.0.1")
    assert _login(client, user.username, PASSWORD, address="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_lockout_does_not_block_other_users_behind_the_same_office_address(client):
    victim = admin_sudin()
    colleague = admin_sudin()
    for _ in range(5):
        _login(client, victim.username, "x")
    assert _login(client, colleague.username, PASSWORD).status_code == 302


@pytest.mark.django_db
@override_settings(OTP_REQUIRED=True)
def test_two_factor_required_refuses_password_alone_and_accepts_totp(client):
    user = admin_sudin()
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    refused = client.post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD}
    )
    assert refused.status_code == 200  # back on the form
    assert client.get("/admin/").status_code == 302  # no access
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    accepted = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": user.username,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": f"{token:06d}",
        },
    )
    assert accepted.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@override_settings(OTP_REQUIRED=True)
def test_two_factor_required_denies_a_session_signed_in_without_device(client):
    client.force_login(admin_sudin(), second_factor=False)
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_session_ends_12_hours_after_sign_in_whatever_the_activity(client):
    client.force_login(admin_sudin())
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - 12 * 60 * 60 - 5
    session.save()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions(client):
    user = admin_sudin()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    assert Session.objects.count() == 1
    user.is_active = False
    user.save()
    assert Session.objects.count() == 0
    assert client.get("/admin/").status_code == 302


# --- One step, in Indonesian, to each role's home ----------------------------------------


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _sign_in(client, user, *, code="", next_url=None, address="10.0.0.9"):
    url = "/admin/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(
        url,
        {"username": user.username, "password": PASSWORD, "otp_token": code},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
@override_settings(OTP_REQUIRED=True)
def test_password_and_code_sign_in_in_one_submit(client):
    user = admin_sudin()
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    form = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' in form and "Kode autentikator" in form  # on the first form
    response = _sign_in(client, user, code=_code(device), next_url="/admin/")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/laporan/").status_code == 200  # the same verified session


@pytest.mark.django_db
@override_settings(OTP_REQUIRED=True)
def test_sign_in_messages_are_indonesian(client):
    user = admin_sudin()
    TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    missing = _sign_in(client, user).content.decode()
    assert "Masukkan kode 6 angka dari aplikasi autentikator Anda." in missing
    wrong = _sign_in(client, user, code="000000").content.decode()
    assert "Kode salah atau sudah kedaluwarsa." in wrong
    assert "Please select a device" not in wrong
    bad_password = client.post(
        "/admin/login/", {"username": user.username, "password": "salah", "otp_token": ""}
    ).content.decode()
    assert "Nama pengguna atau kata sandi salah" in bad_password
    assert "nama pengguna nama pengguna" not in bad_password.lower()
    assert client.get("/admin/").status_code == 302  # none of these signed in
    without = _sign_in(client, admin_sudin()).content.decode()
    assert "belum memiliki perangkat autentikator" in without


@pytest.mark.django_db
def test_a_device_is_asked_for_even_when_otp_is_not_required(client, settings):
    settings.OTP_REQUIRED = False
    user = admin_sudin()
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    assert _sign_in(client, user).status_code == 200
    assert _sign_in(client, user, code=_code(device)).status_code == 302


@pytest.mark.django_db
@override_settings(OTP_REQUIRED=True)
def test_wrong_codes_count_towards_the_lockout(client):
    user = admin_sudin()
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True, tolerance=0)
    device.throttling_failure_count = 0
    for _ in range(4):
        assert _sign_in(client, user, code="000000").status_code == 200
    assert _sign_in(client, user, code="000000").status_code == 429
    assert _sign_in(client, user, code=_code(device)).status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "home"),
    [("pejabat", "/laporan/"), ("admin_sudin", "/admin/"), ("operator", "/admin/")],
)
@pytest.mark.parametrize("next_url", [None, "https://penipu.example/curi", "//penipu.example/"])
def test_each_role_lands_on_its_home_and_a_refused_next_too(client, role, home, next_url):
    from tests import factories

    user = getattr(factories, role)()
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    response = _sign_in(client, user, code=_code(device), next_url=next_url)
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"] == home
    assert "/accounts/profile/" not in response["Location"]
    assert client.get(home).status_code == 200


# --- Admin Sudin gives staff their authenticator device --------------------------------------


@pytest.mark.django_db
def test_admin_sudin_registers_a_device_for_staff_but_never_sees_a_superusers(client):
    from django.urls import reverse

    from tests.factories import UserFactory, operator

    staff = operator()
    root = UserFactory(username="akar", is_superuser=True)
    root_device = TOTPDevice.objects.create(user=root, name="HP akar", confirmed=True)
    client.force_login(admin_sudin())
    add = reverse("admin:otp_totp_totpdevice_add")
    page = client.get(add)
    assert page.status_code == 200
    choices = {str(pk) for pk, _label in page.context["adminform"].form.fields["user"].choices}
    assert str(staff.pk) in choices and str(root.pk) not in choices
    response = client.post(
        add,
        {
            "user": staff.pk,
            "name": "HP operator",
            "key": "3132333435363738393031323334353637383930",
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "confirmed": "on",
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    device = TOTPDevice.objects.get(user=staff)
    for name in ("config", "qrcode", "change"):
        url = f"admin:otp_totp_totpdevice_{name}"
        assert client.get(reverse(url, args=[device.pk])).status_code == 200
        # Another's: 404 (the admin's change view sends an unknown id back to its index).
        assert client.get(reverse(url, args=[root_device.pk])).status_code in (302, 404)
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert "HP operator" in listing and "HP akar" not in listing
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_admin_sudin_can_give_a_mentor_a_device_but_not_an_owner_account(client):
    # The mentors' desk asks for the second factor (OTP_REQUIRED); mentors are not staff, so
    # the device form must offer them, and never an owner's account or a former mentor.
    from django.urls import reverse

    from owners.signin import account_for
    from tests.mentors.factories import mentor
    from tests.owners.factories import owner_business

    current = mentor()
    former = mentor()
    type(former).objects.filter(pk=former.pk).update(active=False)  # no longer works here
    owner_user = account_for(owner_business().owner).user
    client.force_login(admin_sudin())
    page = client.get(reverse("admin:otp_totp_totpdevice_add"))
    choices = {str(pk) for pk, _label in page.context["adminform"].form.fields["user"].choices}
    assert str(current.user.pk) in choices
    assert str(former.user.pk) not in choices and str(owner_user.pk) not in choices


@pytest.mark.django_db
def test_a_mentor_password_follows_the_password_rules():
    from django.core.exceptions import ValidationError

    from config.actors import SYSTEM
    from mentors import services
    from umkm.models import Kecamatan

    with pytest.raises(ValidationError) as refused:
        services.mentor_create(
            actor=SYSTEM,
            username="pendamping-lemah",
            full_name="Pendamping Lemah",
            kecamatan=[Kecamatan.objects.get(code="31.73.02")],
            password="12345678",
        )
    assert "password" in refused.value.message_dict
    assert not User.objects.filter(username="pendamping-lemah").exists()
