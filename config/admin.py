import re
from functools import update_wrapper

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config import params
from config.access import may_use_staff_pages
from config.signin import StaffSignInForm

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


class PortalAutocompleteView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(obj))
        return result


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
    index_template = "admin/portal_index.html"
    login_form = StaffSignInForm
    login_template = "registration/staff_login.html"

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
        return may_use_staff_pages(request.user)

    def autocomplete_view(self, request):
        """Django's autocomplete, each result labelled by the target admin's
        `autocomplete_label(obj)` when it has one (a kelurahan with its kecamatan)."""
        return PortalAutocompleteView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        """The staff desk: what waits for this user (config.worklist), above the tables. A role
        whose home is elsewhere (Pejabat: the report) is sent there."""
        from config.worklist import sections_for
        from umkm.roles import STAFF_HOME, home_url_name

        home = home_url_name(request.user)
        if home != STAFF_HOME:
            return HttpResponseRedirect(reverse(home))
        context = {"worklist": sections_for(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)

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
