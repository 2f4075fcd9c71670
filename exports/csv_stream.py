"""Streamed CSV: one line at a time, never the whole file in memory.

Two variants of every CSV the portal writes (`VARIANTS`), chosen with `?csv=`:
- standard (the default): comma-separated, decimal point, ISO dates (2023-09-25), as RFC 4180
  and every program, script and the portal's own importer read it. Machines and other offices'
  systems are the readers that break silently on a change, so it stays the default.
- "CSV (Excel Indonesia)", `?csv=excel-id`: what an Excel set to the Indonesian locale opens
  right by double-click (its list separator is ";" and its decimal mark ","): semicolons,
  decimal commas, dates as 25/09/2023 (and times as 09:00, which Excel reads in every locale).
  Offered beside the standard link on every CSV export.
Both start with a BOM, so that Excel reads the file as UTF-8.
"""

import csv
import datetime
import decimal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from exports.cells import cell
from exports.columns import DATETIME, headers

UTF8_BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
PARAM = "csv"  # the query parameter that picks a variant


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    delimiter: str
    decimal: str
    date: str  # strftime
    datetime: str
    filename_suffix: str  # before ".csv"

    def query(self) -> str:
        """The query string that asks for this variant ('' for the default)."""
        return "" if self is STANDARD else f"{PARAM}={self.key}"


STANDARD = Variant("standar", _("CSV"), ",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "")
EXCEL_ID = Variant(
    "excel-id", _("CSV (Excel Indonesia)"), ";", ",", "%d/%m/%Y", "%d/%m/%Y %H:%M", "-excel-id"
)
VARIANTS = {v.key: v for v in (STANDARD, EXCEL_ID)}


def variant_of(query) -> Variant:
    """The variant a request's GET (or a kept query dict) asks for; the standard one else."""
    return VARIANTS.get((query or {}).get(PARAM, ""), STANDARD)


def filename(stem: str, variant: Variant) -> str:
    return f"{stem}{variant.filename_suffix}.csv"


class _Echo:
    def write(self, value):
        return value


def _text(value, kind: str, variant: Variant):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime(variant.datetime if kind == DATETIME else variant.date)
    if isinstance(value, datetime.date):
        return value.strftime(variant.date)
    if variant.decimal != "." and isinstance(value, float | decimal.Decimal):
        return str(value).replace(".", variant.decimal)
    return value


def header_line(columns, variant: Variant = STANDARD) -> str:
    """The BOM and the header row, as both the Python and the COPY writers start."""
    writer = csv.writer(_Echo(), delimiter=variant.delimiter)
    return UTF8_BOM + writer.writerow(headers(columns))


def stream_csv(
    columns, rows: Iterable, *, kinds=None, bom: bool = True, variant: Variant = STANDARD
) -> Iterator[str]:
    """Header and rows as CSV lines. `kinds(row_index)` may give a row its own cell kinds
    (the report's summary, whose second column is a count, a sum or a percentage)."""
    writer = csv.writer(_Echo(), delimiter=variant.delimiter)
    column_kinds = [c.kind for c in columns]
    head = header_line(columns, variant)
    yield head if bom else head.removeprefix(UTF8_BOM)
    for r, values in enumerate(rows):
        row_kinds = kinds(r) if kinds else column_kinds
        yield writer.writerow(
            [_text(cell(v, k), k, variant) for v, k in zip(values, row_kinds, strict=True)]
        )
