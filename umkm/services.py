"""Writes with rules in the register. Admin, the spreadsheet import, seed and other commands
call these; each owns its transaction, validates fully and records history (simple_history
records who through the request middleware or `_change_reason`/`history_user` set here).
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from umkm import permissions
from umkm.crypto import nik_blind_index
from umkm.models import (
    Business,
    BusinessStage,
    Enrolment,
    Kelurahan,
    Mentoring,
    Owner,
    Sector,
    Stage,
    Training,
    scale_for,
)
from umkm.validators import clean_nik, nik_birth_date_warning, normalise_phone


@dataclass
class Outcome:
    """What a service did, with warnings to show (e.g. a NIK whose birth date disagrees)."""

    obj: object
    created: bool = False
    warnings: list[str] = field(default_factory=list)


def _check_kelurahan(actor, kelurahan: Kelurahan | None, *, field_name: str = "kelurahan"):
    if kelurahan is None:
        raise ValidationError({field_name: _("Kelurahan is required.")})
    if actor is not None and not permissions.can_access_kelurahan(actor, kelurahan):
        raise ValidationError(
            {field_name: _("You may only choose a kelurahan of your own kecamatan.")}
        )


def _check_owner(actor, owner: Owner | None):
    if owner is None:
        raise ValidationError({"owner": _("Owner is required.")})
    if actor is not None and owner.pk and not permissions.can_access_owner(actor, owner):
        raise ValidationError({"owner": _("You may only choose an owner of your own kecamatan.")})


def _set_history_user(obj, actor):
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor


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


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


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


# --- Trainings and trainees ---------------------------------------------------------------


def enrolment_create(
    *,
    actor,
    training: Training,
    business: Business,
    owner: Owner | None = None,
    attended: bool = False,
    passed: bool = False,
    score=None,
) -> Outcome:
    """Enrol a business (and its owner, attending) in a training, within its capacity."""
    if actor is not None and not permissions.can_access_business(actor, business):
        raise PermissionDenied
    owner = owner or business.owner
    with transaction.atomic():
        # Lock the training so that two staff filling the last seat cannot both succeed.
        training = Training.objects.select_for_update().get(pk=training.pk)
        if Enrolment.objects.filter(training=training, business=business).exists():
            raise ValidationError(
                {"business": _("This business is already enrolled in this training.")}
            )
        if Enrolment.objects.filter(training=training).count() >= training.capacity:
            raise ValidationError(
                {
                    "training": _("The training is full (capacity %(capacity)s).")
                    % {"capacity": training.capacity}
                }
            )
        enrolment = Enrolment(
            training=training,
            business=business,
            owner=owner,
            attended=attended or passed,
            passed=passed,
            score=score,
        )
        enrolment.full_clean()
        _set_history_user(enrolment, actor)
        enrolment.save()
        stage = Stage.objects.filter(code="pelatihan").first()
        if stage and not BusinessStage.objects.filter(business=business, stage=stage).exists():
            _record_stage(business, stage, training.start_date, actor)
    return Outcome(enrolment, created=True)


def enrolment_update(*, actor, enrolment: Enrolment, **changes) -> Outcome:
    """Change a trainee's attendance, result or score (passing implies attending)."""
    if actor is not None and not permissions.can_access_business(actor, enrolment.business):
        raise PermissionDenied
    allowed = {"attended", "passed", "score"}
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(enrolment, name, value)
    if enrolment.passed:
        enrolment.attended = True
    enrolment.full_clean()
    _set_history_user(enrolment, actor)
    with transaction.atomic():
        enrolment.save()
    return Outcome(enrolment)


@dataclass
class TraineeData:
    """One trainee as staff type it in or as a spreadsheet row holds it."""

    nik: str
    full_name: str = ""
    gender: str = ""
    birth_date: datetime.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    owner_kelurahan: Kelurahan | None = None
    business_name: str = ""
    sector: Sector | None = None
    products: str = ""
    business_kelurahan: Kelurahan | None = None
    nib: str = ""
    attended: bool = False
    passed: bool = False
    score: object = None
    row: int | None = None  # the spreadsheet row it came from, for messages


