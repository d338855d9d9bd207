"""Exact money: ``Decimal`` in memory, integer minor units on disk.

Floats are refused everywhere: they cannot hold 0.10 exactly. The rounding mode is named once,
here, and every quantize in bankrec uses it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ROUNDING = ROUND_HALF_UP
"""The one rounding mode: half away from zero, as bookkeepers round by hand."""

_PLAIN_AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a Decimal; a float (or bool) raises ``TypeError``."""
    if isinstance(value, bool | float):
        raise TypeError(f"money must not be a {type(value).__name__}: {value!r}; use a string")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"money must be a finite number, not {value}")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return parse_amount(value)
    raise TypeError(f"money must be a Decimal, int or str, not {type(value).__name__}")


def parse_amount(text: str) -> Decimal:
    """Parse a plain decimal such as ``-1250.5``; raise ``ValueError`` for anything else.

    Thousands separators, exponents (``1e3``), commas as decimal marks and words like ``NaN``
    are refused rather than guessed at.
    """
    stripped = text.strip()
    if not _PLAIN_AMOUNT.fullmatch(stripped):
        raise ValueError(f'"{text}" is not a plain decimal amount (write it like 1234.50)')
    try:
        return Decimal(stripped)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
        raise ValueError(f'"{text}" is not a number') from exc


def decimals_of(amount: Decimal) -> int:
    """How many digits ``amount`` carries after the decimal point (trailing zeros count)."""
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def quantize(amount: Decimal, decimals: int) -> Decimal:
    """Round ``amount`` to ``decimals`` places with the project rounding mode."""
    return amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUNDING)


def to_minor(amount: Decimal, decimals: int) -> int:
    """Exact conversion to integer minor units; more decimals than the currency has is an error."""
    scaled = to_decimal(amount).scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {decimals} decimals")
    return int(scaled)


def from_minor(minor: int, decimals: int) -> Decimal:
    """Integer minor units back to a Decimal with exactly ``decimals`` places."""
    return quantize(Decimal(minor).scaleb(-decimals), decimals)


def format_minor(minor: int, decimals: int) -> str:
    """The canonical text of an amount: ``"1250.00"``, no separators, as JSON output uses it."""
    return str(from_minor(minor, decimals))


def round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded with the project rounding mode (half away from zero)."""
    if denominator == 0:
        raise ZeroDivisionError("round_div by zero")
    return int(quantize(Decimal(numerator) / Decimal(denominator), 0))


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split integer ``total`` in proportion to ``weights`` by largest remainder.

    The parts always add up to ``total`` exactly; ties go to the earlier weight so the result
    is deterministic. Weights may be negative only if all share one sign.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("allocate needs weights that do not sum to zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = [Decimal(magnitude) * Decimal(w) / Decimal(weight_sum) for w in weights]
    parts = [int(x.to_integral_value(rounding="ROUND_FLOOR")) for x in exact]
    shortfall = magnitude - sum(parts)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in by_remainder[:shortfall]:
        parts[index] += 1
    result = [sign * p for p in parts]
    assert sum(result) == total
    return result
