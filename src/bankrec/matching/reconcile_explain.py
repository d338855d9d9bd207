"""Why a line was left unmatched, which entries came closest and why each failed; tie reasons.

A bookkeeper reading an unmatched line sees up to three entries, best first: entries the line
names by reference, then entries of exactly its amount, then the entries of its sign within the
date tolerance nearest in amount. Each carries the first reason it failed, in words: "posted 9
days before the line (tolerance 5)", "check 1858 on the line, the entry is check 1857", "amount
differs by 20.00", "taken by line 4 with a check-number match".
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from bankrec.domain.money import format_minor
from bankrec.matching.reconcile_book import REF_POINTS, LineFacts, RecBook, Ref
from bankrec.matching.reconcile_model import RecNear, RecSettings, RecTie, RecUnmatched
from bankrec.matching.reconcile_pairs import PairFacts

NEAR = 3
NEAREST_STEPS = 200
"""Entries looked at, outward from the line's amount, for the nearest amounts in the window."""

TieKind = Literal["assignment", "amount", "group", "undecided"]


def numbers(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)


def tie_reason(
    kind: TieKind,
    lines: Sequence[LineFacts],
    book: RecBook,
    entries: Sequence[int],
    settings: RecSettings,
) -> str:
    """Why the lines and entries of a tie were left for the user."""
    decimals = settings.currency_decimals
    amounts = sorted({f.line.amount for f in lines} | {book.entries[i].amount for i in entries})
    shown = ", ".join(format_minor(a, decimals) for a in amounts)
    who = (
        f"lines {numbers([f.line.line_no for f in lines])} and entries "
        f"{numbers([book.entries[i].entry_no for i in entries])}"
    )
    if kind == "amount":
        return (
            f"{who} all have the amount {shown} within {settings.days} days, and no reference "
            "or description tells them apart; none is matched"
        )
    if kind == "group":
        return (
            f"{who}: more than one set adds up to the same amount, or two sets would share a "
            "line or an entry; none is matched"
        )
    if kind == "undecided":
        return f"{who}: too many lines compete for the same entries to decide; none is matched"
    return (
        f"{who} fit each other equally well in more than one way (amounts {shown}); none is matched"
    )


def nearest_amounts(book: RecBook, amount: int, day: int | None, days: int, k: int) -> list[int]:
    """Up to ``k`` entries of the sign of ``amount`` posted within ``days`` of ``day`` (any day
    if None), nearest in amount first; walks outward from ``amount``, at most ``NEAREST_STEPS``
    entries."""
    index = book.amount_index[1 if amount > 0 else -1]
    amounts, ids = index.amounts, index.ids
    right = bisect_left(amounts, amount)
    left = right - 1
    found: list[int] = []
    for _ in range(NEAREST_STEPS):
        if len(found) == k or (left < 0 and right >= len(amounts)):
            break
        if right >= len(amounts) or (
            left >= 0
            and (amount - amounts[left], ids[left]) <= (amounts[right] - amount, ids[right])
        ):
            target, left = ids[left], left - 1
        else:
            target, right = ids[right], right + 1
        if day is None or abs(day - book.facts[target].day) <= days:
            found.append(target)
    return found


class NearFinder:
    """Near misses and the reason of an unmatched line."""

    def __init__(
        self,
        book: RecBook,
        settings: RecSettings,
        pair: Callable[[int, int], PairFacts],
        refs: Mapping[int, Mapping[int, Ref]],
        taken: Mapping[int, str],
        tied: Mapping[int, RecTie],
    ) -> None:
        self.book = book
        self.settings = settings
        self.pair = pair
        self.refs = refs
        self.taken = taken
        self.tied = tied

    def unmatched(
        self, position: int, facts: LineFacts, tie: RecTie | None, hint: str = ""
    ) -> RecUnmatched:
        line = facts.line
        if line.amount == 0:
            return RecUnmatched(line.line_no, "the line amount is zero", ())
        near = tuple(self.near(position, facts))
        reason = tie.reason if tie is not None else self._reason(facts, near)
        return RecUnmatched(line.line_no, f"{reason}; {hint}" if hint else reason, near)

    def _reason(self, facts: LineFacts, near: tuple[RecNear, ...]) -> str:
        amount = format_minor(facts.line.amount, self.settings.currency_decimals)
        within = (
            f"within {self.settings.days} days"
            if facts.day is not None
            else "(the line has no date)"
        )
        same = self.book.of_amount(facts.line.amount, facts.day, self.settings.days)
        if same:
            return f"every open entry of {amount} {within} is taken or blocked"
        if near:
            return f"no open entry of {amount} {within}; nearest is entry {near[0].entry_no}"
        return f"no open entry of the same sign {within}"

    def near(self, position: int, facts: LineFacts) -> list[RecNear]:
        chosen: list[int] = []
        for index in self._candidates(position, facts):
            if index not in chosen:
                chosen.append(index)
            if len(chosen) == NEAR:
                break
        return [
            RecNear(self.book.entries[i].entry_no, self.reason(self.pair(position, i)))
            for i in chosen
        ]

    def _candidates(self, position: int, facts: LineFacts) -> list[int]:
        refs = self.refs.get(position, {})

        def distance(index: int) -> int:
            return 0 if facts.day is None else abs(facts.day - self.book.facts[index].day)

        named = sorted(refs, key=lambda i: (-REF_POINTS[refs[i].kind], distance(i), i))
        exact = sorted(
            self.book.of_amount(facts.line.amount, None, 0), key=lambda i: (distance(i), i)
        )[:NEAR]
        return [*named, *exact, *self._nearest_amounts(facts), *self._opposite(facts)]

    def _nearest_amounts(self, facts: LineFacts) -> list[int]:
        """Entries of the line's sign within the window, nearest in amount."""
        return nearest_amounts(self.book, facts.line.amount, facts.day, self.settings.days, NEAR)

    def _opposite(self, facts: LineFacts) -> list[int]:
        """Entries of the same size but the other sign within the window (a sign error)."""
        return self.book.of_amount(-facts.line.amount, facts.day, self.settings.days)[:NEAR]

    def reason(self, pair: PairFacts) -> str:
        """The first reason this entry is not the line's match."""
        index = pair.index
        if pair.blocked:
            return self._with_amount(pair.blocked, pair)
        if index in self.taken:
            return self.taken[index]
        tie = self.tied.get(index)
        if tie is not None:
            return (
                f"tied: lines {numbers(tie.line_nos)} and entries {numbers(tie.entry_nos)} "
                "cannot be told apart"
            )
        if pair.fit == "differs":
            return self._with_amount("", pair)
        if pair.fit == "close":
            return "the reference fits but the match was not chosen"
        return "the amount alone is not unique within the date tolerance"

    def _with_amount(self, reason: str, pair: PairFacts) -> str:
        gap = abs(pair.line.line.amount - pair.entry.entry.amount)
        parts = [reason] if reason else []
        if pair.ref is not None and gap:
            parts.append(pair.ref.sentence)
        if gap:
            parts.append(f"amount differs by {format_minor(gap, self.settings.currency_decimals)}")
        return "; ".join(parts) or "amount equal"
