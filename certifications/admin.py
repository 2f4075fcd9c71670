"""Certificate cases in Django admin. Thin: every write goes through certifications.services;
the status is never edited as a field, only through the status form and the bulk actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from certifications import exports, reminders, rules, selectors, services
from certifications import permissions as policy
from certifications.forms import CaseDocumentUploadForm, CaseTransitionForm, CertificateCaseForm
from certifications.models import CaseDocument, CaseTransition, CertificateCase, CertificateType
from config import params
from umkm import permissions
from umkm.admin.base import FastListMixin, ScopedAdmin, ScopedTabularInline, filter_value
from umkm.admin.links import register_business_link


class ExpiresWithinFilter(admin.SimpleListFilter):
    title = _("expires within")
    parameter_name = "expires_within"

    def lookups(self, request, model_admin):
        return [
            ("30", _("30 days")),
            ("60", _("60 days")),
            ("90", _("90 days")),
            ("expired", _("Already expired")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() in {"30", "60", "90"}:
            return queryset.expiring_within(int(self.value()), on=today)
        if self.value() == "expired":
            return queryset.expired_on(today)
        return queryset


class WaitingOnSudinFilter(admin.SimpleListFilter):
    """Cases referred to Sudin PPKUKM that have had no answer for longer than
    settings.CERTIFICATE_WAITING_DAYS (the staff desk's "waiting on Sudin PPKUKM" count)."""

    title = _("waiting on Sudin PPKUKM")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("late", _("Longer than %(days)s days") % {"days": waiting_days()})]

    def queryset(self, request, queryset):
        if self.value() == "late":
            return queryset.waiting_on_sudin(longer_than_days=waiting_days())
        return queryset


def waiting_days() -> int:
    from django.conf import settings

    return settings.CERTIFICATE_WAITING_DAYS


class KecamatanFilter(admin.SimpleListFilter):
    title = _("kecamatan")
    parameter_name = "kecamatan"

    def lookups(self, request, model_admin):
        return [(k.code, k.name) for k in policy.office_kecamatan(request.user)]

    def queryset(self, request, queryset):
        code = filter_value(self, request, params.area_code)
        if code:
            return queryset.filter(kecamatan_id=code)
        return queryset


class CaseDocumentInline(ScopedTabularInline):
    """Documents already attached: read-only, with a link to the private download view."""

    model = CaseDocument
    scope = staticmethod(policy.documents_for)
    extra = 0
    fields = ["download", "description", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    verbose_name_plural = _("documents")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, document):
        return format_html('<a href="{}">{}</a>', document.get_absolute_url(), document)


