"""Trainings and their trainees, monthly mentoring reports and the yearly targets."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config import formats
from config.storage import private_storage
from umkm.models.areas import (
    Kecamatan,
)
from umkm.models.register import (
    Business,
    Owner,
)
from umkm.models.sort_indexes import sort_indexes


class Training(models.Model):
    """A training (pelatihan) that owners attend for their business."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("kecamatan held in"),
        help_text=_("Empty for city-wide trainings."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    # How many trainees it has, kept by the database (umkm 0025: triggers on the enrolments,
    # whoever writes them: the ORM, an import's bulk insert, COPY): the admin list sorts by it
    # without counting the enrolments of every training (27,000 trainings at DKI scale).
    trainee_count = models.PositiveIntegerField(_("trainees"), db_default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="training_dates_in_order",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="training_capacity"),
        ]

    def __str__(self):
        return f"{self.title} ({formats.date_short(self.start_date)})"


class Enrolment(models.Model):
    """A trainee: a business, and its owner attending, enrolled in a training."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("training")
    )
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("business")
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("owner")
    )
    attended = models.BooleanField(_("attended"), default=False)
    passed = models.BooleanField(_("passed"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["training", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "business"], name="enrolment_business_once"
            ),
            models.CheckConstraint(
                condition=models.Q(passed=False) | models.Q(attended=True),
                name="enrolment_passed_needs_attended",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="enrolment_score_0_100",
            ),
        ]
        indexes = sort_indexes("enrolment", "attended", "passed", "score")

    def __str__(self):
        return f"{self.business} — {self.training}"


class Need(models.TextChoices):
    """What a mentor finds a business needs on a monthly visit."""

    CERTIFICATE = "sertifikat", _("A certificate (halal, PIRT, BPOM, NIB ...)")
    BAZAAR = "bazar", _("A place at a bazaar")
    TRAINING = "pelatihan", _("A training")
    CAPITAL = "modal", _("Access to capital")
    MARKETING = "pemasaran", _("Marketing (online shop, packaging)")
    BOOKKEEPING = "pembukuan", _("Bookkeeping")


def report_photo_path(instance, filename: str) -> str:
    """A random name (never the uploaded one; the extension is that of the re-encoded image);
    the photo is private, served by a view only."""
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"mentoring/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Mentoring(models.Model):
    """The monthly mentoring report (pendampingan) of a business: one per business and month,
    the single record of mentoring. A mentor files it on their desk (mentors app); staff may
    type one in admin. Corrections keep their history."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentorings",
        verbose_name=_("mentor"),
    )
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="mentorings", verbose_name=_("business")
    )
    month = models.DateField(_("month reported"), help_text=_("The first day of the month."))
    date = models.DateField(_("visit date"))
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    monthly_omzet = models.BigIntegerField(_("monthly omzet (Rp)"), null=True, blank=True)
    workers_male = models.PositiveIntegerField(_("male workers"), null=True, blank=True)
    workers_female = models.PositiveIntegerField(_("female workers"), null=True, blank=True)
    assets = models.BigIntegerField(_("assets (Rp)"), null=True, blank=True)
    needs = ArrayField(
        models.CharField(max_length=20, choices=Need.choices),
        verbose_name=_("needs"),
        default=list,
        blank=True,
    )
    photo = models.FileField(
        _("photo"),
        upload_to=report_photo_path,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mentoring report")
        verbose_name_plural = _("mentoring reports")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_omzet__isnull=True) | models.Q(monthly_omzet__gte=0),
                name="mentoring_omzet_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(assets__isnull=True) | models.Q(assets__gte=0),
                name="mentoring_assets_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1)
                & models.Q(date__year=models.F("month__year"))
                & models.Q(date__month=models.F("month__month")),
                name="mentoring_date_in_month",
            ),
            models.UniqueConstraint(
                fields=["business", "month"], name="mentoring_once_per_business_month"
            ),
        ]
        indexes = [
            models.Index(fields=["business", "-date"], name="mentoring_business_date"),
            models.Index(fields=["month", "business"], name="mentoring_month_business"),
            models.Index(fields=["mentor", "-month"], name="mentoring_mentor_month"),
            # also the date hierarchy's first/last date
            *sort_indexes("mentoring", "date", "mentor", "topic", "monthly_omzet"),
        ]

    def __str__(self):
        return f"{self.business} — {formats.month_text(self.month)}"

    def save(self, *args, **kwargs):
        if self.month is None and self.date is not None:
            self.month = self.date.replace(day=1)  # the visit's month unless said otherwise
        super().save(*args, **kwargs)

    @property
    def workers(self) -> int | None:
        if self.workers_male is None and self.workers_female is None:
            return None
        return (self.workers_male or 0) + (self.workers_female or 0)


DEFAULT_YEARLY_TARGET = 18


class YearlyTarget(models.Model):
    """How many new businesses a kecamatan should take on in a year (18 by default)."""

    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("kecamatan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.PositiveIntegerField(_("target"), default=DEFAULT_YEARLY_TARGET)

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["-year", "kecamatan"]
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "year"], name="target_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="target_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.kecamatan} {self.year}: {self.target}"
