"""On the day: check-ins and daily sales (omzet in rupiah and the number of transactions).

Only accepted participants of the day's own bazaar are checked in or sell. Omzet and
transactions are recorded together or not at all: one without the other says nothing. Nothing
is recorded for a day that has not come yet (today in Asia/Jakarta is the last day accepted):
a check-in or a sale on a future day would make the reports count a bazaar as held.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bazaars.models import (
    Attendance,
    BazaarDay,
    DailySales,
    Participation,
)
from bazaars.services.base import S, _check_access, _save, _user, require_actor
from config import formats
from umkm.models import StageEvent
from umkm.services import stage_event


def _check_not_future(day: BazaarDay) -> None:
    if day.date > timezone.localdate():
        raise ValidationError(
            {
                "day": _(
                    "The bazaar day %(date)s has not come yet: check-ins and sales can be "
                    "recorded from that day on."
                )
                % {"date": formats.date_short(day.date)}
            },
            code="future_day",
        )


def _check_day(participation: Participation, day: BazaarDay) -> None:
    _check_not_future(day)
    if day.bazaar_id != participation.bazaar_id:
        raise ValidationError({"day": _("This day belongs to another bazaar.")})
    if participation.status != S.ACCEPTED:
        raise ValidationError(
            _("%(business)s is not an accepted participant.")
            % {"business": participation.business.name}
        )


def _sales_errors(omzet, transactions) -> dict:
    """Both or neither, each a whole number of 0 or more; errors keyed by the field."""
    errors = {}
    if omzet is None and transactions is not None:
        errors["omzet"] = _("Enter the omzet too: omzet and transactions go together.")
    if transactions is None and omzet is not None:
        errors["transactions"] = _(
            "Enter the number of transactions too: omzet and transactions go together."
        )
    if omzet is not None and (not isinstance(omzet, int) or omzet < 0):
        errors["omzet"] = _("Omzet must be zero or more rupiah.")
    if transactions is not None and (not isinstance(transactions, int) or transactions < 0):
        errors["transactions"] = _("The number of transactions must be zero or more.")
    return errors


def attendance_set(
    *, actor, participation: Participation, day: BazaarDay, present: bool = True
) -> Attendance | None:
    """Check a business in on a day (present=True) or undo the check-in."""
    require_actor(actor)
    _check_access(actor, participation.business)
    _check_day(participation, day)
    with transaction.atomic():
        if not present:
            Attendance.objects.filter(participation=participation, day=day).delete()
            return None
        attendance, _created = Attendance.objects.get_or_create(
            participation=participation, day=day, defaults={"checked_in_by": _user(actor)}
        )
        # Attending a bazaar moves the business by the "bazaar attended" stage rule.
        stage_event(
            actor=actor,
            business=participation.business,
            event=StageEvent.BAZAAR_ATTENDED,
            on=day.date,
            cause=attendance,
        )
    return attendance


def daily_sales_record(
    *, actor, participation: Participation, day: BazaarDay, omzet: int, transactions: int
) -> DailySales:
    """Record (or correct) a day's omzet in rupiah and number of transactions, both given."""
    require_actor(actor)
    _check_access(actor, participation.business)
    _check_day(participation, day)
    errors = _sales_errors(omzet, transactions)
    if omzet is None and transactions is None:
        errors["omzet"] = _("Enter the omzet too: omzet and transactions go together.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sales = (
            DailySales.objects.select_for_update(of=("self",))
            .order_by()
            .filter(participation=participation, day=day)
            .first()
        ) or DailySales(participation=participation, day=day, omzet=0, transactions=0)
        sales.omzet = omzet
        sales.transactions = transactions
        sales.recorded_by = _user(actor)
        sales.full_clean(exclude=["participation", "day"])
        _save(sales, actor)
    return sales


@dataclass
class DayEntry:
    """One row of a day's page as typed: was the business there, and what did it sell (whole
    numbers, or text such as "1.250.000"; blank or None for no sales)."""

    participation: Participation
    present: bool
    omzet: int | str | None = None
    transactions: int | str | None = None


def _number(value):
    """Typed text to a whole number (dots as thousand separators); blank is None; anything
    else is returned as it is, for the caller to refuse."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip().replace(".", "")
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else text


def _row_label(participation: Participation) -> str:
    return f"{participation.booth or '-'} {participation.business.name}"


def day_record(*, actor, day: BazaarDay, entries: Iterable[DayEntry]) -> int:
    """Record a whole day's page at once: every row is checked first, then all are saved or
    none. Errors name the row (booth and business) and the field. Rows without sales keep the
    sales already recorded. Returns the number of rows saved."""
    require_actor(actor)
    _check_not_future(day)  # once for the page, not once per row
    entries = list(entries)
    messages = []
    for entry in entries:
        p = entry.participation
        label = _row_label(p)
        _check_access(actor, p.business)
        try:
            _check_day(p, day)
        except ValidationError as exc:
            messages.append(
                _("Row %(row)s: %(error)s") % {"row": label, "error": " ".join(exc.messages)}
            )
            continue
        omzet, transactions = _number(entry.omzet), _number(entry.transactions)
        if (omzet is None) != (transactions is None):
            messages.append(
                _("Row %(row)s: enter both omzet and transactions, or neither.") % {"row": label}
            )
            continue
        for value, text in ((omzet, _("omzet")), (transactions, _("transactions"))):
            if value is not None and not (isinstance(value, int) and value >= 0):
                messages.append(
                    _("Row %(row)s, column %(column)s: enter a whole number of 0 or more.")
                    % {"row": label, "column": text}
                )
        entry.omzet, entry.transactions = omzet, transactions
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        for entry in entries:
            attendance_set(
                actor=actor, participation=entry.participation, day=day, present=entry.present
            )
            if entry.omzet is not None:
                daily_sales_record(
                    actor=actor,
                    participation=entry.participation,
                    day=day,
                    omzet=entry.omzet,
                    transactions=entry.transactions,
                )
    return len(entries)
