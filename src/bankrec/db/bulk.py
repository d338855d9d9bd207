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

from sqlalchemy import Connection, Table


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


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
    converted = [tuple(_sqlite_value(v) for v in row) for row in rows]
    connection.exec_driver_sql(sql, converted)
