"""Forms of the register's admin. They check the shape of what staff type (NIK, phone, the
choices they may make); umkm.services holds the rules and does the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from umkm import permissions
from umkm.areas import office_first
from umkm.models import Gender, Kelurahan, Owner, Sector
from umkm.services.registration import TraineeData
from umkm.validators import clean_nik, normalise_phone


class OwnerForm(forms.ModelForm):
    """Owner with a `nik` field mapped to the encrypted NIK by the services.

    `show_nik` (set by the admin per user) decides whether the current NIK is filled in; staff who
    may not see it get an empty field that replaces the NIK only when filled.
    """

    show_nik = False

    nik = forms.CharField(
        label=_("NIK"),
        max_length=24,
        required=False,
        help_text=_("16 digits, as on the KTP."),
    )

    class Meta:
        model = Owner
        fields = ["full_name", "nik", "gender", "birth_date", "phone", "email", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if "nik" in self.fields:
            self.fields["nik"].required = creating or self.show_nik
            if not creating and self.show_nik:
                self.initial["nik"] = self.instance.nik
            elif not creating:
                self.fields["nik"].label = _("New NIK")
                self.fields["nik"].help_text = _("Leave empty to keep the current NIK.")

    def clean_nik(self):
        value = self.cleaned_data.get("nik", "")
        if not value:
            return ""
        nik = clean_nik(value)
        if Owner.objects.with_nik(nik).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("An owner with this NIK is already registered."))
        return nik

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))


class OwnerWithBusinessForm(OwnerForm):
    """A new owner and, on the same page, their first business (services.
    owner_with_business_create). Leave the business's name empty for an owner alone."""

    business_name = forms.CharField(label=_("business name"), max_length=150, required=False)
    business_sector = forms.ModelChoiceField(
        label=_("sector"), queryset=Sector.objects.all(), required=False
    )
    business_kelurahan = forms.ModelChoiceField(
        label=_("business kelurahan"), queryset=Kelurahan.objects.none(), required=False
    )
    business_products = forms.CharField(
        label=_("products"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    business_binaan_since = forms.DateField(label=_("mentored since"), required=False)

    BUSINESS_FIELDS = (
        "business_name",
        "business_sector",
        "business_kelurahan",
        "business_products",
        "business_binaan_since",
    )

    def business_values(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("business_name") or "").strip():
            return None
        return {
            "name": data["business_name"].strip(),
            "sector": data.get("business_sector"),
            "kelurahan": data.get("business_kelurahan"),
            "products": data.get("business_products", ""),
            "binaan_since": data.get("business_binaan_since") or timezone.localdate(),
        }


class TraineeRowForm(forms.Form):
    """One row of the quick trainee entry on a training's page."""

    nik = forms.CharField(label=_("NIK"), max_length=24)
    full_name = forms.CharField(label=_("full name"), max_length=150, required=False)
    gender = forms.ChoiceField(
        label=_("gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    birth_date = forms.DateField(
        label=_("birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("phone"), max_length=24, required=False)
    owner_kelurahan = forms.ModelChoiceField(
        label=_("home kelurahan"), queryset=Kelurahan.objects.none(), required=False
    )
    business_name = forms.CharField(label=_("business name"), max_length=150, required=False)
    sector = forms.ModelChoiceField(
        label=_("sector"), queryset=Sector.objects.all(), required=False
    )
    products = forms.CharField(label=_("products"), max_length=300, required=False)

    # The quick entry shows each trainee on two lines, the person and then the business, so
    # that a row fits a 1366 px screen (one line of nine inputs was 2,200 px wide).
    LINES = (
        ("nik", "full_name", "gender", "birth_date", "phone"),
        ("owner_kelurahan", "business_name", "sector", "products"),
    )

    def lines(self):
        return [[self[name] for name in line] for line in self.LINES]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner_kelurahan"]
        field.queryset = office_first(
            permissions.kelurahan_for(user, Kelurahan.objects.select_related("kecamatan"))
        )
        field.label_from_instance = lambda k: f"{k.name} ({k.kecamatan.name})"
        # An autocomplete (the owner admin's kelurahan search, scoped the same way) instead of
        # a drop-down of every kelurahan the user may choose (267 for Sudin).
        from django.contrib import admin
        from django.contrib.admin.widgets import AutocompleteSelect

        field.widget = AutocompleteSelect(
            Owner._meta.get_field("kelurahan"), admin.site, choices=field.choices
        )

    def clean_nik(self):
        return clean_nik(self.cleaned_data["nik"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def trainee(self, *, row: int) -> TraineeData:
        """The row's values for the trainee registration (umkm.services.registration)."""
        data = self.cleaned_data
        return TraineeData(
            nik=data["nik"],
            full_name=data.get("full_name", ""),
            gender=data.get("gender", ""),
            birth_date=data.get("birth_date"),
            phone=data.get("phone", ""),
            owner_kelurahan=data.get("owner_kelurahan"),
            business_name=data.get("business_name", ""),
            sector=data.get("sector"),
            products=data.get("products", ""),
            row=row,
        )


class BaseTraineeFormSet(forms.BaseFormSet):
    """The rows of one quick entry; the same NIK twice is the registration's to refuse."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            user=self.user,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


def trainee_formset(*, extra: int = 10):
    """Rows for the quick trainee entry (empty rows are skipped on save)."""
    return forms.formset_factory(
        TraineeRowForm, formset=BaseTraineeFormSet, extra=extra, max_num=200, validate_max=True
    )


TraineeFormSet = trainee_formset()
