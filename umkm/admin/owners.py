"""Owners (pelaku usaha): personal data shown by permission, NIK searched by its blind index."""

import itertools

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from umkm import permissions, services
from umkm.admin.base import (
    NIK_TERM,
    KecamatanFilter,
    KelurahanFilter,
    ScopedAdmin,
    ScopedTabularInline,
    _changes,
    _nik_index,
)
from umkm.areas import office_first
from umkm.audit import record_personal_data_access
from umkm.forms import OwnerForm, OwnerWithBusinessForm
from umkm.models import (
    Business,
    Kelurahan,
    Owner,
    PersonalDataAccess,
)
from umkm.validators import mask_nik

# --- Owners ---------------------------------------------------------------------------------


class OwnerBusinessInline(ScopedTabularInline):
    model = Business
    scope = staticmethod(permissions.businesses_for)
    fields = ["name", "sector", "kelurahan", "status", "binaan_since"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("businesses")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sector", "kelurahan")


PERSONAL_FIELDS = ["phone", "email", "address"]


class NikMatchFilter(admin.SimpleListFilter):
    """Operators' entries of a NIK registered elsewhere, waiting for Sudin staff (the filter is
    offered to them only: an operator must not learn that their entry matched anyone)."""

    title = _("NIK match")
    parameter_name = "nik_match"

    def lookups(self, request, model_admin):
        return [("pending", _("waiting for Sudin"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(nik_match_of__isnull=False)
        return queryset


@admin.action(description=_("Merge into the registered owner of the same NIK"))
def merge_nik_matches(modeladmin, request, queryset):
    merged = 0
    for owner in queryset.filter(nik_match_of__isnull=False):
        services.owner_match_merge(actor=request.user, owner=owner)
        merged += 1
    modeladmin.message_user(
        request,
        gettext("%(count)s owners merged into the registered owner of their NIK.")
        % {"count": merged},
        messages.SUCCESS if merged else messages.WARNING,
    )


@admin.register(Owner)
class OwnerAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = OwnerForm
    scope = staticmethod(permissions.owners_for)
    list_display = ["full_name", "nik_masked", "gender", "kelurahan", "kecamatan"]
    list_select_related = ["kelurahan__kecamatan", "nik_match_of"]
    list_filter = ["gender"]  # + the kecamatan and kelurahan filters, see get_list_filter
    # Sorts with an index each (umkm.models.sort_indexes); a phone or NIK sort is no use.
    sortable_by = ["full_name", "gender", "kelurahan", "kecamatan"]
    search_fields = ["full_name"]  # replaced by get_search_results; keeps the search box
    autocomplete_fields = ["kelurahan"]
    inlines = [OwnerBusinessInline]
    search_help_text = _("Owner name, or a full NIK (exact).")
    search_help_text_without_nik = _("Owner name.")
    ordering = ["-id"]  # newest first on the primary key: no sort of 370,000 names
    # A kecamatan's owners sit together in kelurahan order: an operator's sort by kelurahan or
    # kecamatan reads their rows first (umkm.admin.base._sorted_after_the_scope).
    sorts_after_scope = {"kelurahan_id"}

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj):
        return mask_nik(obj.nik)

    @admin.display(description=_("NIK"))
    def nik_full(self, obj):
        return obj.nik

    # by kelurahan code, whose first digits are the kecamatan's: grouped by kecamatan, on an index
    @admin.display(description=_("kecamatan"), ordering="kelurahan_id")
    def kecamatan(self, obj):
        return obj.kelurahan.kecamatan.name

    def get_list_filter(self, request):
        extra = [NikMatchFilter] if permissions.can_resolve_nik_matches(request.user) else []
        return [KecamatanFilter, KelurahanFilter, *self.list_filter, *extra]

    def get_list_display(self, request):
        shown = list(self.list_display)
        if permissions.can_view_nik(request.user):
            shown[1] = "nik_full"
        if permissions.can_view_personal_data(request.user):
            shown.append("phone")
        if permissions.can_resolve_nik_matches(request.user):
            shown.append("nik_match_of")
        return shown

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if action_location is ActionLocation.CHANGE_LIST and (
            permissions.can_resolve_nik_matches(request.user)
        ):
            actions["merge_nik_matches"] = self.get_action(merge_nik_matches)
        return actions

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
            if obj.nik_match_of_id and permissions.can_resolve_nik_matches(user):
                fields.append("nik_match_of")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ["nik_masked", "created_at", "updated_at", "nik_match_of"]

    def get_exclude(self, request, obj=None):
        # Excluded, not just read-only: the values never reach the page.
        return [] if permissions.can_view_personal_data(request.user) else PERSONAL_FIELDS

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and self.has_add_permission(request):
            # A new owner and their business on one page (services.owner_with_business_create).
            fieldsets = [
                *fieldsets,
                (
                    _("Their business (leave the name empty for an owner alone)"),
                    {"fields": list(OwnerWithBusinessForm.BUSINESS_FIELDS)},
                ),
            ]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OwnerWithBusinessForm
            kwargs["fields"] = [
                f
                for f in flatten_fieldsets(self.get_fieldsets(request, obj))
                if f not in OwnerWithBusinessForm.BUSINESS_FIELDS
                and f not in self.get_readonly_fields(request, obj)
            ]
        form = super().get_form(request, obj, change, **kwargs)
        form.show_nik = permissions.can_view_nik(request.user)
        place = form.base_fields.get("business_kelurahan")
        if place is not None:
            place.queryset = office_first(permissions.kelurahan_for(request.user))
            place.widget = AutocompleteSelect(
                Business._meta.get_field("kelurahan"), self.admin_site, choices=place.choices
            )
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
            outcome = services.owner_with_business_create(
                actor=request.user,
                owner={"nik": data["nik"], **{n: data[n] for n in fields}},
                business=form.business_values() if hasattr(form, "business_values") else None,
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
        if not permissions.can_resolve_nik_matches(request.user):
            hidden.add(capfirst(Owner._meta.get_field("nik_match_of").verbose_name))
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
