"""Participations: applications, decisions, booths, withdrawals.

Capacity: deciding to accept locks the bazaar row (SELECT ... FOR UPDATE) before counting, so two
staff accepting at the same moment are serialised and the second sees the first's booth taken.
The database trigger of migration 0002 holds the same rule for any other writer.

Withdrawal: when an accepted business withdraws, the first business on the waitlist that is
eligible (or was overridden) becomes accepted at once with the freed booth. Booths are free of
charge and bazaars come fast, so the office phones the business rather than waiting for a reply
to an offer; a business that cannot come is withdrawn in turn, and the next one moves up.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from bazaars import eligibility
from bazaars.models import (
    Bazaar,
    BazaarStatus,
    Booth,
    Participation,
)
from bazaars.services.base import S, _check_access, _save, _user, require_actor
from umkm.models import Business

# --- Participations -------------------------------------------------------------------------


def participation_apply(
    *, actor, bazaar: Bazaar, business: Business, note: str = ""
) -> Participation:
    """Record a business's application (staff enter it; the business is not yet decided on)."""
    require_actor(actor)
    _check_access(actor, business)
    if bazaar.status == BazaarStatus.CANCELLED:
        raise ValidationError(_("This bazaar has been cancelled."))
    participation = Participation(bazaar=bazaar, business=business, note=note)
    if Participation.objects.filter(bazaar=bazaar, business=business).exists():
        raise ValidationError(
            {
                "business": _("%(business)s already takes part in this bazaar.")
                % {"business": business}
            }
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                _save(participation, actor, "applied")
        except IntegrityError as exc:  # the same application saved twice at the same moment
            raise ValidationError(
                {
                    "business": _("%(business)s already takes part in this bazaar.")
                    % {"business": business}
                }
            ) from exc
    return participation


def _free_booths(bazaar: Bazaar):
    taken = Participation.objects.filter(booth=OuterRef("pk"), status=S.ACCEPTED)
    return Booth.objects.filter(bazaar=bazaar).exclude(Exists(taken)).order_by("code")


def _full_error(bazaar: Bazaar) -> ValidationError:
    return ValidationError(
        _("All %(count)s booths of %(bazaar)s are taken: waitlist the business instead.")
        % {"count": bazaar.booth_count, "bazaar": bazaar.title}
    )


def _check_booth(participation: Participation, booth: Booth) -> None:
    if booth.bazaar_id != participation.bazaar_id:
        raise ValidationError(
            {"booth": _("Booth %(code)s belongs to another bazaar.") % {"code": booth.code}}
        )
    holder = (
        Participation.objects.filter(booth=booth, status=S.ACCEPTED)
        .exclude(pk=participation.pk)
        .select_related("business")
        .first()
    )
    if holder is not None:
        raise ValidationError(
            {
                "booth": _("Booth %(code)s is already taken by %(business)s.")
                % {"code": booth.code, "business": holder.business.name}
            }
        )


def _decide(
    p: Participation,
    *,
    actor,
    bazaar: Bazaar,
    status: str,
    booth: Booth | None,
    override_reason: str,
    free: list[Booth],
) -> None:
    """Apply one decision to a locked participation (the caller holds the bazaar lock)."""
    _check_access(actor, p.business)
    if status == S.ACCEPTED:
        override_reason = (override_reason or "").strip()
        result = eligibility.check(p.business)
        if not result.eligible and not (override_reason or p.eligibility_override):
            raise ValidationError(
                _("%(business)s is not eligible: %(reasons)s Give a reason to override.")
                % {"business": p.business.name, "reasons": " ".join(result.reasons)}
            )
        if not result.eligible and override_reason:
            p.eligibility_override = True
            p.override_reason = override_reason
        if booth is not None:
            _check_booth(p, booth)
            p.booth = booth
        elif p.booth_id is None or p.status != S.ACCEPTED:
            p.booth = free.pop(0) if free else None
    else:
        p.booth = None
    if p.status != status:
        p.status = status
        p.decided_at = timezone.now()
        p.decided_by = _user(actor)
    p.full_clean(exclude=["bazaar", "business", "booth"])


def _save_decided(p: Participation, actor, reason: str, bazaar: Bazaar) -> None:
    try:
        with transaction.atomic():
            _save(p, actor, reason)
    except IntegrityError as exc:
        text = str(exc)
        if "participation_accepted_within_booths" in text:
            raise _full_error(bazaar) from exc
        if "participation_booth" in text:
            raise ValidationError(
                {"booth": _("Booth %(code)s is already taken.") % {"code": p.booth}}
            ) from exc
        raise


def participations_decide(
    *,
    actor,
    participations: Iterable[Participation],
    status: str,
    override_reason: str = "",
) -> list[Participation]:
    """Accept, waitlist or reject several participations of one bazaar, all or none.

    Accepting gives each a free booth in code order while there are booths; when there are
    fewer free booths than businesses to accept, nothing is accepted.
    """
    require_actor(actor)
    if status not in (S.ACCEPTED, S.WAITLISTED, S.REJECTED):
        raise ValidationError(_("Unknown decision."))
    ids = [p.pk for p in participations]
    if not ids:
        return []
    with transaction.atomic():
        bazaar_ids = set(
            Participation.objects.filter(pk__in=ids).values_list("bazaar_id", flat=True)
        )
        if len(bazaar_ids) != 1:
            raise ValidationError(_("Choose participations of one bazaar at a time."))
        bazaar = Bazaar.objects.select_for_update().get(pk=bazaar_ids.pop())
        locked = list(
            Participation.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("business__sector", "business__kelurahan")
            .order_by("decided_at", "applied_at", "id")
        )
        for p in locked:
            _check_access(actor, p.business)
        if status == S.ACCEPTED:
            newcomers = [p for p in locked if p.status != S.ACCEPTED]
            taken = bazaar.participations.accepted().count()
            if taken + len(newcomers) > bazaar.booth_count:
                raise ValidationError(
                    _(
                        "Only %(free)s of %(count)s booths are free, but %(selected)s "
                        "businesses were chosen to accept."
                    )
                    % {
                        "free": bazaar.booth_count - taken,
                        "count": bazaar.booth_count,
                        "selected": len(newcomers),
                    }
                )
        free = list(_free_booths(bazaar)) if status == S.ACCEPTED else []
        for p in locked:
            _decide(
                p,
                actor=actor,
                bazaar=bazaar,
                status=status,
                booth=None,
                override_reason=override_reason,
                free=free,
            )
            _save_decided(p, actor, status, bazaar)
    return locked


def participation_decide(
    *,
    actor,
    participation: Participation,
    status: str,
    booth: Booth | None = None,
    override_reason: str = "",
) -> Participation:
    """One decision; `booth` chooses the booth when accepting (else the first free one)."""
    require_actor(actor)
    if status not in (S.ACCEPTED, S.WAITLISTED, S.REJECTED):
        raise ValidationError(_("Unknown decision."))
    with transaction.atomic():
        bazaar = Bazaar.objects.select_for_update().get(pk=participation.bazaar_id)
        p = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("business__sector", "business__kelurahan")
            .get(pk=participation.pk)
        )
        _check_access(actor, p.business)
        if (
            status == S.ACCEPTED
            and p.status != S.ACCEPTED
            and bazaar.participations.accepted().count() >= bazaar.booth_count
        ):
            raise _full_error(bazaar)
        free = list(_free_booths(bazaar)[:1]) if status == S.ACCEPTED and booth is None else []
        _decide(
            p,
            actor=actor,
            bazaar=bazaar,
            status=status,
            booth=booth,
            override_reason=override_reason,
            free=free,
        )
        _save_decided(p, actor, status, bazaar)
    return p


