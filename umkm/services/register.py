"""Owners, businesses and their 7P stages."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from umkm import permissions
from umkm.models import (
    Business,
    BusinessStage,
    Kelurahan,
    Owner,
    Sector,
    Stage,
)
from umkm.services.base import (
    Outcome,
    _check_kelurahan,
    _check_owner,
    _is_user,
    _set_history_user,
)
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
    if Owner.objects.filter(nik_index=owner.nik_index).exists():
        raise ValidationError({"nik": _("An owner with this NIK is already registered.")})
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
    if actor is not None and not permissions.can_access_owner(actor, owner):
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
        if Owner.objects.filter(nik_index=owner.nik_index).exclude(pk=owner.pk).exists():
            raise ValidationError({"nik": _("An owner with this NIK is already registered.")})
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
    with transaction.atomic():
        try:
            business.save()
        except IntegrityError as exc:
            raise ValidationError({"nib": _("A business with this NIB already exists.")}) from exc
        first = Stage.objects.order_by("order").first()
        if first is not None:
            _record_stage(business, first, binaan_since, actor)
    return Outcome(business, created=True)


def business_update(*, actor, business: Business, **changes) -> Outcome:
    if actor is not None and not permissions.can_access_business(actor, business):
        raise PermissionDenied
    if "kelurahan" in changes and changes["kelurahan"] != business.kelurahan:
        _check_kelurahan(actor, changes["kelurahan"])
    if "owner" in changes and changes["owner"] != business.owner:
        _check_owner(actor, changes["owner"])
    if "nib" in changes:
        changes["nib"] = (changes["nib"] or "").strip() or None
    if "public_consent" in changes and changes["public_consent"] != business.public_consent:
        business.public_consent_at = timezone.now() if changes["public_consent"] else None
    for name, value in changes.items():
        setattr(business, name, value)
    business.full_clean()
    _set_history_user(business, actor)
    with transaction.atomic():
        try:
            business.save()
        except IntegrityError as exc:
            raise ValidationError({"nib": _("A business with this NIB already exists.")}) from exc
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


def stage_record(*, actor, business: Business, stage: Stage, reached_on: datetime.date) -> Outcome:
    """Record that a business reached a 7P stage (once per stage) and refresh its current stage."""
    if actor is not None and not permissions.can_access_business(actor, business):
        raise PermissionDenied
    if reached_on > timezone.localdate():
        raise ValidationError(
            {"reached_on": _("The date a stage was reached cannot be in the future.")}
        )
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
