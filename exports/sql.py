"""The cell rule in SQL, for the long lists Postgres writes itself (COPY ... TO STDOUT).

`formula_safe` is `cells.safe_text` as an expression: the same characters, compared as code
points (ASCII()), with LTRIM only for the rare text that starts with a space. Measured on
370,000 names: 0.14 s, against 0.16 s for a regex and 0.32 s for LEFT(LTRIM(...)) on every
row (0.09 s unescaped). `stream_copy_csv` streams a values_list queryset as CSV in Postgres's
own writer, after the layer's header line, in either CSV variant (exports.csv_stream).
"""

from collections.abc import Iterator

from django.db import connections, router
from django.db.models import Case, CharField, F, Func, Q, Value, When
from django.db.models.functions import Concat, Ord
from django.db.models.lookups import In

from exports.cells import CONTROL_START, LEADING_SPACE, LIVE_START, NEUTRALISER
from exports.columns import DATE, DATETIME, MONTH, PERCENT, RUPIAH
from exports.csv_stream import STANDARD, Variant, header_line


def _codes(characters: str) -> list[int]:
    return sorted({ord(c) for c in characters})


class _LTrim(Func):
    function = "LTRIM"
    output_field = CharField()


def formula_safe(expression):
    """A text column (a field name or an expression) with the leading apostrophe where a
    spreadsheet would read a formula; NULL stays NULL."""
    if isinstance(expression, str):
        expression = F(expression)
    first = Ord(expression)
    first_visible = Ord(_LTrim(expression, Value(LEADING_SPACE)))
    return Case(
        When(
            Q(In(first, _codes(CONTROL_START + LIVE_START)))
            | (Q(In(first, _codes(LEADING_SPACE))) & Q(In(first_visible, _codes(LIVE_START)))),
            then=Concat(Value(NEUTRALISER), expression, output_field=CharField()),
        ),
        default=expression,
        output_field=CharField(),
    )


def _copy_sql(sql: str, columns, variant: Variant) -> str:
    """The COPY statement of a query for this CSV variant. The standard one is plain COPY.
    Excel Indonesia's: semicolons, and per column in SQL what the Python writer does per
    value (csv_stream._text): a decimal comma in numbers that may have decimals, dates as
    DD/MM/YYYY. Columns without such a kind pass through untouched."""
    if variant is STANDARD:
        return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    names = [f"c{i}" for i in range(len(columns))]
    picks = []
    for name, column in zip(names, columns, strict=True):
        if column.kind in (PERCENT, RUPIAH) and variant.decimal != ".":
            picks.append(f"replace(q.{name}::text, '.', '{variant.decimal}')")
        elif column.kind in (DATE, MONTH):
            picks.append(f"to_char(q.{name}, 'DD/MM/YYYY')")
        else:
            picks.append(f"q.{name}")
    # Only our own column names and Django's compiled SQL (its parameters stay separate).
    query = f"SELECT {', '.join(picks)} FROM ({sql}) AS q({', '.join(names)})"  # noqa: S608
    return f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER '{variant.delimiter}')"


def stream_copy_csv(
    queryset, columns, *, variant: Variant = STANDARD, chunk_bytes: int = 256 * 1024
) -> Iterator[bytes]:
    """BOM and header, then the rows as Postgres writes them: flat memory, no Python per row.

    Every text column of `queryset` must already be `formula_safe` (the query tables build
    them so). Postgres would write timestamps in the session's zone, not Jakarta's: a list with
    a datetime column goes through `csv_stream` instead.
    """
    if any(c.kind == DATETIME for c in columns):
        raise ValueError("COPY writes timestamps in the session's time zone; use stream_csv")
    yield header_line(columns, variant).encode()
    sql, params = queryset.query.sql_with_params()
    alias = queryset.db or router.db_for_read(queryset.model)
    buffer = bytearray()
    with connections[alias].cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(_copy_sql(sql, columns, variant), params) as copy:
            for data in copy:
                buffer += data
                if len(buffer) >= chunk_bytes:
                    yield bytes(buffer)
                    buffer.clear()
    if buffer:
        yield bytes(buffer)
