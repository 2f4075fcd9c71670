"""Trainings (pelatihan) and their trainees: inline, quick entry and spreadsheet import."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config import params
from umkm import permissions, services
from umkm.admin.base import (
    OfficeFirstKecamatanFilter,
    ScopedAdmin,
    ScopedTabularInline,
    _changes,
)
from umkm.admin.trainee_import import TraineeImportAdminMixin
from umkm.forms import trainee_formset
from umkm.models import (
    Enrolment,
    Mentoring,
    Training,
)

# --- Trainings and trainees -----------------------------------------------------------------


class EnrolmentInline(ScopedTabularInline):
    model = Enrolment
    scope = staticmethod(permissions.enrolments_for)
    fields = ["business", "owner_name", "attended", "passed", "score"]
    readonly_fields = ["owner_name"]
    autocomplete_fields = ["business"]
    extra = 0

    @admin.display(description=_("owner"))
    def owner_name(self, obj):
        return obj.owner.full_name if obj.pk else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("business", "owner")


@admin.register(Training)
class TrainingAdmin(TraineeImportAdminMixin, ScopedAdmin):
    scope = staticmethod(permissions.trainings_for)
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
    list_filter = [("kecamatan", OfficeFirstKecamatanFilter), "topic"]
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
        """Each row through the services: changes, new trainees (one batch, so the capacity
        holds for all of them) and removals. A refusal is shown and nothing is saved."""
        training = form.instance
        new = []
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
                new.append(
                    services.TraineeData(
                        business=data["business"],
                        attended=data["attended"],
                        passed=data["passed"],
                        score=data["score"],
                    )
                )
        if new:
            services.trainees_register(actor=request.user, training=training, trainees=new)
        for row in formset.deleted_forms:
            if row.instance.pk:
                services.enrolment_remove(actor=request.user, enrolment=row.instance)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def trainees_view(self, request, training_id):
        """Many trainees at once, as one batch of the trainee registration: each row links the
        owner known by NIK or creates owner and business; any bad row saves nothing."""
        training = get_object_or_404(self.get_queryset(request), pk=training_id)
        if not (
            self.has_view_permission(request, training)
            and request.user.has_perm("umkm.add_enrolment")
        ):
            raise PermissionDenied
        try:
            rows = params.get(request.GET, "baris", params.integer, default=10, maximum=10**9)
        except params.BadParameter as exc:
            messages.warning(request, str(exc))
            rows = 10
        rows = min(100, max(1, rows))
        formset_class = trainee_formset(extra=rows)
        if request.method == "POST":
            formset = formset_class(request.POST, user=request.user, prefix="peserta")
            if formset.is_valid():
                registration = _register(request, training, formset)
                if registration is not None:
                    for outcome in registration.rows:
                        for warning in outcome.warnings:
                            messages.warning(
                                request,
                                gettext("Row %(row)s: %(warning)s")
                                % {"row": outcome.number, "warning": warning},
                            )
                    messages.success(
                        request,
                        gettext("%(count)s trainees added to %(training)s.")
                        % {"count": len(registration.rows), "training": training},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:umkm_training_change", args=[training.pk])
                    )
            else:
                # One round: the rows whose fields are right are checked by the registration
                # too, so its errors (NIK twice, capacity, scope) show beside the form errors.
                _check_valid_rows(request, training, formset)
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


def _check_valid_rows(request, training, formset) -> None:
    """The registration's check (nothing written) of the filled rows without form errors; its
    errors go on those rows' fields."""
    forms = {
        number: form
        for number, form in enumerate(formset.forms, start=1)
        if form.has_changed() and not form.errors and hasattr(form, "cleaned_data")
    }
    if not forms:
        return
    trainees = [form.trainee(row=number) for number, form in forms.items()]
    registration = services.trainees_check(actor=request.user, training=training, trainees=trainees)
    for message in registration.errors:
        messages.error(request, message)
    for outcome in registration.rows:
        form = forms[outcome.number]
        for name, message in outcome.errors:
            form.add_error(name if name in form.fields else None, message)


def _register(request, training, formset):
    """The filled rows as one batch; its errors on the rows' fields (None: nothing saved)."""
    forms = {
        number: form for number, form in enumerate(formset.forms, start=1) if form.has_changed()
    }
    trainees = [form.trainee(row=number) for number, form in forms.items()]
    try:
        return services.trainees_register(actor=request.user, training=training, trainees=trainees)
    except services.RegistrationError as exc:
        for message in exc.registration.errors:
            messages.error(request, message)
        for outcome in exc.registration.rows:
            form = forms[outcome.number]
            for name, message in outcome.errors:
                form.add_error(name if name in form.fields else None, message)
    except ValidationError as exc:  # a race the database refused
        for message in exc.messages:
            messages.error(request, message)
    return None


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(permissions.enrolments_for)
    list_display = ["business", "owner", "training", "attended", "passed", "score"]
    # A training's trainees come from one kecamatan: an operator's sort by training reads
    # their rows first (umkm.admin.base._sorted_after_the_scope).
    sorts_after_scope = {"training_id"}
    list_select_related = ["business", "owner", "training"]
    list_filter = ["attended", "passed", ("training__kecamatan", OfficeFirstKecamatanFilter)]
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

    def delete_model(self, request, obj):
        services.enrolment_remove(actor=request.user, enrolment=obj)

    def delete_queryset(self, request, queryset):
        for enrolment in queryset:
            services.enrolment_remove(actor=request.user, enrolment=enrolment)


class MentorFilter(admin.SimpleListFilter):
    """Sessions by mentor, offering only the mentors the user may name (permissions.mentor_users):
    a plain related filter would list every user of the site, owners' accounts included."""

    title = _("mentor")
    parameter_name = "mentor"

    def lookups(self, request, model_admin):
        return [
            (u.pk, u.get_full_name() or u.username)
            for u in permissions.mentor_users(request.user).only(
                "pk", "first_name", "last_name", "username"
            )
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        mentor_id = params.get({"mentor": self.value()}, "mentor", params.object_id)
        return queryset.filter(mentor_id=mentor_id)


@admin.register(Mentoring)
class MentoringAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(permissions.mentorings_for)
    list_display = ["business", "date", "mentor", "topic", "monthly_omzet"]
    list_select_related = ["business", "mentor"]
    list_filter = [MentorFilter]  # not "topic": a DISTINCT over every session
    ordering = ["-id"]
    search_fields = ["business__name"]
    autocomplete_fields = ["business"]
    date_hierarchy = "date"
    fields = ["business", "mentor", "date", "topic", "notes", "monthly_omzet"]
    # The month, workers, assets, needs and photo are the mentor's (their desk, mentors app).

    def get_readonly_fields(self, request, obj=None):
        return ["business"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mentor":
            kwargs["queryset"] = permissions.mentor_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
