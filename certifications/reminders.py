"""Daily reminders: certificates expiring within 30 days and Kuliner businesses without a
PIRT or halal certificate (issued and valid, or in process), one digest email per staff member.

Recipients: the Operator Kecamatan users of each business's kecamatan, and every Admin Sudin;
active users with an email address only. The email names businesses, certificate types,
numbers and dates, never an owner's NIK, phone or address.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from certifications import selectors
from umkm import roles

MAX_LINES = 200  # per section of one email; the rest is counted ("and N more")


@dataclass
class Digest:
    user: object
    expiring: list = field(default_factory=list)
    without_food_certificate: list = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.expiring and not self.without_food_certificate


def build_digests(*, on: datetime.date) -> list[Digest]:
    User = get_user_model()
    recipients = (
        User.objects.filter(
            is_active=True, groups__name__in=[roles.ADMIN_SUDIN, roles.OPERATOR_KECAMATAN]
        )
        .exclude(email="")
        .select_related("staff_profile")
        .prefetch_related("groups")
        .distinct()
        .order_by("username")
    )
    expiring = list(selectors.expiring_cases(on=on))
    without = list(selectors.food_businesses_without_certificate(on=on))
    digests = []
    for user in recipients:
        group_names = {g.name for g in user.groups.all()}
        if roles.ADMIN_SUDIN in group_names:
            kecamatan = None
        else:
            profile = getattr(user, "staff_profile", None)
            kecamatan = profile.kecamatan_id if profile else None
            if not kecamatan:
                continue
        digest = Digest(user=user)
        digest.expiring = [c for c in expiring if kecamatan is None or c.kecamatan_id == kecamatan]
        digest.without_food_certificate = [
            b for b in without if kecamatan is None or b.kelurahan.kecamatan_id == kecamatan
        ]
        if not digest.is_empty():
            digests.append(digest)
    return digests


def send_reminders(*, on: datetime.date) -> int:
    """Send the digests of `on`; return how many emails went out."""
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for digest in build_digests(on=on):
            context = {
                "user": digest.user,
                "on": on,
                "days": selectors.EXPIRING_DAYS,
                "expiring": digest.expiring[:MAX_LINES],
                "expiring_more": max(0, len(digest.expiring) - MAX_LINES),
                "without": digest.without_food_certificate[:MAX_LINES],
                "without_more": max(0, len(digest.without_food_certificate) - MAX_LINES),
                "office": settings.OFFICE_NAME,
            }
            subject = _("Certificate reminders for %(date)s") % {"date": f"{on:%d-%m-%Y}"}
            body = render_to_string("certifications/email/reminders.txt", context)
            messages.append(EmailMessage(subject=subject, body=body, to=[digest.user.email]))
    if messages:
        mailers.default.send_messages(messages)
    return len(messages)
