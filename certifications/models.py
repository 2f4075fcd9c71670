import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certifications import rules
from config.storage import private_storage
from umkm.models import Business, Kecamatan
from umkm.models.sort_indexes import sort_indexes


class CertificateType(models.Model):
    """Halal, PIRT, BPOM MD, cosmetics notification, NIB, trademark: rows seeded by a migration.

    `number_rule` names the number validator in certifications.rules (functions are not data);
    `validity` says how the expiry date follows: after `validity_years`, never, or read from
    the number (PIRT).
    """

    class Validity(models.TextChoices):
        YEARS = rules.VALIDITY_YEARS, _("A fixed number of years")
        NONE = rules.VALIDITY_NONE, _("Does not expire")
        FROM_NUMBER = rules.VALIDITY_FROM_NUMBER, _("Expiry year read from the number")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    agency = models.CharField(_("issuing agency"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    number_rule = models.CharField(
        _("number format"), max_length=20, choices=rules.NUMBER_RULE_CHOICES
    )
    number_example = models.CharField(_("number example"), max_length=30, blank=True)
    validity = models.CharField(_("validity"), max_length=12, choices=Validity.choices)
    validity_years = models.PositiveSmallIntegerField(_("valid for (years)"), null=True, blank=True)
    per_product = models.BooleanField(
        _("one per product"),
        default=False,
        help_text=_("Each product needs its own certificate (e.g. PIRT)."),
    )
    is_food = models.BooleanField(
        _("food certificate"),
        default=False,
        help_text=_("Counts as the food certificate bazaars and reminders ask of Kuliner."),
    )
    # Which businesses need it: the reports' "still needed" counts only those. Food: a
    # business of a food sector (Sector.is_food, i.e. Kuliner); a sector: that sector only.
    applies_to = models.CharField(
        _("needed by"), max_length=10, choices=rules.APPLIES_TO_CHOICES, default=rules.APPLIES_ALL
    )
    applies_to_sector = models.ForeignKey(
        "umkm.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector that needs it"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(validity=rules.VALIDITY_YEARS, validity_years__gte=1)
                    | (
                        ~models.Q(validity=rules.VALIDITY_YEARS)
                        & models.Q(validity_years__isnull=True)
                    )
                ),
                name="certificatetype_years_iff_fixed",
            ),
            models.CheckConstraint(
                condition=models.Q(applies_to=rules.APPLIES_SECTOR, applies_to_sector__isnull=False)
                | (
                    ~models.Q(applies_to=rules.APPLIES_SECTOR)
                    & models.Q(applies_to_sector__isnull=True)
                ),
                name="certificatetype_sector_iff_sector",
            ),
        ]

    def __str__(self):
        return self.name

    def validate_number(self, value) -> str:
        return rules.validate_number(self.number_rule, value)

    def computed_expiry(self, *, number: str, issued_on: datetime.date) -> datetime.date | None:
        return rules.computed_expiry(
            validity=self.validity,
            years=self.validity_years,
            number=number,
            issued_on=issued_on,
        )


class CaseStatus(models.TextChoices):
    NEEDED = rules.NEEDED, _("Needed")
    REFERRED = rules.REFERRED, _("Referred to Sudin PPKUKM")
    SUBMITTED = rules.SUBMITTED, _("Submitted")
    ISSUED = rules.ISSUED, _("Issued")
    REJECTED = rules.REJECTED, _("Rejected")


class HalalRoute(models.TextChoices):
    SELF_DECLARE = "self_declare", _("Self-declare")
    REGULAR = "regular", _("Regular")
    NONE = "", _("Not applicable")


class CertificateCaseQuerySet(models.QuerySet):
    def open(self):
        """Cases that count: every case but rejected ones."""
        return self.exclude(status=CaseStatus.REJECTED)

    def in_process(self):
        return self.filter(status__in=rules.IN_PROCESS)

    def valid_on(self, day: datetime.date):
        """Issued certificates that have not expired on `day`."""
        return self.filter(status=CaseStatus.ISSUED).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=day)
        )

    def expired_on(self, day: datetime.date):
        return self.filter(status=CaseStatus.ISSUED, expires_on__lt=day)

    def waiting_on_sudin(self, *, longer_than_days: int):
        """Referred to Sudin PPKUKM, with no change of status for longer than that many days."""
        since = timezone.now() - datetime.timedelta(days=longer_than_days)
        return self.filter(status=CaseStatus.REFERRED, status_changed_at__lt=since)

    def expiring_within(self, days: int, *, on: datetime.date):
        """Issued certificates still valid on `on` that expire in the next `days` days."""
        return self.filter(
            status=CaseStatus.ISSUED,
            expires_on__gte=on,
            expires_on__lte=on + datetime.timedelta(days=days),
        )

    def food(self):
        return self.filter(type__is_food=True)


