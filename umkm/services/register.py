"""Owners, businesses and their 7P stages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config import formats
from umkm import permissions
from umkm.models import (
    Business,
    BusinessStage,
    BusinessState,
    Kelurahan,
    Owner,
    Sector,
    Stage,
)
from umkm.models.states import changes_take_effect
from umkm.services.base import (
    Outcome,
    _check_kelurahan,
    _check_owner,
    _is_user,
    _set_history_user,
    require_actor,
)
from umkm.signals import send_public_listing_withdrawn
from umkm.validators import clean_nik, nik_birth_date_warning, normalise_phone

# --- Owners -------------------------------------------------------------------------------


def owner_create(
    *,
    actor,
    full_name: str,
    nik: str,
    gender: str,
    kelurahan: Kelurahan,
    birth_date: datetime.date | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
) -> Outcome:
    require_actor(actor)
    nik = _clean_nik_field(nik)
    _check_kelurahan(actor, kelurahan)
    owner = Owner(
        full_name=(full_name or "").strip(),
        gender=gender,
        birth_date=birth_date,
        phone=_clean_phone_field(phone),
        email=(email or "").strip(),
        address=(address or "").strip(),
        kelurahan=kelurahan,
    )
    owner.set_nik(nik)
    owner.nik_match_of = _nik_match(actor, owner)
    owner.full_clean(exclude=["nik_ciphertext", "nik_index"])
    _set_history_user(owner, actor)
    with transaction.atomic():
        try:
            owner.save()
        except IntegrityError as exc:  # two staff saving the same NIK at the same moment
            raise ValidationError(
                {"nik": _("An owner with this NIK is already registered.")}
            ) from exc
    warning = nik_birth_date_warning(nik, birth_date, gender)
    return Outcome(owner, created=True, warnings=[warning] if warning else [])


def owner_update(*, actor, owner: Owner, nik: str | None = None, **changes) -> Outcome:
    """Change an owner's fields; `nik` when given replaces the NIK (re-encrypted, re-indexed)."""
    require_actor(actor)
    if not permissions.can_access_owner(actor, owner):
        raise PermissionDenied
    if "kelurahan" in changes and changes["kelurahan"] != owner.kelurahan:
        _check_kelurahan(actor, changes["kelurahan"])
    if "phone" in changes:
        changes["phone"] = _clean_phone_field(changes["phone"])
    for name, value in changes.items():
        setattr(owner, name, value.strip() if isinstance(value, str) else value)
    warnings = []
    if nik is not None:
        nik = _clean_nik_field(nik)
        owner.set_nik(nik)
        owner.nik_match_of = _nik_match(actor, owner)
    owner.full_clean(exclude=["nik_ciphertext", "nik_index"])
    _set_history_user(owner, actor)
    with transaction.atomic():
        try:
            owner.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"nik": _("An owner with this NIK is already registered.")}
            ) from exc
    warning = nik_birth_date_warning(nik or owner.nik, owner.birth_date, owner.gender)
    if warning:
        warnings.append(warning)
    return Outcome(owner, warnings=warnings)


def _nik_match(actor, owner: Owner) -> Owner | None:
    """The registered owner of `owner`'s NIK, when the actor may not see them: the new record
    is kept beside it for Sudin staff to resolve (owner_match_merge) and the actor is told
    nothing (no NIK-existence oracle). A NIK the actor can see is refused as a duplicate."""
    registered = (
        Owner.objects.filter(nik_index=owner.nik_index, nik_match_of__isnull=True)
        .exclude(pk=owner.pk)
        .first()
    )
    if registered is None:
        return None
    if permissions.can_access_owner(actor, registered):
        raise ValidationError({"nik": _("An owner with this NIK is already registered.")})
    return registered


def owner_match_merge(*, actor, owner: Owner) -> Outcome:
    """Sudin staff resolve an operator's entry of a NIK registered elsewhere: the entry's
    businesses and trainings move to the registered owner (who may now be seen by that
    kecamatan's operator, as the owner of a business there) and the entry is deleted."""
    require_actor(actor)
    if not permissions.can_resolve_nik_matches(actor):
        raise PermissionDenied
    with transaction.atomic():
        return _merge(actor, Owner.objects.select_for_update().get(pk=owner.pk))


def _merge(actor, owner: Owner) -> Outcome:
    registered = owner.nik_match_of
    if registered is None:
        raise ValidationError(_("This owner has no NIK match to resolve."))
    from umkm.models import Enrolment, PersonalDataAccess

    user = actor if _is_user(actor) else None
    for related in (*owner.businesses.all(), *Enrolment.objects.filter(owner=owner)):
        related.owner = registered
        related._history_user = user
        related.save(update_fields=["owner"])
    PersonalDataAccess.objects.filter(owner=owner).update(owner=registered)  # the PDP trail
    _set_history_user(owner, actor)
    owner.delete()
    return Outcome(registered)


def _clean_nik_field(nik) -> str:
    try:
        return clean_nik(nik)
    except ValidationError as exc:
        raise ValidationError({"nik": exc.messages}) from exc


