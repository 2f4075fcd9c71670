"""Who may see and change what in the register. Every admin queryset, form choice, import and
export asks these functions; they both answer "may this user ..." and filter querysets.

- Admin Sudin (and superusers, and the portal itself, SYSTEM): every record of the city.
- Operator Kecamatan: only owners and businesses of the kecamatan in their staff profile.
- Pejabat: read-only, never NIK, phone, home address, birth date or e-mail (PEJABAT_FIELDS).

`None` is not a user: every function refuses it (TypeError) rather than guess.

Apps built on umkm keep their own policy in their own `permissions.py` (ROLE_PERMISSIONS,
PEJABAT_FIELDS, their `<rows>_for` functions), built on the kecamatan rule here.
"""

from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from umkm import roles
from umkm.models import Business, Kecamatan, Kelurahan, Owner

_REGISTER_MODELS = ["owner", "business", "businessstage", "training", "enrolment", "mentoring"]
# Kept by the database (umkm.models.states): every role that reads the register reads these.
_HISTORY_MODELS = ["businessstate"]
_REFERENCE_MODELS = [
    *("yearlytarget", "sector", "stage", "stagerule"),
    *("city", "kecamatan", "kelurahan"),
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.ADMIN_SUDIN: [
        *roles.crud("umkm", [*_REGISTER_MODELS, "yearlytarget", "sector", "stage"]),
        *roles.crud("umkm", ["stagerule"], without=("delete",)),  # switched off, not deleted
        *roles.view(
            "umkm",
            [
                "city",
                "kecamatan",
                "kelurahan",
                "staffprofile",
                "personaldataaccess",
                *_HISTORY_MODELS,
            ],
        ),
        "umkm.view_nik",
        "umkm.view_personal_data",
        # Admin Sudin gives staff their authenticator device (docs/DEPLOY.md).
        *roles.crud("otp_totp", ["totpdevice"]),
    ],
    roles.OPERATOR_KECAMATAN: [
        *roles.crud("umkm", ["owner", "business", "businessstage", "enrolment", "mentoring"]),
        *roles.view("umkm", ["training", *_REFERENCE_MODELS, *_HISTORY_MODELS]),
        "umkm.view_personal_data",
    ],
    roles.PEJABAT: roles.view("umkm", [*_REGISTER_MODELS, *_REFERENCE_MODELS, *_HISTORY_MODELS]),
}

# What a Pejabat may see of each model ("*": every field, a model without personal data).
# Names are fields or admin columns; anything not listed is left off their pages.
PEJABAT_FIELDS: dict[str, tuple[str, ...]] = {
    # No NIK at all, not even masked: an official has no use for it (UU PDP: data minimisation).
    "umkm.owner": (
        *("full_name", "gender", "kelurahan", "kecamatan"),
        *("created_at", "updated_at"),
    ),
    "umkm.business": (
        *("name", "owner", "owner_name", "sector", "products", "kelurahan", "kecamatan"),
        *("nib", "kbli", "yearly_omzet", "capital", "binaan_since", "status", "scale"),
        *("public_consent", "public_consent_at", "photo", "slug", "current_stage"),
    ),
    "umkm.businessstage": (
        *("business", "stage", "reached_on", "recorded_by"),
        *("rule", "cause", "cause_type", "cause_id", "caused_by"),
    ),
    "umkm.businessstate": (
        *("business", "valid", "valid_from", "valid_until", "status", "scale", "kelurahan"),
        *("public_consent", "reason", "recorded_at", "recorded_by"),
    ),
    "umkm.enrolment": (
        "training",
        "business",
        "owner",
        "owner_name",
        "attended",
        "passed",
        "score",
    ),
    # Not the notes: free text a mentor writes about people (an official reads the figures).
    "umkm.mentoring": ("business", "date", "mentor", "topic", "monthly_omzet"),
    **{f"umkm.{m}": ("*",) for m in ["training", *_REFERENCE_MODELS]},
}


# Personal data (UU PDP) by model: names (fields or admin columns) that no allow-list of a
# read-only role may hold, whatever an app declares; checked when the allow-lists are read.
PERSONAL_DATA: dict[str, frozenset[str]] = {
    "umkm.owner": frozenset(
        {"nik", "nik_masked", "nik_full", "nik_index", "nik_ciphertext"}
        | {"birth_date", "phone", "email", "address"}
    ),
    "umkm.business": frozenset({"address", "whatsapp"}),
    # A mentor's notes and visit photo are about the owner, their home and family.
    "umkm.mentoring": frozenset({"notes", "photo"}),
}


def _user(user):
    if user is None:
        raise TypeError("user is required: pass the signed-in user, or SYSTEM for the portal")
    return user


