"""Erasure (UU PDP) proved by enumeration: every model that leads to an owner, history tables
included, and every text or file field of it, is either cleared by an app's anonymiser
(settings.PDP_ANONYMISERS, through umkm.pdp.anonymise_owner) or named below as not personal.

The test builds an owner with a row in every such model, writes a value of its own into
every such field (live and in history; a real file for file fields), erases the owner, and
then looks for each value in the whole table (and each file in its storage). A model added
later fails here until its app's anonymiser clears it or NOT_PERSONAL names it with a
reason; a model without a row in the built world fails too (add it to `_world`). The same
values must be in the owner's own "my data" download (PDP_SECTIONS) unless NOT_EXPORTED
names them."""

import datetime
import json
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction

from bazaars.models import Participation
from certifications.models import CaseDocument
from config.actors import SYSTEM
from config.images import VARIANTS, PublicImageField, variant_name
from mentors.models import Assignment, Mentor
from owners.models import (
    CorrectionRequest,
    DeletionRequest,
    NotificationPreference,
    ProfileEdit,
    SignInCode,
)
from owners.signin import account_for
from tests.bazaars.factories import accepted, bazaar
from tests.certifications.factories import open_case
from tests.factories import (
    BusinessFactory,
    EnrolmentFactory,
    MentoringFactory,
    OwnerFactory,
    UserFactory,
    sector,
)
from umkm.audit import record_personal_data_access
from umkm.crypto import encrypt_bytes
from umkm.models import (
    Business,
    BusinessLink,
    BusinessPhoto,
    BusinessStage,
    Owner,
    PersonalDataAccess,
    Stage,
)
from umkm.pdp import anonymise_owner, subject_access_export

pytestmark = pytest.mark.django_db

# Fields that lead to an owner and stay after erasure, each with why it is not personal data.
# ("*.history_change_reason" and fields with a closed list of choices are not personal: the
# first is the portal's record of why a row changed, as the services write it; the second
# hold one of a fixed set of codes.)
NOT_PERSONAL = {
    # The business's KBLI: a classification code of its activity (statistics by activity).
    "umkm.Business.kbli",
    "umkm.HistoricalBusiness.kbli",
    # What moved a business to a 7P stage: written by the portal's stage rules (an event).
    "umkm.BusinessStage.cause",
    "umkm.HistoricalBusinessStage.cause",
    # The subject of a mentoring visit: a short label the mentoring table of the reports
    # lists beside the omzet (the notes, free text, go).
    "umkm.Mentoring.topic",
    "umkm.HistoricalMentoring.topic",
    # The UU PDP audit trail itself: who (staff username) processed the data, why. The
    # controller must keep it to account for the processing, the erasure included.
    "umkm.PersonalDataAccess.actor",
    "umkm.PersonalDataAccess.purpose",
    # The food product a certificate covers (PIRT: one per product, part of the case's
    # uniqueness) and the authority's registry number (printed on the packaging; PIRT's
    # last two digits are its expiry year): the certificate coverage figures.
    "certifications.CertificateCase.product",
    "certifications.CertificateCase.number",
    "certifications.CaseTransition.number",
    # A document's file type: one of the few the database allows (casedocument_allowed_type).
    "certifications.CaseDocument.content_type",
    # The kecamatan codes of the owner's home kelurahan and businesses' kelurahan (kept by
    # triggers for the operators' scope, umkm 0023): the areas the erasure keeps already.
    "umkm.Owner.kecamatans",
}

# Fields that need not be in the owner's download: not what is held about them, or held in
# another form there.
NOT_EXPORTED = {
    "umkm.Owner.nik_index",  # a keyed hash of the NIK; the NIK itself is exported
    "umkm.Owner.kecamatans",  # the kecamatan of the home and businesses (their areas exported)
    "umkm.Business.owner_name",  # a copy of the owner's name (exported) for the admin search
    "umkm.Business.slug",  # the public page's address, made from the name
    "umkm.BusinessStage.cause",
    "umkm.Mentoring.photo",  # a photo file: the download says whether one is kept
    "umkm.Business.photo",
    "umkm.BusinessPhoto.image",
    "owners.ProfileEdit.photo",
    "certifications.CaseDocument.file",  # the documents are listed by name and type
    "certifications.CaseDocument.description",
    "certifications.CertificateCase.business_name",  # the business's name (exported)
    "certifications.CaseTransition.number",
    "owners.ProfileEdit.proposed",  # exported as JSON (checked apart below)
    "owners.CorrectionRequest.message_ciphertext",  # exported decrypted, as "message"
    "owners.SignInCode.identifier_hash",
    "owners.SignInCode.client_hash",
    "owners.SignInCode.salt",
    "owners.SignInCode.code_hash",
    "umkm.PersonalDataAccess.actor",  # the processing log gives it as "by"
}
# (A history table's values are not looked for in the download: it gives each row's history
# as dates, kinds and reasons of change.)

TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.FileField,
    models.JSONField,
    models.BinaryField,
    ArrayField,
)


def _is_historical(model) -> bool:
    return hasattr(model, "instance_type")


