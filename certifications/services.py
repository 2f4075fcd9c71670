"""Writes with rules for certificate cases. Admin actions and forms, the demo seeder and
commands call these; each takes keyword-only arguments, owns one transaction, validates fully
and records the transition history.

`actor` is the user acting, or config.actors.SYSTEM for the portal's own writes (seeders,
commands); None raises TypeError before anything happens. An actor who may not see the business
(another kecamatan's operator) gets PermissionDenied and nothing changes.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications import rules
from certifications.models import (
    CaseDocument,
    CaseStatus,
    CaseTransition,
    CertificateCase,
    CertificateType,
    HalalRoute,
)
from certifications.uploads import check_document
from config import formats
from config.actors import require_actor
from umkm import permissions
from umkm.models import Business


def _atomic_service(function):
    """require_actor first, then the service's one transaction (nothing is opened for a
    caller who forgot the actor)."""

    @functools.wraps(function)
    def service(**kwargs):
        require_actor(kwargs.get("actor"))
        with transaction.atomic():
            return function(**kwargs)

    return service


def _check_access(actor, business: Business) -> None:
    if not permissions.can_access_business(actor, business):
        raise PermissionDenied(_("You may only work on businesses of your own kecamatan."))


def _by(actor):
    """The user to record: a signed-in person, never SYSTEM."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status else "—"


def _record(case, *, actor, from_status: str, note: str, at) -> CaseTransition:
    transition = CaseTransition(
        case=case,
        from_status=from_status,
        to_status=case.status,
        at=at,
        by=_by(actor),
        note=note,
        number=case.number,
        issued_on=case.issued_on,
        expires_on=case.expires_on,
    )
    transition.full_clean()
    transition.save()
    return transition


def _save_case(case: CertificateCase) -> None:
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # two staff opening the same case at the same moment
        raise ValidationError(
            _("This business already has a case for this certificate type and product.")
        ) from exc


