"""What an owner does at their desk, and what staff do with it. Every write with a rule is
here; the register's and the bazaars' own rules are called, never copied:

- the public profile: an owner's proposal (ProfileEdit) waits for staff unless
  settings.OWNER_EDITS_NEED_APPROVAL is off; approving writes through
  umkm.services.business_profile_update;
- consent and the public WhatsApp number: umkm.services.business_update (dated, in the
  business's history), then the public cache is cleared (bazaars.cache);
- my data and erasure: umkm.pdp (subject_access_export, anonymise_owner);
- bazaar applications: the bazaar's window and bazaars.eligibility, then
  bazaars.services.participation_apply / participation_withdraw (booths, one per bazaar);
- certificate documents: certifications.services.document_attach (its upload checks).

An owner is not staff: after checking that the business is theirs (owners.permissions), the
register's and bazaars' services are called as the portal (SYSTEM), with the owner named in
the history by the request (simple_history's middleware) and in the reason.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bazaars import eligibility
from bazaars.cache import bump_public_version
from bazaars.models import Bazaar, Participation, ParticipationStatus
from config.actors import SYSTEM, require_actor
from owners import permissions
from owners.models import (
    CorrectionField,
    CorrectionRequest,
    DeletionRequest,
    NotificationPreference,
    ProfileEdit,
    RequestStatus,
    ReviewStatus,
)
from umkm import services as register
from umkm.models import Business, LinkKind
from umkm.models.profile import validate_link
from umkm.validators import normalise_phone


def _own_business(actor, business: Business) -> Business:
    require_actor(actor)
    if not permissions.businesses_of(actor).filter(pk=business.pk).exists():
        raise PermissionDenied
    return business


def _owner(actor):
    require_actor(actor)
    owner = permissions.owner_of(actor)
    if owner is None:
        raise PermissionDenied
    return owner


# --- The public profile ---------------------------------------------------------------------

PROFILE_LIMITS = {"description": 2000, "products": 2000, "opening_hours": 200}


def _clean_proposal(text: dict, links: dict) -> dict:
    errors = {}
    proposed = {}
    for name, limit in PROFILE_LIMITS.items():
        value = (text.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = _("At most %(limit)s characters.") % {"limit": limit}
        proposed[name] = value
    clean_links = {}
    for kind in LinkKind.values:
        url = (links.get(kind) or "").strip()
        if url:
            try:
                validate_link(kind, url)
            except ValidationError as exc:
                errors[f"link_{kind}"] = exc.messages
        clean_links[kind] = url
    if errors:
        raise ValidationError(errors)
    proposed["links"] = clean_links
    return proposed


def needs_approval() -> bool:
    return getattr(settings, "OWNER_EDITS_NEED_APPROVAL", True)


def _proposal_photo(photo) -> ContentFile:
    """The upload re-encoded by the public-image rule (nothing of the original file travels
    on), to be kept privately until staff approve it."""
    from config.images import clean_image

    try:
        clean = clean_image(photo)
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from exc
    return ContentFile(clean.content, name=f"photo.{clean.extension}")


def _drop_photo(edit: ProfileEdit) -> None:
    """A decided or replaced proposal keeps no photo: its private file goes once the
    transaction commits (a rollback leaves both row and file as they were)."""
    if not edit.photo:
        return
    name, storage = edit.photo.name, edit.photo.storage
    ProfileEdit.objects.filter(pk=edit.pk).update(photo="")
    edit.photo = ""
    transaction.on_commit(lambda: storage.delete(name))


def profile_edit_submit(
    *, actor, business: Business, text: dict, links: dict, photo=None
) -> ProfileEdit:
    """An owner's proposal for the public profile: it replaces their earlier pending one (and
    its photo: a business has at most one pending proposal, held by the database, so at most
    one unreviewed photo) and waits for staff, or, with approval switched off, is written at
    once."""
    _own_business(actor, business)
    proposed = _clean_proposal(text, links)
    edit = ProfileEdit(business=business, proposed=proposed, submitted_by=actor)
    if photo:
        edit.photo = _proposal_photo(photo)
    edit.full_clean(exclude=["business", "submitted_by", "photo"])
    with transaction.atomic():
        earlier = list(
            ProfileEdit.objects.select_for_update().filter(
                business=business, status=ReviewStatus.PENDING
            )
        )
        ProfileEdit.objects.filter(pk__in=[e.pk for e in earlier]).update(
            status=ReviewStatus.SUPERSEDED
        )
        for replaced in earlier:
            _drop_photo(replaced)
        edit.save()
        if not needs_approval():
            _apply(edit, actor=SYSTEM)
    return edit


def _apply(edit: ProfileEdit, *, actor) -> None:
    proposed = dict(edit.proposed)
    links = proposed.pop("links", {})
    photo = None
    if edit.photo:
        with edit.photo.open("rb") as stored:  # copied to the public storage only now
            photo = ContentFile(stored.read(), name=edit.photo.name.rsplit("/", 1)[-1])
    register.business_profile_update(
        actor=actor,
        business=Business.objects.get(pk=edit.business_id),
        links=links,
        photo=photo,
        reason=_("Owner's proposal #%(id)s") % {"id": edit.pk},
        **{k: v for k, v in proposed.items() if k in register.PROFILE_TEXT_FIELDS},
    )
    edit.status = ReviewStatus.APPROVED
    edit.decided_at = timezone.now()
    edit.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    edit.save(update_fields=["status", "decided_at", "decided_by"])
    _drop_photo(edit)
    bump_public_version()  # links and photos are not the business row itself


def _locked_pending(edit: ProfileEdit) -> ProfileEdit:
    edit = ProfileEdit.objects.select_for_update().select_related("business").get(pk=edit.pk)
    if edit.status != ReviewStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    return edit


def profile_edit_approve(*, actor, edit: ProfileEdit) -> ProfileEdit:
    require_actor(actor)
    with transaction.atomic():
        edit = _locked_pending(edit)
        if not permissions.can_review(actor, edit.business):
            raise PermissionDenied
        _apply(edit, actor=actor)
    return edit


def profile_edit_reject(*, actor, edit: ProfileEdit, reason: str) -> ProfileEdit:
    require_actor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal is rejected.")})
    with transaction.atomic():
        edit = _locked_pending(edit)
        if not permissions.can_review(actor, edit.business):
            raise PermissionDenied
        edit.status = ReviewStatus.REJECTED
        edit.reason = reason
        edit.decided_at = timezone.now()
        edit.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        edit.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        _drop_photo(edit)
    return edit


# --- Corrections of the register ------------------------------------------------------------


def correction_request_submit(
    *, actor, business: Business, field: str, message: str
) -> CorrectionRequest:
    """An owner's correction request. A correction of the NIK holds a NIK: its text is kept
    encrypted (the owner's own NIK is), never in the clear column."""
    from umkm.crypto import encrypt_bytes

    _own_business(actor, business)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("This field is required.")})
    request = CorrectionRequest(business=business, field=field, message=message)
    request.full_clean(exclude=["business"])
    if request.field == CorrectionField.NIK:
        request.message_ciphertext = encrypt_bytes(message.encode())
        request.message = ""
    request.save()
    return request


