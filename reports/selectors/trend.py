"""The year-by-year trend of a report whose period spans years (reports.selectors)."""

from reports.asof import (
    moved_up_sql,
    register_on_sql,
)
from reports.selectors.base import Period, TrendRow, fetch, prorated_target

# One register per year's part of the period, each on its own reference day.
_TREND_SQL = """
WITH y AS (SELECT * FROM unnest(%(t_years)s::int[], %(t_starts)s::date[], %(t_ons)s::date[])
           AS y(year, first, on_))
SELECT year, sum(active)::int, sum(new)::int, sum(naik_kelas)::int FROM (
  SELECT y.year, count(*) FILTER (WHERE r.status = %(active)s) AS active,
         count(*) FILTER (WHERE r.binaan_since >= y.first) AS new, 0 AS naik_kelas
  FROM y CROSS JOIN LATERAL ({register}) r
  GROUP BY y.year
  UNION ALL
  SELECT y.year, 0, 0, count(*)
  FROM y CROSS JOIN LATERAL (
    SELECT r.business_id FROM ({register}) r JOIN ({moved_up}) mu USING (business_id)) x
  GROUP BY y.year
) parts
GROUP BY year
"""


def trend(scope, period, in_scope, params, yearly) -> list[TrendRow]:
    """Year by year, when the period spans years (parts after today are left out)."""
    if len(period.years) < 2:
        return []
    parts = [p for p in period.year_parts() if p.start <= p.reference_day]
    rows = {p.start.year: TrendRow(p.start.year, p.start, p.end, p.reference_day) for p in parts}
    for row in rows.values():
        part = Period(row.start, row.end)
        row.target = sum(prorated_target(targets, part) for targets in yearly.values())
    sql = _TREND_SQL.format(
        register=register_on_sql(in_scope, on="y.on_"),
        moved_up=moved_up_sql(start="y.first", on="y.on_"),
    )
    params = {
        **params,
        "t_years": list(rows),
        "t_starts": [r.start for r in rows.values()],
        "t_ons": [r.on for r in rows.values()],
    }
    for year, active, new, naik in fetch(sql, params):
        rows[year].active, rows[year].new, rows[year].naik_kelas = active, new, naik
    return list(rows.values())
