"""Interest per entry, with every figure worked by hand in the comments.

Unless a test says otherwise: an invoice of 1000.00 (100000 cents) due 2026-03-01, terms of
1.5 % per 30 days, amounts in cents (2 decimals).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bankrec.domain.interest import (
    InterestLine,
    InterestRate,
    Movement,
    average_daily_balance_interest,
    balance_due_interest,
    entry_interest,
    rate_on,
)

DUE = date(2026, 3, 1)
RATE = Decimal("1.5")
INVOICE = Movement(date(2026, 2, 1), 100000)


def adb(
    movements: list[Movement],
    on: date,
    rates: list[InterestRate] | None = None,
    interest_start: date | None = None,
) -> list[InterestLine]:
    return entry_interest(
        "average-daily-balance", RATE, 30, rates or [], DUE, movements, 0, on, interest_start, 2
    )


def test_balance_due_charges_the_remaining_amount_once() -> None:
    # 1000.00 x 1.5 / 100 = 15.00, whatever the number of days (Mar 1 -> Apr 15 = 45 days).
    lines = entry_interest(
        "balance-due", RATE, 30, [], DUE, [INVOICE], 100000, date(2026, 4, 15), None, 2
    )
    assert lines == [InterestLine(DUE, date(2026, 4, 15), 45, Decimal("1.5"), 30, 100000, 1500)]


def test_balance_due_uses_the_rate_valid_on_the_document_date() -> None:
    # Dated rates: 2 % from Mar 1, 3 % from Apr 1; on Apr 15 the 3 % applies: 600.00 x 3 % = 18.00.
    rates = [
        InterestRate(date(2026, 3, 1), Decimal(2), 30),
        InterestRate(date(2026, 4, 1), Decimal(3), 30),
    ]
    lines = balance_due_interest(RATE, 30, rates, DUE, 60000, date(2026, 4, 15), 2)
    assert [(line.rate, line.base, line.interest) for line in lines] == [(Decimal(3), 60000, 1800)]


def test_average_daily_balance_whole_period() -> None:
    # 1000.00 for 30 days (Mar 1 -> Mar 31): 1000 x 30 / 30 = 1000.00 base; x 1.5 % = 15.00.
    assert adb([INVOICE], date(2026, 3, 31)) == [
        InterestLine(DUE, date(2026, 3, 31), 30, Decimal("1.5"), 30, 100000, 1500)
    ]


def test_average_daily_balance_partial_payment_mid_period() -> None:
    # 400.00 paid on Mar 11: 1000.00 x 10 days + 600.00 x 20 days = 22000 unit-days;
    # / 30 = 733.33 base; x 1.5 % = 11.00.
    lines = adb([INVOICE, Movement(date(2026, 3, 11), -40000)], date(2026, 3, 31))
    assert lines == [InterestLine(DUE, date(2026, 3, 31), 30, Decimal("1.5"), 30, 73333, 1100)]


def test_average_daily_balance_rate_change_splits_the_line() -> None:
    # Dated 1.5 % from Jan 1 and 2.4 % from Mar 16; 400.00 paid on Mar 11.
    # Mar 1 -> Mar 16 (15 days): 1000 x 15 - 400 x 5 = 13000 unit-days; / 30 = 433.33;
    #   x 1.5 % = 6.50.
    # Mar 16 -> Mar 31 (15 days): 600 x 15 = 9000; / 30 = 300.00; x 2.4 % = 7.20.
    rates = [
        InterestRate(date(2026, 1, 1), Decimal("1.5"), 30),
        InterestRate(date(2026, 3, 16), Decimal("2.4"), 30),
    ]
    lines = adb([INVOICE, Movement(date(2026, 3, 11), -40000)], date(2026, 3, 31), rates)
    assert lines == [
        InterestLine(DUE, date(2026, 3, 16), 15, Decimal("1.5"), 30, 43333, 650),
        InterestLine(date(2026, 3, 16), date(2026, 3, 31), 15, Decimal("2.4"), 30, 30000, 720),
    ]


def test_rate_periods_use_their_own_interest_period() -> None:
    # 12 % per 360 days from Mar 11: Mar 1 -> Mar 11 at 1.5 %/30: 1000 x 10 / 30 = 333.33
    # base, x 1.5 % = 5.00 (4.99995 rounds half up); Mar 11 -> Mar 31 at 12 %/360:
    # 1000 x 20 / 360 = 55.56 base, x 12 % = 6.67 (6.6667).
    rates = [InterestRate(date(2026, 3, 11), Decimal(12), 360)]
    lines = adb([INVOICE], date(2026, 3, 31), rates)
    assert [(line.days, line.period_days, line.base, line.interest) for line in lines] == [
        (10, 30, 33333, 500),
        (20, 360, 5556, 667),
    ]


def test_interest_start_floor_from_an_earlier_memo() -> None:
    # A memo dated Mar 31 already charged up to then: Mar 31 -> Apr 30 = 30 days only,
    # 1000 x 30 / 30 x 1.5 % = 15.00 (without the floor: 60 days, 30.00).
    floored = adb([INVOICE], date(2026, 4, 30), interest_start=date(2026, 3, 31))
    assert floored == [
        InterestLine(date(2026, 3, 31), date(2026, 4, 30), 30, Decimal("1.5"), 30, 100000, 1500)
    ]
    assert [line.interest for line in adb([INVOICE], date(2026, 4, 30))] == [3000]


def test_payment_before_the_floor_counts_from_the_floor() -> None:
    # 400.00 paid on Mar 20, floor Mar 31: both movements count from Mar 31 for 30 days:
    # (1000 - 400) x 30 / 30 x 1.5 % = 9.00.
    lines = adb(
        [INVOICE, Movement(date(2026, 3, 20), -40000)],
        date(2026, 4, 30),
        interest_start=date(2026, 3, 31),
    )
    assert [(line.base, line.interest) for line in lines] == [(60000, 900)]


def test_nothing_before_or_on_the_due_date() -> None:
    for on in (date(2026, 2, 20), DUE):
        assert adb([INVOICE], on) == []
        assert balance_due_interest(RATE, 30, [], DUE, 100000, on, 2) == []


def test_payment_on_the_due_date_leaves_nothing_to_charge() -> None:
    # Paid in full on Mar 1: +1000 and -1000 both count from Mar 1: 0 unit-days.
    assert adb([INVOICE, Movement(DUE, -100000)], date(2026, 3, 31)) == []


def test_movements_after_the_document_date_are_ignored() -> None:
    # A payment on Apr 5 is after the Mar 31 memo: the full 15.00 stands.
    lines = adb([INVOICE, Movement(date(2026, 4, 5), -100000)], date(2026, 3, 31))
    assert [line.interest for line in lines] == [1500]


def test_zero_decimal_currency_rounds_to_whole_units() -> None:
    # JPY 100001 for 30 days at 1.5 %: 1500.015 -> 1500.
    lines = average_daily_balance_interest(
        RATE, 30, [], DUE, [Movement(DUE, 100001)], date(2026, 3, 31), None, 0
    )
    assert [line.interest for line in lines] == [1500]


def test_rate_on_falls_back_to_the_terms_rate() -> None:
    rates = [InterestRate(date(2026, 5, 1), Decimal(4), 30)]
    assert rate_on(date(2026, 4, 30), RATE, 30, rates).rate == RATE
    assert rate_on(date(2026, 5, 1), RATE, 30, rates).rate == Decimal(4)


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="is not one of balance-due, average-daily-balance"):
        entry_interest("simple", RATE, 30, [], DUE, [INVOICE], 100000, DUE, None, 2)
