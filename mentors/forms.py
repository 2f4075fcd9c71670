"""The mentor's forms: sign-in (the staff form's password and authenticator code, for a
non-staff mentor account) and the monthly report."""

import datetime
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.signin import StaffSignInForm
from mentors import permissions
from mentors.services import ReportData
from umkm.models import Need


class MentorSignInForm(StaffSignInForm):
    """Username, password and (when the account has one, or OTP_REQUIRED) the authenticator
    code, in one step, as staff sign in; but for mentor accounts, which are never staff."""

    error_messages = {
        **StaffSignInForm.error_messages,
        "invalid_login": _(
            "The username or password is wrong, or the account is not a mentor account. "
            "Both fields are case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # active; not the admin's is_staff
        if user.is_staff or permissions.mentor_of(user) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


_RUPIAH = re.compile(r"^(rp\.?)?\s*[\d.\s]+(,00)?$", re.IGNORECASE)


class RupiahField(forms.CharField):
    """Rupiah as typed on a phone: 2500000, 2.500.000 or Rp2.500.000."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "maxlength": 25})

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if len(value) > 25:
            raise forms.ValidationError(_("This amount is too large."), code="too_large")
        if value.startswith("-"):
            raise forms.ValidationError(_("Cannot be negative."), code="negative")
        if not _RUPIAH.match(value):
            raise forms.ValidationError(
                _("Write an amount in rupiah using digits only, e.g. 2500000 or 2.500.000."),
                code="not_rupiah",
            )
        digits = re.sub(r"\D", "", value.removesuffix(",00"))
        if len(digits) > 15:
            raise forms.ValidationError(_("This amount is too large."), code="too_large")
        return int(digits)


class CountField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("Write a whole number, e.g. 3."),
        "min_value": _("Cannot be negative."),
        "max_value": _("That is more than a micro or small business employs (at most 9999)."),
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=9999, **kwargs)


class MonthField(forms.DateField):
    """A month as the browser's month input sends it (YYYY-MM)."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Choose a month, e.g. 2024-05.")}
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthlyReportForm(forms.Form):
    month = MonthField(label=_("Month reported"))
    date = forms.DateField(
        label=_("Visit date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write the visit date, e.g. 2024-05-14.")},
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    monthly_omzet = RupiahField(label=_("Omzet this month (Rp)"))
    workers_male = CountField(label=_("Male workers"))
    workers_female = CountField(label=_("Female workers"))
    assets = RupiahField(label=_("Assets (Rp)"))
    needs = forms.MultipleChoiceField(
        label=_("Problems and needs"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certificate_type = forms.ModelChoiceField(
        label=_("Certificate needed"), queryset=None, required=False
    )
    certificate_product = forms.CharField(
        label=_("Product (for a PIRT or BPOM certificate)"), max_length=200, required=False
    )
    photo = forms.FileField(label=_("Photo of the visit (optional)"), required=False)

    def __init__(self, *args, correcting=None, **kwargs):
        from certifications.models import CertificateType

        super().__init__(*args, **kwargs)
        self.fields["certificate_type"].queryset = CertificateType.objects.order_by("name")
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png"
        if correcting is not None:
            for name in ("month", "photo", "certificate_type", "certificate_product"):
                del self.fields[name]

    @staticmethod
    def initial_for(today: datetime.date | None = None) -> dict:
        today = today or timezone.localdate()
        return {"month": today.replace(day=1), "date": today}

    def report_data(self, *, month: datetime.date | None = None) -> ReportData:
        d = self.cleaned_data
        return ReportData(
            month=month or d["month"],
            date=d["date"],
            topic=d["topic"],
            notes=d.get("notes", ""),
            monthly_omzet=d.get("monthly_omzet"),
            workers_male=d.get("workers_male"),
            workers_female=d.get("workers_female"),
            assets=d.get("assets"),
            needs=list(d.get("needs") or []),
            certificate_type=d.get("certificate_type"),
            certificate_product=d.get("certificate_product", ""),
        )
