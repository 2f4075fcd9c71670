"""Trainings and trainees: enrolments one by one, quick entry and the spreadsheet import."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
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
    Owner,
    Sector,
    Stage,
    Training,
    scale_for,
)
from umkm.services.base import (
    Outcome,
    _check_kelurahan,
    _is_user,
    _set_history_user,
)
from umkm.services.register import (
    _clean_nik_field,
    _record_stage,
    business_create,
    owner_create,
)
from umkm.validators import clean_nik, name_key, nik_birth_date_warning, normalise_phone

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
    """An owner's business a trainee row means: the one with that name (any case, white space
    as `name_key` reads it), or the owner's only business when no name is given."""
    if name:
        wanted = name_key(name)
        return next((b for b in businesses if name_key(_name_of(b)) == wanted), None)
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
