"""Streamed CSV: one line at a time, never the whole file in memory.

A BOM first, so that Excel reads the file as UTF-8 (what users got before this layer)."""

import csv
import datetime
from collections.abc import Iterable, Iterator

from exports.cells import cell
from exports.columns import DATETIME, headers

UTF8_BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"


class _Echo:
    def write(self, value):
        return value


def _text(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if kind == DATETIME else "%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def stream_csv(columns, rows: Iterable, *, kinds=None, bom: bool = True) -> Iterator[str]:
    """Header and rows as CSV lines. `kinds(row_index)` may give a row its own cell kinds
    (the report's summary, whose second column is a count, a sum or a percentage)."""
    writer = csv.writer(_Echo())
    column_kinds = [c.kind for c in columns]
    yield (UTF8_BOM if bom else "") + writer.writerow(headers(columns))
    for r, values in enumerate(rows):
        row_kinds = kinds(r) if kinds else column_kinds
        yield writer.writerow(
            [_text(cell(v, k), k) for v, k in zip(values, row_kinds, strict=True)]
        )
