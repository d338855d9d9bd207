"""Applying one open entry to others: how much each closes, with discount and tolerance.

Everything here works in integer minor units of the one currency the entries share. Signs follow
the ledger: a customer invoice is positive and its payment negative; a vendor invoice negative
and its payment positive. The applying entry and its targets always have opposite signs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bankrec.domain.money import allocate, round_div


@dataclass(frozen=True)
class OpenItem:
    """What the application needs to know of one open customer or vendor entry."""

    entry_no: int
    posting_date: date
    remaining: int
    remaining_lcy: int
    discount_date: date | None = None
    discount_remaining: int = 0
    max_tolerance: int = 0


@dataclass(frozen=True)
class EntryChange:
    """The signed reductions one application makes to one entry, in the entry's currency."""

    entry_no: int
    applied: int
    discount: int = 0
    tolerance: int = 0

    @property
    def total(self) -> int:
        return self.applied + self.discount + self.tolerance


@dataclass(frozen=True)
class ApplicationPlan:
    """All changes of one application: the applying entry's and each target's."""

    applying: EntryChange
    targets: tuple[EntryChange, ...]


def _sign(value: int) -> int:
    return -1 if value < 0 else 1


def discount_allowed(item: OpenItem, on: date) -> int:
    """The discount (absolute, minor units) still available when paying ``item`` on ``on``."""
    if item.discount_date is None or on > item.discount_date:
        return 0
    return abs(item.discount_remaining)


def plan_application(
    applying: OpenItem, targets: list[OpenItem], on: date, amount_limit: int | None = None
) -> ApplicationPlan:
    """Apply ``applying`` to ``targets`` in the order given.

    Each target closes when the money left covers its remaining amount less any discount still
    allowed on ``on``; otherwise it takes what is left and stays open. A shortfall on the last
    target that is within its payment tolerance closes it with a tolerance amount, and so does an
    overpayment within that tolerance on the applying entry. ``amount_limit`` caps the money
    applied (absolute) below the applying entry's remaining amount.
    """
    available = abs(applying.remaining)
    if amount_limit is not None:
        available = min(available, amount_limit)
    changes: list[EntryChange] = []
    last_index: int | None = None
    for target in targets:
        remaining = abs(target.remaining)
        discount = discount_allowed(target, on)
        if discount and available >= remaining - discount:
            applied, taken = remaining - discount, discount
        else:
            applied, taken = min(available, remaining), 0
        available -= applied
        sign = -_sign(target.remaining)
        changes.append(EntryChange(target.entry_no, sign * applied, sign * taken))
        if applied or taken:
            last_index = len(changes) - 1
    applying_tolerance = 0
    if last_index is not None:
        target, change = targets[last_index], changes[last_index]
        shortfall = abs(target.remaining) - abs(change.total)
        if available == 0 and 0 < shortfall <= abs(target.max_tolerance):
            changes[last_index] = EntryChange(
                change.entry_no,
                change.applied,
                change.discount,
                -_sign(target.remaining) * shortfall,
            )
        elif shortfall == 0 and 0 < available <= abs(target.max_tolerance):
            all_closed = all(
                abs(t.remaining) == abs(c.total) for t, c in zip(targets, changes, strict=True)
            )
            if all_closed and amount_limit is None:
                applying_tolerance = available
    applied_total = sum(abs(c.applied) for c in changes)
    applying_sign = -_sign(applying.remaining)
    return ApplicationPlan(
        applying=EntryChange(
            applying.entry_no, applying_sign * applied_total, 0, applying_sign * applying_tolerance
        ),
        targets=tuple(changes),
    )


def lcy_share(item: OpenItem, reduction: int) -> int:
    """The local-currency part of reducing ``item`` by ``reduction`` (entry currency, signed).

    Closing the entry takes exactly its remaining local amount, so repeated partial applications
    never leave a rounding cent behind; a partial reduction takes its proportional share.
    """
    if reduction == -item.remaining:
        return -item.remaining_lcy
    if item.remaining == 0:
        return 0
    return round_div(item.remaining_lcy * reduction, item.remaining)


def split_lcy(lcy_total: int, parts: list[int]) -> list[int]:
    """Split a local amount over the entry-currency parts of one change, keeping the total."""
    nonzero = [p for p in parts if p]
    if not nonzero:
        return [0 for _ in parts]
    shares = iter(allocate(lcy_total, [abs(p) for p in nonzero]))
    return [next(shares) if p else 0 for p in parts]
