from django import forms
from django.utils.translation import gettext_lazy as _

from owners.models import CorrectionField
from umkm.models import LinkKind


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=254,
        help_text=_("The number or address the office holds for you, e.g. 0812-3456-7890."),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class ProfileForm(forms.Form):
    description = forms.CharField(
        label=_("About the business"), required=False, max_length=2000, widget=forms.Textarea
    )
    products = forms.CharField(
        label=_("Products"), required=False, max_length=2000, widget=forms.Textarea
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=200,
        help_text=_("e.g. Senin-Sabtu 08.00-17.00"),
    )
    photo = forms.FileField(label=_("New photo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in LinkKind.choices:
            self.fields[f"link_{kind}"] = forms.CharField(
                label=label,
                required=False,
                max_length=300,
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
            )

    def links(self) -> dict:
        return {kind: self.cleaned_data.get(f"link_{kind}", "") for kind in LinkKind.values}

    def text(self) -> dict:
        return {
            n: self.cleaned_data.get(n, "") for n in ("description", "products", "opening_hours")
        }


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("What is wrong"), choices=CorrectionField.choices)
    message = forms.CharField(label=_("What it should say"), max_length=1000, widget=forms.Textarea)


class WhatsappForm(forms.Form):
    whatsapp = forms.CharField(label=_("WhatsApp number"), required=False, max_length=30)
    whatsapp_public = forms.BooleanField(
        label=_("Show this number on my public page (a WhatsApp button)"), required=False
    )


class DeletionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), required=False, max_length=1000, widget=forms.Textarea
    )


class PreferencesForm(forms.Form):
    sms = forms.BooleanField(label="SMS", required=False)
    whatsapp = forms.BooleanField(label="WhatsApp", required=False)
    email = forms.BooleanField(label=_("E-mail"), required=False)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document (PDF, JPEG or PNG, at most 5 MB)"))
    description = forms.CharField(label=_("What it is"), required=False, max_length=150)
