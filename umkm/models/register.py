"""Owners (pelaku usaha), businesses (UMKM binaan) and the 7P stages each has reached."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.images import PublicImageField
from umkm.models.areas import (
    Kelurahan,
    Sector,
    Stage,
)
from umkm.models.sort_indexes import sort_indexes
from umkm.validators import validate_kbli, validate_nib, validate_stored_phone


class Gender(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class OwnerQuerySet(models.QuerySet):
    def with_nik(self, nik: str):
        """Exact NIK lookup through the blind index (the NIK itself is never compared)."""
        from umkm.crypto import nik_blind_index

        return self.filter(nik_index=nik_blind_index(nik))


class Owner(models.Model):
    """A business owner (pelaku usaha). NIK, phone and home address are personal data (UU PDP)."""

    full_name = models.CharField(_("full name"), max_length=150)
    nik_ciphertext = models.BinaryField(_("NIK (encrypted)"), editable=False)
    # One owner per NIK; an operator's entry of a NIK registered outside their kecamatan is
    # kept as a second row pointing at the registered owner (`nik_match_of`) until Sudin staff
    # resolve it (umkm.services.register.owner_match_merge), so the operator is told nothing.
    nik_index = models.CharField(_("NIK blind index"), max_length=64, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("home address"), blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        related_name="owners",
        verbose_name=_("home kelurahan"),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    nik_match_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="nik_matches",
        verbose_name=_("same NIK as"),
        help_text=_("Entered by an operator with the NIK of this registered owner: for Sudin."),
    )
    # The kecamatan of their home and of each of their businesses, kept by the database
    # (triggers of umkm 0023, whoever writes: the ORM, an import, COPY): an operator's owners
    # are one lookup of this column's GIN index (umkm.permissions.owners_for).
    kecamatans = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OwnerQuerySet.as_manager()
    # The ciphertext stays out of history; the blind index shows when a NIK was changed.
    history = HistoricalRecords(excluded_fields=["nik_ciphertext", "kecamatans"])

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["full_name", "id"]
        permissions = [
            ("view_nik", _("Can see full NIK")),
            ("view_personal_data", _("Can see phone and home address")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_index"],
                condition=models.Q(nik_match_of__isnull=True),
                name="owner_nik_unique",
                violation_error_message=_("An owner with this NIK is already registered."),
            ),
            models.CheckConstraint(
                condition=models.Q(phone="") | models.Q(phone__regex=r"^\+62[1-9][0-9]{7,11}$"),
                name="owner_phone_normalised",
            ),
            models.CheckConstraint(
                condition=models.Q(nik_index__regex=r"^[0-9a-f]{64}$"),
                name="owner_nik_index_format",
            ),
        ]
        indexes = [
            GinIndex(OpClass(Upper("full_name"), name="gin_trgm_ops"), name="owner_name_trgm"),
            GinIndex(fields=["kecamatans"], name="owner_kecamatans"),
            *sort_indexes("owner", "full_name", "gender", "kelurahan"),
            # The owners' sign-in finds an owner by phone or e-mail (owners.signin).
            models.Index(fields=["phone"], name="owner_phone", condition=~models.Q(phone="")),
            models.Index(Upper("email"), name="owner_email_upper", condition=~models.Q(email="")),
        ]

    def __str__(self):
        return self.full_name

    @property
    def nik(self) -> str:
        from umkm.crypto import decrypt_nik

        return decrypt_nik(self.nik_ciphertext) if self.nik_ciphertext else ""

    def set_nik(self, nik: str) -> None:
        """Store a NIK that has already been validated (see umkm.validators.clean_nik)."""
        from umkm.crypto import encrypt_nik, nik_blind_index

        self.nik_ciphertext = encrypt_nik(nik)
        self.nik_index = nik_blind_index(nik)


class Scale(models.TextChoices):
    """Business scale per PP 7/2021 (art. 35)."""

    MIKRO = "mikro", _("Micro")
    KECIL = "kecil", _("Small")
    MENENGAH = "menengah", _("Medium")
    BESAR = "besar", _("Large (not UMKM)")
    UNKNOWN = "", _("Unknown")


RP_BILLION = 1_000_000_000
# (scale, capital ceiling, yearly sales ceiling) in rupiah, inclusive.
SCALE_LIMITS = [
    (Scale.MIKRO, 1 * RP_BILLION, 2 * RP_BILLION),
    (Scale.KECIL, 5 * RP_BILLION, 15 * RP_BILLION),
    (Scale.MENENGAH, 10 * RP_BILLION, 50 * RP_BILLION),
]


def scale_for(*, capital: int | None, yearly_omzet: int | None) -> str:
    """PP 7/2021: capital (modal usaha, without land and buildings) decides when it is known;
    otherwise yearly sales (hasil penjualan tahunan) do. Neither known: unknown."""
    if capital is not None:
        return next((s for s, cap, _sales in SCALE_LIMITS if capital <= cap), Scale.BESAR)
    if yearly_omzet is not None:
        return next((s for s, _cap, sales in SCALE_LIMITS if yearly_omzet <= sales), Scale.BESAR)
    return Scale.UNKNOWN


class BusinessStatus(models.TextChoices):
    AKTIF = "aktif", _("Active")
    NONAKTIF = "nonaktif", _("Inactive")
    NAIK_KELAS = "naik_kelas", _("Moved up (naik kelas)")


class BusinessQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=BusinessStatus.AKTIF)

    def listed_publicly(self):
        """Businesses whose owner consented to a public profile."""
        return self.filter(public_consent=True)


class Business(models.Model):
    """A mentored business (UMKM binaan)."""

    name = models.CharField(_("business name"), max_length=150)
    slug = models.SlugField(_("public page address"), max_length=170, unique=True)
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("owner")
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("sector")
    )
    products = models.TextField(_("products"), blank=True)
    kelurahan = models.ForeignKey(
        Kelurahan,
        on_delete=models.PROTECT,
        related_name="businesses",
        verbose_name=_("kelurahan"),
    )
    address = models.TextField(_("business address"), blank=True)
    nib = models.CharField(
        _("NIB"), max_length=13, null=True, blank=True, unique=True, validators=[validate_nib]
    )
    kbli = models.CharField(_("KBLI"), max_length=5, blank=True, validators=[validate_kbli])
    yearly_omzet = models.BigIntegerField(_("yearly omzet (Rp)"), null=True, blank=True)
    capital = models.BigIntegerField(_("capital (Rp)"), null=True, blank=True)
    scale = models.CharField(
        _("scale"), max_length=10, choices=Scale.choices, blank=True, editable=False
    )
    binaan_since = models.DateField(_("mentored since"))
    status = models.CharField(
        _("status"), max_length=12, choices=BusinessStatus.choices, default=BusinessStatus.AKTIF
    )
    public_consent = models.BooleanField(_("consents to public listing"), default=False)
    public_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    photo = PublicImageField(_("photo"), upload_to="umkm/%Y/", blank=True)
    # The public profile the owner keeps (issue 16): shown only while public_consent holds.
    description = models.TextField(
        _("description"), blank=True, max_length=2000, default="", db_default=""
    )
    opening_hours = models.CharField(
        _("opening hours"), max_length=200, blank=True, default="", db_default=""
    )
    # The business's WhatsApp number (often the owner's own phone: personal data). A public
    # page shows it, as a wa.me link, only while the owner has chosen whatsapp_public.
    whatsapp = models.CharField(
        _("WhatsApp number"),
        max_length=16,
        blank=True,
        default="",
        db_default="",
        validators=[validate_stored_phone],
    )
    whatsapp_public = models.BooleanField(
        _("WhatsApp number shown publicly"), default=False, db_default=False
    )
    # The owner's name, kept by database triggers (migration 0006) for the admin search: one
    # trigram index on this table instead of a join to 370,000 owners. Never written by code.
    owner_name = models.CharField(_("owner name"), max_length=150, blank=True, editable=False)
    current_stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current 7P stage"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BusinessQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["scale", "owner_name"])

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nib__isnull=True) | models.Q(nib__regex=r"^[0-9]{13}$"),
                name="business_nib_format",
            ),
            models.CheckConstraint(
                condition=models.Q(kbli="") | models.Q(kbli__regex=r"^[0-9]{5}$"),
                name="business_kbli_format",
            ),
            models.CheckConstraint(
                condition=models.Q(yearly_omzet__isnull=True) | models.Q(yearly_omzet__gte=0),
                name="business_omzet_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(capital__isnull=True) | models.Q(capital__gte=0),
                name="business_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(public_consent=False)
                | models.Q(public_consent_at__isnull=False),
                name="business_consent_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(whatsapp_public=False) | ~models.Q(whatsapp=""),
                name="business_public_whatsapp_has_number",
            ),
        ]
        indexes = [
            # Status and kelurahan of every business in id order, from the index alone: the
            # mentors' city completeness joins 360,000 current assignments on it (merge join).
            models.Index(
                fields=["id"], include=["status", "kelurahan"], name="business_id_status_kel"
            ),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="business_name_trgm"),
            GinIndex(
                OpClass(Upper("owner_name"), name="gin_trgm_ops"), name="business_owner_name_trgm"
            ),
            # NIB search by prefix (LIKE '912%'): the unique index cannot serve LIKE under a
            # non-C collation, a pattern-ops one can.
            models.Index(
                fields=["nib"], name="business_nib_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["kelurahan", "-id"], name="business_kelurahan_id"),
            models.Index(fields=["binaan_since"], name="business_binaan_since"),
            models.Index(fields=["status"], name="business_status"),
            *sort_indexes(
                "business",
                "name",
                "owner_name",
                "sector",
                "current_stage",
                "status",
                "scale",
                "binaan_since",
            ),
            # The public directory (listed_publicly): a page in name order is read from the
            # index, not sorted from every consenting business; the count of one city's
            # businesses is an index-only scan per kelurahan.
            models.Index(
                fields=["name", "id"],
                name="business_listed_name",
                condition=models.Q(public_consent=True),
            ),
            # With the sector beside the kelurahan, a sector's count (?sektor=, alone or with a
            # kecamatan) is index-only too: through a kelurahan-only index it read the sector
            # of every consenting business from the table (190 ms at 123,000).
            models.Index(
                fields=["kelurahan", "sector"],
                name="business_listed_kel_sector",
                condition=models.Q(public_consent=True),
            ),
            # The directory's search looks in the products too (name OR products): without
            # this the OR reads every consenting business.
            GinIndex(
                OpClass(Upper("products"), name="gin_trgm_ops"),
                name="business_products_trgm",
                condition=models.Q(public_consent=True),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.scale = scale_for(capital=self.capital, yearly_omzet=self.yearly_omzet)
        super().save(*args, **kwargs)


class BusinessStage(models.Model):
    """A 7P stage a business reached: when, and who recorded it."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="stages", verbose_name=_("business")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage")
    )
    reached_on = models.DateField(_("reached on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # What moved the business there when a rule did (umkm.services.stages.stage_event): the
    # rule, a sentence naming the cause, and the cause's row (a passed enrolment, an issued
    # certificate case, a bazaar check-in, a mentoring report). Empty for a stage staff recorded.
    rule = models.ForeignKey(
        "StageRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stage rule"),
    )
    cause = models.CharField(_("cause"), max_length=300, blank=True, db_default="")
    cause_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cause type"),
    )
    cause_id = models.PositiveBigIntegerField(_("cause id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage reached")
        verbose_name_plural = _("stages reached")
        ordering = ["business", "reached_on", "stage__order"]
        constraints = [
            models.UniqueConstraint(fields=["business", "stage"], name="business_stage_once"),
        ]
        # reached_on: also the date hierarchy's first/last date
        indexes = [
            *sort_indexes("businessstage", "stage", "reached_on", "recorded_by"),
            # A kecamatan report's "stage reached by day D" of each of its businesses: an
            # index-only lookup per business instead of grouping every stage row of the city.
            models.Index(
                fields=["business", "reached_on"],
                include=["stage"],
                name="businessstage_business_reached",
            ),
        ]

    def __str__(self):
        return f"{self.business} — {self.stage}"


class StageEvent(models.TextChoices):
    """What happens to a business that can move it to a 7P stage (umkm.services.stages)."""

    TRAINING_PASSED = "training_passed", _("Training passed")
    MENTORING_REPORT = "mentoring_report", _("Mentoring report")
    LICENCE_ISSUED = "licence_issued", _("Licence or certificate issued")
    BAZAAR_ATTENDED = "bazaar_attended", _("Bazaar attended")


class StageRule(models.Model):
    """Which 7P stage an event moves a business to: data that staff change in the admin."""

    event = models.CharField(_("event"), max_length=30, choices=StageEvent.choices, unique=True)
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="rules", verbose_name=_("stage")
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage rule")
        verbose_name_plural = _("stage rules")
        ordering = ["stage__order", "event"]

    def __str__(self):
        return f"{self.get_event_display()} → {self.stage}"
