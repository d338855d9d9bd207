"""Column types that keep values exact on SQLite and PostgreSQL alike.

Money is never stored through these: money columns are plain ``BigInteger`` minor units, so
``SUM()`` stays exact in SQL. ``ExactDecimal`` is for rates and percentages, which are never
summed: it stores the canonical decimal text, because SQLite's NUMERIC goes through float.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

from bankrec.domain.money import to_decimal


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text; floats are refused on the way in."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(to_decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("audit timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
