"""Which open entries of one party add up to a payment: a bounded subset-sum search.

The search counts its steps instead of timing itself, so a journal always gets the same answer
however busy the machine is. It stops at the second fitting subset: two different sets of invoices
that both explain a payment are an ambiguity to show the user, not a choice to make silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PER_SEARCH_STEPS = 50_000
"""No single line may spend more than this on one party, so one awkward line cannot starve the
rest of the journal of its budget."""


class StepBudget:
    """Search steps left for the whole journal."""

    def __init__(self, steps: int) -> None:
        self.left = max(0, steps)


@dataclass(frozen=True, slots=True)
class SubsetSearch:
    """Up to two fitting subsets (positions into the amounts given, ascending) and whether the
    search finished; an unfinished search proves nothing about uniqueness."""

    subsets: tuple[tuple[int, ...], ...]
    complete: bool
    steps: int

    @property
    def unique(self) -> tuple[int, ...] | None:
        return self.subsets[0] if self.complete and len(self.subsets) == 1 else None


class _Stop(Exception):
    """Raised inside the search when it has seen enough or spent its steps."""


def find_subsets(amounts: Sequence[int], low: int, high: int, budget: StepBudget) -> SubsetSearch:
    """Subsets of two or more of ``amounts`` (all > 0) whose sum lies in [``low``, ``high``]."""
    order = sorted(range(len(amounts)), key=lambda i: (-amounts[i], i))
    values = [amounts[i] for i in order]
    suffix = [0] * (len(values) + 1)
    for position in range(len(values) - 1, -1, -1):
        suffix[position] = suffix[position + 1] + values[position]
    limit = min(budget.left, PER_SEARCH_STEPS)
    found: list[tuple[int, ...]] = []
    steps = 0
    chosen: list[int] = []

    def visit(start: int, total: int) -> None:
        nonlocal steps
        steps += 1
        if steps > limit:
            raise _Stop
        if len(chosen) >= 2 and low <= total <= high:
            found.append(tuple(sorted(order[p] for p in chosen)))
            if len(found) >= 2:
                raise _Stop
        for position in range(start, len(values)):
            if total + suffix[position] < low:
                break  # even every remaining amount together falls short
            if total + values[position] > high:
                continue  # too big; a later, smaller amount may still fit
            chosen.append(position)
            visit(position + 1, total + values[position])
            chosen.pop()

    complete = True
    if len(values) >= 2 and high > 0:
        try:
            visit(0, 0)
        except _Stop:
            complete = len(found) >= 2
    spent = min(steps, limit)
    budget.left -= spent
    return SubsetSearch(tuple(found), complete, spent)
