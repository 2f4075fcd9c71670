"""Writes with rules for bazaars. Admin, the demo seeder and commands call these; each takes
keyword-only arguments, owns one transaction, validates, and records history (simple_history,
with the acting user and a change reason).

Capacity: deciding to accept locks the bazaar row (SELECT ... FOR UPDATE) before counting, so two
staff accepting at the same moment are serialised and the second sees the first's booth taken.
The database trigger of migration 0002 holds the same rule for any other writer.

Withdrawal: when an accepted business withdraws, the first business on the waitlist that is
eligible (or was overridden) becomes accepted at once with the freed booth. Booths are free of
charge and bazaars come fast, so the office phones the business rather than waiting for a reply
to an offer; a business that cannot come is withdrawn in turn, and the next one moves up.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bazaars import eligibility
from bazaars.cache import bump_public_version
from bazaars.models import (
    Attendance,
    Bazaar,
    BazaarDay,
    BazaarStatus,
    Booth,
    DailySales,
    Participation,
    ParticipationStatus,
    Venue,
)
from umkm import permissions
from umkm.models import Business

S = ParticipationStatus


def _check_access(actor, business: Business) -> None:
    """An Operator Kecamatan acts only on businesses of its kecamatan."""
    if actor is not None and not permissions.can_access_business(actor, business):
        raise PermissionDenied(
            _("You may only act on businesses of your own kecamatan (%(business)s).")
            % {"business": business.name}
        )


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _save(obj, actor, reason: str = "") -> None:
    if _user(actor):
        obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]
    obj.save()


# --- Bazaars --------------------------------------------------------------------------------


def unique_bazaar_slug(title: str, year: int | None = None) -> str:
    base = slugify(f"{title} {year}" if year and str(year) not in title else title)[:100]
    base = base or "bazar"
    slug = base
    while Bazaar.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(4, 'abcdefghjkmnpqrstuvwxyz23456789')}"
    return slug


def bazaar_create(
    *,
    actor,
    title: str,
    venue: Venue,
    organiser: str,
    booth_count: int,
    days: Iterable[tuple[datetime.date, datetime.time, datetime.time]],
    description: str = "",
    slug: str = "",
    applications_open: datetime.date | None = None,
    applications_close: datetime.date | None = None,
    booth_prefix: str = "A",
    booth_size: str = "3 x 3 m",
    publish: bool = False,
) -> Bazaar:
    """A bazaar with its days and its booths (A01, A02, ...)."""
    days = sorted(days)
    if not days:
        raise ValidationError({"days": _("A bazaar needs at least one day.")})
    bazaar = Bazaar(
        title=(title or "").strip(),
        venue=venue,
        organiser=(organiser or "").strip(),
        booth_count=booth_count,
        description=description,
        applications_open=applications_open,
        applications_close=applications_close,
    )
    bazaar.slug = slug or unique_bazaar_slug(bazaar.title, days[0][0].year)
    bazaar.full_clean(exclude=["start_date", "end_date"])
    with transaction.atomic():
        _save(bazaar, actor)
        for date, opens, closes in days:
            day = BazaarDay(bazaar=bazaar, date=date, opens_at=opens, closes_at=closes)
            day.full_clean()
            day.save()
        Booth.objects.bulk_create(
            Booth(bazaar=bazaar, code=f"{booth_prefix}{n:02d}", size=booth_size)
            for n in range(1, booth_count + 1)
        )
        bazaar_refresh_dates(bazaar=bazaar)
        if publish:
            bazaar_publish(actor=actor, bazaar=bazaar)
    return bazaar


def booths_fill(*, actor, bazaar: Bazaar, prefix: str = "A", size: str = "3 x 3 m") -> int:
    """Add booths (A01, A02, ... skipping codes in use) until there are as many as booth_count."""
    with transaction.atomic():
        Bazaar.objects.select_for_update().get(pk=bazaar.pk)
        codes = set(bazaar.booths.values_list("code", flat=True))
        missing = bazaar.booth_count - len(codes)
        new, n = [], 1
        while len(new) < missing:
            code = f"{prefix}{n:02d}"
            if code not in codes:
                new.append(Booth(bazaar=bazaar, code=code, size=size))
            n += 1
        Booth.objects.bulk_create(new)
        if new:
            bump_public_version()
    return len(new)


def bazaar_refresh_dates(*, bazaar: Bazaar) -> None:
    """Keep first/last day in step with the days (admin inlines call this after saving)."""
    dates = list(bazaar.days.order_by("date").values_list("date", flat=True))
    start, end = (dates[0], dates[-1]) if dates else (None, None)
    if (bazaar.start_date, bazaar.end_date) != (start, end):
        bazaar.start_date, bazaar.end_date = start, end
        Bazaar.objects.filter(pk=bazaar.pk).update(start_date=start, end_date=end)
        bump_public_version()


def bazaar_publish(*, actor, bazaar: Bazaar) -> Bazaar:
    if not bazaar.days.exists():
        raise ValidationError(_("Add at least one day before publishing the bazaar."))
    with transaction.atomic():
        bazaar.status = BazaarStatus.PUBLISHED
        bazaar.published_at = bazaar.published_at or timezone.now()
        _save(bazaar, actor, "published")
    return bazaar


def bazaar_cancel(*, actor, bazaar: Bazaar) -> Bazaar:
    with transaction.atomic():
        bazaar.status = BazaarStatus.CANCELLED
        _save(bazaar, actor, "cancelled")
    return bazaar


# --- Participations -------------------------------------------------------------------------


def participation_apply(
    *, actor, bazaar: Bazaar, business: Business, note: str = ""
) -> Participation:
    """Record a business's application (staff enter it; the business is not yet decided on)."""
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


# --- On the day -----------------------------------------------------------------------------


def _check_day(participation: Participation, day: BazaarDay) -> None:
    if day.bazaar_id != participation.bazaar_id:
        raise ValidationError({"day": _("This day belongs to another bazaar.")})
    if participation.status != S.ACCEPTED:
        raise ValidationError(
            _("%(business)s is not an accepted participant.")
            % {"business": participation.business.name}
        )


def attendance_set(
    *, actor, participation: Participation, day: BazaarDay, present: bool = True
) -> Attendance | None:
    """Check a business in on a day (present=True) or undo the check-in."""
    _check_access(actor, participation.business)
    _check_day(participation, day)
    with transaction.atomic():
        if not present:
            Attendance.objects.filter(participation=participation, day=day).delete()
            return None
        attendance, _created = Attendance.objects.get_or_create(
            participation=participation, day=day, defaults={"checked_in_by": _user(actor)}
        )
    return attendance


def daily_sales_record(
    *, actor, participation: Participation, day: BazaarDay, omzet: int, transactions: int
) -> DailySales:
    """Record (or correct) a day's omzet in rupiah and number of transactions."""
    _check_access(actor, participation.business)
    _check_day(participation, day)
    errors = {}
    if omzet is None or int(omzet) < 0:
        errors["omzet"] = _("Omzet must be zero or more rupiah.")
    if transactions is None or int(transactions) < 0:
        errors["transactions"] = _("The number of transactions must be zero or more.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sales = (
            DailySales.objects.select_for_update(of=("self",))
            .order_by()
            .filter(participation=participation, day=day)
            .first()
        ) or DailySales(participation=participation, day=day, omzet=0, transactions=0)
        sales.omzet = int(omzet)
        sales.transactions = int(transactions)
        sales.recorded_by = _user(actor)
        sales.full_clean(exclude=["participation", "day"])
        _save(sales, actor)
    return sales