def trainee_add(*, actor, training: Training, data: TraineeData) -> Outcome:
    """Add a trainee to a training: link the owner known by NIK, or create owner and business.

    An existing owner's business is the one with the given name (or their only business);
    a new business is created when none matches.
    """
    nik = _clean_nik_field(data.nik)
    warnings: list[str] = []
    with transaction.atomic():
        owner = Owner.objects.with_nik(nik).first()
        owner_created = owner is None
        if owner is None:
            if not data.full_name:
                raise ValidationError({"full_name": _("Full name is required for a new owner.")})
            outcome = owner_create(
                actor=actor,
                full_name=data.full_name,
                nik=nik,
                gender=data.gender,
                kelurahan=data.owner_kelurahan or data.business_kelurahan,
                birth_date=data.birth_date,
                phone=data.phone,
                email=data.email,
                address=data.address,
            )
            owner, warnings = outcome.obj, outcome.warnings
        elif actor is not None and not permissions.can_access_owner(actor, owner):
            # The NIK belongs to someone outside the operator's kecamatan: do not reveal who.
            raise ValidationError(
                {"nik": _("This NIK belongs to an owner outside your kecamatan; ask Sudin staff.")}
            )
        business = _find_business(owner, data.business_name)
        if business is None:
            if not data.business_name:
                raise ValidationError(
                    {"business_name": _("Business name is required for a new business.")}
                )
            if data.sector is None:
                raise ValidationError({"sector": _("Sector is required for a new business.")})
            business = business_create(
                actor=actor,
                name=data.business_name,
                owner=owner,
                sector=data.sector,
                kelurahan=data.business_kelurahan or owner.kelurahan,
                binaan_since=training.start_date,
                products=data.products,
                nib=data.nib or None,
            ).obj
        enrolment = enrolment_create(
            actor=actor,
            training=training,
            business=business,
            owner=owner,
            attended=data.attended,
            passed=data.passed,
            score=data.score,
        ).obj
    return Outcome(enrolment, created=owner_created, warnings=warnings)


def _find_business(owner: Owner, name: str) -> Business | None:
    return pick_business(list(owner.businesses.all()[:20]), name)


def pick_business(businesses, name: str):
    """An owner's business a trainee row means: the one with that name (any case), or the
    owner's only business when no name is given."""
    if name:
        wanted = name.strip().casefold()
        return next((b for b in businesses if _name_of(b).casefold() == wanted), None)
    return businesses[0] if len(businesses) == 1 else None


def _name_of(business) -> str:
    return business["name"] if isinstance(business, dict) else business.name


_BULK_CHUNK = 2_000