def correction_request_close(
    *, actor, request: CorrectionRequest, status: str, note: str = ""
) -> CorrectionRequest:
    """Staff answer a correction request: done (after correcting the register in admin) or
    refused (with a note to the owner)."""
    require_actor(actor)
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise ValidationError({"status": _("Unknown decision.")})
    if status == RequestStatus.REFUSED and not (note or "").strip():
        raise ValidationError({"staff_note": _("Say why the request is refused.")})
    with transaction.atomic():
        request = (
            CorrectionRequest.objects.select_for_update()
            .select_related("business__kelurahan")
            .get(pk=request.pk)
        )
        if not permissions.can_review(actor, request.business):
            raise PermissionDenied
        request.status = status
        request.staff_note = (note or "").strip()
        request.handled_at = timezone.now()
        request.handled_by = actor if getattr(actor, "is_authenticated", False) else None
        request.save()
    return request


# --- Consent (UU PDP) -----------------------------------------------------------------------


def consent_set(*, actor, business: Business, public: bool) -> Business:
    """Give or withdraw the public listing, dated in the business's history. A withdrawal takes
    the profile off every public page and the directory at once (the cache is cleared)."""
    _own_business(actor, business)
    business = Business.objects.get(pk=business.pk)
    if business.public_consent == public:
        return business
    reason = (
        _("The owner gave consent to the public listing (owners' desk).")
        if public
        else _("The owner withdrew consent to the public listing (owners' desk).")
    )
    business._change_reason = reason[:100]  # the business's history (simple_history) too
    with transaction.atomic():
        register.business_update(
            actor=SYSTEM, business=business, public_consent=public, reason=reason
        )
        bump_public_version()
    return business


def whatsapp_set(*, actor, business: Business, number: str, public: bool) -> Business:
    """The business's WhatsApp number and whether public pages show it."""
    _own_business(actor, business)
    try:
        number = normalise_phone(number)
    except ValidationError as exc:
        raise ValidationError({"whatsapp": exc.messages}) from exc
    if public and not number:
        raise ValidationError({"whatsapp": _("Enter the number to show.")})
    business = Business.objects.get(pk=business.pk)
    with transaction.atomic():
        register.business_update(
            actor=SYSTEM, business=business, whatsapp=number, whatsapp_public=bool(public)
        )
        bump_public_version()
    return business


def my_data(*, actor) -> dict:
    """What the register holds about the signed-in owner (umkm.pdp), audited as a subject
    access request."""
    from umkm.pdp import subject_access_export

    owner = _owner(actor)
    return subject_access_export(
        owner,
        requested_by=actor.get_username(),
        purpose=_("The owner downloaded their own data (owners' desk)."),
    )


