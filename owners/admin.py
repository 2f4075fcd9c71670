"""The staff's queues of what owners ask: proposals for the public profile, corrections of the
register, erasure requests. Each is scoped (owners.permissions, on umkm's kecamatan rule) and
decided through owners.services: nothing is written here."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from owners import permissions as policy
from owners import services
from owners.models import (
    CorrectionRequest,
    DeletionRequest,
    ProfileEdit,
    RequestStatus,
    ReviewStatus,
)
from umkm.admin.base import ScopedAdmin


class _Decision(forms.ModelForm):
    """Only the decision and its note are inputs; the rest of the row is shown read-only."""

    decision = forms.ChoiceField(label=_("Decision"), required=False)
    note = forms.CharField(
        label=_("Reason / note to the owner"), required=False, widget=forms.Textarea
    )

    class Meta:
        fields = []


class _QueueAdmin(ScopedAdmin):
    decisions: list = []

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "decision" in form.base_fields:
            form.base_fields["decision"].choices = [("", "—"), *self.decisions]
        return form

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision:
            self.decide(request.user, obj, decision, form.cleaned_data.get("note", ""))

    def decide(self, user, obj, decision, note):
        raise NotImplementedError


@admin.register(ProfileEdit)
class ProfileEditAdmin(_QueueAdmin):
    scope = staticmethod(policy.profile_edits_for)
    form = _Decision
    decisions = [("approve", _("Approve")), ("reject", _("Reject"))]
    list_display = ["business", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["business"]
    search_fields = ["business__name"]
    fields = ["business", "status", "proposal", "photo_preview", "reason", "decision", "note"]
    readonly_fields = ["business", "status", "proposal", "photo_preview", "reason"]

    @admin.display(description=_("proposed values"))
    def proposal(self, edit):
        values = dict(edit.proposed)
        links = values.pop("links", {})
        rows = list(values.items()) + [(k, v) for k, v in links.items() if v]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    @admin.display(description=_("proposed photo"))
    def photo_preview(self, edit):
        if not edit.photo:
            return "—"
        return format_html('<img src="{}" alt="" width="200">', edit.photo.card_url)

    def decide(self, user, edit, decision, note):
        if decision == "approve":
            services.profile_edit_approve(actor=user, edit=edit)
        else:
            services.profile_edit_reject(actor=user, edit=edit, reason=note)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status != ReviewStatus.PENDING:
            return [f for f in self.fields if f not in ("decision", "note")]
        return self.fields


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(_QueueAdmin):
    scope = staticmethod(policy.correction_requests_for)
    form = _Decision
    decisions = [(RequestStatus.DONE, _("Corrected")), (RequestStatus.REFUSED, _("Refuse"))]
    list_display = ["business", "field", "status", "created_at"]
    list_filter = ["status", "field"]
    list_select_related = ["business"]
    search_fields = ["business__name"]
    fields = ["business", "field", "message", "status", "staff_note", "decision", "note"]
    readonly_fields = ["business", "field", "message", "status", "staff_note"]

    def decide(self, user, obj, decision, note):
        services.correction_request_close(actor=user, request=obj, status=decision, note=note)


@admin.register(DeletionRequest)
class DeletionRequestAdmin(_QueueAdmin):
    scope = staticmethod(policy.deletion_requests_for)
    form = _Decision
    decisions = [
        ("erase", _("Erase the personal data (cannot be undone)")),
        ("refuse", _("Refuse")),
    ]
    list_display = ["owner", "status", "created_at", "handled_at"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    fields = ["owner", "reason", "status", "staff_note", "decision", "note"]
    readonly_fields = ["owner", "reason", "status", "staff_note"]

    def decide(self, user, obj, decision, note):
        if decision == "erase":
            services.deletion_request_carry_out(actor=user, request=obj)
        else:
            services.deletion_request_refuse(actor=user, request=obj, note=note)