class CaseDocumentUploadInline(ScopedTabularInline):
    """New documents: checked by content, attached through services.document_attach."""

    model = CaseDocument
    scope = staticmethod(policy.documents_for)
    form = CaseDocumentUploadForm
    extra = 1
    fields = ["file", "description"]
    verbose_name = _("new document")
    verbose_name_plural = _("upload documents (PDF, JPEG or PNG, at most 5 MB)")
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class CaseTransitionInline(ScopedTabularInline):
    model = CaseTransition
    scope = staticmethod(policy.transitions_for)
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note", "number", "expires_on"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(CertificateCase)
class CertificateCaseAdmin(ScopedAdmin):
    scope = staticmethod(policy.cases_for)
    list_display = [
        "business_name",
        "type",
        "product",
        "status_label",
        "number",
        "issued_on",
        "expires_on",
        "kecamatan",
    ]
    list_display_links = ["business_name"]
    list_select_related = ["type", "business", "kecamatan"]
    list_filter = ["type", "status", KecamatanFilter, ExpiresWithinFilter, WaitingOnSudinFilter]
    search_fields = ["business_name"]  # replaced by get_search_results; keeps the search box
    search_help_text = _("Business name, or a certificate number (exact).")
    form = CertificateCaseForm
    autocomplete_fields = ["business"]  # by name, scoped (no pop-up lookup of an ID)
    actions = ["refer_to_sudin", "mark_submitted"]
    inlines = [CaseDocumentInline, CaseDocumentUploadInline, CaseTransitionInline]
    readonly_fields = [
        "status_and_actions",
        "number",
        "issued_on",
        "expires_on",
        "expiry_override_reason",
        "status_changed_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["business", "type", "product", "halal_route", "note"]
        return [
            "business",
            "type",
            "product",
            "status_and_actions",
            "number",
            "issued_on",
            "expires_on",
            "expiry_override_reason",
            "status_changed_at",
            "halal_route",
            "note",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "business", "type", "product"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "business":
            kwargs["queryset"] = permissions.businesses_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- list columns -------------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """The business name from this table's copy (`business_name`, kept by a trigger) or the
        exact certificate number: a BitmapOr of two indexes of one table, never an OR across
        the join to the businesses (a sequential scan of both at 200,000 cases)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        by_name = Q()
        for word in term.split():
            by_name &= Q(business_name__icontains=word)
        return queryset.filter(by_name | Q(number=term.replace(" ", "").upper())), False

    @admin.display(description=_("kecamatan"))
    def kecamatan(self, case):
        return case.kecamatan.name

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, case):
        if case.is_expired():
            return gettext("Issued, expired")
        return case.get_status_display()

    @admin.display(description=_("status"))
    def status_and_actions(self, case):
        return self.status_label(case) if case.pk else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The "change status" button (templates/admin/certifications/certificatecase/
        # change_form.html) for those who may change the case, while a transition remains.
        case = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "status_url": (
                reverse("admin:certifications_certificatecase_transition", args=[case.pk])
                if case is not None
                and rules.TRANSITIONS[case.status]
                and self.has_change_permission(request, case)
                else None
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- saving through the services ------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # A refusal (e.g. the same case opened by two staff at once) is shown on the form and
        # nothing is saved (ServiceErrorsAdmin).
        if change:
            services.case_update(
                actor=request.user, case=obj, note=obj.note, halal_route=obj.halal_route
            )
        else:
            created = services.case_open(
                actor=request.user,
                business=obj.business,
                cert_type=obj.type,
                product=obj.product,
                halal_route=obj.halal_route,
                note=obj.note,
            )
            obj.pk = created.pk
            obj.status = created.status

    def save_formset(self, request, form, formset, change):
        if (
            formset.model is CaseDocument
            and isinstance(formset.form, type)
            and issubclass(formset.form, CaseDocumentUploadForm)
        ):
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for upload_form in formset.forms:
                data = getattr(upload_form, "cleaned_data", None) or {}
                if data.get("file"):
                    document = services.document_attach(
                        actor=request.user,
                        case=form.instance,
                        upload=data["file"],
                        description=data.get("description", ""),
                    )
                    formset.new_objects.append(document)
            return
        formset.save()

    # --- status form ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/status/",
                self.admin_site.admin_view(self.transition_view),
                name="certifications_certificatecase_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk: int):
        case = get_object_or_404(
            self.get_queryset(request).select_related("type", "business"), pk=pk
        )
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        form = CaseTransitionForm(request.POST or None, case=case)
        if request.method == "POST" and form.is_valid():
            try:
                services.case_transition(actor=request.user, case=case, **form.service_kwargs())
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    gettext("Status changed to: %(status)s.")
                    % {"status": case.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:certifications_certificatecase_change", args=[case.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "case": case,
            "form": form,
            "title": gettext("Change the status of %(case)s") % {"case": case},
            "computed_rule": case.type.get_validity_display(),
        }
        return TemplateResponse(
            request, "admin/certifications/certificatecase/transition.html", context
        )

    # --- bulk actions ---------------------------------------------------------------------------

    @admin.action(description=_("Refer to Sudin PPKUKM (and download the referral list)"))
    def refer_to_sudin(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        cases = list(
            queryset.select_related("type", "business__sector", "business__kelurahan__kecamatan")
        )
        outcome = services.cases_refer(actor=request.user, cases=cases)
        if outcome.skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d case was not in status Needed and was left as it was.",
                    "%(count)d cases were not in status Needed and were left as they were.",
                    len(outcome.skipped),
                )
                % {"count": len(outcome.skipped)},
                messages.WARNING,
            )
        if not outcome.done:
            self.message_user(request, gettext("No case was referred."), messages.WARNING)
            return None
        today = timezone.localdate()
        content = exports.referral_xlsx(outcome.done, title=exports.referral_title(today))
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"rujukan-sudin-ppkukm-{today:%Y-%m-%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Mark as submitted"))
    def mark_submitted(self, request, queryset):
        if not self.has_change_permission(request):
            raise PermissionDenied
        outcome = services.cases_submit(
            actor=request.user, cases=queryset.select_related("type", "business__kelurahan")
        )
        done = len(outcome.done)
        self.message_user(
            request,
            ngettext(
                "%(count)d case marked as submitted.", "%(count)d cases marked as submitted.", done
            )
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )


@admin.register(CertificateType)
class CertificateTypeAdmin(FastListMixin, admin.ModelAdmin):
    """Types are data; their code, number format and validity kind are rules and stay."""

    list_display = [
        "name",
        "agency",
        "number_example",
        "validity",
        "validity_years",
        "per_product",
        "applies_to",
    ]
    readonly_fields = [
        "code",
        "number_rule",
        "validity",
        "validity_years",
        "per_product",
        "is_food",
        "applies_to",
        "applies_to_sector",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- On each business's page: all its certificates at a glance -----------------------------


class CertificateCaseInline(ScopedTabularInline):
    """Read-only summary of a business's certificate cases, each linking to its case page.

    Attached to the Business admin by CertificationsConfig.ready() (see attach_to_business_admin),
    so umkm/admin.py does not import this app.
    """

    model = CertificateCase
    scope = staticmethod(policy.cases_for)
    extra = 0
    fields = ["type", "product", "status_summary", "number", "expires_on"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("certificates")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("type").order_by("type__order", "id")

    @admin.display(description=_("status"))
    def status_summary(self, case):
        if case.is_expired():
            return gettext("Issued, expired")
        return case.get_status_display()


class FoodCertificateFilter(admin.SimpleListFilter):
    """On the business list: the active Kuliner businesses without a valid or in-process PIRT
    or halal today, exactly the reminders' list (selectors.food_gap); its links open it."""

    title = _("food certificate (PIRT/halal)")
    parameter_name = reminders.FOOD_FILTER_PARAMETER

    def lookups(self, request, model_admin):
        return [(reminders.FOOD_FILTER_MISSING, _("Kuliner without PIRT or halal"))]

    def queryset(self, request, queryset):
        if self.value() == reminders.FOOD_FILTER_MISSING:
            return selectors.food_gap(queryset, on=timezone.localdate())
        return queryset


def attach_to_business_admin(site=None) -> bool:
    """Add CertificateCaseInline and FoodCertificateFilter to the Business admin if Business
    is registered on `site`."""
    from umkm.models import Business

    site = site or admin.site
    model_admin = site._registry.get(Business)
    if model_admin is None or CertificateCaseInline in model_admin.inlines:
        return False
    model_admin.inlines = [*model_admin.inlines, CertificateCaseInline]
    model_admin.list_filter = [*model_admin.list_filter, FoodCertificateFilter]
    return True


@register_business_link
def start_case_link(request, business):
    """The business page's "start a certificate case": the add form with the business chosen."""
    if not request.user.has_perm("certifications.add_certificatecase"):
        return None
    url = reverse("admin:certifications_certificatecase_add")
    return gettext("Start a certificate case"), f"{url}?business={business.pk}"