def clean_case_fields(*, cert_type: CertificateType, product: str, halal_route: str):
    """The product and halal route a case of `cert_type` needs (forms show the same errors)."""
    errors = {}
    for check, value in ((_clean_product, product), (_clean_route, halal_route)):
        try:
            check(cert_type, value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return _clean_product(cert_type, product), _clean_route(cert_type, halal_route)


def _clean_product(cert_type: CertificateType, product: str) -> str:
    product = (product or "").strip()
    if cert_type.per_product and not product:
        raise ValidationError(
            {
                "product": _("%(type)s is given per product: name the product.")
                % {"type": cert_type.name}
            }
        )
    return product


def _clean_route(cert_type: CertificateType, route: str) -> str:
    route = route or ""
    if route and cert_type.code != "halal":
        raise ValidationError({"halal_route": _("A route applies to halal certificates only.")})
    if route not in HalalRoute.values:
        raise ValidationError({"halal_route": _("Unknown halal route.")})
    return route


def case_open(
    *,
    actor,
    business: Business,
    cert_type: CertificateType,
    product: str = "",
    halal_route: str = "",
    note: str = "",
) -> CertificateCase:
    """Record that a business needs a certificate (status "needed")."""
    require_actor(actor)
    _check_access(actor, business)
    case = CertificateCase(
        business=business,
        kecamatan_id=business.kelurahan.kecamatan_id,
        type=cert_type,
        product=_clean_product(cert_type, product),
        halal_route=_clean_route(cert_type, halal_route),
        status=CaseStatus.NEEDED,
        note=(note or "").strip(),
    )
    case.full_clean()
    with transaction.atomic():
        _save_case(case)
        _record(case, actor=actor, from_status="", note=case.note, at=case.status_changed_at)
    return case


@dataclass
class IssueDetails:
    number: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    overridden: bool
    reason: str


def check_issue(
    *,
    cert_type: CertificateType,
    number: str,
    issued_on: datetime.date | None,
    expires_on: datetime.date | None = None,
    expires_on_given: bool = False,
    expiry_override_reason: str = "",
    today: datetime.date | None = None,
) -> IssueDetails:
    """Validate what an issued certificate says. The number follows the type's format; the
    expiry is the type's rule unless another date is given with a reason (`expires_on_given`
    tells an explicit "no expiry" (None) apart from "compute it")."""
    errors = {}
    try:
        number = cert_type.validate_number(number)
    except ValidationError as exc:
        errors["number"] = exc.messages
        number = ""
    today = today or timezone.localdate()
    if issued_on is None:
        errors["issued_on"] = [_("The issue date is required.")]
    elif issued_on > today:
        errors["issued_on"] = [_("The issue date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    computed = cert_type.computed_expiry(number=number, issued_on=issued_on)
    if computed is not None and computed <= issued_on:
        raise ValidationError(
            {
                "number": _(
                    "The expiry year in this PIRT number (%(year)s) is not after the issue date."
                )
                % {"year": rules.pirt_expiry_year(number)}
            }
        )
    reason = (expiry_override_reason or "").strip()
    if not expires_on_given or expires_on == computed:
        return IssueDetails(number, issued_on, computed, False, "")
    if not reason:
        computed_text = formats.date_short(computed) if computed else _("no expiry")
        raise ValidationError(
            {
                "expiry_override_reason": _(
                    "The expiry date differs from the one the type's rule gives (%(computed)s): "
                    "record the reason."
                )
                % {"computed": computed_text}
            }
        )
    if expires_on is not None and expires_on <= issued_on:
        raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})
    return IssueDetails(number, issued_on, expires_on, True, reason)


_UNSET = object()


@_atomic_service
def case_transition(
    *,
    actor,
    case: CertificateCase,
    to_status: str,
    note: str = "",
    number: str = "",
    issued_on: datetime.date | None = None,
    expires_on=_UNSET,
    expiry_override_reason: str = "",
) -> CertificateCase:
    """Move a case along the transition table (certifications.rules.TRANSITIONS).

    To "issued": number, issue date; the expiry is computed from the type unless `expires_on`
    is passed (a date, or None for "does not expire") with `expiry_override_reason`.
    Leaving "issued" (renewal) clears the certificate's fields; the history keeps them.
    """
    require_actor(actor)
    locked = CertificateCase.objects.select_for_update().select_related("type").get(pk=case.pk)
    _check_access(actor, locked.business)
    from_status = locked.status
    note = (note or "").strip()
    if to_status not in CaseStatus.values:
        raise ValidationError({"to_status": _("Unknown status.")})
    if not rules.transition_allowed(from_status, to_status):
        raise ValidationError(
            {
                "to_status": _('A case that is "%(from)s" cannot become "%(to)s".')
                % {"from": _status_label(from_status), "to": _status_label(to_status)}
            },
            code="transition_not_allowed",
        )
    if to_status in rules.NOTE_REQUIRED and not note:
        raise ValidationError({"note": _("Record the reason in the note.")})
    if to_status == rules.ISSUED:
        details = check_issue(
            cert_type=locked.type,
            number=number,
            issued_on=issued_on,
            expires_on=None if expires_on is _UNSET else expires_on,
            expires_on_given=expires_on is not _UNSET,
            expiry_override_reason=expiry_override_reason,
        )
        locked.number = details.number
        locked.issued_on = details.issued_on
        locked.expires_on = details.expires_on
        locked.expiry_overridden = details.overridden
        locked.expiry_override_reason = details.reason
    elif from_status == rules.ISSUED:
        locked.number = ""
        locked.issued_on = locked.expires_on = None
        locked.expiry_overridden = False
        locked.expiry_override_reason = ""
    locked.status = to_status
    locked.status_changed_at = timezone.now()
    locked.full_clean()
    _save_case(locked)
    _record(locked, actor=actor, from_status=from_status, note=note, at=locked.status_changed_at)
    if to_status == rules.ISSUED:
        _licence_stage(actor, locked)
    # The caller's object follows the saved state.
    for name in (
        "status",
        "status_changed_at",
        "number",
        "issued_on",
        "expires_on",
        "expiry_overridden",
        "expiry_override_reason",
        "updated_at",
    ):
        setattr(case, name, getattr(locked, name))
    return case


@_atomic_service
def case_record_issued(
    *,
    actor,
    business: Business,
    cert_type: CertificateType,
    number: str,
    issued_on: datetime.date,
    product: str = "",
    halal_route: str = "",
    expires_on=_UNSET,
    expiry_override_reason: str = "",
    note: str = "",
) -> CertificateCase:
    """Record a certificate the business already holds (opened directly as "issued")."""
    require_actor(actor)
    _check_access(actor, business)
    details = check_issue(
        cert_type=cert_type,
        number=number,
        issued_on=issued_on,
        expires_on=None if expires_on is _UNSET else expires_on,
        expires_on_given=expires_on is not _UNSET,
        expiry_override_reason=expiry_override_reason,
    )
    case = CertificateCase(
        business=business,
        kecamatan_id=business.kelurahan.kecamatan_id,
        type=cert_type,
        product=_clean_product(cert_type, product),
        halal_route=_clean_route(cert_type, halal_route),
        status=CaseStatus.ISSUED,
        number=details.number,
        issued_on=details.issued_on,
        expires_on=details.expires_on,
        expiry_overridden=details.overridden,
        expiry_override_reason=details.reason,
        note=(note or "").strip(),
    )
    case.full_clean()
    _save_case(case)
    _record(case, actor=actor, from_status="", note=case.note, at=case.status_changed_at)
    return case


def _licence_stage(actor, case: CertificateCase) -> None:
    """An issued certificate moves the business by the "licence issued" stage rule."""
    from umkm.models import StageEvent
    from umkm.services import stage_event

    stage_event(
        actor=actor,
        business=case.business,
        event=StageEvent.LICENCE_ISSUED,
        on=case.issued_on,
        cause=case,
    )


@dataclass
class BulkOutcome:
    done: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


@_atomic_service
def cases_refer(*, actor, cases, note: str = "") -> BulkOutcome:
    """Refer every "needed" case of `cases` to Sudin PPKUKM; others are skipped, not changed."""
    require_actor(actor)
    outcome = BulkOutcome()
    for case in cases:
        if case.status != rules.NEEDED:
            outcome.skipped.append(case)
            continue
        case_transition(actor=actor, case=case, to_status=rules.REFERRED, note=note)
        outcome.done.append(case)
    return outcome


@_atomic_service
def cases_submit(*, actor, cases, note: str = "") -> BulkOutcome:
    """Mark every case of `cases` that may become "submitted" as such; others are skipped."""
    require_actor(actor)
    outcome = BulkOutcome()
    for case in cases:
        if not rules.transition_allowed(case.status, rules.SUBMITTED):
            outcome.skipped.append(case)
            continue
        case_transition(actor=actor, case=case, to_status=rules.SUBMITTED, note=note)
        outcome.done.append(case)
    return outcome


def document_attach(*, actor, case: CertificateCase, upload, description: str = "") -> CaseDocument:
    """Attach an uploaded file to a case after checking its content (see uploads.py)."""
    require_actor(actor)
    _check_access(actor, case.business)
    checked = check_document(upload)
    original = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    document = CaseDocument(
        case=case,
        description=(description or "").strip(),
        original_name=original or f"dokumen.{checked.extension}",
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=_by(actor),
    )
    document.file.save(f"upload.{checked.extension}", upload, save=False)
    try:
        document.full_clean(exclude=["file"])
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.delete(save=False)  # no orphan file when the row is refused
        raise
    return document


def case_update(*, actor, case: CertificateCase, note: str, halal_route: str = "") -> None:
    """Change what a case says besides its status (the note, the halal route)."""
    require_actor(actor)
    _check_access(actor, case.business)
    case.note = (note or "").strip()
    case.halal_route = _clean_route(case.type, halal_route)
    case.full_clean()
    with transaction.atomic():
        case.save(update_fields=["note", "halal_route", "updated_at"])
