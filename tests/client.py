"""The test client the suite uses (the `client` fixture in tests/conftest.py)."""

from django.test import Client


class ProductionClient(Client):
    """A browser as production sees one (tests/settings.py: DEBUG off): through the reverse
    proxy over HTTPS (nginx sets X-Forwarded-Proto, deploy/nginx/umkm.conf), so HTTPS redirects
    and Secure cookies behave as on the server; and staff who sign in have passed the second
    factor (a confirmed TOTP device verified in the session, as django-otp's login does), which
    the admin demands with OTP_REQUIRED on. `force_login(user, second_factor=False)` signs in
    with the password only."""

    def __init__(self, **defaults):
        defaults.setdefault("HTTP_X_FORWARDED_PROTO", "https")
        super().__init__(**defaults)

    def force_login(self, user, backend=None, *, second_factor=True):
        super().force_login(user, backend)
        if second_factor and user.is_staff:
            self._verify_second_factor(user)

    def sign_in_to_admin(self, user, password, *, next_url="", **extra):
        """Post the admin's sign-in form as a person does: the password, and, when the admin
        asks for it (OTP_REQUIRED, on in production), the current code of the user's
        authenticator (a confirmed TOTP device, registered here if the user has none)."""
        from django.conf import settings
        from django_otp.oath import totp

        form = {"username": user.username, "password": password}
        if settings.OTP_REQUIRED:
            device = _totp_device(user)
            token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
            form.update(otp_device=device.persistent_id, otp_token=f"{token:06d}")
        path = "/admin/login/" + (f"?next={next_url}" if next_url else "")
        return self.post(path, form, **extra)

    def _verify_second_factor(self, user):
        from django_otp import DEVICE_ID_SESSION_KEY

        session = self.session
        session[DEVICE_ID_SESSION_KEY] = _totp_device(user).persistent_id
        session.save()


def _totp_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
