"""Bazaars: venues, bazaars and their days, booths, participations, attendance and daily sales.

The database holds the rules it can (see each Meta and migration 0002):
- a business takes part at most once per bazaar;
- a booth holds at most one accepted participation, and only accepted participations hold a booth;
- a booth belongs to its participation's bazaar (composite foreign key);
- accepted participations never outnumber the bazaar's booths (a trigger that locks the bazaar
  row, so two staff accepting at the same moment cannot both take the last booth).
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config import formats
from config.images import PublicImageField
from umkm.models import Business, Kelurahan


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=150)
    address = models.TextField(_("address"))
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="venues", verbose_name=_("kelurahan")
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="venue_coordinates_pair_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def map_url(self) -> str:
        """A plain OpenStreetMap link: the coordinates when known, else a search for the address."""
        from urllib.parse import quote_plus

        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=18/{self.latitude}/{self.longitude}"
            )
        return "https://www.openstreetmap.org/search?query=" + quote_plus(
            f"{self.name}, {self.address}"
        )


class BazaarStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class BazaarQuerySet(models.QuerySet):
    def public(self):
        """Bazaars the public may see: published, or cancelled after having been published."""
        return self.filter(published_at__isnull=False).exclude(status=BazaarStatus.DRAFT)

    def upcoming(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today)

    def open_for_applications(self, today: datetime.date | None = None):
        """Published, its application window holds today, and not finished: the rule of
        Bazaar.is_open_for_applications, as a filter (a test holds the two equal)."""
        today = today or timezone.localdate()
        return self.filter(
            models.Q(applications_close__isnull=True) | models.Q(applications_close__gte=today),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=today),
            status=BazaarStatus.PUBLISHED,
            applications_open__lte=today,
        )

    def past(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today)


class Bazaar(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("page address"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="bazaars", verbose_name=_("venue")
    )
    organiser = models.CharField(_("organiser"), max_length=200)
    booth_count = models.PositiveIntegerField(
        _("number of booths"),
        help_text=_("Accepted participations can never outnumber the booths."),
    )
    applications_open = models.DateField(_("applications open"), null=True, blank=True)
    applications_close = models.DateField(_("applications close"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BazaarStatus.choices, default=BazaarStatus.DRAFT
    )
    poster = PublicImageField(_("poster"), upload_to="bazar/%Y/", blank=True)
    # Kept from the days by services (bazaars._refresh_dates): listings filter and sort on them.
    start_date = models.DateField(_("first day"), null=True, editable=False)
    end_date = models.DateField(_("last day"), null=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BazaarQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bazaar")
        verbose_name_plural = _("bazaars")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booth_count__gte=1), name="bazaar_has_a_booth"
            ),
            models.CheckConstraint(
                condition=models.Q(applications_open__isnull=True)
                | models.Q(applications_close__isnull=True)
                | models.Q(applications_close__gte=models.F("applications_open")),
                name="bazaar_application_window_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="bazaar_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="bazaar_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "end_date"], name="bazaar_status_end"),
            models.Index(fields=["start_date"], name="bazaar_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("bazaars:detail", kwargs={"slug": self.slug})

    def is_finished(self, today: datetime.date | None = None) -> bool:
        """'Finished' is not stored: it follows from the last day."""
        today = today or timezone.localdate()
        return self.end_date is not None and self.end_date < today

    @property
    def is_open_for_applications(self) -> bool:
        return self.open_for_applications_on(timezone.localdate())

    def open_for_applications_on(self, today: datetime.date) -> bool:
        """BazaarQuerySet.open_for_applications for one loaded bazaar (no query)."""
        return (
            self.status == BazaarStatus.PUBLISHED
            and self.applications_open is not None
            and self.applications_open <= today
            and (self.applications_close is None or today <= self.applications_close)
            and not self.is_finished(today)
        )


class BazaarDay(models.Model):
    bazaar = models.ForeignKey(
        Bazaar, on_delete=models.CASCADE, related_name="days", verbose_name=_("bazaar")
    )
    date = models.DateField(_("date"))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("bazaar day")
        verbose_name_plural = _("bazaar days")
        ordering = ["bazaar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["bazaar", "date"], name="bazaarday_once_per_date"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="bazaarday_hours_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.bazaar} — {formats.date_short(self.date)}"


class Booth(models.Model):
    bazaar = models.ForeignKey(
        Bazaar, on_delete=models.CASCADE, related_name="booths", verbose_name=_("bazaar")
    )
    code = models.CharField(_("code"), max_length=10)
    zone = models.CharField(_("zone"), max_length=50, blank=True)
    size = models.CharField(_("size"), max_length=20, blank=True, help_text=_("e.g. 3 x 3 m"))

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["bazaar", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bazaar", "code"], name="booth_code_once_per_bazaar"),
            # The target of the composite foreign key participation(booth, bazaar).
            models.UniqueConstraint(fields=["id", "bazaar"], name="booth_id_bazaar"),
        ]

    def __str__(self):
        return self.code


class ParticipationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


DECIDED = [
    ParticipationStatus.ACCEPTED,
    ParticipationStatus.WAITLISTED,
    ParticipationStatus.REJECTED,
]


class ParticipationQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=ParticipationStatus.ACCEPTED)

    def waitlist(self):
        """The waitlist in order: who was waitlisted first comes first."""
        return self.filter(status=ParticipationStatus.WAITLISTED).order_by("decided_at", "id")


class Participation(models.Model):
    bazaar = models.ForeignKey(
        Bazaar, on_delete=models.CASCADE, related_name="participations", verbose_name=_("bazaar")
    )
    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("business"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.APPLIED,
    )
    # db_constraint=False: the real constraint is the composite (booth_id, bazaar_id) key
    # added in migration 0002, which also proves the booth is of the same bazaar.
    # Deleting a booth (or the whole bazaar) leaves the business without a booth, to be given
    # another; the database's composite key refuses a booth of another bazaar.
    booth = models.ForeignKey(
        Booth,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("booth"),
        db_constraint=False,
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    eligibility_override = models.BooleanField(_("eligibility overridden"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["bazaar", "booth__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bazaar", "business"], name="participation_business_once_per_bazaar"
            ),
            models.UniqueConstraint(
                fields=["booth"],
                condition=models.Q(status="accepted"),
                name="participation_booth_taken_once",
            ),
            models.CheckConstraint(
                condition=models.Q(booth__isnull=True) | models.Q(status="accepted"),
                name="participation_booth_only_when_accepted",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["accepted", "waitlisted", "rejected"])
                | models.Q(decided_at__isnull=False),
                name="participation_decision_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(eligibility_override=False) | ~models.Q(override_reason=""),
                name="participation_override_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["bazaar", "status"], name="participation_bazaar_status"),
            models.Index(fields=["business", "status"], name="participation_business"),
        ]

    def __str__(self):
        return f"{self.business} — {self.bazaar}"


class Attendance(models.Model):
    """A business checked in on one day of the bazaar."""

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("participation"),
    )
    day = models.ForeignKey(
        BazaarDay, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("day")
    )
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["day", "participation"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "day"], name="attendance_once_a_day")
        ]

    def __str__(self):
        return f"{self.participation} — {formats.date_short(self.day.date)}"


class DailySales(models.Model):
    """What a business sold on one day of the bazaar (omzet in rupiah)."""

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="daily_sales",
        verbose_name=_("participation"),
    )
    day = models.ForeignKey(
        BazaarDay, on_delete=models.CASCADE, related_name="sales", verbose_name=_("day")
    )
    omzet = models.BigIntegerField(_("omzet (Rp)"))
    transactions = models.PositiveIntegerField(_("number of transactions"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("daily sales")
        verbose_name_plural = _("daily sales")
        ordering = ["day", "participation"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "day"], name="dailysales_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(omzet__gte=0), name="dailysales_omzet_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(transactions__gte=0),
                name="dailysales_transactions_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.participation} — {formats.date_short(self.day.date)}"
