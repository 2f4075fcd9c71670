"""The one staff-access rule, and where it is applied.

Every page for signed-in staff (the admin, the reports, the job pages, the certificate
documents, and whatever page is added next) opens only to a user who is signed in, active,
`is_staff`, and, when settings.OTP_REQUIRED is on, verified by their authenticator code in this
session (django-otp). A session signed in with a password alone is sent back to the sign-in
form, whatever the page.

Applied in three places, all asking `may_use_staff_pages`:
- `StaffAccessMiddleware`: every view is a staff view unless its URL name is in PUBLIC_VIEWS,
  so a new view cannot forget the rule. The admin site's own views are left to the admin site;
- `config.admin.PortalAdminSite.has_permission`, which guards every admin view;
- `staff_required`, the same rule as a decorator, on the staff views themselves (so that a
  view read on its own says what it needs).

What a staff member may then see (rows, fields, kecamatan) is each app's permissions.py.

Desks: a role that is not staff (mentors, business owners) has its own pages under one URL
namespace, guarded by that app's own rule instead (`register_desk`, called from the app's
AppConfig.ready). The middleware asks the desk's rule for every view of the namespace, so a
desk page cannot forget it either; a desk user is not `is_staff` and so never passes the
staff rule above.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def may_use_staff_pages(user) -> bool:
    """Signed in, active, staff, and OTP-verified when OTP_REQUIRED is on."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if settings.OTP_REQUIRED:
        is_verified = getattr(user, "is_verified", None)
        return bool(is_verified and is_verified())
    return True


def refuse(request):
    """Not signed in, or signed in without the code: the sign-in form, then back here. A
    signed-in user who is not staff: 403 (the same for every URL, so nothing is told)."""
    user = request.user
    if not user.is_authenticated or (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    raise PermissionDenied


def staff_required(view):
    """The staff-access rule on one view."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_use_staff_pages(request.user):
            return refuse(request)
        return view(request, *args, **kwargs)

    return wrapped


# The pages open to everyone, by URL name: the only list of them. A page not named here is a
# staff page (tests/security/test_staff_access.py walks the URLconf against this list).
PUBLIC_VIEWS = frozenset(
    {
        "home",
        "healthz",
        "favicon",  # a redirect to the static icon
        "set_language",  # the language switcher (django.conf.urls.i18n)
        "javascript_catalog",  # the translations of the portal's scripts
        "admin:login",  # the sign-in form, and signing out
        "admin:logout",
        "bazaars:schedule",
        "bazaars:ical_feed",
        "bazaars:ical",
        "bazaars:detail",
        "bazaars:directory",
        "bazaars:business",
        "owners:signin",  # the business owners' sign-in with a one-time code
        "owners:code",
        "mentors:signin",  # the mentor desk's own sign-in form, and signing out
        "mentors:signout",
    }
)


@dataclass(frozen=True)
class Desk:
    """A non-staff role's pages: every view in `namespace` answers only when `allows(user)`;
    otherwise `refuse(request)` (e.g. to the desk's own sign-in page, or a 403)."""

    namespace: str
    allows: Callable[[object], bool]
    refuse: Callable[[object], object]


DESKS: dict[str, Desk] = {}


def register_desk(desk: Desk) -> None:
    DESKS[desk.namespace] = desk


def desk_of(request) -> Desk | None:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.namespaces:
        return None
    return DESKS.get(match.namespaces[0])


def is_public(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in PUBLIC_VIEWS


def is_admin_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.app_names[:1] == ["admin"]


class StaffAccessMiddleware:
    """Default deny: a view not named in PUBLIC_VIEWS (and not the admin site's, which applies the
    same rule itself) answers only to `may_use_staff_pages`, or, in a desk's namespace, only to
    that desk's rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public(request):
            return None
        if is_admin_view(request):
            return None  # PortalAdminSite.has_permission: the same rule, on every admin view
        desk = desk_of(request)
        if desk is not None:
            return None if desk.allows(request.user) else desk.refuse(request)
        if may_use_staff_pages(request.user):
            return None
        return refuse(request)
