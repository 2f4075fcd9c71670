"""Django admin of the register, where Sudin staff and kecamatan operators work every day.

Thin on purpose: every queryset, form choice and autocomplete goes through umkm.permissions,
every write through umkm.services. What is here is presentation and speed at DKI scale:
an estimated/capped count instead of COUNT(*) over 370,000 rows, `list_select_related` limited
to the columns shown, and searches that hit the trigram indexes without OR across a join.
"""

import itertools
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from umkm import permissions, services
from umkm.admin_import import TraineeImportAdminMixin
from umkm.audit import record_personal_data_access
from umkm.forms import OwnerForm, trainee_formset
from umkm.models import (
    Business,
    BusinessStage,
    City,
    Enrolment,
    Kecamatan,
    Kelurahan,
    Mentoring,
    Owner,
    PersonalDataAccess,
    Sector,
    StaffProfile,
    Stage,
    Training,
    YearlyTarget,
)
from umkm.validators import mask_nik

NIK_TERM = re.compile(r"^\d{16}$")
NIB_TERM = re.compile(r"^\d{13}$")
DIGITS_TERM = re.compile(r"^\d{3,12}$")
COHORT_FIRST_YEAR = 2015
KELURAHAN_CHOICES_MAX = 80  # a city has at most ~65


# --- Speed at DKI scale -------------------------------------------------------------------


class EstimatedCountPaginator(Paginator):
    """No COUNT(*) over the whole table.

    Unfiltered: Postgres' own estimate (pg_class.reltuples, kept by ANALYZE/autovacuum) once
    the table is large. Filtered or searched: an exact count, capped at COUNT_CAP rows (the list
    then offers COUNT_CAP / per_page pages, enough to page through; narrow the search for more).
    """

    ESTIMATE_FROM = 50_000
    COUNT_CAP = 10_000

    @cached_property
    def count(self):
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None:
            return super().count
        if not query.where:
            estimate = _table_estimate(qs.model._meta.db_table)
            if estimate >= self.ESTIMATE_FROM:
                return estimate
            return qs.count()
        return qs.order_by()[: self.COUNT_CAP].count()


