"""Staff pages of the mentoring loop (namespace "mentors_staff", /staf/pendamping/), behind the
one staff-access rule: this month's completeness, the reminders, and the moving-up
suggestions that staff confirm as a dated change of the register."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.access import staff_required
from mentors import permissions, selectors, services
from umkm import permissions as umkm_permissions
from umkm import services as umkm_services
from umkm.admin.service_errors import show_service_error
from umkm.models import Business, BusinessStatus, Scale


@staff_required
def completeness(request):
    if not permissions.may_see_completeness(request.user):
        raise PermissionDenied
    data = selectors.completeness(request.user)
    context = {
        **data,
        "may_see_mentors": permissions.may_see_mentors(request.user),
        "may_send_reminders": permissions.may_send_reminders(request.user),
        "silent": selectors.without_report(request.user)
        if permissions.may_see_mentors(request.user)
        else [],
    }
    return render(request, "mentors/staff/completeness.html", context)


@staff_required
@require_POST
def reminders(request):
    if not permissions.may_send_reminders(request.user):
        raise PermissionDenied
    month = timezone.localdate().replace(day=1).isoformat()
    result = services.send_mentor_reminders_task.enqueue(month=month)
    if result.is_finished:  # a backend that runs tasks at once (development)
        messages.success(request, _("Reminders sent: %(n)d.") % {"n": result.return_value})
    else:
        messages.success(
            request,
            _("The reminders are being sent by the background worker (once a day each)."),
        )
    return redirect("mentors_staff:completeness")


class ConfirmForm(forms.Form):
    yearly_omzet = forms.IntegerField(label=gettext_lazy("Yearly omzet (Rp)"), min_value=0)
    capital = forms.IntegerField(label=gettext_lazy("Capital (Rp)"), min_value=0, required=False)
    naik_kelas = forms.BooleanField(
        label=gettext_lazy("Mark the business as moved up (naik kelas)"), required=False
    )
    effective_on = forms.DateField(
        label=gettext_lazy("Effective on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


@staff_required
def suggestion(request, pk: int):
    business = (
        umkm_permissions.businesses_for(request.user, Business.objects.select_related("owner"))
        .filter(pk=pk)
        .first()
    )
    if business is None or not permissions.may_confirm_scale(request.user, business):
        raise Http404
    facts = selectors.suggestion(business)
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            changes = {"yearly_omzet": d["yearly_omzet"], "capital": d["capital"]}
            if d["naik_kelas"]:
                changes["status"] = BusinessStatus.NAIK_KELAS
            try:
                umkm_services.business_update(
                    actor=request.user,
                    business=business,
                    effective_on=d["effective_on"],
                    reason=d["reason"],
                    **changes,
                )
            except ValidationError as exc:
                show_service_error(form, exc)
            else:
                messages.success(request, _("The change is recorded from the day given."))
                return redirect("mentors_staff:suggestion", pk=business.pk)
    else:
        initial = {
            "effective_on": timezone.localdate(),
            "reason": _("Monthly mentoring reports"),
            "capital": business.capital,
            "yearly_omzet": business.yearly_omzet,
        }
        if facts:
            initial["yearly_omzet"] = facts["yearly_omzet"] or business.yearly_omzet
            initial["capital"] = (
                facts["assets"] if facts["assets"] is not None else business.capital
            )
        form = ConfirmForm(initial=initial)
    return render(
        request,
        "mentors/staff/suggestion.html",
        {
            "business": business,
            "facts": facts or selectors.indicators(selectors.last_12_months(business)),
            "suggested": facts is not None,
            "scale_label": dict(Scale.choices),
            "form": form,
        },
    )