def _chunked(items: list, size: int = _BULK_CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def trainees_import(
    *, actor, training: Training, trainees: list[TraineeData], progress=None
) -> list[Outcome]:
    """Add many trainees at once, all or none: the spreadsheet import's write.

    The same rules as `trainee_add` (valid NIK and phone, kelurahan and owner within the
    operator's kecamatan, a known NIK links its owner, capacity, one enrolment per business),
    checked for the whole list with a few queries and written with bulk inserts and their
    history rows. Any broken rule raises ValidationError naming the row; nothing is written.
    `progress(percent)`, when given, hears how far the write is (a background import's bar).
    """
    from simple_history.utils import bulk_create_with_history

    def step(percent: int) -> None:
        if progress is not None:
            progress(percent)

    def fail(data: TraineeData, message) -> ValidationError:
        return ValidationError(
            _("Row %(row)s: %(message)s") % {"row": data.row or "?", "message": message}
        )

    user = actor if _is_user(actor) else None
    kelurahan = Kelurahan.objects.in_bulk()
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        indexes: dict[str, TraineeData] = {}
        for data in trainees:
            try:
                data.nik = clean_nik(data.nik)
                data.phone = normalise_phone(data.phone)
            except ValidationError as exc:
                raise fail(data, exc.messages[0]) from exc
            index = nik_blind_index(data.nik)
            if index in indexes:
                raise fail(data, _("the same NIK appears twice."))
            indexes[index] = data
        owners: dict[str, Owner] = {}
        for chunk in _chunked(list(indexes)):
            owners.update(
                (o.nik_index, o)
                for o in Owner.objects.filter(nik_index__in=chunk).select_related("kelurahan")
            )
        if permissions.operator_kecamatan_code(actor) is not None:
            allowed = set()
            for chunk in _chunked([o.pk for o in owners.values()]):
                allowed.update(
                    permissions.owners_for(actor, Owner.objects.filter(pk__in=chunk)).values_list(
                        "pk", flat=True
                    )
                )
        else:
            allowed = {o.pk for o in owners.values()}
        businesses: dict[int, list[Business]] = {}
        for chunk in _chunked([o.pk for o in owners.values()]):
            for b in Business.objects.filter(owner_id__in=chunk).select_related("kelurahan"):
                businesses.setdefault(b.owner_id, []).append(b)

        enrolled = Enrolment.objects.filter(training=training).count()
        if enrolled + len(trainees) > training.capacity:
            raise ValidationError(
                _("The training is full (capacity %(capacity)s).") % {"capacity": training.capacity}
            )

        # Owners to create, then businesses to create, then enrolments.
        plan = []  # (data, owner): the owner matched by NIK or about to be created
        new_owners = []
        for index, data in indexes.items():
            owner = owners.get(index)
            if owner is not None and owner.pk not in allowed:
                raise fail(
                    data, _("This NIK belongs to an owner outside your kecamatan; ask Sudin staff.")
                )
            if owner is None:
                if not data.full_name:
                    raise fail(data, _("Full name is required for a new owner."))
                home = data.owner_kelurahan or data.business_kelurahan
                try:
                    _check_kelurahan(actor, home and kelurahan[home.pk])
                except ValidationError as exc:
                    raise fail(data, exc.messages[0]) from exc
                owner = Owner(
                    full_name=data.full_name.strip(),
                    gender=data.gender,
                    birth_date=data.birth_date,
                    phone=data.phone,
                    email=(data.email or "").strip(),
                    address=(data.address or "").strip(),
                    kelurahan=kelurahan[home.pk],
                )
                owner.set_nik(data.nik)
                try:
                    owner.full_clean(
                        exclude=["nik_ciphertext", "nik_index", "kelurahan"],
                        validate_unique=False,
                        validate_constraints=False,
                    )
                except ValidationError as exc:
                    raise fail(data, "; ".join(exc.messages)) from exc
                new_owners.append(owner)
                owners[index] = owner
            plan.append((data, owner))
        step(20)
        if new_owners:
            try:
                with transaction.atomic():
                    bulk_create_with_history(new_owners, Owner, batch_size=1000, default_user=user)
            except IntegrityError as exc:  # another import saved one of these NIKs meanwhile
                raise ValidationError(
                    _("An owner with one of these NIKs is already registered.")
                ) from exc

        step(45)
        new_businesses, rows = [], []
        for data, owner in plan:
            business = pick_business(businesses.get(owner.pk, []), data.business_name)
            if business is not None and not permissions.can_access_business(actor, business):
                raise fail(data, _("This business is outside your kecamatan."))
            if business is None:
                if not data.business_name:
                    raise fail(data, _("Business name is required for a new business."))
                if data.sector is None:
                    raise fail(data, _("Sector is required for a new business."))
                place = kelurahan[(data.business_kelurahan or owner.kelurahan).pk]
                try:
                    _check_kelurahan(actor, place)
                except ValidationError as exc:
                    raise fail(data, exc.messages[0]) from exc
                business = Business(
                    name=data.business_name.strip(),
                    owner=owner,
                    sector=data.sector,
                    kelurahan=place,
                    binaan_since=training.start_date,
                    products=(data.products or "").strip(),
                    nib=(data.nib or "").strip() or None,
                )
                business.scale = scale_for(capital=None, yearly_omzet=None)
                try:
                    business.full_clean(
                        exclude=["owner", "sector", "kelurahan", "slug"],
                        validate_unique=False,
                        validate_constraints=False,
                    )
                except ValidationError as exc:
                    raise fail(data, "; ".join(exc.messages)) from exc
                new_businesses.append(business)
                businesses.setdefault(owner.pk, []).append(business)
            rows.append((data, owner, business))
        _assign_slugs(new_businesses)
        if new_businesses:
            try:
                with transaction.atomic():
                    bulk_create_with_history(
                        new_businesses, Business, batch_size=1000, default_user=user
                    )
            except IntegrityError as exc:
                raise ValidationError(
                    _("A business with one of these NIBs already exists.")
                ) from exc

        step(70)
        _bulk_record_stages(
            new_businesses,
            [business for _data, _owner, business in rows],
            training=training,
            user=user,
        )

        enrolments = []
        for data, owner, business in rows:
            enrolment = Enrolment(
                training=training,
                business=business,
                owner=owner,
                attended=data.attended or data.passed,
                passed=data.passed,
                score=data.score,
            )
            try:
                enrolment.full_clean(
                    exclude=["training", "business", "owner"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                raise fail(data, "; ".join(exc.messages)) from exc
            enrolments.append(enrolment)
        try:
            with transaction.atomic():
                bulk_create_with_history(enrolments, Enrolment, batch_size=1000, default_user=user)
        except IntegrityError as exc:
            raise ValidationError(
                _("One of these businesses is already enrolled in this training.")
            ) from exc
    new_owner_ids = {o.pk for o in new_owners}
    return [
        Outcome(
            e,
            created=e.owner_id in new_owner_ids,
            warnings=[w] if (w := nik_birth_date_warning(d.nik, d.birth_date, d.gender)) else [],
        )
        for e, (d, _o, _b) in zip(enrolments, rows, strict=True)
    ]


def _assign_slugs(businesses: list[Business]) -> None:
    """Unique public slugs for many new businesses with one query per 2,000."""
    taken: set[str] = set()
    bases = {id(b): slugify(b.name)[:150] or "umkm" for b in businesses}
    for chunk in _chunked(list(set(bases.values()))):
        taken.update(Business.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    for business in businesses:
        slug = base = bases[id(business)]
        while slug in taken:
            slug = f"{base}-{get_random_string(5, 'abcdefghjkmnpqrstuvwxyz23456789')}"
        taken.add(slug)
        business.slug = slug


def _bulk_record_stages(new_businesses, enrolled_businesses, *, training, user) -> None:
    """Pendaftaran for new businesses, Pelatihan for every enrolled business that lacks it,
    then each business's current stage (the same rule as refresh_current_stage)."""
    stages = {s.code: s for s in Stage.objects.filter(code__in=["pendaftaran", "pelatihan"])}
    first = Stage.objects.order_by("order").first()
    records = []
    if first is not None:
        records += [
            BusinessStage(business=b, stage=first, reached_on=b.binaan_since, recorded_by=user)
            for b in new_businesses
        ]
    training_stage = stages.get("pelatihan")
    ids = [b.pk for b in enrolled_businesses]
    if training_stage is not None:
        has_it = set()
        for chunk in _chunked(ids):
            has_it.update(
                BusinessStage.objects.filter(
                    business_id__in=chunk, stage=training_stage
                ).values_list("business_id", flat=True)
            )
        if first is not None and first.pk == training_stage.pk:
            has_it.update(b.pk for b in new_businesses)
        records += [
            BusinessStage(
                business=b, stage=training_stage, reached_on=training.start_date, recorded_by=user
            )
            for b in enrolled_businesses
            if b.pk not in has_it
        ]
    if records:
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(records, BusinessStage, batch_size=1000, default_user=user)
    latest = (
        BusinessStage.objects.filter(business=OuterRef("pk"))
        .order_by("-reached_on", "-stage__order")
        .values("stage_id")[:1]
    )
    for chunk in _chunked(ids):
        Business.objects.filter(pk__in=chunk).update(current_stage_id=Subquery(latest))


# --- Mentoring ----------------------------------------------------------------------------


def mentoring_record(
    *,
    actor,
    business: Business,
    date: datetime.date,
    topic: str,
    mentor=None,
    notes: str = "",
    monthly_omzet: int | None = None,
) -> Outcome:
    if actor is not None and not permissions.can_access_business(actor, business):
        raise PermissionDenied
    session = Mentoring(
        mentor=mentor or actor,
        business=business,
        date=date,
        topic=topic,
        notes=notes,
        monthly_omzet=monthly_omzet,
    )
    session.full_clean()
    with transaction.atomic():
        session.save()
        stage = Stage.objects.filter(code="pendampingan").first()
        if stage and not BusinessStage.objects.filter(business=business, stage=stage).exists():
            _record_stage(business, stage, date, actor)
    return Outcome(session, created=True)


def mentoring_update(*, actor, session: Mentoring, **changes) -> Outcome:
    """Correct a session's date, topic, notes or reported omzet (not its business)."""
    if actor is not None and not permissions.can_access_business(actor, session.business):
        raise PermissionDenied
    allowed = {"date", "topic", "notes", "monthly_omzet", "mentor"}
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(session, name, value)
    session.full_clean()
    with transaction.atomic():
        session.save()
    return Outcome(session)
