"""Areas, sectors and 7P stages: reference data, read-only or edited by Sudin."""

from django import forms
from django.contrib import admin

from umkm import permissions, services
from umkm.admin.base import (
    FastListMixin,
    ReadOnlyAdmin,
    ScopedAdmin,
)
from umkm.admin.service_errors import ServiceErrorsAdmin
from umkm.areas import office_first
from umkm.models import (
    City,
    Kecamatan,
    Kelurahan,
    Sector,
    Stage,
    StageRule,
)
from umkm.services.register import STAGE_FIELDS
from umkm.services.stages import RULE_FIELDS, stage_rule_save

# --- Areas (read-only reference data, used by autocomplete) -------------------------------


@admin.register(City)
class CityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "=code"]


@admin.register(Kecamatan)
class KecamatanAdmin(ReadOnlyAdmin, ScopedAdmin):
    scope = staticmethod(permissions.kecamatan_for)
    list_display = ["code", "name", "city"]
    list_filter = ["city"]
    list_select_related = ["city"]
    search_fields = ["name", "=code"]


@admin.register(Kelurahan)
class KelurahanAdmin(ReadOnlyAdmin, ScopedAdmin):
    # Also the kelurahan autocomplete: an operator is offered only their kecamatan's.
    scope = staticmethod(permissions.kelurahan_for)
    list_display = ["code", "name", "kecamatan", "postal_code"]

    def get_queryset(self, request):
        # The autocompletes offer the office's own city first (then by kecamatan and name).
        return office_first(super().get_queryset(request))

    @staticmethod
    def autocomplete_label(kelurahan) -> str:
        """What a kelurahan autocomplete shows: its name and kecamatan (names repeat)."""
        return f"{kelurahan.name} ({kelurahan.kecamatan.name})"

    list_filter = ["kecamatan__city"]
    list_select_related = ["kecamatan"]
    search_fields = ["name", "=code", "=postal_code"]


@admin.register(Sector)
class SectorAdmin(FastListMixin, admin.ModelAdmin):
    list_display = ["name", "code", "is_food", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


class StageOrderForm(forms.ModelForm):
    """Input only: the order's uniqueness is services.stages_reorder's rule (over the whole
    list, so that two stages may swap their order in one save)."""

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.add("order")
        return exclusions

    def validate_constraints(self):
        """The constraints (the order once per stage) are checked by the services."""


class StageOrderFormSet(forms.BaseModelFormSet):
    """The list's order column: its changed rows go to services.stages_reorder together."""

    def changed_orders(self) -> dict:
        return {
            form.instance.pk: form.cleaned_data["order"]
            for form in self.forms
            if form.instance.pk and "order" in form.changed_data
        }

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.formset = self
        return form


@admin.register(Stage)
class StageAdmin(FastListMixin, ServiceErrorsAdmin, admin.ModelAdmin):
    form = StageOrderForm
    list_display = ["name", "order", "code"]
    list_display_links = ["name"]
    list_editable = ["order"]
    ordering = ["order"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=StageOrderForm, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=StageOrderFormSet, **kwargs)

    def save_model(self, request, obj, form, change):
        formset = getattr(form, "formset", None)
        if formset is None:  # the stage's own page
            fields = {n: form.cleaned_data[n] for n in form.changed_data if n in STAGE_FIELDS}
            outcome = services.stage_save(
                actor=request.user, stage=obj if change else None, **fields
            )
            obj.pk = outcome.obj.pk
        elif not getattr(formset, "reordered", False):  # the list: every changed row at once
            services.stages_reorder(actor=request.user, orders=formset.changed_orders())
            formset.reordered = True


@admin.register(StageRule)
class StageRuleAdmin(FastListMixin, ServiceErrorsAdmin, admin.ModelAdmin):
    """Which event moves a business to which 7P stage (umkm.services.stages)."""

    list_display = ["event", "stage", "active"]
    list_select_related = ["stage"]
    list_filter = ["active"]
    fields = ["event", "stage", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # a rule is switched off: the stages it recorded keep naming it

    def save_model(self, request, obj, form, change):
        fields = {n: form.cleaned_data[n] for n in form.changed_data if n in RULE_FIELDS}
        saved = stage_rule_save(actor=request.user, rule=obj if change else None, **fields)
        obj.pk = saved.pk
