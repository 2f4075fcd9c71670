"""Areas, sectors and 7P stages: reference data, read-only or edited by Sudin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from umkm import permissions
from umkm.admin.base import (
    ReadOnlyAdmin,
    ScopedAdmin,
)
from umkm.models import (
    City,
    Kecamatan,
    Kelurahan,
    Sector,
    Stage,
)

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
    list_filter = ["kecamatan__city"]
    list_select_related = ["kecamatan"]
    search_fields = ["name", "=code", "=postal_code"]


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
