"""One trainee registration: a batch of trainees checked and written at once.

A trainee is a business and its owner attending a training. Each row names the owner by NIK
(matched through the blind index; a new NIK creates the owner) and the business by name (one of
that owner's businesses, or a new one), or names a registered business directly. Quick entry,
the spreadsheet import (in the request or as a background job) and the single-trainee services
all come here; a single trainee is a batch of one. The rules, once:

- the operator's kecamatan: every kelurahan given, the owner matched and the business enrolled
  must be in the actor's scope (umkm.permissions). A NIK registered to an owner the actor may
  not see gets exactly the answer an unknown NIK gets: the row is saved as a new owner marked
  `nik_match_of` the registered one, which Sudin staff resolve (owner_match_merge). So the
  answer says nothing of who or where they are, and the NIK still has one registered owner;
- the training's capacity: a batch that fills it exactly is allowed, one more is refused;
- the same NIK (or NIB) twice in one batch, and a business enrolled twice;
- what a new owner or business needs, and the models' own field validation.

`trainees_check` reads the whole batch with a fixed number of queries (one per 2,000 NIKs, not
one per row) and writes nothing; `trainees_register` checks again under a lock on the training
and writes everything with bulk inserts and their history rows, or nothing. Errors are kept per
row and per field, named as TraineeData's fields (which are also the import's column keys), so
each door shows them where its user typed the value.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.actors import require_actor
from umkm import permissions
from umkm.crypto import nik_blind_index
from umkm.models import Business, Enrolment, Kelurahan, Owner, Sector, Training, scale_for
from umkm.services.base import Outcome, _is_user
from umkm.services.bulk import assign_slugs, chunked, record_stages
from umkm.validators import clean_nik, name_key, nik_birth_date_warning, normalise_phone


@dataclass
class TraineeData:
    """One trainee as staff type it in or as a spreadsheet row holds it: the owner by NIK and
    the business by name, or a registered `business` enrolled as it is."""

    nik: str = ""
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
    business: Business | None = None
    row: int | None = None  # the row number its door shows (spreadsheet or form row)


def _pick_business(businesses: list[Business], name: str) -> Business | None:
    """The owner's business a row means: the one with that name (any case, white space as
    `name_key` reads it), or the owner's only business when no name is given."""
    if name:
        wanted = name_key(name)
        return next((b for b in businesses if name_key(b.name) == wanted), None)
    return businesses[0] if len(businesses) == 1 else None


# Where a model's field errors are shown: TraineeData's field of the same value.
_OWNER_FIELDS = {"kelurahan": "owner_kelurahan"}
_BUSINESS_FIELDS = {"name": "business_name", "kelurahan": "business_kelurahan"}
_TRAINEE_FIELDS = {f for f in TraineeData.__dataclass_fields__ if f != "row"}


@dataclass
class TraineeResult:
    """One row of a batch: who it matched or will create, and what is wrong with it."""

    data: TraineeData
    number: int  # the row's number in messages: data.row, or its place in the batch
    errors: list[tuple[str, str]] = field(default_factory=list)  # (TraineeData field or "", text)
    warnings: list[str] = field(default_factory=list)
    owner: Owner | None = None  # the owner matched by NIK, or the new one (unsaved until written)
    business: Business | None = None
    owner_matched: bool = False
    business_matched: bool = False
    enrolment: Enrolment | None = None
    nik_match_of: Owner | None = None  # a NIK registered outside the actor's scope (for Sudin)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, field_name: str, message) -> None:
        self.errors.append((field_name if field_name in _TRAINEE_FIELDS else "", str(message)))

    def has_error(self, field_name: str) -> bool:
        return any(name == field_name for name, _message in self.errors)


@dataclass
class Registration:
    training: Training
    rows: list[TraineeResult]
    errors: list[str] = field(default_factory=list)  # the batch's own, e.g. the capacity

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.ok for r in self.rows)

    def messages(self) -> list[str]:
        out = list(self.errors)
        for r in self.rows:
            out += [
                _("Row %(row)s: %(message)s") % {"row": r.number, "message": m}
                for _f, m in r.errors
            ]
        return out

    def outcomes(self) -> list[Outcome]:
        return [
            Outcome(r.enrolment, created=not r.owner_matched, warnings=r.warnings)
            for r in self.rows
        ]


