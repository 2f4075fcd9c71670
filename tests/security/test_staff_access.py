"""The one staff-access rule (config.access), proved on the whole URLconf.

Every URL pattern Django resolves (includes and the admin expanded) is requested with its
parameters filled from real objects. Only the pages named in config.access.PUBLIC_VIEWS may
answer 2xx to a signed-out visitor; none answers 2xx to a password-only session of a
superuser who has a TOTP device while OTP_REQUIRED is on. The same session verified by its
code opens them (so the walk reaches real pages, and the test can fail). A page added next is
a staff page here until it is named public.
"""

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bazaars.models import Bazaar, BazaarDay, Participation
from certifications.models import CaseDocument
from config.access import PUBLIC_VIEWS
from jobs.models import Job
from tests.factories import UserFactory
from tests.security.test_admin_doors import world  # noqa: F401  (the fixture)
from umkm.models import Business, Mentoring

pytestmark = pytest.mark.django_db


@dataclass
class Route:
    pieces: list  # the patterns from the root down to this one
    name: str | None  # namespaced URL name
    model: type | None  # the admin's model, for admin object URLs


def _routes(resolver=None, pieces=(), namespaces=(), model=None) -> list[Route]:
    resolver = resolver or get_resolver()
    models = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    out = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            here = models.get(str(entry.pattern)) if namespaces == ("admin",) else None
            out += _routes(entry, (*pieces, entry.pattern), spaces, here or model)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            out.append(Route([*pieces, entry.pattern], name, model))
    return out


def _object(route: Route, user):
    """The real object a route's id stands for."""
    if route.model is not None:
        return route.model._default_manager.order_by("pk").first()
    return {
        "certifications:document": lambda: CaseDocument.objects.first(),
        "admin:view_on_site": lambda: Business.objects.first(),
        # The mentors' desk (its own rule, config.access.DESKS) and Sudin's pages of the loop.
        "mentors:business": lambda: Business.objects.first(),
        "mentors:report_new": lambda: Business.objects.first(),
        "mentors:report": lambda: Mentoring.objects.first(),
        "mentors:report_edit": lambda: Mentoring.objects.first(),
        "mentors:photo": lambda: Mentoring.objects.first(),
        "mentors_staff:suggestion": lambda: Business.objects.first(),
    }[route.name]()


def _values(route: Route, name, user) -> list[str]:
    """The values to try for one parameter (a converter's name or a regex group)."""
    obj = lambda: _object(route, user)  # noqa: E731

    def pk():  # an empty table (e.g. no failed sign-in yet): an id that does not exist
        found = obj()
        return found.pk if found is not None else 0

    fill = {
        "object_id": lambda: [pk()],
        "pk": lambda: [pk()],
        "id": lambda: [pk()],
        "training_id": lambda: [pk()],
        "business_id": lambda: [Business.objects.order_by("pk").first().pk],
        "participation_id": lambda: [Participation.objects.order_by("pk").first().pk],
        1: lambda: [pk()],  # simple_history's ^([^/]+)/history/([^/]+)/$
        2: lambda: [obj().history.order_by("-history_id").first().history_id],
        "day": lambda: [BazaarDay.objects.filter(bazaar=obj()).first().pk],
        "fmt": lambda: ["xlsx", "csv", "pdf"],
        "code": lambda: ["31.73.02"],
        "job_id": lambda: [Job.objects.filter(requested_by=user).first().pk],
        "content_type_id": lambda: [ContentType.objects.get_for_model(Business).pk],
        "slug": lambda: (
            [Bazaar.objects.first().slug]
            if route.name.startswith("bazaars:ical")
            or route.name in ("bazaars:detail", "owners:apply", "owners:bazaar")
            else [Business.objects.first().slug]
        ),
        "app_label": lambda: sorted({m._meta.app_label for m in admin.site._registry}),
        "url": lambda: ["tidak-ada/"],
    }
    if name not in fill:
        raise KeyError(f"teach test_staff_access how to fill {name!r} of {route.name}")
    values = fill[name]()
    return [str(v) for v in values]


def _piece_urls(piece, route: Route, user) -> list[str]:
    if hasattr(piece, "converters"):  # path()
        text, names = str(piece), list(piece.converters)
        pattern = r"<(?:\w+:)?(\w+)>"
    else:  # re_path(): named groups by name, the others by number
        text = str(piece).lstrip("^").rstrip("$")
        names = []
        pattern = r"\((?:\?P<(\w+)>)?[^)]*\)"
        for number, match in enumerate(re.finditer(pattern, text), start=1):
            names.append(match.group(1) or number)
    urls = [text]
    for name in names:  # earlier parameters are filled: the next one is the first left
        values = _values(route, name, user)
        urls = [re.sub(pattern, v, u, count=1) for u in urls for v in values]
    return urls


def _urls(route: Route, user) -> list[str]:
    urls = ["/"]
    for piece in route.pieces:
        urls = [u + p for u in urls for p in _piece_urls(piece, route, user)]
    return urls


def _walk(user) -> list[tuple[Route, str]]:
    return [(route, url) for route in _routes() for url in _urls(route, user)]


@pytest.fixture
def superuser_with_device():
    user = UserFactory(username="akar", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    Job.objects.create(requested_by=user, kind="report-city-xlsx", title="Laporan kota")
    return user, device


def _open(status: int) -> bool:
    return 200 <= status < 300


def test_every_public_name_is_a_route_of_the_urlconf():
    names = {route.name for route in _routes()}
    assert PUBLIC_VIEWS - names == set()


def test_signed_out_visitors_get_no_staff_page(client, world, superuser_with_device):  # noqa: F811
    user, _device = superuser_with_device
    opened, public_open = [], set()
    walked = _walk(user)
    assert len(walked) > 150
    for route, url in walked:
        status = client.get(url).status_code
        assert status < 500, (url, status)
        if route.name in PUBLIC_VIEWS:
            public_open |= {route.name} if _open(status) else set()
        elif _open(status):
            opened.append((url, status))
    assert opened == []
    assert {"home", "healthz", "admin:login", "bazaars:schedule", "bazaars:detail"} <= public_open


def test_password_only_session_gets_no_staff_page_while_otp_is_required(
    client,
    settings,
    world,  # noqa: F811
    superuser_with_device,
):
    settings.OTP_REQUIRED = True
    user, device = superuser_with_device
    client.force_login(user, second_factor=False)  # the password, and no code
    staff_pages = [(r, u) for r, u in _walk(user) if r.name not in PUBLIC_VIEWS]
    opened = [(u, s) for _r, u in staff_pages if _open(s := client.get(u).status_code)]
    assert opened == []

    session = client.session  # the same session, now verified by the device (as after a code)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    verified = sum(_open(client.get(u).status_code) for _r, u in staff_pages)
    assert verified > 100, "the walk should reach real staff pages once verified"


@override_settings(ROOT_URLCONF="tests.security.urls")
def test_a_new_view_without_any_decorator_is_a_staff_page(client, settings):
    """tests.security.urls adds /boom/, a bare view nobody marked: the middleware holds it."""
    response = client.get("/boom/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/boom/")
    settings.OTP_REQUIRED = True
    user = UserFactory(username="hanya-sandi")
    TOTPDevice.objects.create(user=user, name="HP", confirmed=True)
    client.force_login(user, second_factor=False)
    assert client.get("/boom/")["Location"].startswith("/admin/login/?next=/boom/")
    client.force_login(UserFactory(username="bukan-staf", is_staff=False))
    assert client.get("/boom/").status_code == 403
