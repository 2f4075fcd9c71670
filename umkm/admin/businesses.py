"""Businesses (UMKM binaan), their 7P stages and mentoring sessions."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from umkm import permissions, services
from umkm.admin.base import (
    DIGITS_TERM,
    NIB_TERM,
    NIK_TERM,
    CohortYearFilter,
    KecamatanFilter,
    KelurahanFilter,
    ScopedAdmin,
    ScopedTabularInline,
    _changes,
    _nik_index,
)
from umkm.models import (
    Business,
    BusinessStage,
    BusinessState,
    Mentoring,
    Owner,
)
from umkm.services.stages import cause_label

# --- Businesses -----------------------------------------------------------------------------


class BusinessStageInline(ScopedTabularInline):
    """Stages reached: existing rows read-only, new ones recorded through services.stage_record."""

    model = BusinessStage
    scope = staticmethod(permissions.business_stages_for)
    fields = ["stage", "reached_on", "recorded_by", "caused_by"]
    readonly_fields = ["recorded_by", "caused_by"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stage", "recorded_by", "rule")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("caused by"))
    def caused_by(self, obj):
        return cause_label(obj) if obj.pk else ""


class MentoringInline(ScopedTabularInline):
    model = Mentoring
    scope = staticmethod(permissions.mentorings_for)
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
            kwargs["queryset"] = permissions.mentor_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BusinessStateInline(ScopedTabularInline):
    """The status, scale, kelurahan and consent over time (kept by the database): read-only."""

    model = BusinessState
    scope = staticmethod(permissions.business_states_for)
    fields = ["valid_from", "valid_until", "status", "scale", "kelurahan", "public_consent",
              "reason", "recorded_by"]  # fmt: skip
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-valid"]
    verbose_name_plural = _("status over time")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kelurahan", "recorded_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("from"))
    def valid_from(self, obj):
        return obj.valid_from or "—"

    @admin.display(description=_("until"))
    def valid_until(self, obj):
        return obj.valid_until or "—"


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


class BusinessForm(forms.ModelForm):
    """The business's own fields, and when and why a change of its status, scale, kelurahan or
    consent takes effect (umkm.services.business_update checks both)."""

    effective_on = forms.DateField(
        label=_("Change takes effect on"),
        required=False,
        help_text=_(
            "For a change of status, kelurahan, capital, omzet or consent: the day it happened "
            "(empty: today). Reports count the change from this day."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=300,
        help_text=_("Needed when the status changes."),
    )

    class Meta:
        model = Business
        fields = BUSINESS_FIELDS


@admin.register(Business)
class BusinessAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(permissions.businesses_for)
    # Status, scale and "binaan sejak" decide most tasks: next to the name, within 1366 px
    # (tests/e2e/test_staff_desk.py).
    list_display = [
        "name",
        "status",
        "scale",
        "binaan_since",
        "current_stage",
        "owner_name",
        "kelurahan",
        "kecamatan",
        "sector",
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
    search_help_text_without_nik = _("Business name, owner name or NIB.")
    autocomplete_fields = ["owner", "kelurahan"]
    date_hierarchy = "binaan_since"
    form = BusinessForm
    fields = [*BUSINESS_FIELDS, "effective_on", "reason", "slug", "scale", "current_stage",
              "public_consent_at"]  # fmt: skip
    readonly_fields = ["slug", "scale", "current_stage", "public_consent_at"]
    inlines = [BusinessStageInline, MentoringInline, BusinessStateInline]

    @admin.display(description=_("owner"), ordering="owner_name")  # this table's copy
    def owner_name(self, obj):
        return obj.owner.full_name

    @admin.display(description=_("kecamatan"))
    def kecamatan(self, obj):
        return obj.kelurahan.kecamatan.name

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:  # a new business: its first state is what it is registered with
            return [f for f in fields if f not in ("effective_on", "reason")]
        return fields

    @staticmethod
    def autocomplete_label(business) -> str:
        """A business in an autocomplete: its name and its owner's (both on this table)."""
        return f"{business.name} — {business.owner_name}" if business.owner_name else business.name

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from umkm.admin.links import business_links

        business = self.get_object(request, object_id)
        links = business_links(request, business) if business is not None else []
        return super().change_view(
            request, object_id, form_url, {"business_links": links, **(extra_context or {})}
        )

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
                actor=request.user,
                business=original,
                effective_on=data.get("effective_on"),
                reason=data.get("reason", ""),
                **_changes(form, BUSINESS_FIELDS),
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
    list_display = ["business", "stage", "reached_on", "recorded_by", "caused_by"]
    list_select_related = ["business", "stage", "recorded_by", "rule"]
    list_filter = ["stage", "rule"]
    autocomplete_fields = ["business"]
    date_hierarchy = "reached_on"
    ordering = ["-id"]
    fields = ["business", "stage", "reached_on", "recorded_by", "caused_by"]
    readonly_fields = ["recorded_by", "caused_by"]

    @admin.display(description=_("caused by"))
    def caused_by(self, obj):
        return cause_label(obj) if obj.pk else ""

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
