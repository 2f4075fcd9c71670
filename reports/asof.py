"""A report's day: what the register said on it. One place for "as of day D" in SQL.

A period's figures are counted on its *reference day*: the period's last day, or today while
the period runs (a figure never describes a day that has not come). What the register held
on that day comes from the dated states (umkm.models.states), never from today's columns:
`register_on_sql()` selects each business in the register on %(on)s with its status, scale,
kelurahan and consent of that day, its owner's gender and birth date, and (`stage_on_sql()`)
the highest 7P stage it had reached by that day. Every report part joins through it.
"""

import datetime

from django.utils import timezone

from umkm.models import Business, BusinessStage, BusinessState, Owner, Stage

# The SQL of this module, filled with table names and the callers' SQL expressions only: values
# always pass as query parameters.
_STAGE_ON = """
SELECT bs.business_id, max(st."order") AS stage_order
FROM {stage_reached} bs
JOIN {stage} st ON st.id = bs.stage_id
WHERE bs.reached_on <= {on}
GROUP BY bs.business_id"""

_REGISTER_ON = """
SELECT b.id AS business_id, s.kelurahan_id, s.status, s.scale, s.public_consent,
       b.sector_id, b.binaan_since, b.owner_id{owner_columns}
FROM {business} b
JOIN {state} s ON s.business_id = b.id AND s.valid @> {on}{owner_join}
WHERE b.binaan_since <= {on} AND {in_scope}"""

_MOVED_UP = """
SELECT DISTINCT n.business_id
FROM {state} n
JOIN {state} p ON p.business_id = n.business_id AND upper(p.valid) = lower(n.valid)
WHERE n.status = {status} AND p.status <> {status}
  AND lower(n.valid) BETWEEN {start} AND {on}"""


def reference_day(end: datetime.date) -> datetime.date:
    """The day a period ending on `end` is counted on."""
    return min(end, timezone.localdate())


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def stage_on_sql(on: str = "%(on)s::date") -> str:
    """A SELECT of (business_id, stage_order): each business's highest 7P stage (by the
    stages' order) reached on or before day `on`; businesses with none are absent."""
    return _STAGE_ON.format(
        stage_reached=BusinessStage._meta.db_table, stage=Stage._meta.db_table, on=on
    )


_STAGE_ON_LATERAL = """
LATERAL (SELECT max(st."order") AS stage_order
         FROM {stage_reached} bs
         JOIN {stage} st ON st.id = bs.stage_id
         WHERE bs.business_id = {business} AND bs.reached_on <= {on})"""


def stage_on_join_sql(business: str, *, few: bool, on: str = "%(on)s::date") -> str:
    """A LEFT JOIN of `st` (column stage_order, NULL for none): the highest 7P stage the
    business `business` (an SQL expression) had reached by day `on`. With `few` businesses
    (one kecamatan), looked up per business (an index-only scan each, index
    businessstage_business_reached); otherwise (the city: nearly every business) every stage
    row grouped once and joined."""
    if few:
        lateral = _STAGE_ON_LATERAL.format(
            stage_reached=BusinessStage._meta.db_table,
            stage=Stage._meta.db_table,
            business=business,
            on=on,
        )
        return f"LEFT JOIN {lateral} st ON true"
    return f"LEFT JOIN ({stage_on_sql(on)}) st ON st.business_id = {business}"


def register_on_sql(in_scope: str, *, on: str = "%(on)s::date", owner: bool = False) -> str:
    """A SELECT of the businesses in the register on day `on` (mentored since that day or
    before) with their state of that day; `in_scope` filters `s.kelurahan_id` (the kelurahan
    of that day) with the caller's parameters, e.g. "s.kelurahan_id LIKE %(prefix)s".

    `on` is an SQL expression: the parameter %(on)s by default, or a column of the caller's
    (one register per year of a trend: `on="y.on"` inside a join on a list of days).
    With `owner`, also the owner's gender and birth date (for aggregates only: never shown
    per person)."""
    return _REGISTER_ON.format(
        business=Business._meta.db_table,
        state=BusinessState._meta.db_table,
        on=on,
        in_scope=in_scope,
        owner_columns=", o.gender, o.birth_date" if owner else "",
        owner_join=f" JOIN {Owner._meta.db_table} o ON o.id = b.owner_id" if owner else "",
    )


def moved_up_sql(
    *, start: str = "%(start)s::date", on: str = "%(on)s::date", status: str = "%(naik_kelas)s"
) -> str:
    """A SELECT of the business_id of each business whose status *changed into* naik kelas on
    a day from `start` to `on`: a state row with that status whose range starts in those days
    and whose previous row had another status (a change of scale or kelurahan while moved up
    starts a new row too, but is no move)."""
    return _MOVED_UP.format(state=BusinessState._meta.db_table, start=start, on=on, status=status)