def participants_accept(
    *, actor, bazaar: Bazaar, businesses: Iterable[Business], override_reason: str = ""
) -> list[Participation]:
    """Accept a list of businesses (e.g. the fair-selection proposal after staff adjusted it):
    creates their applications where missing, then accepts them all in one go."""
    require_actor(actor)
    businesses = list(businesses)
    with transaction.atomic():
        existing = {
            p.business_id: p
            for p in Participation.objects.filter(bazaar=bazaar, business__in=businesses)
        }
        for business in businesses:
            _check_access(actor, business)
            if business.pk not in existing:
                p = Participation(bazaar=bazaar, business=business)
                _save(p, actor, "applied")
                existing[business.pk] = p
        return participations_decide(
            actor=actor,
            participations=[existing[b.pk] for b in businesses],
            status=S.ACCEPTED,
            override_reason=override_reason,
        )


def booth_assign(*, actor, participation: Participation, booth: Booth | None) -> Participation:
    """Move an accepted business to another booth; a clash is a clear error, not a crash."""
    require_actor(actor)
    with transaction.atomic():
        Bazaar.objects.select_for_update().get(pk=participation.bazaar_id)
        p = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("business__kelurahan", "bazaar")
            .get(pk=participation.pk)
        )
        _check_access(actor, p.business)
        if booth is not None:
            if p.status != S.ACCEPTED:
                raise ValidationError(
                    {"booth": _("Only an accepted business can be given a booth.")}
                )
            _check_booth(p, booth)
        p.booth = booth
        _save_decided(p, actor, "booth", p.bazaar)
    return p


