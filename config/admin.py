from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.access import may_use_staff_pages
from config.signin import StaffSignInForm


class PortalAdminSite(AdminSite):
    """The admin. Every view of it asks the one staff-access rule (config.access): signed in,
    active, staff and, when settings.OTP_REQUIRED is on (production), verified by the 6-digit
    code of their authenticator app (TOTP, django-otp) in this session. Staff sign in with
    username, password and code on one form (config.signin); Admin Sudin registers a staff
    member's TOTP device (admin → TOTP devices, which shows the QR code) before the first
    sign-in."""

    site_header = _("UMKM Binaan Portal")
    site_title = _("UMKM Binaan Portal")
    index_title = _("Administration")
    login_form = StaffSignInForm
    login_template = "registration/staff_login.html"

    def has_permission(self, request):
        return may_use_staff_pages(request.user)

    def login(self, request, extra_context=None):
        """Django's admin sign-in, but after it each role lands on its own home
        (settings.LOGIN_REDIRECT_URL, config.views.staff_home) unless a safe `next` is given:
        the admin no longer puts its own index in `next`, and a refused `next` (another host)
        falls back to that home, never to /accounts/profile/."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("staff_home"))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return LoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form,
            template_name=self.login_template,
            redirect_field_name=REDIRECT_FIELD_NAME,
        )(request)
