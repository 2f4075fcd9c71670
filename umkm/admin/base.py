"""The admin's shared parts: the one scoped admin base (every ModelAdmin and inline of a model
with a kecamatan, in every app, names its policy function and inherits the scoping of every
view), and how a service's ValidationError is shown on a form. The lists' speed at DKI scale
(estimated counts, sorts, date hierarchies) is umkm/admin/lists.py."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from config import params
from umkm import permissions
from umkm.admin.lists import (  # noqa: F401  (re-exported: the apps' admins import them here)
    DateSpanQuerySetMixin,
    EstimatedCountPaginator,
    FastChangeList,
    FastListMixin,
)
from umkm.admin.service_errors import ServiceErrorsAdmin
from umkm.areas import office_first
from umkm.models import (
    Business,
    Kecamatan,
    Kelurahan,
    Owner,
)

NIK_TERM = re.compile(r"^\d{16}$")
NIB_TERM = re.compile(r"^\d{13}$")
DIGITS_TERM = re.compile(r"^\d{3,12}$")
COHORT_FIRST_YEAR = 2015
KELURAHAN_CHOICES_MAX = 80  # a city has at most ~65


# --- Scoping and writes through the services ------------------------------------------------


class ViewOnlyForm(forms.ModelForm):
    """The form of a view-only page: no field is edited, so none of a custom form's set-up
    (queryset choices, disabled fields, the `user` it is given) runs."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ScopedMixin:
    """What every scoped admin view and inline shares: rows through the model's policy
    function `scope(user, queryset)` (declared by each admin, from its app's permissions.py),
    fields through the Pejabat allow-list, no writes for a read-only role."""

    scope = None

    def get_queryset(self, request):
        if self.scope is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} must name its policy: scope = staticmethod(<rows>_for)"
            )
        return self.scope(request.user, super().get_queryset(request))

    def has_add_permission(self, request, *args):
        return not permissions.is_read_only(request.user) and super().has_add_permission(
            request, *args
        )

    def has_change_permission(self, request, obj=None):
        return not permissions.is_read_only(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not permissions.is_read_only(request.user) and super().has_delete_permission(
            request, obj
        )

    def get_fieldsets(self, request, obj=None):
        """Every page's fields (change, add, view, history entry, inline rows) pass here,
        after any get_fields of a subclass: what the user may not see is left off."""
        view_only = obj is not None and not self.has_change_permission(request, obj)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = permissions.visible_fields(request.user, self.model, options["fields"])
            if view_only:
                # A view-only page shows model fields and admin columns, not form-only inputs.
                fields = [f for f in fields if isinstance(f, (list, tuple)) or self._shown(f)]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def _shown(self, name) -> bool:
        try:
            self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return hasattr(self, name) or hasattr(self.model, name)
        return True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_foreignkey(db_field, request, kwargs)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, widgets.ForeignKeyRawIdWidget):
            field.widget = ScopedRawIdWidget(
                field.widget.rel, field.widget.admin_site, queryset=field.queryset
            )
        return field


class ScopedAdmin(FastListMixin, ServiceErrorsAdmin, ScopedMixin, admin.ModelAdmin):
    """The one admin base of every model with a kecamatan: querysets through the model's policy
    (`scope`), so another kecamatan's record answers 404 on every view the admin offers — list,
    change, delete, history, history entry, autocomplete (which asks the target admin's
    queryset), actions (given the scoped list) — and custom URLs that look their object up with
    get_object / get_queryset. History is read-only: a revert would save the model directly,
    past the services. A service's refusal (ValidationError) is shown as a message and nothing
    is saved; the same page comes back with the message on the field it names
    (umkm.admin.service_errors)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and object_id is not None:
            raise Http404(gettext("Not found, or not in your kecamatan."))
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        if change and not self.has_change_permission(request, obj):
            kwargs["form"] = ViewOnlyForm
        return super().get_form(request, obj, change, **kwargs)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if permissions.is_read_only(request.user):
            changelist.list_display = permissions.visible_fields(
                request.user, self.model, changelist.list_display
            )
            changelist.list_display_links = [
                n for n in changelist.list_display_links or () if n in changelist.list_display
            ] or changelist.list_display[:1]
        # A user who may not search by NIK (Pejabat) is not invited to: the search help
        # without it (`search_help_text_without_nik`), as a NIK search finds nothing for them.
        without = getattr(self, "search_help_text_without_nik", None)
        if without is not None and not permissions.can_search_nik(request.user):
            changelist.search_help_text = without
        return changelist

    # --- history (django-simple-history), read-only and scoped on the live object ----------

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied  # a revert would bypass the services
        try:
            params.object_id(version_id, name="version")
        except params.BadParameter as exc:
            raise Http404 from exc
        self._check_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.history_change_reason = readable_reason(self.model, record)
        if not permissions.is_read_only(request.user):
            return
        shown = {
            str(capfirst(f.verbose_name))
            for f in self.model._meta.fields
            if permissions.visible_fields(request.user, self.model, [f.name])
        }
        for record in historical_records:
            changes = getattr(record, "history_delta_changes", None)
            if changes:
                record.history_delta_changes = [c for c in changes if str(c["field"]) in shown]

    def _check_in_scope(self, request, object_id):
        """The live object must be in the user's scope. A deleted one (only its history is
        left) is shown to city-wide staff only: its past rows may be any kecamatan's."""
        pk = unquote(object_id)
        try:
            if self.get_queryset(request).filter(pk=pk).exists():
                return
            deleted = not self.model._default_manager.filter(pk=pk).exists()
        except (ValueError, ValidationError) as exc:
            raise Http404 from exc
        if not (deleted and permissions.is_city_wide(request.user)):
            raise Http404(gettext("Not found, or not in your kecamatan."))


