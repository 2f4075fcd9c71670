"""Telling an owner something: through notifications.notify, on each channel the owner opted
into (NotificationPreference; nothing is sent to an owner who chose none)."""

from django.utils import translation

from notifications.services import notify
from owners.models import NotificationPreference


def channels_of(owner) -> list[tuple[str, str]]:
    """(channel, address) for each channel the owner opted into and has an address for."""
    prefs = (
        NotificationPreference.objects.filter(account__owner_id=owner.pk)
        .select_related("account__owner")
        .first()
    )
    if prefs is None:
        return []
    out = []
    if prefs.sms and owner.phone:
        out.append(("sms", owner.phone))
    if prefs.whatsapp and owner.phone:
        out.append(("whatsapp", owner.phone))
    if prefs.email and owner.email:
        out.append(("email", owner.email))
    return out


def tell_owner(
    *, owner, kind: str, body, params=None, subject="", dedupe_key: str | None = None
) -> int:
    """Send `body % params` (a lazy translation, rendered in Indonesian, the owners' language)
    on every channel the owner chose; returns how many messages were queued."""
    sent = 0
    with translation.override("id"):
        text, title = str(body) % (params or {}), str(subject)
    for channel, address in channels_of(owner):
        key = f"{dedupe_key}:{channel}" if dedupe_key else None
        if notify(channel=channel, to=address, body=text, kind=kind, subject=title, dedupe_key=key):
            sent += 1
    return sent
