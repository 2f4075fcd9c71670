"""The mentor's desk (namespace "mentors", /pendamping/): phone-first, server-rendered, no
script. Every view of the namespace is guarded by the desk's rule (config.access), and each
looks its rows up through mentors.permissions, so another mentor's business, report or photo
is a 404. Staff pages of the mentoring loop are in staff_views.py."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mentors import permissions, selectors, services
from mentors.forms import MentorSignInForm, MonthlyReportForm
from umkm.admin.service_errors import show_service_error
from umkm.models import Need


class SignInView(auth_views.LoginView):
    template_name = "mentors/signin.html"
    authentication_form = MentorSignInForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("mentors:home")


class SignOutView(auth_views.LogoutView):
    next_page = "mentors:signin"


def desk_refuse(request):
    """Not signed in (or not verified): the mentor's sign-in page. Signed in as someone who is
    not a mentor (staff, an owner): 403."""
    user = request.user
    if not user.is_authenticated or (
        user.is_active and not user.is_staff and permissions.mentor_of(user) is not None
    ):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path(), reverse("mentors:signin"))
    raise PermissionDenied


def home(request):
    rows = selectors.desk_businesses(request.user)
    due = sum(1 for r in rows if not r["reported"])
    return render(
        request,
        "mentors/home.html",
        {
            "mentor": permissions.mentor_of(request.user),
            "rows": rows,
            "due": due,
            "month": selectors.month_start(),
        },
    )


def _business_or_404(request, pk):
    business = selectors.mentor_business(request.user, pk)
    if business is None:
        raise Http404
    return business


def business(request, pk: int):
    b = _business_or_404(request, pk)
    return render(request, "mentors/business.html", selectors.business_record(request.user, b))


def report_new(request, pk: int):
    b = _business_or_404(request, pk)
    if request.method == "POST":
        form = MonthlyReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                outcome = services.report_file(
                    actor=request.user,
                    business=b,
                    data=form.report_data(),
                    photo=form.cleaned_data.get("photo"),
                )
            except ValidationError as exc:
                show_service_error(form, exc)
            else:
                messages.success(request, _("The report is saved."))
                return redirect("mentors:report", pk=outcome.obj.pk)
    else:
        form = MonthlyReportForm(initial=MonthlyReportForm.initial_for())
    return render(request, "mentors/report_form.html", {"business": b, "form": form})


def _report_or_404(request, pk):
    report = (
        permissions.reports_for(request.user)
        .select_related("business", "mentor")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def report(request, pk: int):
    r = _report_or_404(request, pk)
    return render(
        request,
        "mentors/report.html",
        {
            "report": r,
            "may_correct": r.mentor_id == request.user.pk
            and permissions.may_report_on(request.user, r.business),
            "may_open_business": permissions.may_report_on(request.user, r.business),
            "needs": [Need(n).label for n in r.needs if n in Need.values],
        },
    )


def report_edit(request, pk: int):
    r = _report_or_404(request, pk)
    if r.mentor_id != request.user.pk or not permissions.may_report_on(request.user, r.business):
        raise Http404
    if request.method == "POST":
        form = MonthlyReportForm(request.POST, correcting=r)
        if form.is_valid():
            try:
                services.report_correct(
                    actor=request.user, report=r, data=form.report_data(month=r.month)
                )
            except ValidationError as exc:
                show_service_error(form, exc)
            else:
                messages.success(request, _("The correction is saved; the earlier text is kept."))
                return redirect("mentors:report", pk=r.pk)
    else:
        form = MonthlyReportForm(
            correcting=r,
            initial={name: getattr(r, name) for name in services.CORRECTABLE},
        )
    return render(
        request, "mentors/report_form.html", {"business": r.business, "form": form, "report": r}
    )


def my_reports(request):
    reports = (
        permissions.reports_for(request.user)
        .filter(mentor=request.user)
        .select_related("business")
        .order_by("-month", "business__name")[:100]
    )
    return render(request, "mentors/my_reports.html", {"reports": reports})


def photo(request, pk: int):
    r = _report_or_404(request, pk)
    if not r.photo:
        raise Http404
    response = FileResponse(r.photo.open("rb"), content_type=_photo_type(r.photo.name))
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _photo_type(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"
