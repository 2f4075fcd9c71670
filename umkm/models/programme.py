"""Trainings and their trainees, mentoring sessions and the yearly targets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config import formats
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


class Mentoring(models.Model):
    """A mentoring session (pendampingan) and the monthly omzet the mentor reports."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentorings",
        verbose_name=_("mentor"),
    )
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="mentorings", verbose_name=_("business")
    )
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    monthly_omzet = models.BigIntegerField(_("monthly omzet (Rp)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_omzet__isnull=True) | models.Q(monthly_omzet__gte=0),
                name="mentoring_omzet_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["business", "-date"], name="mentoring_business_date"),
            # also the date hierarchy's first/last date
            *sort_indexes("mentoring", "date", "mentor", "topic", "monthly_omzet"),
        ]

    def __str__(self):
        return f"{self.business} — {formats.date_short(self.date)}"


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
