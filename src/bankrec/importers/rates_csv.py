"""Exchange-rate files: a plain ``date,currency,rate`` CSV, or the ECB reference-rate CSV.

Pure parsing: the layout is told by the header, and every row becomes a ``RateRow`` whose rate
is local currency per 1 unit of the currency, as bankrec stores rates.

- **plain**: header ``date,currency,rate``; ISO dates; the rate is local currency per 1 unit.
- **ecb**: the European Central Bank's ``eurofxref.csv`` / ``eurofxref-hist.csv``: header
  ``Date, USD, JPY, ...`` (often with a trailing empty column), one row per date (ISO, or
  ``28 June 2024`` in the daily file), values in units of the currency per 1 EUR and ``N/A``
  where there is none. Such a file only fits books kept in EUR; each value ``v`` is turned into
  EUR per unit as ``1 / v`` rounded to ``ECB_SIGNIFICANT_DIGITS`` significant digits with the
  project rounding mode (``bankrec.domain.money.ROUNDING``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext

from bankrec.domain.money import ROUNDING, parse_amount
from bankrec.errors import InputError, Location

PLAIN = "plain"
ECB = "ecb"
ECB_BASE = "EUR"
ECB_SIGNIFICANT_DIGITS = 10
"""Significant digits kept of ``1 / value`` (the ECB publishes 5 or 6, so nothing is lost)."""

_PLAIN_HEADER = ["date", "currency", "rate"]


@dataclass(frozen=True)
class RateRow:
    """One rate: local currency (EUR for the ECB layout) per 1 unit of ``currency``."""

    line: int
    currency: str
    starting_date: date
    rate: Decimal


@dataclass(frozen=True)
class RateFile:
    source: str
    layout: str
    rows: list[RateRow]


def invert_ecb(value: Decimal) -> Decimal:
    """EUR per 1 unit from the ECB's units per 1 EUR, rounded to the documented digits."""
    with localcontext() as ctx:
        ctx.prec = ECB_SIGNIFICANT_DIGITS
        ctx.rounding = ROUNDING
        return Decimal(1) / value


def read_rates(text: str, source: str) -> RateFile:
    """Parse ``text``; a bad line raises ``InputError`` naming ``source`` and the line."""
    rows = [
        (number, [cell.strip() for cell in cells])
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1)
        if any(cell.strip() for cell in cells)
    ]
    if not rows:
        raise InputError(
            "the file is empty; expected a header date,currency,rate", Location(source)
        )
    header_line, header = rows[0]
    lowered = [cell.lower() for cell in header]
    while lowered and lowered[-1] == "":
        lowered.pop()
    if lowered == _PLAIN_HEADER:
        return RateFile(source, PLAIN, [_plain_row(source, n, cells) for n, cells in rows[1:]])
    if lowered and lowered[0] == "date" and len(lowered) > 1:
        currencies = [cell.upper() for cell in header[1 : len(lowered)]]
        for code in currencies:
            if len(code) != 3 or not code.isalpha():
                raise InputError(
                    f'"{code}" is not a currency code in the header',
                    Location(source, header_line),
                )
        parsed: list[RateRow] = []
        for number, cells in rows[1:]:
            parsed.extend(_ecb_rows(source, number, cells, currencies))
        return RateFile(source, ECB, parsed)
    raise InputError(
        "unknown rate file layout: expected the header date,currency,rate or the ECB layout "
        "Date, USD, JPY, ...",
        Location(source, header_line),
    )


def _plain_row(source: str, number: int, cells: list[str]) -> RateRow:
    loc = Location(source, number)
    while len(cells) > 3 and cells[-1] == "":
        cells = cells[:-1]
    if len(cells) != 3:
        raise InputError(f"expected 3 columns (date,currency,rate), found {len(cells)}", loc)
    day = _date(cells[0], loc)
    code = cells[1].upper()
    if len(code) != 3 or not code.isalpha():
        raise InputError(f'"{cells[1]}" is not a currency code', loc)
    return RateRow(number, code, day, _positive(cells[2], loc))


def _ecb_rows(source: str, number: int, cells: list[str], currencies: list[str]) -> list[RateRow]:
    loc = Location(source, number)
    values = cells[1:]
    extra = values[len(currencies) :]
    if len(values) < len(currencies) or any(extra):
        raise InputError(
            f"expected {len(currencies)} rates after the date, found "
            f"{len([v for v in values if v])}",
            loc,
        )
    day = _date(cells[0], loc)
    found: list[RateRow] = []
    for code, value in zip(currencies, values, strict=False):
        if value.upper() in ("N/A", ""):
            continue
        found.append(RateRow(number, code, day, invert_ecb(_positive(value, loc, code))))
    return found


def _date(text: str, loc: Location) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%d %B %Y").date()  # noqa: DTZ007 - a date, no time
    except ValueError:
        raise InputError(f'"{text}" is not a date; write it as YYYY-MM-DD', loc) from None


def _positive(text: str, loc: Location, currency: str = "") -> Decimal:
    what = f"{currency} rate" if currency else "rate"
    try:
        value = parse_amount(text)
    except ValueError:
        raise InputError(f'{what} "{text}" is not a plain decimal number', loc) from None
    if value <= 0:
        raise InputError(f"{what} {text} must be greater than 0", loc)
    return value
