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
