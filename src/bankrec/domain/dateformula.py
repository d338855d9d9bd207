"""Business Central date formulas: ``30D``, ``2W``, ``1M``, ``CM``, ``CM+10D``, ``-1Y``.

A formula is a sequence of terms. ``<n><unit>`` moves by n days (D), weeks (W), months (M),
quarters (Q) or years (Y); ``C<unit>`` moves to the end of the current week (Sunday), month,
quarter or year. Terms are applied left to right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

_TERM = re.compile(r"([+-]?)(?:(\d+)([DWMQY])|C([DWMQY]))")


@dataclass(frozen=True)
class DateFormula:
    """A parsed date formula; ``apply`` computes the date it gives from a base date."""

    text: str
    terms: tuple[tuple[int, str, bool], ...]

    def apply(self, base: date) -> date:
        result = base
        for count, unit, to_end in self.terms:
            result = _end_of(result, unit) if to_end else _shift(result, count, unit)
        return result


def parse_date_formula(text: str) -> DateFormula:
    """Parse ``text``; raise ``ValueError`` naming the part that is not a date formula."""
    compact = text.replace(" ", "").upper()
    if not compact:
        raise ValueError("a date formula must not be empty (examples: 30D, 1M, CM+10D)")
    terms: list[tuple[int, str, bool]] = []
    position = 0
    while position < len(compact):
        match = _TERM.match(compact, position)
        if not match:
            raise ValueError(
                f'"{text}" is not a date formula at "{compact[position:]}" '
                "(examples: 30D, 2W, 1M, CM, CM+10D)"
            )
        sign, count, unit, end_unit = match.groups()
        if end_unit:
            terms.append((0, end_unit, True))
        else:
            terms.append(((-1 if sign == "-" else 1) * int(count), unit, False))
        position = match.end()
    return DateFormula(text=text, terms=tuple(terms))


def _shift(base: date, count: int, unit: str) -> date:
    if unit == "D":
        return base + timedelta(days=count)
    if unit == "W":
        return base + timedelta(weeks=count)
    months = {"M": 1, "Q": 3, "Y": 12}[unit] * count
    return base + relativedelta(months=months)


def _end_of(base: date, unit: str) -> date:
    if unit == "D":
        return base
    if unit == "W":
        return base + timedelta(days=6 - base.weekday())
    if unit == "M":
        return base + relativedelta(day=31)
    if unit == "Q":
        quarter_end_month = ((base.month - 1) // 3 + 1) * 3
        return base + relativedelta(month=quarter_end_month, day=31)
    return base + relativedelta(month=12, day=31)
