"""The sent-log: one row per message the portal sent, or tried to send.

It keeps what a person needs to answer "was I told?" and what stops a message going out twice
(`dedupe_key`), never the message itself: a one-time sign-in code lives in a message body and
nowhere else. The address is kept masked (personal data) with a keyed hash to find a person's
own messages again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(
        _("kind"), max_length=60, help_text=_("What the message is about, e.g. owner_sign_in.")
    )
    address_masked = models.CharField(_("address"), max_length=80)
    address_hash = models.CharField(_("address hash"), max_length=64, db_index=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    dedupe_key = models.CharField(
        _("once-only key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("A message with a key already sent is not sent again (e.g. a daily digest)."),
    )
    backend = models.CharField(_("backend"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification sent")
        verbose_name_plural = _("notifications sent")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="delivery_kind_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.kind} → {self.address_masked}"