class RegistrationError(ValidationError):
    """The batch broke a rule; nothing was written. `registration` holds the errors per row."""

    def __init__(self, registration: Registration):
        super().__init__(registration.messages() or [_("Nothing was saved.")])
        self.registration = registration


def trainees_check(*, actor, training: Training, trainees: list[TraineeData]) -> Registration:
    """Every row's outcome for this batch, without writing anything."""
    require_actor(actor)
    rows = [TraineeResult(data=d, number=d.row or i) for i, d in enumerate(trainees, start=1)]
    for r in rows:
        _clean_values(r)
    _check_duplicates(rows)
    found = _Found(actor, training, rows)
    for r in rows:
        _check_scope_of_places(actor, r)
        if r.data.business is not None:
            _check_given_business(actor, r, found)
        elif r.data.nik:
            _check_row(actor, r, found)
    registration = Registration(training=training, rows=rows)
    free = training.capacity - found.enrolled_count
    if len(rows) > free:
        registration.errors.append(
            _(
                "The training has %(free)s free places (capacity %(capacity)s), "
                "but %(rows)s trainees were given."
            )
            % {"free": max(free, 0), "capacity": training.capacity, "rows": len(rows)}
        )
    return registration


def trainees_register(
    *, actor, training: Training, trainees: list[TraineeData], progress=None
) -> Registration:
    """Check the batch and write it, all or nothing; raises RegistrationError naming the rows.

    The training is locked first, so two staff filling its last places cannot both succeed.
    `progress(percent)`, when given, hears how far the write is (a background import's bar)."""
    require_actor(actor)
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        registration = trainees_check(actor=actor, training=training, trainees=trainees)
        if registration.ok:
            # The records to write, validated field by field: in Python, so a preview of
            # 10,000 rows (whose cells the importer has checked) need not pay for it.
            for r in registration.rows:
                _build(r, training)
        if not registration.ok:
            raise RegistrationError(registration)
        _write(registration, actor, progress or (lambda percent: None))
    return registration


# --- Checking -----------------------------------------------------------------------------


def _clean_values(r: TraineeResult) -> None:
    data = r.data
    data.attended = data.attended or data.passed  # passing means attending
    if data.business is not None:
        return
    try:
        data.nik = clean_nik(data.nik)
    except ValidationError as exc:
        data.nik = ""
        r.error("nik", exc.messages[0])
    try:
        data.phone = normalise_phone(data.phone)
    except ValidationError as exc:
        r.error("phone", exc.messages[0])
    data.nib = (data.nib or "").strip()


def _check_duplicates(rows: list[TraineeResult]) -> None:
    """The same NIK or NIB twice in one batch: an error on every such row, naming the others."""
    for key, label in (("nik", "NIK"), ("nib", "NIB")):
        numbers: dict[str, list[int]] = {}
        for r in rows:
            if value := getattr(r.data, key):
                numbers.setdefault(value, []).append(r.number)
        for r in rows:
            value = getattr(r.data, key)
            others = [n for n in numbers.get(value, []) if n != r.number] if value else []
            if others:
                r.error(
                    key,
                    _("the same %(column)s is also in row(s) %(rows)s.")
                    % {"column": label, "rows": ", ".join(map(str, others))},
                )


