"""Bulk writes for the demo seed: COPY into a table, sequences after it, first history rows.
Table names come from the models' own Meta, never from input."""

from django.db import connection


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def sync_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f'GREATEST(COALESCE((SELECT MAX(id) FROM "{table}"), 0), 1))',
            [table],
        )


def copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)


def history_from_rows(model, *, since_id=None) -> None:
    """A first ("+") history record for every row that has none (demo size only)."""
    history = model.history.model
    fields = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    cols = ", ".join(f'"{c}"' for c in fields)
    src = ", ".join(f't."{c}"' for c in fields)
    table, htable = model._meta.db_table, history._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{htable}" ({cols}, history_date, history_type, history_change_reason) '
            f"SELECT {src}, t.created_at, '+', %s FROM \"{table}\" t "
            f'WHERE NOT EXISTS (SELECT 1 FROM "{htable}" h WHERE h.id = t.id)',
            ["Data demo"],
        )