def participation_withdraw(
    *, actor, participation: Participation, note: str = ""
) -> Participation | None:
    """Withdraw a business; if it held a place, the first eligible waitlisted business gets it.

    Returns the participation that moved up from the waitlist, if any."""
    require_actor(actor)
    with transaction.atomic():
        bazaar = Bazaar.objects.select_for_update().get(pk=participation.bazaar_id)
        p = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("business__kelurahan")
            .get(pk=participation.pk)
        )
        _check_access(actor, p.business)
        if p.status == S.WITHDRAWN:
            return None
        was_accepted = p.status == S.ACCEPTED
        freed = p.booth
        p.status = S.WITHDRAWN
        p.booth = None
        p.withdrawn_at = timezone.now()
        if note:
            p.note = f"{p.note}\n{note}".strip()
        _save(p, actor, "withdrawn")
        if not was_accepted or bazaar.is_finished():
            return None
        for candidate in bazaar.participations.waitlist().select_related(
            "business__sector", "business__kelurahan"
        ):
            if candidate.eligibility_override or eligibility.check(candidate.business).eligible:
                candidate.status = S.ACCEPTED
                candidate.booth = freed or _free_booths(bazaar).first()
                candidate.decided_at = timezone.now()
                candidate.decided_by = _user(actor)
                candidate.note = (
                    candidate.note
                    + "\n"
                    + _("Moved up from the waitlist after %(business)s withdrew.")
                    % {"business": p.business.name}
                ).strip()
                _save_decided(candidate, actor, "moved up from waitlist", bazaar)
                return candidate
    return None


def participations_withdraw(
    *, actor, participations: Iterable[Participation], note: str = ""
) -> list[Participation]:
    """Withdraw several businesses, all or none; returns those that moved up from the
    waitlist in their place."""
    require_actor(actor)
    promoted = []
    with transaction.atomic():
        for p in participations:
            moved = participation_withdraw(actor=actor, participation=p, note=note)
            if moved is not None:
                promoted.append(moved)
    return promoted


_UNCHANGED = object()
DECISIONS = (S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN)


def participation_update(
    *,
    actor,
    participation: Participation,
    decision: str = "",
    booth=_UNCHANGED,
    override_reason: str = "",
    note: str | None = None,
) -> Participation:
    """What staff change on a participation's page, all or nothing: a decision (accept with
    the chosen booth, waitlist, reject, withdraw), else a booth move, and the note."""
    require_actor(actor)
    if decision and decision not in DECISIONS:
        raise ValidationError({"decision": _("Unknown decision.")})
    with transaction.atomic():
        _check_access(actor, participation.business)
        current = Participation.objects.get(pk=participation.pk)
        if decision == S.WITHDRAWN:
            participation_withdraw(actor=actor, participation=current)
        elif decision and decision != current.status:
            participation_decide(
                actor=actor,
                participation=current,
                status=decision,
                booth=booth if decision == S.ACCEPTED and booth is not _UNCHANGED else None,
                override_reason=override_reason,
            )
        elif booth is not _UNCHANGED and booth != current.booth:
            booth_assign(actor=actor, participation=current, booth=booth)
        p = Participation.objects.select_related("business", "bazaar", "booth").get(
            pk=participation.pk
        )
        if note is not None and note.strip() != p.note:
            p.note = note.strip()
            p.full_clean(exclude=["bazaar", "business", "booth"])
            _save(p, actor, "note")
    return p
