"""Staff sign-in in one step: username, password and, when the account has an authenticator
(TOTP) device, its 6-digit code, on one form, in one submit.

- A user with a confirmed TOTP device must give its code, whether OTP_REQUIRED is on or not:
  having a device means the account is protected by it.
- With OTP_REQUIRED on, an account without a device cannot sign in (Admin Sudin registers the
  device first, docs/DEPLOY.md).
- A wrong code counts as a failed sign-in for django-axes (the same lockout as a wrong
  password), on top of django-otp's own throttling of the device.
- The session is verified by the device that matched (django-otp's `user_logged_in` handler
  reads `user.otp_device`), so config.access lets it through.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp.forms import otp_verification_failed
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffSignInForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=12,
        help_text=_("The 6 digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        # Django's Indonesian text repeats the field's name ("nama pengguna nama pengguna").
        "invalid_login": _(
            "The username or password is wrong, or the account is not a staff account. "
            "Both fields are case-sensitive."
        ),
        "token_required": _("Enter the 6-digit code from your authenticator app."),
        "invalid_token": _("The code is wrong or has expired. Enter the code shown now."),
        "no_device": _(
            "This account has no authenticator device yet. Ask Admin Sudin to register one."
        ),
        "throttled": _("Too many wrong codes. Wait a minute and try again."),
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            self._check_code(user)
        return cleaned

    def _check_code(self, user) -> None:
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        if not devices:
            if settings.OTP_REQUIRED:
                raise self._refuse(user, "no_device")
            return
        token = "".join((self.cleaned_data.get("otp_token") or "").split())
        if not token:
            raise forms.ValidationError(
                self.error_messages["token_required"], code="token_required"
            )
        allowed = [d for d in devices if d.verify_is_allowed()[0]]
        if not allowed:
            raise self._refuse(user, "throttled")
        # Every device of this user is a TOTP device of the same person: the first that
        # accepts the code signs them in.
        device = next((d for d in allowed if d.verify_token(token)), None)
        if device is None:
            otp_verification_failed.send(sender=type(self), user=user)
            raise self._refuse(user, "invalid_token")
        user.otp_device = device

    def _refuse(self, user, code: str) -> forms.ValidationError:
        """A refusal after a right password: axes counts it like a wrong password."""
        user_login_failed.send(
            sender=__name__,
            credentials={"username": self.cleaned_data.get("username")},
            request=self.request,
        )
        self.user_cache = None
        return forms.ValidationError(self.error_messages[code], code=code)