class _Found:
    """What the database knows about the batch, read with one query per 2,000 values."""

    def __init__(self, actor, training: Training, rows: list[TraineeResult]):
        self.index = {id(r): nik_blind_index(r.data.nik) for r in rows if r.data.nik}
        found: list[Owner] = []
        for chunk in chunked(list(set(self.index.values()))):
            found += Owner.objects.filter(nik_index__in=chunk).select_related("kelurahan")
        owner_ids = [o.pk for o in found]
        self.allowed = set(owner_ids)
        if permissions.operator_kecamatan_code(actor) is not None:
            self.allowed = set()
            for chunk in chunked(owner_ids):
                scoped = permissions.owners_for(actor, Owner.objects.filter(pk__in=chunk))
                self.allowed.update(scoped.values_list("pk", flat=True))
        # Per NIK: the owner the actor may see (the registered one, or the operator's own entry
        # still waiting for Sudin), else the registered owner hidden from the actor.
        self.owners: dict[str, Owner] = {}
        for owner in sorted(
            found, key=lambda o: (o.pk not in self.allowed, o.nik_match_of_id is not None)
        ):
            self.owners.setdefault(owner.nik_index, owner)
        self.businesses: dict[int, list[Business]] = {}
        for chunk in chunked(sorted(self.allowed)):
            for b in Business.objects.filter(owner_id__in=chunk).select_related("kelurahan"):
                self.businesses.setdefault(b.owner_id, []).append(b)
        candidates = [b.pk for bs in self.businesses.values() for b in bs]
        candidates += [r.data.business.pk for r in rows if r.data.business is not None]
        self.enrolled: set[int] = set()
        for chunk in chunked(candidates):
            self.enrolled.update(
                Enrolment.objects.filter(training=training, business_id__in=chunk).values_list(
                    "business_id", flat=True
                )
            )
        self.enrolled_count = Enrolment.objects.filter(training=training).count()
        self.nibs: set[str] = set()
        for chunk in chunked([r.data.nib for r in rows if r.data.nib]):
            self.nibs.update(Business.objects.filter(nib__in=chunk).values_list("nib", flat=True))


def _check_scope_of_places(actor, r: TraineeResult) -> None:
    for name in ("owner_kelurahan", "business_kelurahan"):
        kelurahan = getattr(r.data, name)
        if kelurahan is not None and not permissions.can_access_kelurahan(actor, kelurahan):
            r.error(
                name, _("kelurahan %(name)s is outside your kecamatan.") % {"name": kelurahan.name}
            )


def _check_given_business(actor, r: TraineeResult, found: _Found) -> None:
    business = r.data.business
    r.business, r.owner = business, business.owner
    r.business_matched = r.owner_matched = True
    if not permissions.can_access_business(actor, business):
        r.error("business", _("this business is outside your kecamatan."))
    elif business.pk in found.enrolled:
        r.error("business", _("this business is already enrolled in this training."))


def _check_row(actor, r: TraineeResult, found: _Found) -> None:
    data = r.data
    owner = found.owners.get(found.index[id(r)])
    hidden = owner is not None and owner.pk not in found.allowed
    if hidden:
        # Registered outside the actor's kecamatan: entered as a new owner, marked for Sudin
        # (owner_match_merge), so the operator's answer is the one an unknown NIK gets.
        r.nik_match_of = owner.nik_match_of or owner
    if owner is None or hidden:
        # An unknown NIK, or one of another kecamatan: the same checks and the same messages.
        if not data.full_name:
            r.error("full_name", _("required for a new owner."))
        if not data.gender:
            r.error("gender", _("required for a new owner (L or P)."))
        if not (data.owner_kelurahan or data.business_kelurahan):
            r.error("owner_kelurahan", _("required for a new owner."))
        warning = nik_birth_date_warning(data.nik, data.birth_date, data.gender)
        businesses = []
    else:
        r.owner, r.owner_matched = owner, True
        warning = nik_birth_date_warning(
            data.nik, data.birth_date or owner.birth_date, data.gender or owner.gender
        )
        businesses = found.businesses.get(owner.pk, [])

    business = _pick_business(businesses, data.business_name)
    if business is None and not data.business_name and len(businesses) > 1:
        r.error("business_name", _("the owner has several businesses: write which one."))
    elif business is not None:
        r.business, r.business_matched = business, True
        if not permissions.can_access_business(actor, business):
            r.error("business_name", _("this business is outside your kecamatan."))
        if business.pk in found.enrolled:
            r.error("nik", _("this business is already enrolled in this training."))
        if data.nib and data.nib != (business.nib or ""):
            r.warnings.append(_("the NIB given is ignored for an existing business."))
    else:
        _check_new_business(actor, r, found)
    if warning:
        r.warnings.append(warning)


