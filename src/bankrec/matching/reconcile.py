"""Bank account reconciliation matching: statement lines to existing bank ledger entries.

``reconcile`` proposes, for a whole statement, which lines close which open bank ledger entries
of the bank (Business Central's "Match Automatically", reference 4.4, made safer: references
first, no amount-only match unless the amount is unique, ties flagged instead of crossed, and
one-to-many and many-to-one groups found by subset sums). ``rank_entries`` ranks the entries one
line could be matched to by hand, with the gates off. Both are pure: the service layer loads the
entries and passes them in. See ``reconcile_run`` for the phases and ``reconcile_pairs`` for how a
pair is scored.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping, Sequence

from bankrec.domain.money import format_minor
from bankrec.matching.engine import collector_paused
from bankrec.matching.reconcile_book import LineFacts, RecBook, Ref, check_conflict, line_facts
from bankrec.matching.reconcile_focus import focus
from bankrec.matching.reconcile_groups import Group, GroupFinder
from bankrec.matching.reconcile_model import (
    CandidateConfidence,
    LedgerEntry,
    MatchKind,
    RecCandidate,
    RecConfidence,
    RecLine,
    RecMatch,
    RecNear,
    RecResult,
    RecSettings,
    RecTie,
    RecUnmatched,
)
from bankrec.matching.reconcile_pairs import PairFacts, band_of, evaluate, pair_details, score_of
from bankrec.matching.reconcile_report import group_match
from bankrec.matching.reconcile_run import Run
from bankrec.matching.subsets import StepBudget

__all__ = [
    "CandidateConfidence",
    "LedgerEntry",
    "MatchKind",
    "RecCandidate",
    "RecConfidence",
    "RecLine",
    "RecMatch",
    "RecNear",
    "RecResult",
    "RecSettings",
    "RecTie",
    "RecUnmatched",
    "rank_entries",
    "reconcile",
]


def reconcile(
    lines: Sequence[RecLine],
    entries: Sequence[LedgerEntry],
    settings: RecSettings,
    fixed_entries: Collection[int] = (),
) -> RecResult:
    """Propose matches for the statement lines against the open bank ledger entries.

    ``fixed_entries`` are entries already matched by hand (the service passes only the other
    lines); they are never candidates. The result is the same whatever the order of the inputs.
    """
    with collector_paused():
        return Run(lines, entries, settings, fixed_entries).result()


def rank_entries(
    line: RecLine,
    entries: Sequence[LedgerEntry],
    settings: RecSettings,
    limit: int = 10,
    fixed_entries: Collection[int] = (),
) -> tuple[RecCandidate, ...]:
    """The entries (and a set of entries adding up to the line, if one is unique) that one line
    could be matched to, best first, with the gates off: an entry outside the date tolerance or
    with another check number is ranked too, and ``blocked_reason`` says what stops it.

    Only the entries the line could select are indexed (``reconcile_focus``), so one ranking
    against 12,000 entries takes some tens of milliseconds.
    """
    if line.amount == 0 or limit <= 0:
        return ()
    with collector_paused():
        facts = line_facts(line)
        book = RecBook(focus(facts, entries, settings, 2 * limit), fixed_entries)
        refs = book.named_by(facts)
        window = [
            i
            for i in book.of_amount(line.amount, facts.day, settings.days)
            if book.usable[i] and not check_conflict(facts, book.facts[i].check)
        ]
        ranked: list[tuple[tuple[int, int, tuple[int, ...]], RecCandidate]] = []
        for index in sorted(_shortlist(book, facts.day, line.amount, refs, settings, limit)):
            pair = evaluate(
                facts, book.facts[index], index, refs.get(index), settings, not book.usable[index]
            )
            unique = pair.fit == "equal" and window == [index]
            ranked.append(_candidate(pair, unique, len(window), settings))
        usable = {i for i in range(len(book.entries)) if book.usable[i]}
        budget = StepBudget(settings.subset_budget_steps)
        finder = GroupFinder(book, [facts], {0: refs}, {0}, usable, settings, budget)
        ranked += _group_candidates(finder.for_line(0), facts, book, refs, settings)
        ranked.sort(key=lambda item: item[0])
        return tuple(candidate for _, candidate in ranked[:limit])


def _group_candidates(
    found: tuple[Group, ...],
    facts: LineFacts,
    book: RecBook,
    refs: Mapping[int, Ref],
    settings: RecSettings,
) -> list[tuple[tuple[int, int, tuple[int, ...]], RecCandidate]]:
    """Sets of entries adding up to the line; blocked when another set fits too, or when the
    set may be chance."""
    ranked = []
    for group in found:
        match = group_match(group, [facts], book, {0: refs}, settings)
        blocked = ""
        if len(found) > 1:
            blocked = "another set of entries adds up to the line as well"
        elif not group.plausible:
            blocked = "among so many nearby amounts this set may add up by chance"
        candidate = RecCandidate(
            match.entry_nos, match.score, match.confidence, match.details, blocked
        )
        ranked.append(((-match.score, 0, match.entry_nos), candidate))
    return ranked


def _shortlist(
    book: RecBook,
    day: int | None,
    amount: int,
    refs: Collection[int],
    settings: RecSettings,
    limit: int,
) -> set[int]:
    """Entries worth ranking: named by the line, of its amount (any date), nearest in amount
    (any date, and within the tolerance); each list cut at ``2 * limit`` in a total order, so
    the shortlist of the focused entries is the shortlist of all."""
    count = 2 * limit

    def distance(index: int) -> int:
        return 0 if day is None else abs(day - book.facts[index].day)

    def gap(index: int) -> tuple[int, int]:
        return abs(book.entries[index].amount - amount), index

    sign = 1 if amount > 0 else -1
    same_sign = [i for i, f in enumerate(book.facts) if f.sign == sign]
    window = same_sign if day is None else book.of_sign(sign, day, settings.days)
    found = set(refs)
    found.update(
        heapq.nsmallest(count, book.of_amount(amount, None, 0), key=lambda i: (distance(i), i))
    )
    found.update(heapq.nsmallest(count, same_sign, key=gap))
    found.update(heapq.nsmallest(count, window, key=gap))
    return found


def _candidate(
    pair: PairFacts, unique: bool, same_amount: int, settings: RecSettings
) -> tuple[tuple[int, int, tuple[int, ...]], RecCandidate]:
    band = band_of(pair, unique, settings)
    score = score_of(pair, band, unique)
    details = pair_details(pair, unique, settings.similarity_threshold, settings.currency_decimals)
    blocked = pair.blocked or _why_not(pair, band, same_amount, settings)
    entry_no = pair.entry.entry.entry_no
    candidate = RecCandidate((entry_no,), score, band, tuple(details), blocked)
    return (-score, abs(pair.days or 0), (entry_no,)), candidate


def _why_not(
    pair: PairFacts, band: CandidateConfidence, same_amount: int, settings: RecSettings
) -> str:
    if band != "none":
        return ""
    gap = format_minor(
        abs(pair.line.line.amount - pair.entry.entry.amount), settings.currency_decimals
    )
    if pair.fit == "differs" and pair.ref is not None:
        return f"amount differs by {gap}: too far for a match on the reference"
    if pair.fit == "differs":
        return f"amount differs by {gap}"
    return (
        f"{same_amount} entries have this amount within the date tolerance and nothing else "
        "tells them apart: the amount alone does not identify the entry"
    )
