"""Staff profiles (an operator's kecamatan) and the personal data access log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config import formats
from umkm.models.areas import (
    Kecamatan,
)
from umkm.models.register import (
    Owner,
)
from umkm.models.sort_indexes import sort_indexes


class StaffProfile(models.Model):
    """Which kecamatan an Operator Kecamatan works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operators",
        verbose_name=_("kecamatan"),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)


class PersonalDataAccess(models.Model):
    """Audit trail (UU PDP): who viewed or exported an owner's personal data, when and why."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        SUBJECT_ACCESS = "subject_access", _("Subject access export")
        ANONYMISE = "anonymise", _("Anonymised")

    owner = models.ForeignKey(
        Owner,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_log",
        verbose_name=_("owner"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["owner", "-at"], name="pda_owner_at"),
            # the admin's sorts and its date hierarchy (a log that grows with every look-up)
            *sort_indexes("pda", "at", "actor", "action"),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_action_display()} {formats.datetime_short(self.at)}"