def _check_new_business(actor, r: TraineeResult, found: _Found) -> None:
    data = r.data
    if not data.business_name:
        r.error("business_name", _("required for a new business."))
    if data.sector is None:
        r.error("sector", _("required for a new business."))
    if data.nib and data.nib in found.nibs:
        r.error("nib", _("this NIB is already registered to another business."))
    if data.business_kelurahan is None and r.owner_matched:
        home = r.owner.kelurahan
        if not permissions.can_access_kelurahan(actor, home):
            # The new business would take the owner's home kelurahan, outside: ask for its own.
            r.error("business_kelurahan", _("required for a new business."))


def _build(r: TraineeResult, training: Training) -> None:
    """A valid row's new owner and business and its enrolment, checked field by field
    (unsaved)."""
    data = r.data
    if not r.owner_matched:
        owner = Owner(
            full_name=data.full_name.strip(),
            gender=data.gender,
            birth_date=data.birth_date,
            phone=data.phone,
            email=(data.email or "").strip(),
            address=(data.address or "").strip(),
            kelurahan=data.owner_kelurahan or data.business_kelurahan,
            nik_match_of=r.nik_match_of,
        )
        _full_clean(r, owner, _OWNER_FIELDS, exclude=["nik_ciphertext", "nik_index", "kelurahan"])
        r.owner = owner
    if not r.business_matched:
        business = Business(
            name=data.business_name.strip(),
            owner=r.owner,
            sector=data.sector,
            kelurahan=data.business_kelurahan or r.owner.kelurahan,
            binaan_since=training.start_date,
            products=(data.products or "").strip(),
            nib=data.nib or None,
        )
        business.scale = scale_for(capital=None, yearly_omzet=None)
        _full_clean(r, business, _BUSINESS_FIELDS, exclude=["owner", "sector", "kelurahan", "slug"])
        r.business = business
    _build_enrolment(r)


def _build_enrolment(r: TraineeResult) -> None:
    data = r.data
    enrolment = Enrolment(
        business=r.business,
        owner=r.owner,
        attended=data.attended,
        passed=data.passed,
        score=data.score,
    )
    _full_clean(r, enrolment, {}, exclude=["training", "business", "owner"])
    r.enrolment = enrolment


def _full_clean(r: TraineeResult, obj, names: dict, *, exclude: list[str]) -> None:
    """Field validation in Python only: foreign keys, uniqueness and constraints are the
    database's (a violation at the write rolls the batch back)."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                r.error(names.get(name, name), message)


# --- Writing ------------------------------------------------------------------------------


def _write(registration: Registration, actor, progress) -> None:
    from simple_history.utils import bulk_create_with_history

    user = actor if _is_user(actor) else None
    rows = registration.rows
    new_owners = []
    for r in rows:
        if not r.owner_matched:
            r.owner.set_nik(r.data.nik)  # encrypted only now: the check does not need it
            new_owners.append(r.owner)
    new_businesses = [r.business for r in rows if not r.business_matched]
    progress(20)
    if new_owners:
        try:
            with transaction.atomic():
                bulk_create_with_history(new_owners, Owner, batch_size=1000, default_user=user)
        except IntegrityError as exc:  # another registration saved one of these NIKs meanwhile
            raise ValidationError(
                _("An owner with one of these NIKs is already registered.")
            ) from exc
    progress(45)
    assign_slugs(new_businesses)
    if new_businesses:
        try:
            with transaction.atomic():
                bulk_create_with_history(
                    new_businesses, Business, batch_size=1000, default_user=user
                )
        except IntegrityError as exc:
            raise ValidationError(_("A business with one of these NIBs already exists.")) from exc
    progress(70)
    enrolments = [r.enrolment for r in rows]
    for enrolment in enrolments:
        enrolment.training = registration.training
    try:
        with transaction.atomic():
            bulk_create_with_history(enrolments, Enrolment, batch_size=1000, default_user=user)
    except IntegrityError as exc:
        raise ValidationError(
            _("One of these businesses is already enrolled in this training.")
        ) from exc
    record_stages(new_businesses, enrolments, training=registration.training, user=user)
