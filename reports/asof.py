"""A report's day: what the register said on it. One place for "as of day D" in SQL.

A period's figures are counted on its *reference day*: the period's last day, or today while
the period runs (a figure never describes a day that has not come). What the register held
on that day comes from the dated states (umkm.models.states), never from today's columns:
`REGISTER_ON` selects each business in the register on %(on)s with its status, scale,
kelurahan and consent of that day. Every report section joins through it.
"""

import datetime

from django.utils import timezone

from umkm.models import Business, BusinessState


def reference_day(end: datetime.date) -> datetime.date:
    """The day a period ending on `end` is counted on."""
    return min(end, timezone.localdate())


def register_on_sql(in_scope: str) -> str:
    """A SELECT of the businesses in the register on %(on)s (mentored since that day or before)
    with their state of that day; `in_scope` filters `s.kelurahan_id` (the kelurahan of that
    day) with the caller's parameters, e.g. "s.kelurahan_id LIKE %(prefix)s"."""
    return f"""
SELECT b.id AS business_id, s.kelurahan_id, s.status, s.scale, s.public_consent,
       b.sector_id, b.binaan_since
FROM {Business._meta.db_table} b
JOIN {BusinessState._meta.db_table} s ON s.business_id = b.id AND s.valid @> %(on)s::date
WHERE b.binaan_since <= %(on)s AND {in_scope}"""  # noqa: S608 (names from models; values are parameters)