def deletion_request_submit(*, actor, reason: str = "") -> DeletionRequest:
    owner = _owner(actor)
    request = DeletionRequest(owner=owner, reason=(reason or "").strip())
    request.full_clean(exclude=["owner"], validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(_("Your request to delete your data is already with staff.")) from exc
    return request


def deletion_request_carry_out(*, actor, request: DeletionRequest) -> DeletionRequest:
    """Erase the owner's personal data (umkm.pdp.anonymise_owner, as pdp_anonymise does) and
    close their account."""
    from umkm.pdp import anonymise_owner

    require_actor(actor)
    if not permissions.can_erase(actor):
        raise PermissionDenied
    with transaction.atomic():
        request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.OPEN:
            raise ValidationError(_("This request has already been handled."))
        anonymise_owner(
            owner=request.owner,
            requested_by=actor.get_username() if actor.is_authenticated else "system",
            purpose=_("The owner's request to delete their data #%(id)s") % {"id": request.pk},
        )
        account = getattr(request.owner, "account", None)
        if account is not None:
            type(account.user).objects.filter(pk=account.user_id).update(is_active=False)
        request.status = RequestStatus.DONE
        request.handled_at = timezone.now()
        request.handled_by = actor if actor.is_authenticated else None
        # Only these: the reason the owner gave has just been erased (owners.pdp).
        request.save(update_fields=["status", "handled_at", "handled_by"])
        bump_public_version()
    return request


def deletion_request_refuse(*, actor, request: DeletionRequest, note: str) -> DeletionRequest:
    require_actor(actor)
    if not permissions.can_erase(actor):
        raise PermissionDenied
    if not (note or "").strip():
        raise ValidationError({"staff_note": _("Say why the request is refused.")})
    with transaction.atomic():
        request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.OPEN:
            raise ValidationError(_("This request has already been handled."))
        request.status = RequestStatus.REFUSED
        request.staff_note = note.strip()
        request.handled_at = timezone.now()
        request.handled_by = actor if actor.is_authenticated else None
        request.save()
    return request


def preferences_set(*, actor, sms: bool, whatsapp: bool, email: bool) -> NotificationPreference:
    _owner(actor)
    prefs, _created = NotificationPreference.objects.update_or_create(
        account=actor.owner_account,
        defaults={"sms": bool(sms), "whatsapp": bool(whatsapp), "email": bool(email)},
    )
    return prefs


# --- Bazaar applications --------------------------------------------------------------------


def application_check(*, business: Business, bazaar: Bazaar) -> list[str]:
    """What keeps this business from applying to this bazaar now ([] when nothing does): the
    application window, then every eligibility condition it fails (bazaars.eligibility)."""
    reasons = []
    if bazaar.published_at is None or not bazaar.is_open_for_applications:
        reasons.append(_("This bazaar is not open for applications."))
    reasons += eligibility.check(business).reasons
    return reasons


def application_submit(*, actor, business: Business, bazaar: Bazaar) -> Participation:
    """An owner applies online: the same participation as staff enter, after the window and
    eligibility (the decision, the booths and one participation per bazaar stay bazaars')."""
    from bazaars.services import participation_apply

    _own_business(actor, business)
    reasons = application_check(business=business, bazaar=bazaar)
    if reasons:
        raise ValidationError(reasons)
    return participation_apply(
        actor=SYSTEM,
        bazaar=bazaar,
        business=business,
        note=_("Applied online by the owner."),
    )


def application_withdraw(*, actor, participation: Participation) -> Participation | None:
    """The owner withdraws; a freed booth goes to the waitlist's first (bazaars' rule)."""
    from bazaars.services import participation_withdraw

    require_actor(actor)
    _own_business(actor, participation.business)
    if participation.status == ParticipationStatus.WITHDRAWN:
        raise ValidationError(_("This application has already been withdrawn."))
    if participation.bazaar.is_finished():
        raise ValidationError(_("This bazaar has finished."))
    return participation_withdraw(
        actor=SYSTEM, participation=participation, note=_("Withdrawn online by the owner.")
    )


# --- Certificate documents ------------------------------------------------------------------


def document_upload(*, actor, case, upload, description: str = ""):
    """An owner uploads a document staff asked for to one of their certificate cases, through
    the certificates' own upload (its content checks, private storage)."""
    from certifications.models import CaseStatus
    from certifications.services import document_attach

    require_actor(actor)
    _own_business(actor, case.business)
    if case.status in (CaseStatus.ISSUED, CaseStatus.REJECTED):
        raise ValidationError({"file": _("This case is closed: no more documents are needed.")})
    description = (description or "").strip()[:150]
    return document_attach(
        actor=SYSTEM,
        case=case,
        upload=upload,
        description=(description + " " + _("(uploaded by the owner)")).strip(),
    )
