"""Hostile requests to every URL pattern of the URLconf (shared by the fuzz test and
bench/fuzz.py).

The URL patterns are walked from `django.urls.get_resolver()` (admin included), so a view
added later is fuzzed without anyone listing it. Each pattern is requested with its path
parameters filled with real values (an object of the admin's model, a published bazaar's slug,
a kecamatan code ...) and with hostile ones, and with a query string whose parameters (every
name a view or admin filter of the portal reads, and each admin's own filter parameters) carry
hostile values. Values are picked by a seeded generator: the same run every time.
"""

import datetime
import random
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

HOSTILE = [
    "²",  # str.isdigit() is True, int() refuses it
    "٣",  # Arabic-Indic three: int() accepts it
    "１２",  # full-width digits
    "\x00",
    "12\x00",
    "-1",
    "0",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    str(10**30),
    "1e5",
    "NaN",
    "A" * 5000,
    "' OR 1=1 --",
    "1; DROP TABLE umkm_owner; --",
    "2023-02-30",
    "0000-00-00",
    "99999-12-31",
    "31.73.02'--",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%",
    " ",
    "",
    "🙂",
    "3173024107850001",
]

# Every query parameter a page of the portal reads (views, selectors, admin pages), besides
# the admin's own filters which are read from each ModelAdmin below.
QUERY_NAMES = [
    "tahun",
    "bulan",
    "halaman",
    "mendatang",
    "kecamatan",
    "kelurahan",
    "sektor",
    "q",
    "dari",
    "sampai",
    "tabel",
    "baris",
    "angkatan",
    "kedaluwarsa",
    "p",
    "o",
    "e",
    "all",
    "page",
    "next",
    "_changelist_filters",
    "_popup",
    "app_label",
    "model_name",
    "field_name",
    "term",
]


def _route_text(pattern) -> str:
    return str(pattern.pattern)


@dataclass
class Route:
    """One URL pattern with the admin it belongs to, if any."""

    parts: list  # the pattern objects from the root down to this URLPattern
    model_admin: object = None

    @property
    def name(self) -> str:
        return "".join(_route_text(p) for p in self.parts)

    def params(self) -> list:
        """Parameter names (converters or named groups), or group numbers."""
        found = []
        for part in self.parts:
            route = part.pattern
            if isinstance(route, RoutePattern):
                found += [(name, type(conv).__name__) for name, conv in route.converters.items()]
            else:
                regex = route.regex
                if regex.groupindex:
                    found += [(name, "regex") for name in sorted(regex.groupindex)]
                else:
                    found += [(n, "regex") for n in range(1, regex.groups + 1)]
        return found

    def fill(self, values: dict) -> str:
        """The URL with each parameter's (percent-encoded) value put in."""
        out = "/"
        for part in self.parts:
            route = part.pattern
            text = str(route)
            if isinstance(route, RoutePattern):
                text = re.sub(
                    r"<(?:\w+:)?(\w+)>", lambda m: quote(str(values[m.group(1)]), safe=""), text
                )
            else:
                text, number = text.lstrip("^").rstrip("$"), 0

                def group(match):
                    nonlocal number
                    number += 1
                    name = re.match(r"\(\?P<(\w+)>", match.group(0))
                    return quote(str(values[name.group(1) if name else number]), safe="")

                text = re.sub(r"\((?:\?P<\w+>)?[^)]*\)", group, text)
                text = text.replace("\\", "")
            out += text
        return out


def routes() -> list[Route]:
    """Every URLPattern of the URLconf, admin's included, with its ModelAdmin when it has one."""
    by_prefix = {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/": model_admin
        for model, model_admin in admin.site._registry.items()
    }
    found = []

    def walk(resolver, parts):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, [*parts, entry])
            elif isinstance(entry, URLPattern):
                route = Route([*parts, entry])
                prefix = "".join(_route_text(p).lstrip("^") for p in parts)
                route.model_admin = by_prefix.get(prefix)
                found.append(route)

    walk(get_resolver(), [])
    return found


def admin_query_names(model_admin) -> list[str]:
    """The query parameters of an admin's list filters and date hierarchy."""
    names = []
    for spec in model_admin.list_filter:
        if isinstance(spec, type) and issubclass(spec, SimpleListFilter):
            names.append(spec.parameter_name)
        else:
            path = spec[0] if isinstance(spec, (tuple, list)) else spec
            names += [f"{path}__exact", f"{path}__id__exact", f"{path}__isnull"]
            names += [f"{path}__gte", f"{path}__lt"]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return names


@dataclass
class Samples:
    """Real values for path parameters, by parameter name, and the object of each admin."""

    by_name: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)  # model -> one object of it

    def valid(self, route: Route, name) -> list:
        model_admin = route.model_admin
        if model_admin is not None and (name in {"object_id", "pk", "id", "training_id", 1}):
            obj = self.objects.get(model_admin.model)
            return [obj.pk] if obj is not None else [1]
        return self.by_name.get(name, ["1"])


