"""Writes with rules for bazaars, one module per subject; this package is their one address
(`from bazaars import services`). Admin, views, the demo seeder and commands call these; each
takes keyword-only arguments with an explicit `actor` (a user, or config.actors.SYSTEM), owns one
transaction, validates, records history (simple_history: the acting user and a change reason)
and bumps the public pages' cache after commit.
"""

from bazaars.services.bazaars import (
    BoothInput,
    DayInput,
    bazaar_cancel,
    bazaar_create,
    bazaar_publish,
    bazaar_update,
    booths_fill,
    unique_bazaar_slug,
)
from bazaars.services.days import (
    DayEntry,
    attendance_set,
    daily_sales_record,
    day_record,
)
from bazaars.services.participations import (
    booth_assign,
    participants_accept,
    participation_apply,
    participation_decide,
    participation_update,
    participation_withdraw,
    participations_decide,
    participations_withdraw,
)

__all__ = [
    "BoothInput",
    "DayEntry",
    "DayInput",
    "attendance_set",
    "bazaar_cancel",
    "bazaar_create",
    "bazaar_publish",
    "bazaar_update",
    "booth_assign",
    "booths_fill",
    "daily_sales_record",
    "day_record",
    "participants_accept",
    "participation_apply",
    "participation_decide",
    "participation_update",
    "participation_withdraw",
    "participations_decide",
    "participations_withdraw",
    "unique_bazaar_slug",
]
