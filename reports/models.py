from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config import formats


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"


class ExportLog(models.Model):
    """Who exported which report, in which format, when. Written by every export view.

    Its Meta also carries the two permissions of the reports app (reading the dashboard,
    exporting), so that roles can hold them like any model permission.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="report_exports",
        verbose_name=_("user"),
    )
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    table = models.CharField(_("table"), max_length=30, blank=True)
    # "31.73" for the whole city, "31.73.02" for one kecamatan.
    scope = models.CharField(_("area"), max_length=8)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        permissions = [
            ("view_report", _("Can view the kecamatan reports")),
            ("export_report", _("Can export the kecamatan reports")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="exportlog_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=["xlsx", "csv", "pdf"]),
                name="exportlog_format_known",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.format} {self.scope} {formats.datetime_short(self.created_at)}"


class DataVersion(models.Model):
    """Tokens that change with every write to a table the report's figures read.

    A statement trigger on each of those tables (migration 0002, `WATCHED_TABLES`) sets a new
    random token in the same transaction as the write, so that a report read in one snapshot
    with the tokens (reports.selectors.build_report) can be kept under them and reused exactly
    until the next write: a write not yet committed is in neither the figures nor the tokens.
    Random rather than a counter: a rolled-back write must not give a later, different state
    of the data a token already used. 64 slots (one per server process modulo 64) rather
    than one row, so that writers do not queue on one row lock until they commit."""

    id = models.PositiveSmallIntegerField(_("slot"), primary_key=True)
    token = models.UUIDField(_("token"))
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("report data version")
        verbose_name_plural = _("report data versions")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id__gte=0, id__lt=64), name="dataversion_slot"
            )
        ]

    def __str__(self):
        return f"{self.token} ({formats.datetime_short(self.changed_at)})"
