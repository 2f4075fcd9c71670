"""Planning bazaars: create, change (with their days and booths), publish, cancel.

Bazaars are the city office's, so these ask for the model permission (Admin Sudin, SYSTEM),
not a kecamatan. A bazaar keeps its first and last day in step with its days, and the public
pages' cache is bumped after commit (bazaars.cache).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bazaars.cache import bump_public_version
from bazaars.models import (
    Attendance,
    Bazaar,
    BazaarDay,
    BazaarStatus,
    Booth,
    DailySales,
    Participation,
    Venue,
)
from bazaars.services.base import S, _check_perm, _save, require_actor
from config import formats

BAZAAR_FIELDS = (
    "title",
    "slug",
    "description",
    "venue",
    "organiser",
    "booth_count",
    "applications_open",
    "applications_close",
    "poster",
)


@dataclass
class DayInput:
    """A day as entered: `pk` for an existing day, `delete` to remove it."""

    date: datetime.date
    opens_at: datetime.time
    closes_at: datetime.time
    pk: int | None = None
    delete: bool = False


@dataclass
class BoothInput:
    """A booth as entered: `pk` for an existing booth, `delete` to remove it."""

    code: str
    zone: str = ""
    size: str = ""
    pk: int | None = None
    delete: bool = False


def unique_bazaar_slug(title: str, year: int | None = None) -> str:
    base = slugify(f"{title} {year}" if year and str(year) not in title else title)[:100]
    base = base or "bazar"
    slug = base
    while Bazaar.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(4, 'abcdefghjkmnpqrstuvwxyz23456789')}"
    return slug


def _as_day(day) -> DayInput:
    return day if isinstance(day, DayInput) else DayInput(*day)


def bazaar_create(
    *,
    actor,
    title: str,
    venue: Venue,
    organiser: str,
    booth_count: int,
    days: Iterable,
    description: str = "",
    slug: str = "",
    applications_open: datetime.date | None = None,
    applications_close: datetime.date | None = None,
    poster=None,
    booths: Iterable[BoothInput] | None = None,
    booth_prefix: str = "A",
    booth_size: str = "3 x 3 m",
    publish: bool = False,
) -> Bazaar:
    """A bazaar with its days ((date, opens, closes) or DayInput) and its booths: those given,
    or A01, A02, ... up to `booth_count`."""
    require_actor(actor)
    _check_perm(actor, "bazaars.add_bazaar")
    days = sorted((_as_day(d) for d in days if not getattr(d, "delete", False)), key=_day_key)
    if not days:
        raise ValidationError({"days": _("A bazaar needs at least one day.")})
    _check_distinct_dates(days)
    bazaar = Bazaar(
        title=(title or "").strip(),
        venue=venue,
        organiser=(organiser or "").strip(),
        booth_count=booth_count,
        description=description or "",
        applications_open=applications_open,
        applications_close=applications_close,
    )
    if poster:
        bazaar.poster = poster
    bazaar.slug = slug or unique_bazaar_slug(bazaar.title, days[0].date.year)
    bazaar.full_clean(exclude=["start_date", "end_date"])
    booths = [b for b in booths or [] if not b.delete]
    with transaction.atomic():
        _save(bazaar, actor, "created")
        for day in days:
            _save_day(BazaarDay(bazaar=bazaar), day)
        if booths:
            for booth in booths:
                _save_booth(Booth(bazaar=bazaar), booth)
        else:
            _fill_booths(bazaar, booth_prefix, booth_size)
        _refresh_dates(bazaar)
        if publish:
            bazaar_publish(actor=actor, bazaar=bazaar)
        transaction.on_commit(bump_public_version)
    return bazaar


def bazaar_update(
    *,
    actor,
    bazaar: Bazaar,
    days: Iterable[DayInput] | None = None,
    booths: Iterable[BoothInput] | None = None,
    **changes,
) -> Bazaar:
    """Change a bazaar's fields, days and booths together, all or nothing.

    The booths may not drop below the accepted businesses; a day with check-ins or sales and a
    booth held by an accepted business are not removed; at least one day remains.
    """
    require_actor(actor)
    _check_perm(actor, "bazaars.change_bazaar")
    unknown = set(changes) - set(BAZAAR_FIELDS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    with transaction.atomic():
        locked = Bazaar.objects.select_for_update().get(pk=bazaar.pk)
        for name, value in changes.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        accepted = locked.participations.accepted().count()
        if locked.booth_count < accepted:
            raise ValidationError(
                {
                    "booth_count": _(
                        "%(accepted)s businesses are accepted: the bazaar needs at least as "
                        "many booths."
                    )
                    % {"accepted": accepted}
                }
            )
        locked.full_clean(exclude=["start_date", "end_date"])
        _save(locked, actor, "changed")
        if days is not None:
            _apply_days(locked, [_as_day(d) for d in days])
        if booths is not None:
            _apply_booths(locked, list(booths))
        _refresh_dates(locked)
        transaction.on_commit(bump_public_version)
    for name in (*BAZAAR_FIELDS, "start_date", "end_date", "updated_at"):
        setattr(bazaar, name, getattr(locked, name))
    return bazaar


def _day_key(day: DayInput):
    return day.date or datetime.date.min


def _check_distinct_dates(days: list[DayInput]) -> None:
    seen = set()
    for day in days:
        if day.date in seen:
            raise ValidationError(
                {
                    "days": _("%(date)s is entered twice: each date is one day of the bazaar.")
                    % {"date": formats.date_short(day.date)}
                }
            )
        seen.add(day.date)


def _save_day(day: BazaarDay, data: DayInput) -> None:
    day.date, day.opens_at, day.closes_at = data.date, data.opens_at, data.closes_at
    try:
        day.full_clean(exclude=["bazaar"], validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError({"days": exc.messages}) from exc
    if day.closes_at <= day.opens_at:
        raise ValidationError({"days": _("A day closes after it opens.")})
    day.save()


def _apply_days(bazaar: Bazaar, days: list[DayInput]) -> None:
    existing = {d.pk: d for d in bazaar.days.all()}
    kept = [d for d in days if not d.delete]
    _check_distinct_dates(kept)
    for data in days:
        if data.pk is not None and data.pk not in existing:
            raise ValidationError({"days": _("This day belongs to another bazaar.")})
    removed = [existing[d.pk] for d in days if d.delete and d.pk is not None]
    for day in removed:
        recorded = (
            Attendance.objects.filter(day=day).exists()
            or DailySales.objects.filter(day=day).exists()
        )
        if recorded:
            raise ValidationError(
                {
                    "days": _("%(date)s has check-ins or sales recorded: it cannot be removed.")
                    % {"date": formats.date_short(day.date)}
                }
            )
    BazaarDay.objects.filter(pk__in=[d.pk for d in removed]).delete()
    try:
        with transaction.atomic():
            for data in kept:
                day = existing[data.pk] if data.pk is not None else BazaarDay(bazaar=bazaar)
                _save_day(day, data)
    except IntegrityError as exc:  # two days swapping their dates in one save
        raise ValidationError(
            {"days": _("Change one day's date at a time: two days would share a date.")}
        ) from exc
    if not bazaar.days.exists():
        raise ValidationError({"days": _("A bazaar needs at least one day.")})


def _save_booth(booth: Booth, data: BoothInput) -> None:
    booth.code = (data.code or "").strip()
    booth.zone = (data.zone or "").strip()
    booth.size = (data.size or "").strip()
    try:
        booth.full_clean(exclude=["bazaar"], validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError({"booths": exc.messages}) from exc
    clash = Booth.objects.filter(bazaar_id=booth.bazaar_id, code=booth.code).exclude(pk=booth.pk)
    if clash.exists():
        raise ValidationError(
            {"booths": _("Booth %(code)s is entered twice.") % {"code": booth.code}}
        )
    booth.save()


def _apply_booths(bazaar: Bazaar, booths: list[BoothInput]) -> None:
    existing = {b.pk: b for b in bazaar.booths.all()}
    for data in booths:
        if data.pk is not None and data.pk not in existing:
            raise ValidationError(
                {"booths": _("Booth %(code)s belongs to another bazaar.") % {"code": data.code}}
            )
    removed = [existing[b.pk] for b in booths if b.delete and b.pk is not None]
    holders = (
        Participation.objects.filter(booth__in=removed, status=S.ACCEPTED)
        .select_related("business", "booth")
        .first()
    )
    if holders is not None:
        raise ValidationError(
            {
                "booths": _("Booth %(code)s is held by %(business)s: move the business first.")
                % {"code": holders.booth.code, "business": holders.business.name}
            }
        )
    Booth.objects.filter(pk__in=[b.pk for b in removed]).delete()
    for data in booths:
        if data.delete:
            continue
        booth = existing[data.pk] if data.pk is not None else Booth(bazaar=bazaar)
        _save_booth(booth, data)


def _fill_booths(bazaar: Bazaar, prefix: str, size: str) -> int:
    codes = set(bazaar.booths.values_list("code", flat=True))
    missing = bazaar.booth_count - len(codes)
    new, n = [], 1
    while len(new) < missing:
        code = f"{prefix}{n:02d}"
        if code not in codes:
            new.append(Booth(bazaar=bazaar, code=code, size=size))
        n += 1
    Booth.objects.bulk_create(new)
    return len(new)


def booths_fill(*, actor, bazaar: Bazaar, prefix: str = "A", size: str = "3 x 3 m") -> int:
    """Add booths (A01, A02, ... skipping codes in use) until there are as many as booth_count."""
    require_actor(actor)
    _check_perm(actor, "bazaars.change_bazaar")
    with transaction.atomic():
        Bazaar.objects.select_for_update().get(pk=bazaar.pk)
        added = _fill_booths(bazaar, prefix, size)
        if added:
            transaction.on_commit(bump_public_version)
    return added


def _refresh_dates(bazaar: Bazaar) -> None:
    """Keep first/last day in step with the days."""
    dates = list(bazaar.days.order_by("date").values_list("date", flat=True))
    start, end = (dates[0], dates[-1]) if dates else (None, None)
    if (bazaar.start_date, bazaar.end_date) != (start, end):
        bazaar.start_date, bazaar.end_date = start, end
        Bazaar.objects.filter(pk=bazaar.pk).update(start_date=start, end_date=end)


def bazaar_publish(*, actor, bazaar: Bazaar) -> Bazaar:
    """Show a bazaar on the public pages. It needs a day and a booth; a cancelled bazaar stays
    cancelled. Publishing again keeps the first publication time."""
    require_actor(actor)
    _check_perm(actor, "bazaars.change_bazaar")
    with transaction.atomic():
        locked = Bazaar.objects.select_for_update().get(pk=bazaar.pk)
        if locked.status == BazaarStatus.CANCELLED:
            raise ValidationError(_("A cancelled bazaar cannot be published."))
        if not locked.days.exists():
            raise ValidationError(_("Add at least one day before publishing the bazaar."))
        if not locked.booths.exists():
            raise ValidationError(_("Add the booths before publishing the bazaar."))
        if locked.status != BazaarStatus.PUBLISHED:
            locked.status = BazaarStatus.PUBLISHED
            locked.published_at = locked.published_at or timezone.now()
            _save(locked, actor, "published")
            transaction.on_commit(bump_public_version)
    bazaar.status, bazaar.published_at = locked.status, locked.published_at
    return bazaar


def bazaar_cancel(*, actor, bazaar: Bazaar) -> Bazaar:
    """Cancel a bazaar (it stays listed as cancelled; applications to it are refused)."""
    require_actor(actor)
    _check_perm(actor, "bazaars.change_bazaar")
    with transaction.atomic():
        locked = Bazaar.objects.select_for_update().get(pk=bazaar.pk)
        if locked.status == BazaarStatus.DRAFT:
            # Cancelled bazaars stay on the public schedule; a draft never was on it, and
            # cancelling it would publish it. There is nothing to cancel: delete the draft.
            raise ValidationError(
                _(
                    "This bazaar was never published, so there is nothing to cancel: "
                    "delete the draft."
                )
            )
        if locked.status != BazaarStatus.CANCELLED:
            locked.status = BazaarStatus.CANCELLED
            _save(locked, actor, "cancelled")
            transaction.on_commit(bump_public_version)
    bazaar.status, bazaar.published_at = locked.status, locked.published_at
    return bazaar
