"""Interest on one overdue customer entry, as Business Central's finance charge terms compute it.

Two methods (table 5 "Interest Calculation Method", codeunit/table 303 ``CalcFinChrg``):

- **balance due**: interest = remaining amount x rate / 100, at the rate valid on the document
  date, charged whenever a memo is made on the entry;
- **average daily balance**: every change of the entry's remaining amount (its detailed rows)
  counts for the days from when it took effect (the due date for the initial amount, the
  posting date for later changes, never before the interest-start floor) to the document date:
  interest = sum(amount x days) / interest period x rate / 100.

Dated rates (table "Finance Charge Interest Rate") split the days into rate periods; each period
is priced at its own rate and interest period and becomes one ``InterestLine``. Amounts are
integer minor units of the entry's currency; interest is rounded once per line with the
project rounding mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from bankrec.domain.money import quantize

BALANCE_DUE = "balance-due"
AVERAGE_DAILY_BALANCE = "average-daily-balance"
METHODS = (BALANCE_DUE, AVERAGE_DAILY_BALANCE)


@dataclass(frozen=True)
class InterestRate:
    """A rate valid from ``start_date`` on: ``rate`` percent per ``period_days`` days."""

    start_date: date
    rate: Decimal
    period_days: int


@dataclass(frozen=True)
class Movement:
    """A signed change of the entry's remaining amount (minor units); the first is the initial
    amount of the entry."""

    posting_date: date
    amount: int


@dataclass(frozen=True)
class InterestLine:
    """Interest for ``days`` days from ``period_start`` to ``period_end`` (exclusive).

    ``base``: the remaining amount (balance due), or the sum of amount x days divided by the
    interest period (average daily balance), as Business Central shows it.
    """

    period_start: date
    period_end: date
    days: int
    rate: Decimal
    period_days: int
    base: int
    interest: int


def rate_on(
    day: date, terms_rate: Decimal, terms_period_days: int, rates: Sequence[InterestRate]
) -> InterestRate:
    """The dated rate starting on or before ``day`` (the latest), else the terms' own rate."""
    valid = [r for r in rates if r.start_date <= day]
    if valid:
        return max(valid, key=lambda r: r.start_date)
    return InterestRate(date.min, terms_rate, terms_period_days)


def _round(amount: Decimal, decimals: int) -> int:
    """Round ``amount`` of minor units to the currency's precision, still in minor units."""
    return int(quantize(amount.scaleb(-decimals), decimals).scaleb(decimals))


def balance_due_interest(
    terms_rate: Decimal,
    terms_period_days: int,
    rates: Sequence[InterestRate],
    due_date: date,
    remaining: int,
    document_date: date,
    decimals: int,
) -> list[InterestLine]:
    """One line: the remaining amount times the rate valid on the document date."""
    if document_date <= due_date or remaining <= 0:
        return []
    rate = rate_on(document_date, terms_rate, terms_period_days, rates)
    interest = _round(Decimal(remaining) * rate.rate / 100, decimals)
    days = (document_date - due_date).days
    return [
        InterestLine(
            due_date, document_date, days, rate.rate, rate.period_days, remaining, interest
        )
    ]


def _starts(
    due_date: date, movements: Sequence[Movement], interest_start: date | None
) -> list[tuple[date, int]]:
    """When each movement starts to count, floored at the due date and the interest start."""
    floor = max(due_date, interest_start) if interest_start else due_date
    result: list[tuple[date, int]] = []
    for index, movement in enumerate(movements):
        begins = due_date if index == 0 else movement.posting_date
        result.append((max(begins, floor), movement.amount))
    return result


def _rate_periods(
    start: date,
    end: date,
    terms_rate: Decimal,
    terms_period_days: int,
    rates: Sequence[InterestRate],
) -> list[tuple[date, date, InterestRate]]:
    """[start, end) cut at every dated rate that starts inside it."""
    cuts = sorted({r.start_date for r in rates if start < r.start_date < end})
    bounds = [start, *cuts, end]
    return [(a, b, rate_on(a, terms_rate, terms_period_days, rates)) for a, b in pairwise(bounds)]


def average_daily_balance_interest(
    terms_rate: Decimal,
    terms_period_days: int,
    rates: Sequence[InterestRate],
    due_date: date,
    movements: Sequence[Movement],
    document_date: date,
    interest_start: date | None,
    decimals: int,
) -> list[InterestLine]:
    """One line per rate period in which the entry carried a positive day-weighted balance."""
    counted = [
        (start, amount)
        for start, amount in _starts(
            due_date, [m for m in movements if m.posting_date <= document_date], interest_start
        )
        if start < document_date
    ]
    if not counted:
        return []
    first = min(start for start, _ in counted)
    lines: list[InterestLine] = []
    for begin, end, rate in _rate_periods(
        first, document_date, terms_rate, terms_period_days, rates
    ):
        cumulative = sum(
            amount * max(0, (end - max(start, begin)).days) for start, amount in counted
        )
        if cumulative <= 0:
            continue
        per_period = Decimal(cumulative) / rate.period_days
        lines.append(
            InterestLine(
                period_start=begin,
                period_end=end,
                days=(end - begin).days,
                rate=rate.rate,
                period_days=rate.period_days,
                base=int(quantize(per_period, 0)),
                interest=_round(per_period * rate.rate / 100, decimals),
            )
        )
    return lines


def entry_interest(
    method: str,
    terms_rate: Decimal,
    terms_period_days: int,
    rates: Sequence[InterestRate],
    due_date: date,
    movements: Sequence[Movement],
    remaining: int,
    document_date: date,
    interest_start: date | None,
    decimals: int,
) -> list[InterestLine]:
    """Interest lines of one entry by ``method`` (``balance-due`` or ``average-daily-balance``)."""
    if method == BALANCE_DUE:
        return balance_due_interest(
            terms_rate, terms_period_days, rates, due_date, remaining, document_date, decimals
        )
    if method == AVERAGE_DAILY_BALANCE:
        return average_daily_balance_interest(
            terms_rate,
            terms_period_days,
            rates,
            due_date,
            movements,
            document_date,
            interest_start,
            decimals,
        )
    raise ValueError(f'interest method "{method}" is not one of {", ".join(METHODS)}')