def _clean_phone_field(phone) -> str:
    try:
        return normalise_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


# --- Businesses ---------------------------------------------------------------------------


def unique_business_slug(name: str) -> str:
    base = slugify(name)[:150] or "umkm"
    slug = base
    while Business.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(5, 'abcdefghjkmnpqrstuvwxyz23456789')}"
    return slug


def business_create(
    *,
    actor,
    name: str,
    owner: Owner,
    sector: Sector,
    kelurahan: Kelurahan,
    binaan_since: datetime.date,
    products: str = "",
    address: str = "",
    nib: str | None = None,
    kbli: str = "",
    yearly_omzet: int | None = None,
    capital: int | None = None,
    status: str | None = None,
    public_consent: bool = False,
    photo=None,
) -> Outcome:
    require_actor(actor)
    _check_kelurahan(actor, kelurahan)
    _check_owner(actor, owner)
    business = Business(
        name=(name or "").strip(),
        owner=owner,
        sector=sector,
        kelurahan=kelurahan,
        binaan_since=binaan_since,
        products=(products or "").strip(),
        address=(address or "").strip(),
        nib=(nib or "").strip() or None,
        kbli=(kbli or "").strip(),
        yearly_omzet=yearly_omzet,
        capital=capital,
        public_consent=public_consent,
        public_consent_at=timezone.now() if public_consent else None,
    )
    if status:
        business.status = status
    if photo:
        business.photo = photo
    business.slug = unique_business_slug(business.name)
    business.full_clean()
    _set_history_user(business, actor)
    with transaction.atomic(), changes_take_effect(user=actor):
        try:
            business.save()
        except IntegrityError as exc:
            raise ValidationError({"nib": _("A business with this NIB already exists.")}) from exc
        first = Stage.objects.order_by("order").first()
        if first is not None:
            _record_stage(business, first, binaan_since, actor)
    return Outcome(business, created=True)


# What the register remembers over time (umkm.models.states): a change of these takes effect on
# a day, with a reason, recorded by the business table's trigger.
TRACKED_FIELDS = ("status", "kelurahan", "public_consent", "capital", "yearly_omzet")


def _check_effective_on(business: Business, on: datetime.date | None) -> datetime.date:
    """A change takes effect today or on a past day, never before the business's last change
    (which would rewrite a closed range: correct that change first) and never in the future."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"effective_on": _("A change cannot take effect in the future.")})
    last = BusinessState.objects.filter(business=business).current().first()
    if last is not None and last.valid.lower is not None and on < last.valid.lower:
        raise ValidationError(
            {
                "effective_on": _(
                    "The last change of this business took effect on %(day)s; a change "
                    "cannot take effect before it."
                )
                % {"day": formats.date_short(last.valid.lower)}
            }
        )
    return on


def business_update(
    *,
    actor,
    business: Business,
    effective_on: datetime.date | None = None,
    reason: str = "",
    **changes,
) -> Outcome:
    """Changes a business. A change of its status, scale (capital, omzet), kelurahan or consent
    takes effect on `effective_on` (default today; not in the future, not before the last
    change) for `reason`, which a change of status needs."""
    require_actor(actor)
    if not permissions.can_access_business(actor, business):
        raise PermissionDenied
    tracked = [n for n in TRACKED_FIELDS if n in changes and changes[n] != getattr(business, n)]
    if tracked:
        effective_on = _check_effective_on(business, effective_on)
        reason = (reason or "").strip()
        if "status" in tracked and not reason:
            raise ValidationError({"reason": _("Say why the status changes.")})
    if "kelurahan" in changes and changes["kelurahan"] != business.kelurahan:
        _check_kelurahan(actor, changes["kelurahan"])
    if "owner" in changes and changes["owner"] != business.owner:
        _check_owner(actor, changes["owner"])
    if "nib" in changes:
        changes["nib"] = (changes["nib"] or "").strip() or None
    withdrawn = False
    if "public_consent" in changes and changes["public_consent"] != business.public_consent:
        business.public_consent_at = timezone.now() if changes["public_consent"] else None
        withdrawn = not changes["public_consent"]
    for name, value in changes.items():
        setattr(business, name, value)
    business.full_clean()
    _set_history_user(business, actor)
    with transaction.atomic(), changes_take_effect(on=effective_on, reason=reason, user=actor):
        try:
            business.save()
        except IntegrityError as exc:
            raise ValidationError({"nib": _("A business with this NIB already exists.")}) from exc
        if withdrawn:
            send_public_listing_withdrawn(business)
    return Outcome(business)


# --- 7P stages ----------------------------------------------------------------------------


def _record_stage(business, stage, reached_on, actor) -> BusinessStage:
    record, _created = BusinessStage.objects.get_or_create(
        business=business,
        stage=stage,
        defaults={"reached_on": reached_on, "recorded_by": actor if _is_user(actor) else None},
    )
    refresh_current_stage(business)
    return record


def check_stage_may_be_recorded(actor, business: Business, reached_on: datetime.date) -> None:
    """The business is the actor's, and the day has come (a stage by hand or by a rule)."""
    require_actor(actor)
    if not permissions.can_access_business(actor, business):
        raise PermissionDenied
    if reached_on > timezone.localdate():
        raise ValidationError(
            {"reached_on": _("The date a stage was reached cannot be in the future.")}
        )


