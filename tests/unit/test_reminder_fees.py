"""Reminder fees: fixed, single dynamic and accumulated dynamic, worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.domain.reminder_fees import (
    FeeCalculation,
    FeeRule,
    FeeTier,
    accumulated_dynamic,
    reminder_fee,
    single_dynamic,
)

D = Decimal
USD_RATE = D("0.90")  # local currency per dollar


def to_lcy(amount: Decimal) -> Decimal:
    return amount * USD_RATE


def from_lcy(amount: Decimal) -> Decimal:
    return amount / USD_RATE


SINGLE_TIERS = (
    FeeTier(threshold=D("1000"), amount=D("20"), pct=D("5"), maximum=D("60")),
    FeeTier(threshold=D("0"), amount=D("5")),
    FeeTier(threshold=D("100"), amount=D("10"), pct=D("2"), minimum=D("15")),
)
ACCUMULATED_TIERS = (
    FeeTier(threshold=D("0"), amount=D("1"), pct=D("10")),
    FeeTier(threshold=D("100"), amount=D("2"), pct=D("5")),
    FeeTier(threshold=D("500"), amount=D("3"), pct=D("1"), maximum=D("5")),
)


def fee(rule: FeeRule, remaining: str, in_lcy: bool = True) -> Decimal:
    return reminder_fee(rule, D(remaining), 2, to_lcy, from_lcy, in_lcy)


def test_fixed_fee_is_the_level_amount() -> None:
    rule = FeeRule(FeeCalculation.FIXED, fixed_lcy=D("7.5"))
    assert str(fee(rule, "1234.56")) == "7.50"


def test_fixed_fee_of_a_foreign_currency_reminder_is_converted_from_local() -> None:
    rule = FeeRule(FeeCalculation.FIXED, fixed_lcy=D("5"))
    # 5.00 EUR / 0.90 = 5.5555... USD
    assert str(fee(rule, "100", in_lcy=False)) == "5.56"


@pytest.mark.parametrize(
    ("remaining", "expected"),
    [
        ("50", "5.00"),  # only the 0 tier: 5 + 50 * 0 %
        ("99.99", "5.00"),
        ("200", "15.00"),  # 10 + 200 * 2 % = 14, raised to the minimum 15
        ("600", "22.00"),  # 10 + 600 * 2 % = 22
        ("333.33", "16.67"),  # 10 + 6.6666 = 16.6666, rounded half up
        ("1000", "60.00"),  # 20 + 1000 * 5 % = 70, cut to the maximum 60
        ("700", "24.00"),  # 10 + 14
    ],
)
def test_single_dynamic_takes_the_highest_tier_reached(remaining: str, expected: str) -> None:
    rule = FeeRule(FeeCalculation.SINGLE_DYNAMIC, D(0), tiers=SINGLE_TIERS)
    assert str(fee(rule, remaining)) == expected


def test_single_dynamic_below_every_threshold_is_no_fee() -> None:
    tiers = (FeeTier(threshold=D("10"), amount=D("3")),)
    assert single_dynamic(tiers, D("9.99")) == 0
    assert single_dynamic(tiers, D("10")) == D("3")


def test_minimum_applies_after_the_maximum() -> None:
    tier = FeeTier(threshold=D(0), amount=D("100"), minimum=D("30"), maximum=D("20"))
    assert tier.clamp(D("100")) == D("30")


@pytest.mark.parametrize(
    ("remaining", "expected"),
    [
        # 500 tier: 3 + 700 * 1 % = 10 -> max 5; 100 tier: 2 + 400 * 5 % = 22;
        # 0 tier: 1 + 100 * 10 % = 11. 5 + 22 + 11 = 38.
        ("1200", "38.00"),
        # 100 tier: 2 + 200 * 5 % = 12; 0 tier: 1 + 100 * 10 % = 11.
        ("300", "23.00"),
        # 0 tier only: 1 + 4.5 = 5.5
        ("45", "5.50"),
        # 500 tier: 3 + 0 = 3; 100 tier: 2 + 20 = 22; 0 tier: 11.
        ("500", "36.00"),
    ],
)
def test_accumulated_dynamic_prices_each_band_once(remaining: str, expected: str) -> None:
    rule = FeeRule(FeeCalculation.ACCUMULATED_DYNAMIC, D(0), tiers=ACCUMULATED_TIERS)
    assert str(fee(rule, remaining)) == expected


def test_accumulated_dynamic_unrounded_sum() -> None:
    assert accumulated_dynamic(ACCUMULATED_TIERS, D("1200")) == D("38")


def test_foreign_currency_without_own_tiers_uses_local_tiers_and_converts_back() -> None:
    rule = FeeRule(FeeCalculation.SINGLE_DYNAMIC, D(0), lcy_tiers=SINGLE_TIERS)
    # 600 USD = 540 EUR -> 10 + 540 * 2 % = 20.80 EUR -> 20.80 / 0.90 = 23.111 USD
    assert str(fee(rule, "600", in_lcy=False)) == "23.11"


def test_foreign_currency_with_own_tiers_uses_them_directly() -> None:
    usd_tiers = (FeeTier(threshold=D("0"), amount=D("4"), pct=D("1")),)
    rule = FeeRule(FeeCalculation.SINGLE_DYNAMIC, D(0), tiers=usd_tiers, lcy_tiers=SINGLE_TIERS)
    assert str(fee(rule, "600", in_lcy=False)) == "10.00"  # 4 + 6


def test_zero_decimal_currency_rounds_to_whole_units() -> None:
    rule = FeeRule(FeeCalculation.SINGLE_DYNAMIC, D(0), tiers=SINGLE_TIERS)
    assert str(reminder_fee(rule, D("625"), 0, to_lcy, from_lcy, True)) == "23"  # 22.5 up
