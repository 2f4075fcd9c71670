"""The one door for telling a person something: `notify()`.

Every message the portal sends (sign-in codes, decisions, reminders, digests) goes through
here, so that one sent-log answers "was this sent?", one key stops a message going out twice,
and which provider carries each channel is one setting (settings.NOTIFICATIONS)."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from notifications.backends import DeliveryError, Message
from notifications.models import Channel, Delivery

logger = logging.getLogger(__name__)

# A message still "pending" after this long was lost with its process: a retry may send it.
PENDING_GRACE = datetime.timedelta(minutes=10)


def address_hash(to: str) -> str:
    """A keyed hash of an address, to find one person's messages without keeping the address."""
    return salted_hmac("notifications.address", to.strip().lower(), algorithm="sha256").hexdigest()


def mask_address(to: str) -> str:
    """ra•••@example.org, ••••••890: enough for a person to recognise their own. A phone
    number keeps at most its last 3 digits, behind a fixed run of dots (not its length): the
    operator's prefix and the rest would narrow it down to a handful of people."""
    to = to.strip()
    if "@" in to:
        local, _sep, domain = to.partition("@")
        return f"{local[:2]}•••@{domain}"
    if len(to) > 8:
        return "••••••" + to[-3:]
    return "•" * len(to)


def backend_for(channel: str):
    config = settings.NOTIFICATIONS.get(channel)
    if not config:
        raise DeliveryError(f"no backend configured for channel {channel}")
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


def notify(
    *,
    channel: str,
    to: str,
    body: str,
    kind: str,
    subject: str = "",
    dedupe_key: str | None = None,
) -> Delivery | None:
    """Send `body` to `to` over `channel` once the current transaction commits.

    Returns the sent-log row, or None when `dedupe_key` names a message already sent (or being
    sent). A failure of the provider never raises into the caller: it is kept on the row
    (status "failed", a short reason) and a later call with the same key tries again."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if not to or not to.strip():
        raise ValueError("a notification needs an address")
    fields = {
        "channel": channel,
        "kind": kind,
        "subject": subject[:200],
        "address_masked": mask_address(to)[:80],
        "address_hash": address_hash(to),
    }
    with transaction.atomic():
        if dedupe_key:
            delivery, created = Delivery.objects.select_for_update().get_or_create(
                dedupe_key=dedupe_key, defaults=fields
            )
            if not created:
                recent = timezone.now() - delivery.created_at < PENDING_GRACE
                if delivery.status == Delivery.Status.SENT or (
                    delivery.status == Delivery.Status.PENDING and recent
                ):
                    return None
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=Delivery.Status.PENDING, error="", **fields
                )
        else:
            delivery = Delivery.objects.create(**fields)
    message = Message(channel=channel, to=to.strip(), subject=subject, body=body, kind=kind)
    transaction.on_commit(lambda: _deliver(delivery.pk, message))
    return delivery


def _deliver(pk: int, message: Message) -> None:
    try:
        backend = backend_for(message.channel)
        backend.send(message)
    except Exception as error:  # a provider's failure must not break the caller's request
        reason = (str(error) if isinstance(error, DeliveryError) else type(error).__name__)[:300]
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.FAILED, error=reason, backend=_backend_name(message.channel)
        )
        logger.warning("notification %s (%s) failed: %s", pk, message.kind, reason)
        return
    Delivery.objects.filter(pk=pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), backend=_backend_name(message.channel)
    )


def _backend_name(channel: str) -> str:
    return settings.NOTIFICATIONS.get(channel, {}).get("BACKEND", "")[:100]