def _in_group(user, name: str) -> bool:
    cache = getattr(user, "_umkm_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._umkm_groups = cache
    return name in cache


def is_city_wide(user) -> bool:
    """Sees every kecamatan: superusers (SYSTEM included), Admin Sudin and Pejabat."""
    return _user(user).is_active and (
        user.is_superuser or _in_group(user, roles.ADMIN_SUDIN) or _in_group(user, roles.PEJABAT)
    )


def operator_kecamatan_code(user) -> str | None:
    """The kecamatan code an Operator Kecamatan is limited to, or None for city-wide users."""
    if is_city_wide(user):
        return None
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    # An operator without a kecamatan sees nothing rather than everything.
    return profile.kecamatan_id if profile and profile.kecamatan_id else ""


def is_read_only(user) -> bool:
    """A Pejabat (and no more than that): reads, never writes, sees only PEJABAT_FIELDS."""
    user = _user(user)
    # Superusers first: they never need their groups loaded (one query less on every page).
    return (
        not user.is_superuser
        and _in_group(user, roles.PEJABAT)
        and not _in_group(user, roles.ADMIN_SUDIN)
    )


@cache
def _pejabat_fields() -> dict[str, tuple[str, ...]]:
    allowed: dict[str, tuple[str, ...]] = {}
    for module in roles.policy_modules():
        allowed.update(getattr(module, "PEJABAT_FIELDS", {}))
    for label, names in allowed.items():
        personal = PERSONAL_DATA.get(label, frozenset())
        if ("*" in names and personal) or personal & set(names):
            raise ImproperlyConfigured(
                f"PEJABAT_FIELDS of {label} names personal data: {sorted(personal & set(names))}"
            )
    return allowed


def pejabat_fields(model) -> tuple[str, ...]:
    """The names a Pejabat may see of `model` (every app's PEJABAT_FIELDS); none if unlisted."""
    return _pejabat_fields().get(model._meta.label_lower, ())


def visible_fields(user, model, names):
    """`names` (fields, admin columns, or tuples of them as in ModelAdmin.fields) less what the
    user may not see: everything for staff, only the model's PEJABAT_FIELDS for a Pejabat."""
    if not is_read_only(user):
        return list(names)
    allowed = pejabat_fields(model)
    if "*" in allowed:
        return list(names)
    out = []
    for name in names:
        if isinstance(name, (list, tuple)):
            kept = tuple(n for n in name if n in allowed)
            if kept:
                out.append(kept)
        elif name in allowed:
            out.append(name)
    return out


def can_view_nik(user) -> bool:
    return _user(user).is_active and user.has_perm("umkm.view_nik")


def can_view_personal_data(user) -> bool:
    """Phone and home address (NIK has its own permission)."""
    return _user(user).is_active and user.has_perm("umkm.view_personal_data")


def kecamatan_scoped(user, qs: QuerySet, kecamatan_lookup: str) -> QuerySet:
    """qs as it is for city-wide users; for an operator, only rows of its kecamatan (reached
    from a row by `kecamatan_lookup`, e.g. "business__kelurahan__kecamatan_id").

    Reached through a kelurahan, the rows are filtered on the kecamatan's kelurahan codes
    themselves (`kelurahan_id IN (...)`, read first: 5-16 codes). Through the join the planner
    cannot tell how many businesses one kecamatan has and read all 370,000 (a parallel
    sequential scan, 60 ms of an operator's enrolment list); with the codes it uses their
    statistics and the kelurahan index."""
    code = operator_kecamatan_code(user)
    if code is None:
        return qs
    through = "kelurahan__kecamatan_id"
    if kecamatan_lookup == through or kecamatan_lookup.endswith(f"__{through}"):
        prefix = kecamatan_lookup.removesuffix(through)
        return qs.filter(**{f"{prefix}kelurahan_id__in": _kelurahan_codes(user, code)})
    return qs.filter(**{kecamatan_lookup: code})


def _kelurahan_codes(user, code: str) -> list[str]:
    """The kecamatan's kelurahan codes, read once per user object (one request), as the
    user's groups are: an admin page builds several scoped querysets."""
    kept = getattr(user, "_umkm_kelurahan_codes", None)
    if kept is None or kept[0] != code:
        codes = list(Kelurahan.objects.filter(kecamatan_id=code).values_list("code", flat=True))
        kept = user._umkm_kelurahan_codes = (code, codes)
    return kept[1]


def kecamatan_for(user, qs: QuerySet | None = None) -> QuerySet:
    return kecamatan_scoped(user, Kecamatan.objects.all() if qs is None else qs, "code")


def kelurahan_for(user, qs: QuerySet | None = None) -> QuerySet:
    return kecamatan_scoped(user, Kelurahan.objects.all() if qs is None else qs, "kecamatan_id")


def businesses_for(user, qs: QuerySet | None = None) -> QuerySet:
    return kecamatan_scoped(
        user, Business.objects.all() if qs is None else qs, "kelurahan__kecamatan_id"
    )


def owners_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Owners living in the operator's kecamatan, or owning a business there.

    Read from `Owner.kecamatans` (the home's kecamatan and each business's, kept by the
    database: umkm 0023), one GIN index lookup; an OR of the home kelurahan and an EXISTS across
    the business join tested every owner (3-7 s for the operator's owner list at 370,000)."""
    qs = Owner.objects.all() if qs is None else qs
    code = operator_kecamatan_code(user)
    if code is None:
        return qs
    return qs.filter(kecamatans__contains=[code])


def can_access_kelurahan(user, kelurahan: Kelurahan | None) -> bool:
    if kelurahan is None:
        return False
    code = operator_kecamatan_code(user)
    return code is None or kelurahan.kecamatan_id == code


def can_access_business(user, business: Business) -> bool:
    return can_access_kelurahan(user, business.kelurahan)


def can_access_owner(user, owner: Owner) -> bool:
    code = operator_kecamatan_code(user)
    if code is None:
        return True
    return owners_for(user, Owner.objects.filter(pk=owner.pk)).exists()


def can_resolve_nik_matches(user) -> bool:
    """Operators' entries of a NIK registered elsewhere (Owner.nik_match_of) are seen and
    resolved by city-wide staff who change owners (Admin Sudin), never by an operator."""
    return is_city_wide(user) and not is_read_only(user) and user.has_perm("umkm.change_owner")


def totp_devices_for(user, qs: QuerySet):
    """Authenticator devices in the admin: a superuser's device only for superusers."""
    return qs if _user(user).is_superuser else qs.filter(user__is_superuser=False)


def device_owners_for(user):
    """Whom a device may be made for: active staff and active mentors (the mentors' desk asks
    for the same second factor as staff pages; superusers' devices by superusers only)."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(Q(is_staff=True) | Q(mentor__active=True), is_active=True)
    return qs if _user(user).is_superuser else qs.filter(is_superuser=False)


def can_search_nik(user) -> bool:
    """Exact NIK search (through the blind index): staff who see or enter NIKs, never Pejabat."""
    return _user(user).is_active and (
        user.has_perm("umkm.view_nik")
        or user.has_perm("umkm.add_owner")
        or user.has_perm("umkm.change_owner")
    )


def enrolments_for(user, qs: QuerySet | None = None) -> QuerySet:
    from umkm.models import Enrolment

    qs = Enrolment.objects.all() if qs is None else qs
    return kecamatan_scoped(user, qs, "business__kelurahan__kecamatan_id")


def mentor_users(user):
    """The users `user` may name as a session's mentor (and filter sessions by): active
    members of Pendamping; for an operator, only those working in its kecamatan (the mentors
    app's Mentor.kecamatan), never the city's whole list."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(groups__name=roles.PENDAMPING, is_active=True)
    code = operator_kecamatan_code(user)
    if code is not None:
        qs = qs.filter(mentor__active=True, mentor__kecamatan=code)
    return qs.order_by("first_name", "username")


def mentorings_for(user, qs: QuerySet | None = None) -> QuerySet:
    from umkm.models import Mentoring

    qs = Mentoring.objects.all() if qs is None else qs
    return kecamatan_scoped(user, qs, "business__kelurahan__kecamatan_id")


def business_stages_for(user, qs: QuerySet | None = None) -> QuerySet:
    from umkm.models import BusinessStage

    qs = BusinessStage.objects.all() if qs is None else qs
    return kecamatan_scoped(user, qs, "business__kelurahan__kecamatan_id")


def business_states_for(user, qs: QuerySet | None = None) -> QuerySet:
    """A business's states over time, scoped by where the business is now (the history of a
    business that moved in belongs to its new kecamatan, as the business does)."""
    from umkm.models import BusinessState

    qs = BusinessState.objects.all() if qs is None else qs
    return kecamatan_scoped(user, qs, "business__kelurahan__kecamatan_id")


def trainings_for(user, qs: QuerySet | None = None) -> QuerySet:
    """Trainings are the city's: every staff member sees them all (an operator enrols only the
    businesses of its kecamatan, see enrolments_for)."""
    from umkm.models import Training

    _user(user)
    return Training.objects.all() if qs is None else qs


def yearly_targets_for(user, qs: QuerySet | None = None) -> QuerySet:
    from umkm.models import YearlyTarget

    qs = YearlyTarget.objects.all() if qs is None else qs
    return kecamatan_scoped(user, qs, "kecamatan_id")


def personal_data_accesses_for(user, qs: QuerySet | None = None) -> QuerySet:
    """The UU PDP audit trail, of the owners the user may see."""
    from umkm.models import PersonalDataAccess

    qs = PersonalDataAccess.objects.all() if qs is None else qs
    code = operator_kecamatan_code(user)
    return qs if code is None else qs.filter(owner__in=owners_for(user))


def city_wide(user, qs: QuerySet) -> QuerySet:
    """Reference data every staff member reads whole (sectors, stages, cities)."""
    _user(user)
    return qs


def can_access(user, obj, scope) -> bool:
    """May `user` see `obj`, by the policy function `scope` (one of the `<rows>_for` here or in
    another app's permissions module)?"""
    if obj is None or obj.pk is None:
        return False
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_access_kecamatan(user, kecamatan_code: str) -> bool:
    """Reports and exports of one kecamatan: city-wide users any, an operator only its own."""
    code = operator_kecamatan_code(user)
    return code is None or (bool(code) and code == kecamatan_code)