# The change reasons services record as codes (bazaars.services.base._save), in words.
HISTORY_REASONS = {"created": _("Created"), "changed": _("Changed"), "recorded": _("Recorded")}


def readable_reason(model, record) -> str:
    """A history row's reason as the history page shows it: a status code by its label (the
    model's own `status` choices), a service's code by its word, nothing as "—"."""
    reason = record.history_change_reason or ""
    if not reason:
        return "—"
    try:
        choices = dict(model._meta.get_field("status").flatchoices)
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(reason) or HISTORY_REASONS.get(reason) or reason)


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """The history page's "changes" in the interface's words: an empty value as "—" (not
    "None"), yes/no for a checkbox, a choice by its label (not its stored code)."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, DeletedObject):  # a foreign key: empty, or its row deleted since
            if value.pk is None:
                return "—"
            return gettext("%(name)s (deleted, id %(pk)s)") % {
                "name": capfirst(value.model._meta.verbose_name),
                "pk": value.pk,
            }
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return str(dict(field.flatchoices).get(value, value))
        return value


class ScopedTabularInline(ScopedMixin, admin.TabularInline):
    """An inline of a model with a kecamatan: its rows through the model's policy (`scope`)."""


class ScopedStackedInline(ScopedMixin, admin.StackedInline):
    """An inline of a model with a kecamatan: its rows through the model's policy (`scope`)."""


class ScopedRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """A raw id field whose label beside the box is looked up among the choices the user may
    make: a typed id of another kecamatan's business shows no name when the form comes back."""

    def __init__(self, rel, admin_site, *, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            if not self.queryset.filter(**{key: value}).exists():
                return "", ""
        except (ValueError, TypeError, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value)


def scope_foreignkey(db_field, request, kwargs) -> None:
    """The choices an operator may make: only their kecamatan's areas, owners and businesses."""
    user = request.user
    related = db_field.related_model
    if related is Kelurahan:
        kwargs["queryset"] = office_first(permissions.kelurahan_for(user))
    elif related is Kecamatan:
        kwargs["queryset"] = office_first(permissions.kecamatan_for(user))
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


class ReadOnlyAdmin(FastListMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _nik_index(term: str) -> str:
    from umkm.crypto import nik_blind_index

    return nik_blind_index(term.replace(" ", ""))


def filter_value(list_filter, request, parse, **options):
    """A list filter's value read with config.params; a bad one is shown as a message and
    the list is not filtered by it."""
    name = list_filter.parameter_name
    try:
        return params.get({name: list_filter.value()}, name, parse, **options)
    except params.BadParameter as exc:
        messages.warning(request, str(exc))
        return None


class KecamatanFilter(admin.SimpleListFilter):
    title = _("kecamatan")
    parameter_name = "kecamatan"

    def lookups(self, request, model_admin):
        qs = office_first(permissions.kecamatan_for(request.user))
        return [(k.code, k.name) for k in qs]

    def queryset(self, request, queryset):
        code = filter_value(self, request, params.area_code)
        if code:
            return queryset.filter(kelurahan__kecamatan_id=code)
        return queryset


class OfficeFirstKecamatanFilter(admin.RelatedFieldListFilter):
    """A list filter on a kecamatan reached through a relation (`business__kelurahan__kecamatan`):
    the kecamatan the user may see, the office's own city first."""

    def field_choices(self, field, request, model_admin):
        return [(k.pk, k.name) for k in office_first(permissions.kecamatan_for(request.user))]


class KelurahanFilter(admin.SimpleListFilter):
    """The kelurahan of the chosen kecamatan (or all the user may see)."""

    title = _("kelurahan")
    parameter_name = "kelurahan"

    def lookups(self, request, model_admin):
        qs = permissions.kelurahan_for(request.user)
        kecamatan = params.get(
            request.GET, KecamatanFilter.parameter_name, params.area_code, lenient=True
        )
        if kecamatan:
            qs = qs.filter(kecamatan_id=kecamatan)
        choices = [(k.code, k.name) for k in office_first(qs)]
        # DKI-wide, 267 kelurahan are no help: they are offered once a kecamatan is chosen.
        return choices if kecamatan or len(choices) <= KELURAHAN_CHOICES_MAX else []

    def queryset(self, request, queryset):
        code = filter_value(self, request, params.area_code, level="kelurahan")
        if code:
            return queryset.filter(kelurahan_id=code)
        return queryset


class CohortYearFilter(admin.SimpleListFilter):
    """Cohort (angkatan): the year the business became binaan. A range on an index, no DISTINCT."""

    title = _("cohort year")
    parameter_name = "angkatan"

    def lookups(self, request, model_admin):

        return [
            (str(y), str(y)) for y in range(timezone.localdate().year, COHORT_FIRST_YEAR - 1, -1)
        ]

    def queryset(self, request, queryset):
        year = filter_value(self, request, params.year)
        if year:
            return queryset.filter(
                binaan_since__gte=f"{year}-01-01", binaan_since__lt=f"{year + 1}-01-01"
            )
        return queryset
