"""Reminder fees: the additional fee of a reminder and the line fee of each overdue entry.

Business Central reminder levels (t 293) price a fee one of three ways:

- ``fixed``: the level's amount, in local currency (converted for a foreign-currency reminder);
- ``single-dynamic``: tiers are read from the highest threshold down; the first tier whose
  threshold the remaining amount reaches gives ``amount + remaining * pct / 100``, clamped to
  its maximum (when the maximum is not 0) and then to its minimum;
- ``accumulated-dynamic``: every tier the remaining amount reaches adds
  ``amount + (remaining - threshold) * pct / 100``, clamped the same way; the part above each
  threshold is priced once, so remaining drops to that threshold before the next tier.

Without tiers of the reminder's own currency, BC prices the remaining amount converted to
local currency on the local-currency tiers and converts the fee back; the caller passes both
conversions. The result is rounded once, to the currency's decimals, with the project rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bankrec.domain.money import quantize

Conversion = Callable[[Decimal], Decimal]
"""An amount in one currency to its value in another (rounding is left to the caller)."""


class FeeCalculation(StrEnum):
    FIXED = "fixed"
    SINGLE_DYNAMIC = "single-dynamic"
    ACCUMULATED_DYNAMIC = "accumulated-dynamic"


@dataclass(frozen=True)
class FeeTier:
    """From ``threshold`` remaining on: ``amount`` plus ``pct`` % of the remaining amount."""

    threshold: Decimal
    amount: Decimal
    pct: Decimal = Decimal(0)
    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)
    """0: no maximum."""

    def clamp(self, fee: Decimal) -> Decimal:
        if self.maximum > 0 and fee > self.maximum:
            fee = self.maximum
        return max(fee, self.minimum)


@dataclass(frozen=True)
class FeeRule:
    """How one level prices one kind of fee (the reminder's, or each line's)."""

    calculation: FeeCalculation
    fixed_lcy: Decimal
    """The level's amount in local currency, used by ``fixed``."""
    tiers: Sequence[FeeTier] = ()
    """Tiers in the reminder's currency; empty when that currency has none."""
    lcy_tiers: Sequence[FeeTier] = ()
    """Local-currency tiers, the fallback for a currency without its own."""


def single_dynamic(tiers: Sequence[FeeTier], remaining: Decimal) -> Decimal:
    """The fee of the highest tier ``remaining`` reaches; 0 when it reaches none."""
    for tier in _highest_first(tiers):
        if remaining >= tier.threshold:
            return tier.clamp(tier.amount + remaining * tier.pct / 100)
    return Decimal(0)


def accumulated_dynamic(tiers: Sequence[FeeTier], remaining: Decimal) -> Decimal:
    """The sum over the tiers ``remaining`` reaches, each pricing only the part above it."""
    total = Decimal(0)
    for tier in _highest_first(tiers):
        if remaining >= tier.threshold:
            total += tier.clamp(tier.amount + (remaining - tier.threshold) * tier.pct / 100)
            remaining = tier.threshold
    return total


def reminder_fee(
    rule: FeeRule,
    remaining: Decimal,
    decimals: int,
    to_lcy: Conversion,
    from_lcy: Conversion,
    in_lcy: bool,
) -> Decimal:
    """The fee on ``remaining`` (in the reminder's currency), rounded to ``decimals``.

    ``in_lcy`` says that the reminder's currency is the local currency, so no conversion
    applies.
    """
    if rule.calculation is FeeCalculation.FIXED:
        fee = rule.fixed_lcy if in_lcy else from_lcy(rule.fixed_lcy)
        return quantize(fee, decimals)
    price = (
        single_dynamic if rule.calculation is FeeCalculation.SINGLE_DYNAMIC else accumulated_dynamic
    )
    if rule.tiers or in_lcy:
        fee = price(rule.tiers or rule.lcy_tiers, remaining)
    else:
        fee = from_lcy(price(rule.lcy_tiers, to_lcy(remaining)))
    return quantize(fee, decimals)


def _highest_first(tiers: Sequence[FeeTier]) -> list[FeeTier]:
    return sorted(tiers, key=lambda tier: tier.threshold, reverse=True)
