"""Fast bulk inserts for imports of 100,000+ rows, below the ORM and Core bind processing.

The values must already be in the form the column types store: on SQLite dates as ISO text,
booleans as 0/1 and exact decimals as text, which is what bankrec's column types write too, so
rows inserted here read back through the models unchanged. PostgreSQL gets COPY.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Table

from bankrec.db.types import ExactDecimal


def _sqlite_converters(table: Table, columns: Sequence[str]) -> list[tuple[int, Any]]:
    """(position, converter) for the columns whose values SQLite cannot take as they are."""
    converters: list[tuple[int, Any]] = []
    for index, name in enumerate(columns):
        column_type = table.c[name].type
        if isinstance(column_type, Boolean):
            converters.append((index, int))
        elif isinstance(column_type, Date):
            converters.append((index, date.isoformat))
        elif isinstance(column_type, ExactDecimal):
            converters.append((index, str))
    return converters


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the caller's transaction."""
    if not rows:
        return
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([str(v) if isinstance(v, Decimal) else v for v in row])
        return
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    converters = _sqlite_converters(table, columns)
    converted = []
    for row in rows:
        values = list(row)
        for index, convert in converters:
            if values[index] is not None:
                values[index] = convert(values[index])
        converted.append(tuple(values))
    connection.exec_driver_sql(sql, converted)