class CertificateCase(models.Model):
    """One business's way to one certificate (one per product for PIRT), from need to expiry.

    The status changes only through certifications.services, which records every transition.
    "Expired" is not a status: an issued case whose expiry date has passed.
    """

    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        related_name="certificate_cases",
        verbose_name=_("business"),
    )
    type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("certificate type"),
    )
    # The business's kecamatan, kept by the database (triggers of migration 0003) so that the
    # operator's scope and the kecamatan filter need no join at 200,000 cases.
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kecamatan"),
        editable=False,
        db_index=False,
    )
    # The business's name, kept by the database (triggers of migration 0005): the admin's
    # search and sort on one table's indexes, never an OR across the join to the businesses.
    business_name = models.CharField(_("business name"), max_length=150, blank=True, editable=False)
    product = models.CharField(
        _("product"),
        max_length=150,
        blank=True,
        help_text=_("For certificates given per product (PIRT): the food product it covers."),
    )
    halal_route = models.CharField(
        _("halal route"), max_length=12, choices=HalalRoute.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CaseStatus.choices,
        default=CaseStatus.NEEDED,
        editable=False,
    )
    status_changed_at = models.DateTimeField(
        _("status changed at"), default=timezone.now, editable=False
    )
    number = models.CharField(_("certificate number"), max_length=30, blank=True, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True, editable=False)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, editable=False)
    expiry_overridden = models.BooleanField(
        _("expiry date overridden"), default=False, editable=False
    )
    expiry_override_reason = models.TextField(
        _("reason for the expiry date"), blank=True, editable=False
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CertificateCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate case")
        verbose_name_plural = _("certificate cases")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "type", "product"],
                condition=~models.Q(status=rules.REJECTED),
                name="certcase_one_open_per_business_type_product",
                violation_error_message=_(
                    "This business already has a case for this certificate type and product."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=rules.ISSUED)
                | (~models.Q(number="") & models.Q(issued_on__isnull=False)),
                name="certcase_issued_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=models.Q(expiry_overridden=False) | ~models.Q(expiry_override_reason=""),
                name="certcase_override_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=False, expires_on__gt=models.F("issued_on")),
                name="certcase_expiry_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in CaseStatus]),
                name="certcase_status_known",
            ),
        ]
        indexes = [
            # The "expiring" list and reminders: issued certificates by expiry date.
            models.Index(
                fields=["expires_on"],
                condition=models.Q(status=rules.ISSUED),
                name="certcase_issued_expiry",
            ),
            models.Index(fields=["status", "-id"], name="certcase_status_id"),
            models.Index(fields=["kecamatan", "-id"], name="certcase_kecamatan_id"),
            models.Index(
                fields=["kecamatan", "expires_on"],
                condition=models.Q(status=rules.ISSUED),
                name="certcase_kec_issued_expiry",
            ),
            models.Index(fields=["type", "status"], name="certcase_type_status"),
            models.Index(fields=["business", "type"], name="certcase_business_type"),
            GinIndex(
                OpClass(Upper("business_name"), name="gin_trgm_ops"), name="certcase_name_trgm"
            ),
            *sort_indexes(
                "certcase", "business_name", "type", "product", "number", "issued_on", "expires_on"
            ),
        ]

    def __str__(self):
        label = f"{self.type} — {self.business}" if self.type_id and self.business_id else ""
        return f"{label} ({self.product})" if self.product else label

    def is_expired(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == rules.ISSUED and self.expires_on is not None and self.expires_on < on


class CaseTransition(models.Model):
    """One status change of a case: from, to, who, when and why. Never edited."""

    case = models.ForeignKey(
        CertificateCase,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("case"),
    )
    from_status = models.CharField(_("from"), max_length=10, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=CaseStatus.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    # What the certificate said when this transition left or reached "issued".
    number = models.CharField(_("certificate number"), max_length=30, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="casetransition_case_at")]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


def document_path(instance, filename: str) -> str:
    """A random name with the extension of the real content type (never the uploaded name)."""
    extension = DOCUMENT_EXTENSIONS.get(instance.content_type, "bin")
    return f"certificates/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


DOCUMENT_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class CaseDocument(models.Model):
    """A document of a case (application, certificate scan). Private: served by a view only."""

    case = models.ForeignKey(
        CertificateCase,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("case"),
    )
    file = models.FileField(
        _("file"), upload_to=document_path, storage=private_storage, max_length=200
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=200, editable=False)
    content_type = models.CharField(
        _("content type"),
        max_length=30,
        editable=False,
        choices=[(k, k) for k in DOCUMENT_EXTENSIONS],
    )
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["case", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__in=list(DOCUMENT_EXTENSIONS)),
                name="casedocument_allowed_type",
            ),
            models.CheckConstraint(
                condition=models.Q(size__lte=5 * 1024 * 1024), name="casedocument_max_5mb"
            ),
        ]

    def __str__(self):
        return self.description or self.original_name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("certifications:document", args=[self.pk])
