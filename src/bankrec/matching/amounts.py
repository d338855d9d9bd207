"""Amounts: the tolerance window, what an entry is worth on a payment date, and a sorted index.

Window queries run on sorted arrays with ``bisect`` so that finding every open entry whose amount
fits a line costs O(log n), not a scan of the open-item ledger.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from typing import NamedTuple

from bankrec.domain.money import quantize, round_div
from bankrec.matching.model import Converter, EntryKey, OpenEntry, Settings


def tolerance_window(amount: int, settings: Settings) -> tuple[int, int]:
    """The amounts a line of ``amount`` may pay, inclusive (reference 5.4.4 and 13.3).

    A percentage window is taken on the amount and swapped for negative amounts; an absolute
    window is clamped so that it never crosses zero (a payment of 3.00 with tolerance 5.00
    never matches a credit of -2.00).
    """
    value = settings.tolerance_value
    if settings.tolerance_kind == "percent":
        factor = Decimal(value) / 100
        first = int(quantize(Decimal(amount) * (1 - factor), 0))
        second = int(quantize(Decimal(amount) * (1 + factor), 0))
        return min(first, second), max(first, second)
    width = abs(int(value))
    low, high = amount - width, amount + width
    if amount > 0:
        low = max(low, 0)
    elif amount < 0:
        high = min(high, 0)
    return low, high


def _toward_zero(amount: int, taken: int) -> int:
    """``amount`` less an already taken part of either sign, never past zero."""
    left = abs(amount) - abs(taken)
    if left <= 0:
        return 0
    return left if amount > 0 else -left


class Worth(NamedTuple):
    """An entry's value in bank currency on one day: all of it, and what closes it then.

    A named tuple rather than a frozen dataclass: one is made per entry and per look-up, and
    a frozen dataclass costs six times as much to build.
    """

    full: int
    applicable: int

    @property
    def discount(self) -> int:
        return self.full - self.applicable


class Valuation:
    """Turns entry amounts into bank-currency amounts, net of what fixed lines already took."""

    def __init__(
        self,
        settings: Settings,
        converter: Converter | None,
        reserved: Mapping[EntryKey, int],
    ) -> None:
        self.settings = settings
        self.converter = converter
        self.reserved = reserved
        self._rates: dict[tuple[str, date], Fraction] = {}

    def is_foreign(self, entry: OpenEntry) -> bool:
        """Whether the entry's bank value depends on the payment date (a converter is given)."""
        return (
            self.converter is not None
            and entry.currency not in ("", self.settings.bank_currency)
            and entry.remaining != 0
        )

    def static(self, entry: OpenEntry) -> Worth:
        """The value used for indexing: ``remaining_bank``, with any discount scaled to it."""
        taken = self.reserved.get((entry.ledger, entry.entry_no), 0) if self.reserved else 0
        full = _toward_zero(entry.remaining_bank, taken) if taken else entry.remaining_bank
        discount = entry.discount_possible
        if entry.remaining not in (0, entry.remaining_bank):
            discount = round_div(discount * entry.remaining_bank, entry.remaining)
        return Worth(full, _discounted(full, discount))

    def on(self, entry: OpenEntry, day: date) -> Worth:
        """The value on ``day``: converted at that day's rate, discount only until its date."""
        if not self.is_foreign(entry):
            worth = self.static(entry)
        else:
            assert self.converter is not None
            converted = self.converter(entry.remaining, entry.currency, day)
            full = _toward_zero(converted, self.reserved.get((entry.ledger, entry.entry_no), 0))
            discount = self.converter(entry.discount_possible, entry.currency, day)
            worth = Worth(full, _discounted(full, discount))
        if not discount_open(entry, day):
            return Worth(worth.full, worth.full)
        return worth

    def rate(self, currency: str, day: date) -> Fraction:
        """Bank units per entry unit on ``day``, as exact as the converter rounds."""
        key = (currency, day)
        if key not in self._rates:
            assert self.converter is not None
            scale = 10**12
            self._rates[key] = Fraction(self.converter(scale, currency, day), scale)
        return self._rates[key]

    def entry_window(self, currency: str, day: date, low: int, high: int) -> tuple[int, int]:
        """A bank-currency window expressed in ``currency`` (widened by a unit for rounding)."""
        rate = self.rate(currency, day)
        if rate <= 0:
            return (1, 0)
        return floor(Fraction(low) / rate) - 1, ceil(Fraction(high) / rate) + 1


def _discounted(full: int, discount: int) -> int:
    if discount == 0 or abs(discount) >= abs(full) or (discount > 0) != (full > 0):
        return full
    return full - discount


def discount_open(entry: OpenEntry, day: date) -> bool:
    """A payment discount is still available on ``day`` (reference 5.3)."""
    return (
        entry.discount_possible != 0
        and entry.discount_date is not None
        and day <= (entry.discount_date)
    )


class AmountIndex:
    """Sorted ``(amount, id)`` pairs answering "which ids lie in [low, high]" by bisection."""

    def __init__(self, pairs: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(pairs)
        self.amounts = [amount for amount, _ in ordered]
        self.ids = [target for _, target in ordered]

    def span(self, low: int, high: int) -> tuple[int, int]:
        return bisect_left(self.amounts, low), bisect_right(self.amounts, high)

    def count(self, low: int, high: int) -> int:
        start, stop = self.span(low, high)
        return stop - start

    def ids_in(self, low: int, high: int, cap: int) -> list[int] | None:
        """The ids in the window, or None when more than ``cap`` are (the caller only counts)."""
        start, stop = self.span(low, high)
        if stop - start > cap:
            return None
        return self.ids[start:stop]

    def nearest(self, value: int, k: int) -> list[int]:
        """Up to ``k`` ids on each side of ``value``, closest first (for near misses)."""
        position = bisect_left(self.amounts, value)
        below = range(position - 1, max(position - 1 - k, -1), -1)
        above = range(position, min(position + k, len(self.amounts)))
        chosen = sorted([*below, *above], key=lambda i: (abs(self.amounts[i] - value), self.ids[i]))
        return [self.ids[i] for i in chosen[:k]]