def _table_estimate(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(0, row[0]) if row else 0


# --- Scoping and writes through the services ------------------------------------------------


class ScopedAdmin(admin.ModelAdmin):
    """Querysets scoped by umkm.permissions; another kecamatan's record answers 404, a service's
    refusal (ValidationError) is shown as a message and nothing is saved."""

    scope = staticmethod(lambda user, qs: qs)
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return self.scope(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and object_id is not None:
            raise Http404(gettext("Not found, or not in your kecamatan."))
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_foreignkey(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # The service refused (e.g. two staff saving the same NIK at once): the transaction
            # of the whole form was rolled back.
            for message in _messages_of(exc, self.model):
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_in_scope(self, request, object_id):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404(gettext("Not found, or not in your kecamatan."))


def scope_foreignkey(db_field, request, kwargs) -> None:
    """The choices an operator may make: only their kecamatan's areas, owners and businesses."""
    user = request.user
    related = db_field.related_model
    if related is Kelurahan:
        kwargs["queryset"] = permissions.kelurahan_for(user)
    elif related is Kecamatan:
        kwargs["queryset"] = permissions.kecamatan_for(user)
    elif related is Owner:
        kwargs["queryset"] = permissions.owners_for(user)
    elif related is Business:
        kwargs["queryset"] = permissions.businesses_for(user)


def _messages_of(exc: ValidationError, model) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    out = []
    for name, errors in exc.message_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name).capitalize()
        except Exception:  # a form-only field such as business_name
            label = name
        out.extend(f"{label}: {message}" for message in errors)
    return out


def _changes(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


# --- Areas (read-only reference data, used by autocomplete) -------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(City)
class CityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "=code"]


@admin.register(Kecamatan)
class KecamatanAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "city"]
    list_filter = ["city"]
    list_select_related = ["city"]
    search_fields = ["name", "=code"]

    def get_queryset(self, request):
        return permissions.kecamatan_for(request.user, super().get_queryset(request))


@admin.register(Kelurahan)
class KelurahanAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kecamatan", "postal_code"]
    list_filter = ["kecamatan__city"]
    list_select_related = ["kecamatan"]
    search_fields = ["name", "=code", "=postal_code"]

    def get_queryset(self, request):
        # Also the kelurahan autocomplete: an operator is offered only their kecamatan's.
        return permissions.kelurahan_for(request.user, super().get_queryset(request))


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_food", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


class StageOrderForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The order's uniqueness is deferred to the end of the save (two stages may swap their
        # order); StageOrderFormSet checks the new orders together instead.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("order")
        return exclusions


class StageOrderFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        orders = {s.pk: s.order for s in Stage.objects.all()}
        for form in self.forms:
            if form.instance.pk and "order" in getattr(form, "cleaned_data", {}):
                orders[form.instance.pk] = form.cleaned_data["order"]
        values = list(orders.values())
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise ValidationError(
                gettext("Each stage needs its own order; used more than once: %(orders)s.")
                % {"orders": ", ".join(map(str, duplicates))}
            )


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    form = StageOrderForm
    list_display = ["name", "order", "code"]
    list_display_links = ["name"]
    list_editable = ["order"]
    ordering = ["order"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=StageOrderForm, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=StageOrderFormSet, **kwargs)


# --- Owners ---------------------------------------------------------------------------------


class OwnerBusinessInline(admin.TabularInline):
    model = Business
    fields = ["name", "sector", "kelurahan", "status", "binaan_since"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("businesses")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("sector", "kelurahan")
        return permissions.businesses_for(request.user, qs)


PERSONAL_FIELDS = ["phone", "email", "address"]


@admin.register(Owner)
class OwnerAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = OwnerForm
    scope = staticmethod(permissions.owners_for)
    list_display = ["full_name", "nik_masked", "gender", "kelurahan", "kecamatan"]
    list_select_related = ["kelurahan__kecamatan"]
    list_filter = ["gender"]  # + the kecamatan and kelurahan filters, see get_list_filter
    search_fields = ["full_name"]  # replaced by get_search_results; keeps the search box
    autocomplete_fields = ["kelurahan"]
    inlines = [OwnerBusinessInline]
    search_help_text = _("Owner name, or a full NIK (exact).")
    ordering = ["-id"]  # newest first on the primary key: no sort of 370,000 names

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj):
        return mask_nik(obj.nik)

    @admin.display(description=_("NIK"))
    def nik_full(self, obj):
        return obj.nik

    @admin.display(description=_("kecamatan"), ordering="kelurahan__kecamatan__name")
    def kecamatan(self, obj):
        return obj.kelurahan.kecamatan.name

    def get_list_filter(self, request):
        return [KecamatanFilter, KelurahanFilter, *self.list_filter]

    def get_list_display(self, request):
        shown = list(self.list_display)
        if permissions.can_view_nik(request.user):
            shown[1] = "nik_full"
        if permissions.can_view_personal_data(request.user):
            shown.append("phone")
        return shown

    def get_fields(self, request, obj=None):
        user = request.user
        editable = self.has_change_permission(request, obj) or (
            obj is None and self.has_add_permission(request)
        )
        fields = ["full_name"]
        if permissions.can_view_nik(user) and editable:
            fields.append("nik")
        elif obj is not None:
            fields.append("nik_masked")
            if editable:
                fields.append("nik")
        elif editable:
            fields.append("nik")
        fields += ["gender", "birth_date"]
        if permissions.can_view_personal_data(user):
            fields += PERSONAL_FIELDS
        fields.append("kelurahan")
        if obj is not None:
            fields += ["created_at", "updated_at"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ["nik_masked", "created_at", "updated_at"]

    def get_exclude(self, request, obj=None):
        # Excluded, not just read-only: the values never reach the page.
        return [] if permissions.can_view_personal_data(request.user) else PERSONAL_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.show_nik = permissions.can_view_nik(request.user)
        field = form.base_fields.get("kelurahan")
        if obj is not None and field is not None:
            # An owner living elsewhere but running a business in the operator's kecamatan
            # keeps their home kelurahan; the operator may not choose another outside theirs.
            field.queryset = field.queryset | Kelurahan.objects.filter(pk=obj.kelurahan_id)
        return form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        owner = getattr(response, "context_data", {}).get("original")
        shown = request.method == "GET" and response.status_code == 200 and owner is not None
        if shown and permissions.can_view_personal_data(request.user):
            # UU PDP audit trail: who opened whose personal data, and when.
            record_personal_data_access(
                owner=owner,
                user=request.user,
                action=PersonalDataAccess.Action.VIEW,
                purpose=gettext("Owner record opened in admin"),
            )
        return response

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if NIK_TERM.match(term.replace(" ", "")):
            if not permissions.can_search_nik(request.user):
                return queryset.none(), False
            return queryset.filter(nik_index=_nik_index(term)), False
        for word in term.split():
            queryset = queryset.filter(full_name__icontains=word)
        return queryset, False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = [n for n in self.get_fields(request, obj) if n in form.fields and n != "nik"]
        if not change:
            outcome = services.owner_create(
                actor=request.user, nik=data["nik"], **{n: data[n] for n in fields}
            )
        else:
            original = self.get_queryset(request).get(pk=obj.pk)
            outcome = services.owner_update(
                actor=request.user,
                owner=original,
                nik=data.get("nik") or None,
                **_changes(form, fields),
            )
        obj.pk = outcome.obj.pk
        for warning in outcome.warnings:
            messages.warning(request, warning)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """History shows that the NIK changed, never its value; Pejabat sees no personal data."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        hidden = (
            set()
            if permissions.can_view_personal_data(request.user)
            else {capfirst(Owner._meta.get_field(n).verbose_name) for n in PERSONAL_FIELDS}
        )
        nik_label = capfirst(Owner._meta.get_field("nik_index").verbose_name)
        for record in historical_records:
            changes = getattr(record, "history_delta_changes", None)
            if not changes:
                continue
            cleaned = []
            for change in changes:
                label = str(change["field"])
                if label in hidden:
                    continue
                if label == nik_label:
                    change = {"field": gettext("NIK"), "old": "", "new": gettext("changed")}
                cleaned.append(change)
            record.history_delta_changes = cleaned
        records = list(historical_records)
        for newer, older in itertools.pairwise(records):
            if newer.nik_index != older.nik_index:
                # The blind index is not an editable field, so the diff leaves it out.
                changes = getattr(newer, "history_delta_changes", None) or []
                changes.append({"field": gettext("NIK"), "old": "", "new": gettext("changed")})
                newer.history_delta_changes = changes


def _nik_index(term: str) -> str:
    from umkm.crypto import nik_blind_index

    return nik_blind_index(term.replace(" ", ""))


# --- Businesses -----------------------------------------------------------------------------


class KecamatanFilter(admin.SimpleListFilter):
    title = _("kecamatan")
    parameter_name = "kecamatan"

    def lookups(self, request, model_admin):
        qs = permissions.kecamatan_for(request.user).select_related("city")
        return [(k.code, k.name) for k in qs.order_by("city_id", "name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kelurahan__kecamatan_id=self.value())
        return queryset


class KelurahanFilter(admin.SimpleListFilter):
    """The kelurahan of the chosen kecamatan (or all the user may see)."""

    title = _("kelurahan")
    parameter_name = "kelurahan"

    def lookups(self, request, model_admin):
        qs = permissions.kelurahan_for(request.user)
        kecamatan = request.GET.get(KecamatanFilter.parameter_name)
        if kecamatan:
            qs = qs.filter(kecamatan_id=kecamatan)
        choices = [(k.code, k.name) for k in qs.order_by("name")]
        # DKI-wide, 267 kelurahan are no help: they are offered once a kecamatan is chosen.
        return choices if kecamatan or len(choices) <= KELURAHAN_CHOICES_MAX else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kelurahan_id=self.value())
        return queryset


class CohortYearFilter(admin.SimpleListFilter):
    """Cohort (angkatan): the year the business became binaan. A range on an index, no DISTINCT."""

    title = _("cohort year")
    parameter_name = "angkatan"

    def lookups(self, request, model_admin):
        from django.utils import timezone

        return [
            (str(y), str(y)) for y in range(timezone.localdate().year, COHORT_FIRST_YEAR - 1, -1)
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            year = int(value)
            return queryset.filter(
                binaan_since__gte=f"{year}-01-01", binaan_since__lt=f"{year + 1}-01-01"
            )
        return queryset


class BusinessStageInline(admin.TabularInline):
    """Stages reached: existing rows read-only, new ones recorded through services.stage_record."""

    model = BusinessStage
    fields = ["stage", "reached_on", "recorded_by"]
    readonly_fields = ["recorded_by"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stage", "recorded_by")

    def has_change_permission(self, request, obj=None):
        return False


class MentoringInline(admin.TabularInline):
    model = Mentoring
    fields = ["date", "mentor", "topic", "monthly_omzet", "notes"]
    extra = 0
    can_delete = False
    ordering = ["-date"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mentor")

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mentor":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


BUSINESS_FIELDS = [
    "name",
    "owner",
    "sector",
    "products",
    "kelurahan",
    "address",
    "nib",
    "kbli",
    "yearly_omzet",
    "capital",
    "binaan_since",
    "status",
    "public_consent",
    "photo",
]


class _YearRangeQuerySetMixin:
    """The date hierarchy's starting range from the whole table's MIN/MAX (two index probes)
    instead of aggregating a filtered or searched list twice; the years in between are listed
    without a DISTINCT over every row. Months and days are still computed on the list."""

    def aggregate(self, *args, **kwargs):
        if not args and set(kwargs) == {"first", "last"}:
            return self.model._default_manager.aggregate(**kwargs)
        return super().aggregate(*args, **kwargs)

    def dates(self, field_name, kind, order="ASC"):
        if kind != "year":
            return super().dates(field_name, kind, order)
        import datetime

        span = self.model._default_manager.aggregate(first=Min(field_name), last=Max(field_name))
        if not span["first"]:
            return []
        return [datetime.date(y, 1, 1) for y in range(span["first"].year, span["last"].year + 1)]


@admin.register(Business)
class BusinessAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(permissions.businesses_for)
    list_display = [
        "name",
        "owner_name",
        "sector",
        "kelurahan",
        "kecamatan",
        "current_stage",
        "status",
        "scale",
        "binaan_since",
    ]
    # Exactly what list_display shows (owner's name, areas, sector, stage): no more joins.
    list_select_related = ["owner", "sector", "kelurahan__kecamatan", "current_stage"]
    list_filter = [
        KecamatanFilter,
        KelurahanFilter,
        "sector",
        "status",
        CohortYearFilter,
        "current_stage",
        "scale",
    ]
    search_fields = ["name"]  # replaced by get_search_results; keeps the search box
    search_help_text = _("Business name, owner name, NIB, or an owner's full NIK (exact).")
    autocomplete_fields = ["owner", "kelurahan"]
    date_hierarchy = "binaan_since"
    fields = [*BUSINESS_FIELDS, "slug", "scale", "current_stage", "public_consent_at"]
    readonly_fields = ["slug", "scale", "current_stage", "public_consent_at"]
    inlines = [BusinessStageInline, MentoringInline]
    list_per_page = 50

    @admin.display(description=_("owner"), ordering="owner__full_name")
    def owner_name(self, obj):
        return obj.owner.full_name

    @admin.display(description=_("kecamatan"))
    def kecamatan(self, obj):
        return obj.kelurahan.kecamatan.name

    def get_changelist(self, request, **kwargs):
        from django.contrib.admin.views.main import ChangeList

        class BusinessChangeList(ChangeList):
            def get_queryset(self, request, exclude_parameters=None):
                qs = super().get_queryset(request, exclude_parameters)
                cls = qs.__class__
                qs.__class__ = type(cls.__name__, (_YearRangeQuerySetMixin, cls), {})
                return qs

        return BusinessChangeList

    def get_search_results(self, request, queryset, search_term):
        """Exact NIK through the blind index, NIB exact or by prefix, and names: the business
        name or the owner's name, the latter from `owner_name` (kept by a trigger) so that both
        are trigram indexes of this table — never an OR across the join to the owners, which
        no index can answer."""
        term = search_term.strip()
        if not term:
            return queryset, False
        digits = term.replace(" ", "").replace("-", "")
        if NIK_TERM.match(digits):
            if not permissions.can_search_nik(request.user):
                return queryset.none(), False
            owners = Owner.objects.filter(nik_index=_nik_index(digits)).values("pk")
            return queryset.filter(owner__in=owners), False
        if NIB_TERM.match(digits):
            return queryset.filter(nib=digits), False
        if DIGITS_TERM.match(digits):
            return queryset.filter(nib__startswith=digits), False
        by_name, by_owner = Q(), Q()
        for word in term.split():
            by_name &= Q(name__icontains=word)
            by_owner &= Q(owner_name__icontains=word)
        # Both on this table, each on its trigram index (a BitmapOr): no join to the owners.
        return queryset.filter(by_name | by_owner), False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            outcome = services.business_create(
                actor=request.user, **{n: data[n] for n in BUSINESS_FIELDS if n in data}
            )
        else:
            original = self.get_queryset(request).get(pk=obj.pk)
            outcome = services.business_update(
                actor=request.user, business=original, **_changes(form, BUSINESS_FIELDS)
            )
        obj.pk = outcome.obj.pk
        obj.slug = outcome.obj.slug

    def save_formset(self, request, form, formset, change):
        business = form.instance
        for row in formset.forms:
            if not row.has_changed() or row.instance.pk or row in formset.deleted_forms:
                continue
            data = row.cleaned_data
            if formset.model is BusinessStage:
                services.stage_record(
                    actor=request.user,
                    business=business,
                    stage=data["stage"],
                    reached_on=data["reached_on"],
                )
            elif formset.model is Mentoring:
                services.mentoring_record(
                    actor=request.user,
                    business=business,
                    date=data["date"],
                    topic=data["topic"],
                    mentor=data.get("mentor"),
                    notes=data.get("notes", ""),
                    monthly_omzet=data.get("monthly_omzet"),
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(BusinessStage)
class BusinessStageAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(permissions.business_stages_for)
    list_display = ["business", "stage", "reached_on", "recorded_by"]
    list_select_related = ["business", "stage", "recorded_by"]
    list_filter = ["stage"]
    autocomplete_fields = ["business"]
    date_hierarchy = "reached_on"
    ordering = ["-id"]
    fields = ["business", "stage", "reached_on", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        outcome = services.stage_record(
            actor=request.user,
            business=form.cleaned_data["business"],
            stage=form.cleaned_data["stage"],
            reached_on=form.cleaned_data["reached_on"],
        )
        obj.pk = outcome.obj.pk


# --- Trainings and trainees -----------------------------------------------------------------


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    fields = ["business", "owner_name", "attended", "passed", "score"]
    readonly_fields = ["owner_name"]
    autocomplete_fields = ["business"]
    extra = 0

    @admin.display(description=_("owner"))
    def owner_name(self, obj):
        return obj.owner.full_name if obj.pk else ""

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("business", "owner")
        return permissions.enrolments_for(request.user, qs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_foreignkey(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Training)
class TrainingAdmin(TraineeImportAdminMixin, ScopedAdmin):
    list_display = [
        "title",
        "start_date",
        "end_date",
        "kecamatan",
        "capacity",
        "trainee_count",
        "quick_entry_link",
    ]
    list_select_related = ["kecamatan"]
    list_filter = ["kecamatan", "topic"]
    search_fields = ["title", "topic", "organiser"]
    date_hierarchy = "start_date"
    readonly_fields = ["quick_entry_link"]
    fields = [
        "quick_entry_link",
        "title",
        "topic",
        "organiser",
        ("start_date", "end_date"),
        "place",
        "kecamatan",
        "capacity",
    ]
    inlines = [EnrolmentInline]

    def get_queryset(self, request):
        # A correlated count per shown row (evaluated after LIMIT), not a GROUP BY over every
        # enrolment of every training.
        trainees = (
            Enrolment.objects.filter(training=OuterRef("pk"))
            .order_by()
            .values("training")
            .annotate(n=Count("*"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_trainees=Coalesce(Subquery(trainees, output_field=IntegerField()), 0))
        )

    @admin.display(description=_("trainees"), ordering="_trainees")
    def trainee_count(self, obj):
        return obj._trainees

    @admin.display(description=_("quick trainee entry"))
    def quick_entry_link(self, obj):
        if obj is None or not obj.pk:
            return "—"
        url = reverse("admin:umkm_training_trainees", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("Add trainees"))

    def get_urls(self):
        own = [
            path(
                "<int:training_id>/peserta/",
                self.admin_site.admin_view(self.trainees_view),
                name="umkm_training_trainees",
            )
        ]
        return own + super().get_urls()

    def save_formset(self, request, form, formset, change):
        training = form.instance
        for row in formset.forms:
            if not row.has_changed() or row in formset.deleted_forms:
                continue
            data = row.cleaned_data
            if row.instance.pk:
                services.enrolment_update(
                    actor=request.user,
                    enrolment=Enrolment.objects.select_related("business").get(pk=row.instance.pk),
                    **{n: data[n] for n in ("attended", "passed", "score")},
                )
            else:
                services.enrolment_create(
                    actor=request.user,
                    training=training,
                    business=data["business"],
                    attended=data["attended"],
                    passed=data["passed"],
                    score=data["score"],
                )
        for row in formset.deleted_forms:
            enrolment = row.instance
            if enrolment.pk and permissions.can_access_business(request.user, enrolment.business):
                enrolment.delete()
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def trainees_view(self, request, training_id):
        """Many trainees at once: each row links the owner known by NIK or creates owner and
        business (services.trainee_add). One transaction: any bad row saves nothing."""
        training = get_object_or_404(self.get_queryset(request), pk=training_id)
        if not (
            self.has_view_permission(request, training)
            and request.user.has_perm("umkm.add_enrolment")
        ):
            raise PermissionDenied
        rows = request.GET.get("baris", "")
        rows = min(100, max(1, int(rows))) if rows.isdigit() else 10
        formset_class = trainee_formset(extra=rows)
        if request.method == "POST":
            formset = formset_class(request.POST, user=request.user, prefix="peserta")
            if formset.is_valid():
                added, warnings = _add_trainees(request.user, training, formset)
                if added is not None:
                    for warning in warnings:
                        messages.warning(request, warning)
                    messages.success(
                        request,
                        gettext("%(count)s trainees added to %(training)s.")
                        % {"count": added, "training": training},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:umkm_training_change", args=[training.pk])
                    )
            messages.error(request, gettext("Nothing was saved: correct the rows marked below."))
        else:
            formset = formset_class(user=request.user, prefix="peserta")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Add trainees: %(training)s") % {"training": training},
            "training": training,
            "formset": formset,
            "opts": self.model._meta,
            "enrolled": Enrolment.objects.filter(training=training).count(),
            "more_rows": min(100, rows + 10),
        }
        return TemplateResponse(request, "admin/umkm/training/trainees.html", context)


class _RollBack(Exception):
    pass


def _add_trainees(user, training, formset) -> tuple[int | None, list[str]]:
    rows = [form for form in formset.forms if form.has_changed()]
    warnings, failed = [], False
    try:
        with transaction.atomic():
            for number, form in enumerate(formset.forms, start=1):
                if form not in rows:
                    continue
                data = form.cleaned_data
                trainee = services.TraineeData(
                    nik=data["nik"],
                    full_name=data.get("full_name", ""),
                    gender=data.get("gender", ""),
                    birth_date=data.get("birth_date"),
                    phone=data.get("phone", ""),
                    owner_kelurahan=data.get("owner_kelurahan"),
                    business_name=data.get("business_name", ""),
                    sector=data.get("sector"),
                    products=data.get("products", ""),
                )
                try:
                    outcome = services.trainee_add(actor=user, training=training, data=trainee)
                except ValidationError as exc:
                    failed = True
                    _attach_errors(form, exc)
                    continue
                warnings += [
                    gettext("Row %(row)s: %(warning)s") % {"row": number, "warning": w}
                    for w in outcome.warnings
                ]
            if failed:
                raise _RollBack
    except _RollBack:
        return None, []
    return len(rows), warnings


def _attach_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        field = {"kelurahan": "owner_kelurahan", "name": "business_name"}.get(name, name)
        if field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(permissions.enrolments_for)
    list_display = ["business", "owner", "training", "attended", "passed", "score"]
    list_select_related = ["business", "owner", "training"]
    list_filter = ["attended", "passed", "training__kecamatan"]
    ordering = ["-id"]
    search_fields = ["business__name"]
    autocomplete_fields = ["business", "training"]
    fields = ["training", "business", "attended", "passed", "score"]

    def get_readonly_fields(self, request, obj=None):
        return ["training", "business"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            original = self.get_queryset(request).select_related("business").get(pk=obj.pk)
            outcome = services.enrolment_update(
                actor=request.user,
                enrolment=original,
                **_changes(form, ["attended", "passed", "score"]),
            )
        else:
            outcome = services.enrolment_create(
                actor=request.user,
                training=data["training"],
                business=data["business"],
                attended=data["attended"],
                passed=data["passed"],
                score=data["score"],
            )
        obj.pk = outcome.obj.pk


@admin.register(Mentoring)
class MentoringAdmin(ScopedAdmin):
    scope = staticmethod(permissions.mentorings_for)
    list_display = ["business", "date", "mentor", "topic", "monthly_omzet"]
    list_select_related = ["business", "mentor"]
    list_filter = ["mentor"]  # not "topic": a DISTINCT over every session
    ordering = ["-id"]
    search_fields = ["business__name"]
    autocomplete_fields = ["business"]
    date_hierarchy = "date"
    fields = ["business", "mentor", "date", "topic", "notes", "monthly_omzet"]

    def get_readonly_fields(self, request, obj=None):
        return ["business"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            original = self.get_queryset(request).select_related("business").get(pk=obj.pk)
            fields = ["mentor", "date", "topic", "notes", "monthly_omzet"]
            outcome = services.mentoring_update(
                actor=request.user, session=original, **_changes(form, fields)
            )
        else:
            outcome = services.mentoring_record(
                actor=request.user,
                business=data["business"],
                date=data["date"],
                topic=data["topic"],
                mentor=data.get("mentor"),
                notes=data.get("notes", ""),
                monthly_omzet=data.get("monthly_omzet"),
            )
        obj.pk = outcome.obj.pk


@admin.register(YearlyTarget)
class YearlyTargetAdmin(admin.ModelAdmin):
    list_display = ["kecamatan", "year", "target"]
    list_editable = ["target"]
    list_filter = ["year", "kecamatan__city"]
    list_select_related = ["kecamatan"]
    search_fields = ["kecamatan__name"]

    def get_queryset(self, request):
        code = permissions.operator_kecamatan_code(request.user)
        qs = super().get_queryset(request)
        return qs if code is None else qs.filter(kecamatan_id=code)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_foreignkey(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Staff: which kecamatan an operator works for --------------------------------------------


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["kecamatan"]
    verbose_name_plural = _("staff profile")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffProfileInline]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """The UU PDP audit trail: read-only, for Admin Sudin (view permission) and superusers."""

    list_display = ["at", "actor", "action", "owner", "purpose"]
    list_filter = ["action"]
    list_select_related = ["owner"]
    search_fields = ["actor"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
