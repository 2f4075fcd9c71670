"""What the register remembers: a business's status, scale, kelurahan and consent over time.

Each `BusinessState` row holds those four values for a range of days (`valid`, a Postgres
daterange, lower bound inclusive, upper exclusive). The ranges of one business never overlap
(an exclusion constraint) and the last one is open-ended; a business's first row starts at
-infinity: before any recorded change, the values it was registered with are all we know.

Why explicit dated rows and not change events (django-simple-history, django-pghistory):
events record when a row was *written* (transaction time); a report needs the day a change
*took effect* (valid time). A business that closed on 31 December and is entered on 5 January
must count as inactive from 31 December. A row per range also answers "as of day D" with one
range containment (`valid @> D`) instead of a search for the latest event per business.

The rows are written by a database trigger on the business table (migration 0008), so that
no write can forget them: the services, the spreadsheet import, the demo's COPY and a plain
`QuerySet.update()` all record. The services say when a change takes effect and why through
`changes_take_effect()` (transaction-local settings the trigger reads); a write
without it takes effect today (Asia/Jakarta) with no reason.
"""

import contextlib
import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import formats
from umkm.models.areas import Kelurahan
from umkm.models.register import Business, BusinessStatus, Scale


class BusinessStateQuerySet(models.QuerySet):
    def on(self, day: datetime.date):
        """The one state of each business on `day`."""
        return self.filter(valid__contains=day)

    def current(self):
        return self.filter(valid__upper_inf=True)


class BusinessState(models.Model):
    """A business's status, scale, kelurahan and consent during a range of days."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="states", verbose_name=_("business")
    )
    valid = DateRangeField(_("valid"))
    status = models.CharField(_("status"), max_length=12, choices=BusinessStatus.choices)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan")
    )
    public_consent = models.BooleanField(_("consents to public listing"))
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        db_constraint=False,  # written by the trigger from a setting; a user may be deleted
    )

    objects = BusinessStateQuerySet.as_manager()

    class Meta:
        verbose_name = _("status over time")
        verbose_name_plural = _("status over time")
        ordering = ["business", "valid"]
        default_permissions = ("view",)
        constraints = [
            ExclusionConstraint(
                name="businessstate_no_overlap",
                expressions=[
                    ("business", RangeOperators.EQUAL),
                    ("valid", RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                condition=~models.Q(valid__isempty=True), name="businessstate_not_empty"
            ),
        ]
        indexes = [
            # "As of day D" in a few kelurahan (one kecamatan's report): the ranges there
            # that contain D. The exclusion constraint's index serves one business's rows.
            GistIndex(fields=["kelurahan", "valid"], name="businessstate_kelurahan_valid"),
            # The moves up (naik kelas) of a period: the naik-kelas ranges starting in it
            # (reports.asof.moved_up_sql), a few thousand rows, without reading every state.
            models.Index(
                models.Func("valid", function="lower"),
                condition=models.Q(status=BusinessStatus.NAIK_KELAS),
                name="businessstate_naik_kelas_from",
            ),
        ]

    def __str__(self):
        # As the business page's inline shows it: the days, open ends as "…" (not "None").
        start = formats.date_short(self.valid_from) if self.valid_from else "…"
        end = formats.date_short(self.valid_until) if self.valid_until else "…"
        return f"{start} – {end}: {self.get_status_display()}"

    @property
    def valid_from(self) -> datetime.date | None:
        return self.valid.lower

    @property
    def valid_until(self) -> datetime.date | None:
        """The last day of the range (the stored upper bound is exclusive)."""
        return self.valid.upper - datetime.timedelta(days=1) if self.valid.upper else None


@contextlib.contextmanager
def changes_take_effect(*, on: datetime.date | None = None, reason: str = "", user=None):
    """Inside an atomic block: the writes to businesses take effect `on` that day (default:
    today in the office's time zone), for `reason`, recorded for `user` (the trigger of
    migration 0008 reads these transaction-local settings). The rules on the day (not in the
    future, not before the last change) are the service's: umkm.services.business_update."""
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('umkm.effective_on', %s, true),"
            " set_config('umkm.change_reason', %s, true),"
            " set_config('umkm.actor_id', %s, true)",
            [(on or timezone.localdate()).isoformat(), (reason or "")[:300], str(user_id or "")],
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('umkm.effective_on', '', true),"
                " set_config('umkm.change_reason', '', true),"
                " set_config('umkm.actor_id', '', true)"
            )
