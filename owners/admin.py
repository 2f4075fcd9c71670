"""The staff's queues of what owners ask: proposals for the public profile, corrections of the
register, erasure requests. Each is scoped (owners.permissions, on umkm's kecamatan rule) and
decided through owners.services: nothing is written here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
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
        url = reverse("admin:owners_profileedit_photo", args=[edit.pk])
        return format_html('<img src="{}" alt="" width="200">', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.photo_view)  # the staff-access rule
        return [
            path("<int:pk>/foto/", view, name="owners_profileedit_photo"),
            *super().get_urls(),
        ]

    def photo_view(self, request, pk):
        """An unreviewed proposal's photo, from the private storage, to the staff who may see
        the proposal (its kecamatan's, by the queue's own scope)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        edit = self.get_queryset(request).filter(pk=pk).first()
        if edit is None or not edit.photo:
            raise Http404
        kind = "image/png" if edit.photo.name.endswith(".png") else "image/jpeg"
        response = FileResponse(edit.photo.open("rb"), content_type=kind)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

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
    fields = ["business", "field", "message_text", "status", "staff_note", "decision", "note"]
    readonly_fields = ["business", "field", "message_text", "status", "staff_note"]

    def decide(self, user, obj, decision, note):
        services.correction_request_close(actor=user, request=obj, status=decision, note=note)

    @admin.display(description=_("what it should say"))
    def message_text(self, obj):
        return obj.text

    @admin.display(description=_("what it should say"))
    def message_withheld(self, obj):
        return _("A correction of the NIK: only staff allowed to see NIKs read its text.")

    def _withheld(self, request, obj) -> bool:
        return obj is not None and not policy.can_read_correction(request.user, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self._withheld(request, obj):
            return ["message_withheld" if f == "message_text" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "message_withheld"] if self._withheld(request, obj) else fields


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
