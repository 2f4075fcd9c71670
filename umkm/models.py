from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from umkm.validators import validate_kbli, validate_nib


class City(models.Model):
    """A kota/kabupaten administrasi, e.g. 31.73 Kota Administrasi Jakarta Barat."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}\.\d{2}$"), name="city_code_format"
            ),
        ]

    def __str__(self):
        return self.name


class Kecamatan(models.Model):
    """A district (kecamatan), e.g. 31.73.02 Grogol Petamburan."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="kecamatan", verbose_name=_("city")
    )

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}\.\d{2}\.\d{2}$"),
                name="kecamatan_code_format",
            ),
        ]

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    """A village (kelurahan), e.g. 31.73.02.1002, with its postal code."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        related_name="kelurahan",
        verbose_name=_("kecamatan"),
    )
    postal_code = models.CharField(_("postal code"), max_length=5)

    class Meta:
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
                name="kelurahan_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(postal_code__regex=r"^\d{5}$"),
                name="kelurahan_postal_code_format",
            ),
        ]

    def __str__(self):
        return self.name


class Sector(models.Model):
    """Business sector (Kuliner, Fesyen, ...). `is_food` drives the food-certificate rules."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    is_food = models.BooleanField(_("food sector"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Stage(models.Model):
    """One of JakPreneur's 7P stages. The order is data: sources disagree on stages 2 and 3."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("7P stage")
        verbose_name_plural = _("7P stages")
        ordering = ["order"]
        constraints = [
            # Deferred so that staff can swap two stages' order in one save.
            models.UniqueConstraint(
                fields=["order"], name="stage_order_unique", deferrable=models.Deferrable.DEFERRED
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


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
    nik_index = models.CharField(_("NIK blind index"), max_length=64, unique=True, editable=False)
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OwnerQuerySet.as_manager()
    # The ciphertext stays out of history; the blind index shows when a NIK was changed.
    history = HistoricalRecords(excluded_fields=["nik_ciphertext"])

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["full_name", "id"]
        permissions = [
            ("view_nik", _("Can see full NIK")),
            ("view_personal_data", _("Can see phone and home address")),
        ]
        constraints = [
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
    slug = models.SlugField(_("public slug"), max_length=170, unique=True)
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
    photo = models.ImageField(_("photo"), upload_to="umkm/%Y/", blank=True)
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
        ]
        indexes = [
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage reached")
        verbose_name_plural = _("stages reached")
        ordering = ["business", "reached_on", "stage__order"]
        constraints = [
            models.UniqueConstraint(fields=["business", "stage"], name="business_stage_once"),
        ]

    def __str__(self):
        return f"{self.business} — {self.stage}"


class Training(models.Model):
    """A training (pelatihan) that owners attend for their business."""

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("kecamatan held in"),
        help_text=_("Empty for city-wide trainings."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="training_dates_in_order",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="training_capacity"),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date:%d-%m-%Y})"


class Enrolment(models.Model):
    """A trainee: a business, and its owner attending, enrolled in a training."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("training")
    )
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("business")
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("owner")
    )
    attended = models.BooleanField(_("attended"), default=False)
    passed = models.BooleanField(_("passed"), default=False)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["training", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "business"], name="enrolment_business_once"
            ),
            models.CheckConstraint(
                condition=models.Q(passed=False) | models.Q(attended=True),
                name="enrolment_passed_needs_attended",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="enrolment_score_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.business} — {self.training}"


class Mentoring(models.Model):
    """A mentoring session (pendampingan) and the monthly omzet the mentor reports."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentorings",
        verbose_name=_("mentor"),
    )
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="mentorings", verbose_name=_("business")
    )
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    monthly_omzet = models.BigIntegerField(_("monthly omzet (Rp)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_omzet__isnull=True) | models.Q(monthly_omzet__gte=0),
                name="mentoring_omzet_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["business", "-date"], name="mentoring_business_date")]

    def __str__(self):
        return f"{self.business} — {self.date:%d-%m-%Y}"


DEFAULT_YEARLY_TARGET = 18


class YearlyTarget(models.Model):
    """How many new businesses a kecamatan should take on in a year (18 by default)."""

    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("kecamatan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.PositiveIntegerField(_("target"), default=DEFAULT_YEARLY_TARGET)

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["-year", "kecamatan"]
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "year"], name="target_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="target_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.kecamatan} {self.year}: {self.target}"


class StaffProfile(models.Model):
    """Which kecamatan an Operator Kecamatan works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operators",
        verbose_name=_("kecamatan"),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)


class PersonalDataAccess(models.Model):
    """Audit trail (UU PDP): who viewed or exported an owner's personal data, when and why."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        SUBJECT_ACCESS = "subject_access", _("Subject access export")
        ANONYMISE = "anonymise", _("Anonymised")

    owner = models.ForeignKey(
        Owner,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_log",
        verbose_name=_("owner"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["owner", "-at"], name="pda_owner_at")]

    def __str__(self):
        return f"{self.actor} {self.get_action_display()} {self.at:%d-%m-%Y %H:%M}"
