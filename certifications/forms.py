from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certifications import rules, services
from certifications.models import CaseDocument, CaseStatus, CertificateCase
from certifications.uploads import check_document


class CaseTransitionForm(forms.Form):
    """Change a case's status; the rules are certifications.services.case_transition's."""

    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    number = forms.CharField(
        label=_("Certificate number"),
        required=False,
        help_text=_("Required when the certificate is issued."),
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False)
    override_expiry = forms.BooleanField(
        label=_("Use another expiry date than the type's rule"), required=False
    )
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        help_text=_("Only with the box above; empty means it does not expire."),
    )
    expiry_override_reason = forms.CharField(
        label=_("Reason for the expiry date"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (status, CaseStatus(status).label) for status in rules.TRANSITIONS[case.status]
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "to_status": data["to_status"],
            "note": data["note"],
            "number": data["number"],
            "issued_on": data["issued_on"],
        }
        if data["override_expiry"]:
            kwargs["expires_on"] = data["expires_on"]
            kwargs["expiry_override_reason"] = data["expiry_override_reason"]
        return kwargs


class CaseDocumentUploadForm(forms.ModelForm):
    """A new document: checked by content here, attached by services.document_attach."""

    class Meta:
        model = CaseDocument
        fields = ["file", "description"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                check_document(upload)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["file"]) from exc
        return upload


class CertificateCaseForm(forms.ModelForm):
    """Opening a case (or editing its note): the product and route rules of the service are
    checked here too, so that they show on the form rather than as an error page."""

    class Meta:
        model = CertificateCase
        fields = ["business", "type", "product", "halal_route", "note"]

    def clean(self):
        data = super().clean()
        cert_type = data.get("type") or getattr(self.instance, "type", None)
        if cert_type is not None and "halal_route" in self.fields:
            try:
                services.clean_case_fields(
                    cert_type=cert_type,
                    product=data.get("product", self.instance.product),
                    halal_route=data.get("halal_route", ""),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data
