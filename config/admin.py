from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from config.access import may_use_staff_pages


class PortalAdminSite(OTPAdminSite):
    """The admin. When settings.OTP_REQUIRED is on (production), staff sign in with a password
    AND the 6-digit code of their authenticator app (TOTP, django-otp); a session without a
    verified device has no access. Admin Sudin registers a staff member's TOTP device (admin →
    TOTP devices, which shows the QR code) before the first sign-in."""

    site_header = _("UMKM Binaan Portal")
    site_title = _("UMKM Binaan Portal")
    index_title = _("Administration")

    def __init__(self, name="admin"):
        super().__init__(name)

    # Read the setting on every sign-in, not once at import.
    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.OTP_REQUIRED else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.OTP_REQUIRED else None

    def has_permission(self, request):
        return may_use_staff_pages(request.user)  # the one staff-access rule (config.access)