def _path_to_owner(model, depth=0) -> str | None:
    """The lookup from `model` to umkm.Owner along foreign keys (None: it leads nowhere)."""
    if model is Owner:
        return ""
    if depth > 4:
        return None
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        target = field.related_model
        if target is model or target._meta.label == settings.AUTH_USER_MODEL:
            continue
        rest = _path_to_owner(target, depth + 1)
        if rest is not None:
            return f"{field.name}__{rest}" if rest else field.name
    return None


def _checked_fields(model):
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or not isinstance(field, TEXT_FIELDS):
            continue
        if field.name == "history_change_reason":
            continue
        if field.choices or (isinstance(field, ArrayField) and field.base_field.choices):
            continue
        yield field


def _leads_to_owner(model) -> bool:
    if _is_historical(model):
        return _path_to_owner(model.instance_type) is not None
    return _path_to_owner(model) is not None


def _models():
    """(model, lookup to its owner) for every model leading to an owner, with a checked field
    (a history table by its live model's rows: its own keys may name other owners)."""
    out = []
    for model in apps.get_models():
        if not _leads_to_owner(model):
            continue
        path = None if _is_historical(model) else _path_to_owner(model)
        if any(f"{model._meta.label}.{f.name}" not in NOT_PERSONAL for f in _checked_fields(model)):
            out.append((model, path))
    return out


def _rows(model, path, owner):
    if _is_historical(model):
        live = model.instance_type
        ids = _rows(live, _path_to_owner(live), owner).values("pk")
        return model._default_manager.filter(**{f"{live._meta.pk.attname}__in": ids})
    return model._default_manager.filter(**({path: owner} if path else {"pk": owner.pk}))


def _world(owner_kwargs=None):
    """An owner with a row in every model that leads to them."""
    owner = OwnerFactory(**(owner_kwargs or {}))
    business = BusinessFactory(  # fesyen: no food certificate needed for the bazaar
        owner=owner, sector=sector("fesyen"), nib="9120001234567", whatsapp="+6281255556666"
    )
    EnrolmentFactory(business=business, owner=owner)
    mentor_user = UserFactory()
    MentoringFactory(business=business, mentor=mentor_user, notes="Catatan awal")
    mentor = Mentor.objects.create(user=UserFactory(), full_name="Pendamping Satu")
    Assignment.objects.create(business=business, mentor=mentor, start=datetime.date(2023, 1, 1))
    BusinessStage.objects.create(
        business=business,
        stage=Stage.objects.order_by("order").first(),
        reached_on=datetime.date(2023, 4, 1),
        cause="x",
    )
    BusinessLink.objects.create(business=business, kind="website", url="https://a.example")
    BusinessPhoto.objects.create(business=business, image="umkm/x.jpg")
    record_personal_data_access(owner=owner, action=PersonalDataAccess.Action.VIEW, purpose="p")
    case = open_case(business, "pirt", note="x")
    participation = accepted(bazaar(), business)
    Participation.objects.filter(pk=participation.pk).update(
        eligibility_override=True, override_reason="x"
    )
    CaseDocument.objects.create(
        case=case,
        file="dokumen/x.pdf",
        original_name="x.pdf",
        size=1,
        content_type="application/pdf",
    )
    account = account_for(owner)
    NotificationPreference.objects.create(account=account, sms=True)
    SignInCode.objects.create(
        owner=owner, identifier_hash="x", client_hash="x", salt="x", code_hash="x"
    )
    ProfileEdit.objects.create(business=business, proposed={"description": "x"})
    CorrectionRequest.objects.create(business=business, field="nik", message="x")
    CorrectionRequest.objects.create(business=business, field="address", message="x")
    DeletionRequest.objects.create(owner=owner, reason="x")
    # Every history table gets rows of its own (an earlier version of each row).
    for model in apps.get_models():
        if not _is_historical(model) or not _leads_to_owner(model):
            continue
        for row in _rows(model.instance_type, _path_to_owner(model.instance_type), owner):
            row._change_reason = "earlier version"
            row.save()
    return owner


def _fill(model, path, owner, counter) -> dict:
    """Write a value of its own into every checked field of the owner's rows; return what
    each (label, field) holds now ({label.field: [values]}) and the files written."""
    held, files = {}, []
    live = model.instance_type if _is_historical(model) else model
    for field in _checked_fields(model):
        label = f"{model._meta.label}.{field.name}"
        if label in NOT_PERSONAL:
            continue
        live_field = live._meta.get_field(field.name)
        for pk in _rows(model, path, owner).values_list("pk", flat=True):
            token = f"Q{next(counter):04d}"
            if isinstance(live_field, models.FileField):
                storage = live_field.storage
                name = storage.save(f"pdp/{uuid.uuid4().hex}.jpg", ContentFile(b"x"))
                files.append((label, storage, name))
                if isinstance(live_field, PublicImageField):  # its card and share sizes too
                    for variant in VARIANTS:
                        extra = storage.save(variant_name(name, variant), ContentFile(b"x"))
                        files.append((label, storage, extra))
                value = name
            elif isinstance(field, models.JSONField):
                value = {"description": token}
            elif isinstance(field, models.BinaryField):
                value = encrypt_bytes(token.encode())
            elif isinstance(field, ArrayField):
                value = [token]
            elif isinstance(field, models.URLField):
                value = f"https://{token}.example"
            else:
                value = token
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**{field.name: value})
            except IntegrityError:
                pass  # the database holds its format (a NIK index): the world's value is checked
        # What the rows hold now (a trigger may keep a field of its own, e.g. owner_name).
        held[label] = [v for v in _rows(model, path, owner).values_list(field.name, flat=True) if v]
        assert held[label], f"{label}: no value to check (give the world a row with it)"
    return held, files


