from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.selectors import Period

FIRST_YEAR = 2015
LONGEST_PERIOD_DAYS = 10 * 366


class PeriodForm(forms.Form):
    """The report's period: a year (?tahun=2023) or a date range (?dari=...&sampai=...)."""

    tahun = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR)
    dari = forms.DateField(label=_("From"), required=False)
    sampai = forms.DateField(label=_("Until"), required=False)

    def clean_tahun(self):
        year = self.cleaned_data.get("tahun")
        if year is not None and year > timezone.localdate().year + 1:
            raise ValidationError(_("The year cannot be later than next year."))
        return year

    def clean(self):
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if bool(start) != bool(end) and not self.errors:
            raise ValidationError(_("Give both dates of the period, or choose a year."))
        if start and end:
            if end < start:
                self.add_error("sampai", _("The end date must not be before the start date."))
            elif (end - start).days > LONGEST_PERIOD_DAYS:
                self.add_error("sampai", _("A period can be at most ten years long."))
        return data

    def period(self) -> Period:
        """The chosen period, or this year when the input is missing or invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("dari") and data.get("sampai"):
            return Period(data["dari"], data["sampai"])
        return Period.for_year(data.get("tahun") or timezone.localdate().year)


def year_choices() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, max(FIRST_YEAR, this_year - 6) - 1, -1))


def period_query(period: Period) -> str:
    """The query string that selects this period again (for links to exports)."""
    if period.year:
        return f"tahun={period.year}"
    return f"dari={period.start.isoformat()}&sampai={period.end.isoformat()}"
