"""Participations: applications, decisions, booths and withdrawals."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bazaars import eligibility, flags, services
from bazaars import permissions as policy
from bazaars.admin.base import _errors
from bazaars.models import (
    Booth,
    Participation,
    ParticipationStatus,
)
from umkm import permissions
from umkm.admin.base import FastChangeList, OfficeFirstKecamatanFilter, ScopedAdmin
from umkm.models import Business, Enrolment

S = ParticipationStatus


class ParticipationForm(forms.ModelForm):
    """Collects the application, or the decision, booth and note; validates input only. The
    admin's save_model hands them to the services, whose refusal (a booth taken, a full
    bazaar) comes back on the field (umkm.admin.service_errors)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", "—"),
            (S.ACCEPTED, S.ACCEPTED.label),
            (S.WAITLISTED, S.WAITLISTED.label),
            (S.REJECTED, S.REJECTED.label),
            (S.WITHDRAWN, S.WITHDRAWN.label),
        ],
    )
    reason = forms.CharField(
        label=_("reason to override eligibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Participation
        fields = ["bazaar", "business", "booth", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and "booth" in self.fields:
            booth = self.fields["booth"]
            booth.queryset = Booth.objects.filter(bazaar=self.instance.bazaar_id)
            # Booths another participant holds are marked (not named: they may be another
            # kecamatan's); choosing one is still the service's to refuse.
            taken = set(
                Participation.objects.filter(bazaar=self.instance.bazaar_id, booth__isnull=False)
                .exclude(pk=self.instance.pk)
                .values_list("booth_id", flat=True)
            )
            booth.label_from_instance = lambda b: (
                gettext("%(booth)s (taken)") % {"booth": b.code} if b.pk in taken else b.code
            )
            for name in ("bazaar", "business"):
                self.fields[name].disabled = True
        else:
            for name in ("booth", "decision", "reason"):
                self.fields.pop(name, None)

    def _post_clean(self):
        """No model validation here: the services validate and save (see save_model)."""


def flag_filter(flag: flags.Flag) -> type[admin.SimpleListFilter]:
    """A list filter for one flag (bazaars.flags): the participations of flagged businesses,
    through the flag's own subquery of business ids."""

    class FlagFilter(admin.SimpleListFilter):
        title = flag.label
        parameter_name = "flag_" + flag.key.replace(".", "_")

        def lookups(self, request, model_admin):
            return [("yes", gettext("Yes")), ("no", gettext("No"))]

        def queryset(self, request, queryset):
            if self.value() == "yes":
                return queryset.filter(business_id__in=flag.business_ids())
            if self.value() == "no":
                return queryset.exclude(business_id__in=flag.business_ids())
            return queryset

    return FlagFilter


class FlaggedChangeList(FastChangeList):
    """The page's rows carry their flags (bazaars.flags), read once for the page."""

    def get_results(self, request):
        super().get_results(request)
        labels = flags.labels_for([p.business_id for p in self.result_list])
        for participation in self.result_list:
            participation.flag_labels = labels.get(participation.business_id, [])


@admin.register(Participation)
class ParticipationAdmin(ScopedAdmin, SimpleHistoryAdmin):
    scope = staticmethod(policy.participations_for)
    form = ParticipationForm
    # What decides the task first (who, status, eligibility, booth): within 1366 px with the
    # filter column (tests/e2e/test_staff_desk.py).
    list_display = [
        "business",
        "status",
        "eligibility",
        "booth",
        "bazaar",
        "kecamatan",
        "sector",
        "decided_at",
    ]
    list_filter = [
        "status",
        "bazaar",
        "business__sector",
        ("business__kelurahan__kecamatan", OfficeFirstKecamatanFilter),
    ]
    list_select_related = [
        "business__sector",
        "business__kelurahan__kecamatan",
        "bazaar",
        "booth",
        "decided_by",
    ]
    search_fields = ["business__name"]
    autocomplete_fields = ["business"]  # by name, scoped (no pop-up lookup of an ID)
    readonly_fields = [
        "status",
        "eligibility",
        "decided_by",
        "decided_at",
        "applied_at",
        "withdrawn_at",
        "eligibility_override",
        "override_reason",
    ]
    actions = ["accept", "waitlist", "reject", "withdraw"]

    def get_changelist(self, request, **kwargs):
        return FlaggedChangeList

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if flags.registered():
            shown.insert(shown.index("eligibility") + 1, "flag_labels")
        return shown

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), *map(flag_filter, flags.registered())]

    @admin.display(description=_("Flags"))
    def flag_labels(self, obj):
        return "; ".join(getattr(obj, "flag_labels", [])) or "—"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return WithUser

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["bazaar", "business", "note"]
        return [
            "bazaar",
            "business",
            "status",
            "eligibility",
            "decision",
            "reason",
            "booth",
            "note",
            "applied_at",
            "decided_by",
            "decided_at",
            "withdrawn_at",
            "eligibility_override",
            "override_reason",
        ]

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                passed_training=Exists(
                    Enrolment.objects.filter(business=OuterRef("business_id"), passed=True)
                )
            )
        )
        if eligibility.food_rule_on():
            from certifications.selectors import businesses_holding_food_certificate

            qs = qs.annotate(
                food_ok=Exists(
                    businesses_holding_food_certificate(
                        Business.objects.filter(pk=OuterRef("business_id"))
                    )
                )
            )
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "business":
            kwargs["queryset"] = permissions.businesses_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.participation_apply(
                actor=request.user,
                bazaar=data["bazaar"],
                business=data["business"],
                note=data.get("note", ""),
            )
        else:
            created = services.participation_update(
                actor=request.user,
                participation=obj,
                decision=data.get("decision", ""),
                booth=data.get("booth"),
                override_reason=data.get("reason", ""),
                note=data.get("note", ""),
            )
        for name in ("pk", "bazaar", "business", "status", "booth", "note"):
            setattr(obj, name, getattr(created, name))

    @admin.display(description=_("kecamatan"), ordering="business__kelurahan__kecamatan")
    def kecamatan(self, obj):
        return obj.business.kelurahan.kecamatan

    @admin.display(description=_("sector"), ordering="business__sector")
    def sector(self, obj):
        return obj.business.sector

    @admin.display(description=_("eligibility"))
    def eligibility(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        result = eligibility.check_annotated(
            obj.business,
            passed_training=getattr(obj, "passed_training", False),
            food_ok=getattr(obj, "food_ok", None),
        )
        if result.eligible:
            return gettext("Eligible")
        if obj.eligibility_override:
            return gettext("Overridden: %(reason)s") % {"reason": obj.override_reason}
        return " ".join(result.reasons)  # each reason is a sentence

    def _decide(self, request, queryset, status):
        try:
            done = services.participations_decide(
                actor=request.user, participations=list(queryset), status=status
            )
        except ValidationError as exc:
            self.message_user(request, _errors(exc), messages.ERROR)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("%(count)s participations updated.") % {"count": len(done)},
                messages.SUCCESS,
            )

    @admin.action(description=_("Accept the selected businesses"), permissions=["change"])
    def accept(self, request, queryset):
        self._decide(request, queryset, S.ACCEPTED)

    @admin.action(description=_("Waitlist the selected businesses"), permissions=["change"])
    def waitlist(self, request, queryset):
        self._decide(request, queryset, S.WAITLISTED)

    @admin.action(description=_("Reject the selected businesses"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, S.REJECTED)

    @admin.action(description=_("Withdraw the selected businesses"), permissions=["change"])
    def withdraw(self, request, queryset):
        try:
            promoted = services.participations_withdraw(
                actor=request.user, participations=list(queryset)
            )
        except (ValidationError, PermissionDenied) as exc:
            text = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return
        if promoted:
            self.message_user(
                request,
                gettext("Moved up from the waitlist: %(names)s")
                % {"names": ", ".join(p.business.name for p in promoted)},
                messages.SUCCESS,
            )
