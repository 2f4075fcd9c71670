"""Mentors and their assignments in admin (Sudin, operators). Writes go through
mentors.services; the Business list gets a bulk "assign to a mentor" action."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config import params
from mentors import permissions, services
from mentors.models import Assignment, Mentor
from umkm.admin.base import FastListMixin, ScopedAdmin
from umkm.admin.links import register_business_link
from umkm.admin.service_errors import ServiceErrorsAdmin


class MentorAddForm(forms.ModelForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Empty: the mentor cannot sign in until a password is set."),
    )

    class Meta:
        model = Mentor
        fields = ["full_name", "phone", "email", "kecamatan", "active"]


@admin.register(Mentor)
class MentorAdmin(FastListMixin, ServiceErrorsAdmin, admin.ModelAdmin):
    list_display = ["full_name", "user", "kecamatan_list", "caseload", "active"]
    list_filter = ["active", "kecamatan"]
    search_fields = ["full_name", "user__username"]
    fields = ["full_name", "phone", "email", "kecamatan", "active"]
    filter_horizontal = ["kecamatan"]

    def get_queryset(self, request):
        qs = permissions.mentors_for(request.user, super().get_queryset(request))
        return (
            qs.select_related("user")
            .prefetch_related("kecamatan")
            .annotate(current=Count("assignments", filter=Q(assignments__end=None)))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MentorAddForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["username", "password", *self.fields] if obj is None else self.fields

    @admin.display(description=_("kecamatan of work"))
    def kecamatan_list(self, obj):
        return ", ".join(k.name for k in obj.kecamatan.all())

    @admin.display(description=_("caseload"))
    def caseload(self, obj):
        return obj.current

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            outcome = services.mentor_update(
                actor=request.user,
                mentor=obj,
                kecamatan=list(data["kecamatan"]),
                **{name: data[name] for name in services.MENTOR_FIELDS if name in data},
            )
            for warning in outcome.warnings:
                messages.warning(request, warning)
            return
        created = services.mentor_create(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            kecamatan=list(data["kecamatan"]),
            password=data.get("password") or None,
        )
        obj.pk, obj.user_id = created.pk, created.user_id
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing: the services set the kecamatan of work (the form has no inlines)."""


class AssignmentMentorFilter(admin.SimpleListFilter):
    """Assignments by mentor, offering the mentors the user may see (permissions.mentors_for):
    an operator the ones working in their kecamatan, not the city's thousands."""

    title = _("mentor")
    parameter_name = "mentor"

    def lookups(self, request, model_admin):
        mentors = permissions.mentors_for(request.user, Mentor.objects.filter(active=True))
        return list(mentors.order_by("full_name").values_list("pk", "full_name"))

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(mentor_id=params.get({"m": self.value()}, "m", params.object_id))


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    scope = staticmethod(permissions.assignments_for)
    list_display = ["business", "mentor", "start", "end", "assigned_by"]
    list_select_related = ["business", "mentor", "assigned_by"]
    list_filter = [("end", admin.EmptyFieldListFilter), AssignmentMentorFilter]
    search_fields = ["business__name", "mentor__full_name"]
    autocomplete_fields = ["business"]
    fields = ["business", "mentor", "start"]
    ordering = ["-id"]

    def has_change_permission(self, request, obj=None):
        return False  # a new assignment replaces the current one; dates are kept

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mentor":
            kwargs["queryset"] = permissions.mentors_for(request.user, Mentor.objects.active())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        outcome = services.assignment_set(
            actor=request.user,
            business=data["business"],
            mentor=data["mentor"],
            start=data["start"],
        )
        for warning in outcome.warnings:
            messages.warning(request, warning)
        current = Assignment.objects.filter(business=data["business"], end=None).first()
        obj.pk = current.pk if current else None


class AssignForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Mentor.objects.none())
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )


@admin.action(description=_("Assign to a mentor"), permissions=["assign"])
def assign_to_mentor(modeladmin, request, queryset):
    """Bulk assignment over the filtered (and scoped) list: a page to choose the mentor, then
    one all-or-nothing service call."""
    form = AssignForm(request.POST if "apply" in request.POST else None)
    form.fields["mentor"].queryset = permissions.mentors_for(request.user, Mentor.objects.active())
    if "apply" in request.POST and form.is_valid():
        limit = settings.MENTOR_BULK_ASSIGN_MAX
        try:
            outcome = services.assignments_bulk(
                actor=request.user,
                businesses=queryset.select_related("kelurahan")[: limit + 1],
                mentor=form.cleaned_data["mentor"],
                start=form.cleaned_data["start"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                modeladmin.message_user(request, message, messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            gettext("%(n)d businesses assigned to %(mentor)s.")
            % {"n": outcome.obj, "mentor": form.cleaned_data["mentor"]},
            messages.SUCCESS,
        )
        for warning in outcome.warnings:
            modeladmin.message_user(request, warning, messages.WARNING)
        return None
    return TemplateResponse(
        request,
        "mentors/admin/assign.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": gettext("Assign to a mentor"),
            "form": form,
            "queryset": queryset[:50],
            "count": queryset.count(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )


def attach_to_business_admin(site=None) -> bool:
    """The bulk action on the Business list, without umkm importing this app."""
    from umkm.models import Business

    site = site or admin.site
    model_admin = site._registry.get(Business)
    if model_admin is None or assign_to_mentor in (model_admin.actions or []):
        return False
    model_admin.actions = [*(model_admin.actions or []), assign_to_mentor]
    model_admin.has_assign_permission = lambda request: (
        request.user.has_perm("mentors.add_assignment")
        and not permissions.umkm_permissions.is_read_only(request.user)
    )
    return True


@register_business_link
def suggestion_link(request, business):
    """The business page's "the mentoring reports suggest a change": shown only when they do
    (mentors.selectors.suggestion) and to staff who may confirm it."""
    from mentors import selectors

    if not permissions.may_confirm_scale(request.user, business):
        return None
    if selectors.suggestion(business) is None:
        return None
    return (
        gettext("The mentoring reports suggest a change: confirm it"),
        reverse("mentors_staff:suggestion", args=[business.pk]),
    )
