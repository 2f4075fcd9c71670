"""The owners' desk: sign-in with a one-time code, then their businesses, phone-first.

Every view of the namespace answers only to an owner (config.access: the desk registered in
owners.apps); each looks its business up through owners.permissions.businesses_of, so another
owner's business is a 404. Writes are owners.services."""

import json

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import Lag
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bazaars.models import Bazaar, Participation
from config import params
from notifications.services import mask_address
from owners import forms, permissions, services
from owners import signin as codes
from owners.models import CorrectionRequest, NotificationPreference, ProfileEdit, ReviewStatus
from umkm.admin.service_errors import show_service_error
from umkm.validators import mask_nik

SESSION_PENDING = "owners_signin"
BACKEND = "owners.backends.OwnerBackend"


class RedirectThenSend(HttpResponseRedirect):
    """A redirect whose message goes out once the answer has been sent: the WSGI server closes
    the response after writing it, so the visitor's wait is the same with or without one."""

    def __init__(self, to, pending=None):
        super().__init__(to)
        self._pending = pending

    def close(self):
        super().close()
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.send()


def _safe_next(request, value) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


# --- Sign-in (public pages: config.access.PUBLIC_VIEWS) -----------------------------------


@require_http_methods(["GET", "POST"])
def signin(request):
    form = forms.IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identifier = codes.parse_identifier(form.cleaned_data["identifier"])
            pending = codes.code_request(
                identifier=identifier, client_ip=get_client_ip_address(request) or ""
            )
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
            request.session[SESSION_PENDING] = {
                "hash": identifier.hash,
                "shown": mask_address(identifier.address),
                "next": next_url,
            }
            return RedirectThenSend(reverse("owners:code"), pending)
    return render(
        request, "owners/signin.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_http_methods(["GET", "POST"])
def code(request):
    pending = request.session.get(SESSION_PENDING)
    if not pending:
        return redirect("owners:signin")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            owner = codes.code_verify(
                identifier_hash=pending["hash"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            account = codes.account_for(owner)
            if request.user.is_authenticated:
                logout(request)  # a staff (or other) session never becomes an owner's
            login(request, account.user, backend=BACKEND)  # a new session key
            request.session.pop(SESSION_PENDING, None)
            return HttpResponseRedirect(pending.get("next") or _landing(request.user))
    return render(request, "owners/code.html", {"form": form, "shown": pending.get("shown")})


@require_POST
def signout(request):
    logout(request)
    return redirect("owners:signin")


# --- The desk ------------------------------------------------------------------------------


def _business(request, business_id):
    return get_object_or_404(
        permissions.businesses_of(request.user).select_related(
            "sector", "kelurahan__kecamatan", "current_stage"
        ),
        pk=business_id,
    )


def _landing(user) -> str:
    """Where an owner lands: their business's page when they have one (so the sign-in is the
    code's post and this page: two requests after the code arrives), else the list."""
    ids = list(permissions.businesses_of(user).values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        return reverse("owners:business", kwargs={"business_id": ids[0]})
    return reverse("owners:home")


@require_safe
def home(request):
    businesses = list(
        permissions.businesses_of(request.user).select_related("sector").order_by("name")
    )
    if len(businesses) == 1:
        return redirect("owners:business", business_id=businesses[0].pk)
    return render(request, "owners/home.html", {"businesses": businesses})


def _open_bazaars():
    return (
        Bazaar.objects.public()
        .open_for_applications()
        .select_related("venue")
        .order_by("start_date")[:10]
    )


@require_safe
def business(request, business_id):
    business = _business(request, business_id)
    owner = permissions.owner_of(request.user)
    participations = list(
        Participation.objects.filter(business=business)
        .select_related("bazaar", "booth")
        .order_by("-applied_at")[:20]
    )
    taken = {p.bazaar_id for p in participations}
    from certifications.models import CertificateCase

    context = {
        "business": business,
        "owner": owner,
        "nik_masked": mask_nik(owner.nik),
        "links": list(business.links.all()),
        "photos": list(business.photos.all()[:6]),
        "pending_edit": ProfileEdit.objects.filter(
            business=business, status=ReviewStatus.PENDING
        ).first(),
        "last_decided": ProfileEdit.objects.filter(
            business=business, status__in=[ReviewStatus.APPROVED, ReviewStatus.REJECTED]
        )
        .order_by("-decided_at")
        .first(),
        "participations": participations,
        "open_bazaars": [b for b in _open_bazaars() if b.pk not in taken],
        "cases": list(
            CertificateCase.objects.filter(business=business).select_related("type")[:20]
        ),
        "corrections": list(CorrectionRequest.objects.filter(business=business)[:5]),
        "others": permissions.businesses_of(request.user).exclude(pk=business.pk).count(),
    }
    return render(request, "owners/business.html", context)


@require_http_methods(["GET", "POST"])
def profile(request, business_id):
    business = _business(request, business_id)
    pending = ProfileEdit.objects.filter(business=business, status=ReviewStatus.PENDING).first()
    if pending is not None:
        initial = {**pending.proposed}
        links = initial.pop("links", {})
    else:
        initial = {n: getattr(business, n) for n in ("description", "products", "opening_hours")}
        links = {link.kind: link.url for link in business.links.all()}
    initial.update({f"link_{kind}": url for kind, url in links.items()})
    form = forms.ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_edit_submit(
                actor=request.user,
                business=business,
                text=form.text(),
                links=form.links(),
                photo=form.cleaned_data.get("photo"),
            )
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Your changes wait for the office's review.")
                if services.needs_approval()
                else _("Your public profile is updated."),
            )
            return redirect("owners:business", business_id=business.pk)
    return render(
        request, "owners/profile.html", {"business": business, "form": form, "pending": pending}
    )


@require_http_methods(["GET", "POST"])
def correction(request, business_id):
    business = _business(request, business_id)
    form = forms.CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_request_submit(
                actor=request.user, business=business, **form.cleaned_data
            )
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("Your request went to the office."))
            return redirect("owners:business", business_id=business.pk)
    return render(request, "owners/correction.html", {"business": business, "form": form})


def consent_history(business, owner_user, limit: int = 10) -> list[dict]:
    """Each change of the consent, newest first, from the business's history: the rows whose
    consent differs from the row before (the first row too), found by the database in one
    query of at most `limit` rows however long the history grows. The reason is shown for the
    owner's own changes only: staff's reasons are the office's working notes, not written for
    the owner ("by the office" instead)."""
    in_order = (F("history_date").asc(), F("history_id").asc())
    rows = list(
        business.history.annotate(before=Window(Lag("public_consent"), order_by=in_order))
        .filter(Q(before__isnull=True) | ~Q(before=F("public_consent")))
        .order_by("-history_date", "-history_id")
        .values("history_date", "public_consent", "history_change_reason", "history_user_id")[
            :limit
        ]
    )
    for row in rows:
        row["by_office"] = row.pop("history_user_id") != owner_user.pk
        if row["by_office"]:
            row["history_change_reason"] = ""
    return rows


@require_http_methods(["GET", "POST"])
def consent(request, business_id):
    business = _business(request, business_id)
    wa_form = forms.WhatsappForm(
        request.POST if request.POST.get("action") == "whatsapp" else None,
        initial={"whatsapp": business.whatsapp, "whatsapp_public": business.whatsapp_public},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("grant", "withdraw"):
                services.consent_set(
                    actor=request.user, business=business, public=action == "grant"
                )
                messages.success(
                    request,
                    _("Your business is now listed publicly.")
                    if action == "grant"
                    else _("Your public page is taken down."),
                )
                return redirect("owners:consent", business_id=business.pk)
            if action == "whatsapp" and wa_form.is_valid():
                services.whatsapp_set(
                    actor=request.user,
                    business=business,
                    number=wa_form.cleaned_data["whatsapp"],
                    public=wa_form.cleaned_data["whatsapp_public"],
                )
                messages.success(request, _("Your WhatsApp choice is saved."))
                return redirect("owners:consent", business_id=business.pk)
        except ValidationError as exc:
            show_service_error(wa_form, exc)
    history = consent_history(business, request.user)
    return render(
        request,
        "owners/consent.html",
        {"business": business, "wa_form": wa_form, "history": history},
    )


@require_http_methods(["GET", "POST"])
def apply(request, business_id, slug):
    business = _business(request, business_id)
    bazaar = get_object_or_404(Bazaar.objects.public().select_related("venue"), slug=slug)
    existing = Participation.objects.filter(bazaar=bazaar, business=business).first()
    reasons = [] if existing else services.application_check(business=business, bazaar=bazaar)
    if request.method == "POST" and existing is None:
        try:
            services.application_submit(actor=request.user, business=business, bazaar=bazaar)
        except ValidationError as exc:
            reasons = exc.messages
        else:
            messages.success(request, _("Your application is recorded: the office decides."))
            return redirect("owners:business", business_id=business.pk)
    return render(
        request,
        "owners/apply.html",
        {"business": business, "bazaar": bazaar, "reasons": reasons, "existing": existing},
    )


@require_safe
def bazaar(request, slug):
    """The public page's "Daftar": the owner's business applies (or picks which one does)."""
    bazaar = get_object_or_404(Bazaar.objects.public(), slug=slug)
    businesses = list(permissions.businesses_of(request.user).order_by("name"))
    if len(businesses) == 1:
        return redirect("owners:apply", business_id=businesses[0].pk, slug=bazaar.slug)
    return render(request, "owners/home.html", {"businesses": businesses, "bazaar": bazaar})


@require_POST
def withdraw(request, business_id, participation_id):
    business = _business(request, business_id)
    participation = get_object_or_404(
        Participation.objects.select_related("bazaar", "business"),
        pk=participation_id,
        business=business,
    )
    try:
        services.application_withdraw(actor=request.user, participation=participation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("You withdrew from %(bazaar)s.") % {"bazaar": participation.bazaar}
        )
    return redirect("owners:business", business_id=business.pk)


@require_http_methods(["GET", "POST"])
def certificates(request, business_id):
    from certifications.models import CertificateCase

    business = _business(request, business_id)
    cases = list(
        CertificateCase.objects.filter(business=business)
        .select_related("type")
        .prefetch_related(Prefetch("documents"))
        .order_by("-id")[:30]
    )
    form = forms.DocumentForm()
    if request.method == "POST":
        case = get_object_or_404(
            CertificateCase,
            pk=params.get(request.POST, "case", params.object_id, default=0),
            business=business,
        )
        form = forms.DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_upload(
                    actor=request.user,
                    case=case,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                show_service_error(form, exc)
            else:
                messages.success(request, _("The document is uploaded for the office."))
                return redirect("owners:certificates", business_id=business.pk)
    return render(
        request, "owners/certificates.html", {"business": business, "cases": cases, "form": form}
    )


@require_http_methods(["GET", "POST"])
def my_data(request):
    """GET: what the file holds; POST (a button): the file itself. Handing over the full NIK
    and writing the audit row are not for a GET that any link or prefetch can trigger."""
    if request.method != "POST":
        return render(request, "owners/my_data.html")
    data = services.my_data(actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="data-saya.json"'
    return response


@require_http_methods(["GET", "POST"])
def deletion(request):
    form = forms.DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deletion_request_submit(actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            messages.success(request, _("Your request went to the office."))
            return redirect("owners:home")
    owner = permissions.owner_of(request.user)
    return render(
        request,
        "owners/deletion.html",
        {"form": form, "requests": owner.deletion_requests.all()[:5]},
    )


@require_http_methods(["GET", "POST"])
def preferences(request):
    prefs = NotificationPreference.objects.filter(account=request.user.owner_account).first()
    initial = {"sms": prefs.sms, "whatsapp": prefs.whatsapp, "email": prefs.email} if prefs else {}
    form = forms.PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your choice is saved."))
        return redirect("owners:preferences")
    return render(request, "owners/preferences.html", {"form": form})
