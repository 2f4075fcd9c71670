"""Mentors (pendamping) and which businesses each looks after, over time.

The monthly report itself is umkm.Mentoring (one per business and month): the register's one
record of mentoring, which the reports already read. This app adds the person and the
assignment, and the desk on which the mentor files that report.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from umkm.models import Business, Kecamatan
from umkm.models.sort_indexes import sort_indexes


class MentorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, user__is_active=True)


class Mentor(models.Model):
    """A mentor: a person working in one or more kecamatan, signing in as `user` (not staff)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentor",
        verbose_name=_("user account"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    kecamatan = models.ManyToManyField(
        Kecamatan, related_name="mentors", verbose_name=_("kecamatan of work")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["full_name", "id"]
        permissions = [
            ("view_completeness", _("Can see the mentors' monthly reporting completeness")),
            ("send_reminders", _("Can send reminders to mentors who are behind")),
        ]

    def __str__(self):
        return self.full_name


class AssignmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end=None)


class Assignment(models.Model):
    """A business looked after by a mentor from `start` to `end` (open: now). One current
    assignment per business, held by the database."""

    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="mentor_assignments",
        verbose_name=_("business"),
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("mentor")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        ordering = ["-start", "-id"]
        constraints = [
            # INCLUDE mentor: the city's completeness reads the current assignments in business
            # order from this index alone (merge joins; mentors.selectors._COMPLETENESS_SQL).
            models.UniqueConstraint(
                fields=["business"],
                include=["mentor"],
                condition=models.Q(end=None),
                name="assignment_one_current_per_business",
            ),
            models.CheckConstraint(
                condition=models.Q(end=None) | models.Q(end__gte=models.F("start")),
                name="assignment_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["mentor", "business"],
                condition=models.Q(end=None),
                name="assignment_current_mentor",
            ),
            # the admin list's sorts (umkm.admin.base.FastListMixin: one (column, -id) btree)
            *sort_indexes("assignment", "start", "end"),
        ]

    def __str__(self):
        return f"{self.business} — {self.mentor}"
