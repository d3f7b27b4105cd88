"""Bulk inserts for filling benchmark databases: COPY on Postgres, executemany elsewhere."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Column, FromClause, Table, insert
from sqlalchemy.orm import Session


def insert_rows(db: Session, table: FromClause, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (dicts keyed by column name) into ``table`` in the session's transaction.

    On Postgres an ``insert(table)`` executemany goes one row per protocol message through
    psycopg, and a multi-row VALUES statement spends its time in psycopg's query parsing; COPY
    is an order of magnitude faster than either. SQLite's executemany is already a C loop.
    """
    if not rows:
        return
    if not isinstance(table, Table):
        raise TypeError(f"insert_rows needs a table, not {type(table).__name__}")
    if db.get_bind().dialect.name == "postgresql":
        _copy_rows(db, table, rows)
    else:
        db.execute(insert(table), list(rows))


def _copy_rows(db: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """COPY FROM STDIN, with the columns' Python-side defaults filled in as an INSERT would."""
    columns = [c for c in table.columns if c.name in rows[0] or _has_python_default(c)]
    names = ", ".join(f'"{c.name}"' for c in columns)
    raw = db.connection().connection.driver_connection
    assert raw is not None  # a checked-out connection always has its driver connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_value(column, row) for column in columns])


def _has_python_default(column: Column[Any]) -> bool:
    return column.default is not None and (column.default.is_scalar or column.default.is_callable)


def _value(column: Column[Any], row: dict[str, Any]) -> Any:
    """The row's value for the column (its default when absent), JSON columns as JSON text."""
    if column.name in row:
        value = row[column.name]
    else:
        default: Any = column.default
        value = default.arg(None) if default.is_callable else default.arg
    if isinstance(column.type, JSON) and not (value is None and column.type.none_as_null):
        return json.dumps(value)  # None too: SQLAlchemy stores a JSON null, not SQL NULL, unless none_as_null
    return value