def stage_record(*, actor, business: Business, stage: Stage, reached_on: datetime.date) -> Outcome:
    """Record that a business reached a 7P stage (once per stage) and refresh its current stage."""
    check_stage_may_be_recorded(actor, business, reached_on)
    with transaction.atomic():
        if BusinessStage.objects.filter(business=business, stage=stage).exists():
            raise ValidationError({"stage": _("This business has already reached this stage.")})
        record = BusinessStage(
            business=business,
            stage=stage,
            reached_on=reached_on,
            recorded_by=actor if _is_user(actor) else None,
        )
        _set_history_user(record, actor)
        record.save()
        refresh_current_stage(business)
    return Outcome(record, created=True)


STAGE_FIELDS = ("code", "name", "order")


def stage_save(*, actor, stage: Stage | None = None, **fields) -> Outcome:
    """Add a 7P stage (stage=None) or change its code, name or order."""
    require_actor(actor)
    _check_stage_perm(actor, "umkm.add_stage" if stage is None else "umkm.change_stage")
    unknown = set(fields) - set(STAGE_FIELDS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    created = stage is None
    stage = Stage() if created else stage
    for name, value in fields.items():
        setattr(stage, name, value.strip() if isinstance(value, str) else value)
    with transaction.atomic():
        orders = dict(Stage.objects.select_for_update().values_list("pk", "order"))
        if stage.pk is not None:
            orders[stage.pk] = stage.order
        _check_orders_unique(list(orders.values()) + ([stage.order] if created else []))
        stage.full_clean(validate_constraints=False)
        _set_history_user(stage, actor)
        stage.save()
    return Outcome(stage, created=created)


def stages_reorder(*, actor, orders: dict) -> list[Stage]:
    """Give stages new places in the 7P list ({stage or pk: order}), all at once: two stages
    may swap their places; afterwards each stage has its own order."""
    require_actor(actor)
    _check_stage_perm(actor, "umkm.change_stage")
    wanted = {getattr(key, "pk", key): value for key, value in orders.items()}
    with transaction.atomic():
        stages = {s.pk: s for s in Stage.objects.select_for_update()}
        missing = set(wanted) - set(stages)
        if missing:
            raise ValidationError({"order": _("Unknown 7P stage.")})
        for pk, order in wanted.items():
            stages[pk].order = order
        _check_orders_unique([s.order for s in stages.values()])
        changed = []
        for pk in wanted:
            stage = stages[pk]
            # The uniqueness was checked over the whole list above; the database constraint is
            # deferred to the commit, so the rows may pass through a moment of equal orders.
            stage.full_clean(validate_constraints=False)
            _set_history_user(stage, actor)
            stage.save(update_fields=["order"])
            changed.append(stage)
    return changed


def _check_stage_perm(actor, perm: str) -> None:
    if not (actor.is_active and actor.has_perm(perm)):
        raise PermissionDenied


def _check_orders_unique(values: list) -> None:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise ValidationError(
            {
                "order": _("Each stage needs its own order; used more than once: %(orders)s.")
                % {"orders": ", ".join(map(str, duplicates))}
            }
        )


def refresh_current_stage(business: Business) -> None:
    """The current stage is the latest one reached (by date, then by the stages' order)."""
    latest = (
        BusinessStage.objects.filter(business=business)
        .order_by("-reached_on", "-stage__order")
        .values_list("stage_id", flat=True)
        .first()
    )
    if business.current_stage_id != latest:
        Business.objects.filter(pk=business.pk).update(current_stage_id=latest)
        business.current_stage_id = latest


# --- An owner and their business in one go -------------------------------------------------

BUSINESS_FORM_NAMES = {
    "name": "business_name",
    "sector": "business_sector",
    "kelurahan": "business_kelurahan",
    "products": "business_products",
    "binaan_since": "business_binaan_since",
}


def owner_with_business_create(*, actor, owner: dict, business: dict | None) -> Outcome:
    """A new owner and their first business, both or neither, by the rules of owner_create and
    business_create (the admin's one-page entry). The business's errors are keyed by the
    entry's names (`business_name`, `business_kelurahan`, ...) so that they land on its fields
    and not on the owner's own `kelurahan`."""
    require_actor(actor)
    with transaction.atomic():
        outcome = owner_create(actor=actor, **owner)
        if business:
            try:
                business_create(actor=actor, owner=outcome.obj, **business)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    raise
                raise ValidationError(
                    {
                        BUSINESS_FORM_NAMES.get(name, "__all__"): errors
                        for name, errors in exc.error_dict.items()
                    }
                ) from exc
    return outcome
