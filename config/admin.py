import re
from functools import update_wrapper

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from config import params

FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,60}")
DATE_PARTS = {"__year": params.year, "__month": params.month, "__day": params.day}


def _has_bad_date_part(request) -> bool:
    for key in request.GET:
        for suffix, parse in DATE_PARTS.items():
            if key.endswith(suffix):
                try:
                    parse(request.GET[key], name=key)
                except params.BadParameter:
                    return True
    return False


def _check_to_field(request) -> None:
    """An empty ?_to_field= passes Django's own check (it tests truthiness) and then looks up
    a field named "": a 500. Anything but a field's name is a 400 here."""
    for query in (request.GET, request.POST if request.method == "POST" else {}):
        value = query.get(TO_FIELD_VAR)
        if value is not None and not FIELD_NAME.fullmatch(value):
            raise params.BadParameter(
                TO_FIELD_VAR,
                gettext("The value of “%(name)s” is not a field name.") % {"name": TO_FIELD_VAR},
            )


def _unfiltered(request):
    messages.warning(
        request,
        gettext(
            "The list cannot be filtered by a value in the address; it is shown without "
            "that filter."
        ),
    )
    return HttpResponseRedirect(request.path)


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

    def admin_view(self, view, cacheable=False):
        """Every admin view, with its list filters' values read through config.params first:
        a bad year, month or day of the date hierarchy (which would overflow `datetime`) and
        any filter Django itself cannot use (its "?e=1" redirect to a "Database error" page)
        become a message above the unfiltered list."""
        inner = super().admin_view(view, cacheable)

        def checked(request, *args, **kwargs):
            _check_to_field(request)
            if _has_bad_date_part(request):
                return _unfiltered(request)
            response = inner(request, *args, **kwargs)
            if response.status_code == 302 and response.get("Location") == (
                f"{request.path}?{ERROR_FLAG}=1"
            ):
                return _unfiltered(request)
            return response

        return update_wrapper(checked, inner)

    def has_permission(self, request):
        if settings.OTP_REQUIRED:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
