"""The business owners' own door (issue 16): their accounts, one-time sign-in codes, what they
propose for their public profile, what they ask of staff, and how they want to be told.

Nothing here holds the register's data: an owner's name, NIK and phone stay on umkm.Owner; a
proposal holds only the public profile's proposed values until staff approve it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.storage import private_storage
from umkm.models import Business, Owner


def proposal_photo_path(instance, filename: str) -> str:
    """A random name (the extension is that of the re-encoded image, never the upload's)."""
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"usulan/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class OwnerAccount(models.Model):
    """The Django user an owner signs in as: never staff, no usable password, made at the
    owner's first successful sign-in with a one-time code."""

    owner = models.OneToOneField(
        Owner, on_delete=models.CASCADE, related_name="account", verbose_name=_("owner")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="owner_account",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owner account")
        verbose_name_plural = _("owner accounts")

    def __str__(self):
        return str(self.owner)


class SignInCode(models.Model):
    """One requested sign-in code, kept as a salted keyed hash (the code itself is only in
    the message). A row is made for every request, for a number the register holds or not, so
    that both answers cost the same and the rate limits count both."""

    identifier_hash = models.CharField(_("address hash"), max_length=64)
    client_hash = models.CharField(_("client address hash"), max_length=64)
    owner = models.ForeignKey(
        Owner, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            models.Index(fields=["identifier_hash", "-created_at"], name="signincode_identifier"),
            models.Index(fields=["client_hash", "-created_at"], name="signincode_client"),
        ]

    def __str__(self):
        return f"#{self.pk}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Replaced by a newer proposal")


class ProfileEdit(models.Model):
    """An owner's proposal for the public profile, waiting for staff (OWNER_EDITS_NEED_APPROVAL).
    `proposed` holds the text fields and links ({"description": ..., "links": {kind: url}}).

    The photo is re-encoded on submission and kept in the private storage (no public URL):
    staff see it through the review queue's own view; approval copies it to the business's
    public photos, and a decided proposal keeps no file (owners.services)."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="profile_edits", verbose_name=_("business")
    )
    proposed = models.JSONField(_("proposed values"), default=dict)
    photo = models.FileField(
        _("proposed photo"),
        upload_to=proposal_photo_path,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("profile edit")
        verbose_name_plural = _("profile edits")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="profileedit_rejection_has_reason",
            ),
            models.UniqueConstraint(
                fields=["business"],
                condition=models.Q(status="pending"),
                name="profileedit_one_pending_per_business",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="profileedit_status")]

    def __str__(self):
        return f"{self.business} ({self.get_status_display()})"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class CorrectionField(models.TextChoices):
    NIK = "nik", "NIK"
    NAME = "name", _("Name")
    KELURAHAN = "kelurahan", _("Kelurahan")
    ADDRESS = "address", _("Address")
    NIB = "nib", "NIB"
    STATUS = "status", _("Status")
    OTHER = "other", _("Something else")


class HandledRequest(models.Model):
    """What an owner's request to staff has: its state, the staff's note, who handled it."""

    status = models.CharField(
        _("status"), max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    staff_note = models.TextField(_("note to the owner"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        abstract = True


class CorrectionRequest(HandledRequest):
    """An owner asks staff to correct what the register holds (fields only staff change)."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="correction_requests"
    )
    field = models.CharField(_("what is wrong"), max_length=10, choices=CorrectionField.choices)
    # A correction of the NIK holds a NIK: its text is kept encrypted (as Owner's NIK is) in
    # message_ciphertext, `message` left empty; shown only to staff with umkm.view_nik.
    message = models.TextField(_("what it should say"), max_length=1000, blank=True)
    message_ciphertext = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.business}: {self.get_field_display()}"

    @property
    def text(self) -> str:
        """What the owner wrote (decrypted for a NIK correction): ask owners.permissions
        `can_read_correction` before showing it."""
        if not self.message_ciphertext:
            return self.message
        from umkm.crypto import decrypt_bytes

        secret = decrypt_bytes(bytes(self.message_ciphertext)).decode()
        return f"{self.message}\n{secret}" if self.message else secret


class DeletionRequest(HandledRequest):
    """An owner asks for their personal data to be erased (UU PDP); staff carry it out with
    umkm's anonymisation (pdp_anonymise) or refuse it with a reason."""

    owner = models.ForeignKey(
        Owner, on_delete=models.CASCADE, related_name="deletion_requests", verbose_name=_("owner")
    )
    reason = models.TextField(_("reason given"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(status="open"),
                name="deletionrequest_one_open_per_owner",
            )
        ]

    def __str__(self):
        return f"{self.owner} ({self.get_status_display()})"


class NotificationPreference(models.Model):
    """How an owner wants to be told (each channel opt-in): decisions on applications, the
    reminder the day before a bazaar, certificate changes and expiry."""

    account = models.OneToOneField(
        OwnerAccount, on_delete=models.CASCADE, related_name="preferences"
    )
    sms = models.BooleanField("SMS", default=False)
    whatsapp = models.BooleanField("WhatsApp", default=False)
    email = models.BooleanField(_("E-mail"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.account)