# The values that broke pages before: every query parameter of every route gets each of
# them in the test; the bench adds the rest of HOSTILE. Values with a control character are
# sent one parameter at a time: the middleware answers any of them with a 400 before a view
# runs, so mixed with the others they would hide every other value from the views.
CORE = ["²", "-2147483649", str(10**30), "A" * 5000, "2023-02-30", "", "\x00"]


# Parameters that the admin checks before anything else (a bad one is a 400 at once): each is
# sent alone, or it would hide every other value of the same request from the views.
SOLO_NAMES = ["_to_field"]


def _has_control(value: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value)


def requests_for(route: Route, samples: Samples, rnd: random.Random, values=CORE):
    """The URLs to request for one pattern, its path parameters filled with real values:
    for the values without control characters, one request each with every query parameter
    set, the i-th request giving parameter j value (i + j) mod n (so each parameter meets
    every value); for each value with one, one request with it in one parameter (drawn by
    `rnd`); one request per SOLO_NAMES parameter, alone. Then one URL per path parameter,
    that parameter hostile (drawn from HOSTILE)."""
    params = route.params()
    names = QUERY_NAMES + (admin_query_names(route.model_admin) if route.model_admin else [])
    valid = {name: rnd.choice(samples.valid(route, name)) for name, _kind in params}
    base = route.fill(valid)
    plain = [v for v in values if not _has_control(v)]
    shared = [name for name in names if name not in SOLO_NAMES]
    urls = []
    for i in range(len(plain)):
        query = {name: plain[(i + j) % len(plain)] for j, name in enumerate(shared)}
        urls.append(f"{base}?{urlencode(query)}")
    for value in values:
        if _has_control(value):
            urls.append(f"{base}?{urlencode({rnd.choice(names): value})}")
    for name in SOLO_NAMES:
        urls.append(f"{base}?{urlencode({name: rnd.choice(values)})}")
    for name, _kind in params:
        urls.append(route.fill(valid | {name: rnd.choice(HOSTILE)}))
    return urls


def build_world() -> Samples:
    """One of everything a page shows, made through the services like the tests' factories."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from bazaars import services as bazaar_services
    from certifications import services as cert_services
    from certifications.models import CertificateType
    from config.actors import SYSTEM
    from jobs.models import Job
    from reports.models import ExportLog
    from tests.bazaars.factories import VenueFactory, bazaar, public_business
    from tests.certifications.factories import pdf_bytes
    from tests.factories import MentoringFactory, TrainingFactory, UserFactory
    from umkm.models import BusinessStage, Kecamatan, Stage, YearlyTarget

    business = public_business(name="Warung Fuzz", public_consent_at=timezone.now())
    event = bazaar(title="Bazar Fuzz", venue=VenueFactory())
    (participation,) = bazaar_services.participants_accept(
        actor=SYSTEM, bazaar=event, businesses=[business], override_reason="uji fuzz"
    )
    day = event.days.first()
    bazaar_services.attendance_set(actor=SYSTEM, participation=participation, day=day)
    stage = Stage.objects.order_by("order").last()
    BusinessStage.objects.create(
        business=business, stage=stage, reached_on=datetime.date(2023, 4, 1)
    )
    MentoringFactory(business=business)
    TrainingFactory(kecamatan=Kecamatan.objects.get(code="31.73.02"))
    YearlyTarget.objects.get_or_create(kecamatan_id="31.73.02", year=2023, defaults={"target": 18})
    case = cert_services.case_open(
        actor=SYSTEM,
        business=business,
        cert_type=CertificateType.objects.get(code="nib"),
        product="",
    )
    document = cert_services.document_attach(
        actor=SYSTEM,
        case=case,
        upload=SimpleUploadedFile("dok.pdf", pdf_bytes(), content_type="application/pdf"),
        description="Dokumen uji",
    )
    asker = UserFactory(username="peminta-fuzz")
    job = Job.objects.create(requested_by=asker, kind="report-city-xlsx", title="Laporan kota")
    ExportLog.objects.create(
        user=asker,
        format="csv",
        scope="31.73.02",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    samples = Samples()
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            samples.objects[model] = obj
    history = business.history.order_by("-history_id").first()
    samples.by_name = {
        "slug": [event.slug, business.slug],
        "code": ["31.73.02", "31.73"],
        "fmt": ["xlsx", "csv", "pdf"],
        "pk": [getattr(document, "pk", 1)],
        "job_id": [job.pk, uuid.uuid4()],
        "version_id": [history.history_id if history else 1],
        2: [history.history_id if history else 1],
        "day": [day.pk],
        "app_label": ["umkm", "bazaars"],
        "content_type_id": ["1"],
        "object_id": ["1"],
        "uidb64": ["MQ"],
        "token": ["set-password"],
        "url": ["umkm/business/"],
        # The owners' desk (owners/urls.py): a business and a participation of it.
        "business_id": [business.pk],
        "participation_id": [getattr(business.participations.first(), "pk", 1)],
    }
    return samples


def verified_client(client_class, user):
    """A client signed in as `user`, its session verified with a TOTP device (as after a
    sign-in with password and code), so OTP_REQUIRED does not stop it at the door."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = client_class(raise_request_exception=False)
    if user is None:
        return client
    device = TOTPDevice.objects.create(user=user, name="fuzz", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
