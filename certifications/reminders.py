"""Daily reminders: certificates expiring within 30 days and Kuliner businesses without a
PIRT or halal certificate (issued and valid, or in process), one digest email per staff member
and day.

Recipients: the Operator Kecamatan users of each business's kecamatan, and every Admin Sudin;
active users with an email address only. The email names businesses, certificate types,
numbers and dates, never an owner's NIK, phone or address.

What a reader can trust:
- Once a day: every mail goes through notifications.services.notify with the dedupe key
  "certificate-reminders:<user id>:<day>" (`dedupe_key`): the sent-log (notifications'
  Delivery) holds one row per recipient and day, a second run that day sends nothing new, and a
  send that failed is kept as failed and tried again by the next run.
- Totals match the list: each section is grouped by kecamatan, every kecamatan named with its
  own count, and the section's total is their sum. A kecamatan's list is cut only past
  MAX_PER_KECAMATAN lines, and then the mail says how many of how many it shows and links to
  the admin list filtered to exactly those rows (the same selectors, the same day).
- Admin Sudin is told which kecamatan on today's lists have no operator who gets this mail.
"""

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from certifications import selectors
from config import formats
from config.site import site_url
from notifications.models import Channel
from notifications.services import notify
from umkm import roles

KIND = "certificate_reminders"

MAX_PER_KECAMATAN = 100  # lines of one kecamatan in one section; the rest is in the admin link

# The admin list filters the links use (certifications.admin).
EXPIRING_FILTER = {"expires_within": str(selectors.EXPIRING_DAYS)}
FOOD_FILTER_PARAMETER = "sertifikat_pangan"
FOOD_FILTER_MISSING = "tidak-ada"


@dataclass
class Digest:
    user: object
    expiring: list = field(default_factory=list)
    without_food_certificate: list = field(default_factory=list)
    unattended: list = field(default_factory=list)  # kecamatan without an operator (Sudin)

    def is_empty(self) -> bool:
        return not self.expiring and not self.without_food_certificate


@dataclass
class Group:
    """One kecamatan's part of a section."""

    code: str
    name: str
    count: int
    shown: list
    url: str

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


@dataclass
class Section:
    total: int
    groups: list[Group]
    url: str  # the whole section in the admin (the recipient's own scope)


def _recipients():
    User = get_user_model()
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[roles.ADMIN_SUDIN, roles.OPERATOR_KECAMATAN]
        )
        .exclude(email="")
        .select_related("staff_profile")
        .prefetch_related("groups")
        .distinct()
        .order_by("username")
    )


def _case_kecamatan(case):
    return case.kecamatan


def _business_kecamatan(business):
    return business.kelurahan.kecamatan


def build_digests(*, on: datetime.date) -> list[Digest]:
    expiring = list(selectors.expiring_cases(on=on))
    without = list(selectors.food_businesses_without_certificate(on=on))
    sudin, by_kecamatan = [], {}
    for user in _recipients():
        if roles.ADMIN_SUDIN in {g.name for g in user.groups.all()}:
            sudin.append(user)
            continue
        profile = getattr(user, "staff_profile", None)
        if profile and profile.kecamatan_id:
            by_kecamatan.setdefault(profile.kecamatan_id, []).append(user)
    listed = {c.kecamatan_id: c.kecamatan for c in expiring}
    listed.update({b.kelurahan.kecamatan_id: b.kelurahan.kecamatan for b in without})
    unattended = sorted(
        (k for code, k in listed.items() if code not in by_kecamatan), key=lambda k: k.code
    )
    digests = [
        Digest(
            user=user, expiring=expiring, without_food_certificate=without, unattended=unattended
        )
        for user in sudin
    ]
    for code, users in by_kecamatan.items():
        mine_expiring = [c for c in expiring if c.kecamatan_id == code]
        mine_without = [b for b in without if b.kelurahan.kecamatan_id == code]
        digests += [Digest(user, mine_expiring, mine_without) for user in users]
    digests = [d for d in digests if not d.is_empty()]
    return sorted(digests, key=lambda d: d.user.username)


def _admin_url(name: str, query: dict) -> str:
    return f"{site_url()}{reverse(name)}?{urlencode(query)}"


def section(items: list, *, kecamatan_of, admin_name: str, query: dict) -> Section:
    """Items (already ordered by kecamatan first where it matters) grouped by kecamatan, in
    code order; each group's count is its whole length, its list cut at MAX_PER_KECAMATAN."""
    ordered = sorted(items, key=lambda item: kecamatan_of(item).code)
    groups = []
    for kecamatan, members in groupby(ordered, key=kecamatan_of):
        members = list(members)
        groups.append(
            Group(
                code=kecamatan.code,
                name=kecamatan.name,
                count=len(members),
                shown=members[:MAX_PER_KECAMATAN],
                url=_admin_url(admin_name, {**query, "kecamatan": kecamatan.code}),
            )
        )
    return Section(
        total=sum(g.count for g in groups), groups=groups, url=_admin_url(admin_name, query)
    )


def dedupe_key(user, on: datetime.date) -> str:
    """One reminder mail per recipient and day."""
    return f"certificate-reminders:{user.pk}:{on.isoformat()}"


def render(digest: Digest, *, on: datetime.date) -> tuple[str, str]:
    """The mail's subject and body."""
    expiring = section(
        digest.expiring,
        kecamatan_of=_case_kecamatan,
        admin_name="admin:certifications_certificatecase_changelist",
        query=EXPIRING_FILTER,
    )
    without = section(
        digest.without_food_certificate,
        kecamatan_of=_business_kecamatan,
        admin_name="admin:umkm_business_changelist",
        query={FOOD_FILTER_PARAMETER: FOOD_FILTER_MISSING},
    )
    context = {
        "user": digest.user,
        "on": on,
        "days": selectors.EXPIRING_DAYS,
        "expiring": expiring,
        "without": without,
        "unattended": digest.unattended,
        "office": settings.OFFICE_NAME,
    }
    subject = _("Certificate reminders for %(date)s") % {"date": formats.date_text(on)}
    return subject, render_to_string("certifications/email/reminders.txt", context)


def send_reminders(*, on: datetime.date) -> int:
    """Send the digests of `on` not sent yet that day (notify's dedupe key); return how many
    were handed to notify. Each is sent when its sent-log row is committed, at once here."""
    handed = 0
    with translation.override(settings.LANGUAGE_CODE):
        for digest in build_digests(on=on):
            subject, body = render(digest, on=on)
            delivery = notify(
                channel=Channel.EMAIL,
                to=digest.user.email,
                subject=subject,
                body=body,
                kind=KIND,
                dedupe_key=dedupe_key(digest.user, on),
            )
            if delivery is not None:
                handed += 1
    return handed