def _holds(model, field, value) -> bool:
    qs = model._default_manager.all()
    if isinstance(field, models.JSONField | ArrayField | models.BinaryField):
        return any(v == value for v in qs.values_list(field.name, flat=True))
    return qs.filter(**{field.name: value}).exists()


def _filled_world():
    owner = _world()
    counter = iter(range(1, 10_000))
    held, files = {}, []
    found = _models()
    for model, path in found:
        h, f = _fill(model, path, owner, counter)
        held.update(h)
        files += f
    return owner, found, held, files


def test_the_walk_finds_the_models_of_every_app():
    labels = {model._meta.label for model, _path in _models()}
    for expected in [
        "umkm.Owner",
        "umkm.HistoricalOwner",
        "umkm.HistoricalBusiness",
        "umkm.BusinessLink",
        "umkm.BusinessPhoto",
        "umkm.HistoricalMentoring",
        "bazaars.HistoricalParticipation",
        "certifications.CaseDocument",
        "owners.ProfileEdit",
        "owners.CorrectionRequest",
        "owners.DeletionRequest",
    ]:
        assert expected in labels, expected


def test_erasure_leaves_no_value_of_any_field_leading_to_the_owner():
    owner, found, held, files = _filled_world()
    models_by_label = {model._meta.label: model for model, _path in found}
    anonymise_owner(owner=owner, requested_by="test", purpose="test")

    left = []
    for label, values in held.items():
        model_label, field_name = label.rsplit(".", 1)
        model = models_by_label[model_label]
        field = model._meta.get_field(field_name)
        for value in values:
            if _holds(model, field, value):
                left.append(f"{label} still holds {value!r}")
    for label, storage, name in files:
        if storage.exists(name):
            left.append(f"{label}: file {name} is still stored")
    assert left == [], "clear these in the app's anonymiser, or name them in NOT_PERSONAL"


def test_my_data_holds_every_personal_field():
    owner, _found, held, _files = _filled_world()
    owner = Owner.objects.get(pk=owner.pk)
    exported = json.dumps(
        subject_access_export(owner, requested_by="test", purpose="test"), default=str
    )
    missing = []
    for label, values in held.items():
        model_label = label.rsplit(".", 1)[0]
        if ".Historical" in f".{model_label.split('.', 1)[1]}" or label in NOT_EXPORTED:
            continue
        for value in values:
            text = value
            if isinstance(value, bytes | memoryview):
                from umkm.crypto import decrypt_bytes

                text = decrypt_bytes(bytes(value)).decode()
            elif isinstance(value, list):
                text = value[0]
            if not isinstance(text, str):
                continue
            if text not in exported:
                missing.append(f"{label}: {text!r}")
    assert missing == [], "add these to the app's PDP section, or name them in NOT_EXPORTED"
    proposals = json.loads(exported)["owners_desk"]["profile_proposals"]
    assert proposals and proposals[0]["proposed"]["description"].startswith("Q")


def test_erasing_a_fully_filled_owner_through_the_desk_keeps_the_request_answered(client):
    """The owners' desk's door (deletion_request_carry_out) erases the same, and the request's
    own reason does not come back when the request is closed."""
    from owners.services import deletion_request_carry_out
    from tests.factories import admin_sudin

    owner, *_filled = _filled_world()
    request = DeletionRequest.objects.get(owner=owner)
    deletion_request_carry_out(actor=admin_sudin(), request=request)
    request.refresh_from_db()
    assert request.status == "done" and request.reason == ""
    business = Business.objects.get(owner=owner)
    assert business.description == "" and business.whatsapp == ""
    assert not business.links.exists() and not business.photos.exists()
    assert SYSTEM is not None


def test_erasure_renames_the_owner_and_businesses_in_the_admin_log():
    # Django's admin log has no foreign key to what it names, so the walk above cannot see it.
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tests.factories import BusinessFactory, admin_sudin
    from umkm.pdp import anonymise_owner

    business = BusinessFactory(name="Kue Lapis Bu Marni")
    owner = business.owner
    staff = admin_sudin()
    for obj in (owner, business):
        LogEntry.objects.create(
            user=staff,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message="[]",
        )
    names = (owner.full_name, "Kue Lapis Bu Marni")
    assert LogEntry.objects.filter(object_repr__in=[str(owner), str(business)]).count() == 2
    anonymise_owner(owner=owner, requested_by="Pemilik", purpose="Uji")
    reprs = list(LogEntry.objects.values_list("object_repr", flat=True))
    assert len(reprs) == 2
    assert not any(name in r for r in reprs for name in names), reprs
