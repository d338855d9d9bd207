"""Several entries for one line, several lines for one entry: bounded subset sums.

Business Central's auto-match never proposes these; a deposit of three checks, or a payment run
posted as one entry that the bank shows as separate debits, must be matched by hand (reference
4.4.4, 14). Here, after the one-to-one pass, each line still open is compared with the open
entries of its sign posted within the date tolerance (the ``subset_max_entries`` nearest by date)
for a set of two or more that adds up to it exactly; likewise each open entry with the open lines.
The search (``subsets.find_subsets``) counts its steps against one budget for the whole run, so
the same statement always gives the same answer. Only a unique set is proposed: two different
fitting sets, or two proposals that would share a line or an entry, are a tie for the user.

Entries (or lines) that the line names by check or document number come first in the pool.
A set that no reference supports must also be unlikely to add up by chance. Among many nearby
amounts some set often does: on a busy account (80 lines a day) one search in a hundred finds
a set of five or six small amounts adding up to an unrelated figure to the cent. The chance is
estimated as the number of sets of that size among the candidates up to the deepest member,
divided by the spread of amounts a target could have had (twice its size, in minor units). Above
``CHANCE_LIMIT`` the set is not proposed; the line says that a set adds up, for the user to
judge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import comb
from typing import Literal

from bankrec.matching.reconcile_book import (
    DateIndex,
    LineFacts,
    RecBook,
    Ref,
    check_key,
)
from bankrec.matching.reconcile_model import RecSettings
from bankrec.matching.reconcile_solve import TieGroup, UnionFind
from bankrec.matching.subsets import StepBudget, find_subsets
from bankrec.matching.text import alnum_runs, contains_token

GroupKind = Literal["one_to_many", "many_to_one"]
Refs = Mapping[int, Mapping[int, Ref]]

CHANCE_LIMIT = 1 / 5000
"""A set without references is proposed only when chance would produce it less often than
this (see the module docstring). On the benchmark workload it keeps nine in ten right sets and
drops nine in ten coincidences."""


@dataclass(frozen=True, slots=True)
class Group:
    """Line positions and entry indexes that add up to the same amount.

    ``referenced``: the line names every entry (one-to-many) or every line names the entry
    (many-to-one). ``chance``: the estimated number of sets of this size that would add up by
    coincidence.
    """

    kind: GroupKind
    lines: tuple[int, ...]
    entries: tuple[int, ...]
    referenced: bool
    chance: float

    @property
    def plausible(self) -> bool:
        return self.referenced or self.chance <= CHANCE_LIMIT


@dataclass(frozen=True, slots=True)
class Groups:
    """What the search found: groups to propose, ties, and sets left out as possible chance."""

    proposed: tuple[Group, ...]
    ties: tuple[TieGroup, ...]
    doubtful: tuple[Group, ...]


def member_ref(facts: LineFacts, book: RecBook, index: int, refs: Mapping[int, Ref]) -> str:
    """How the line names one entry ("" when it does not)."""
    ref = refs.get(index)
    if ref is not None:
        return ref.sentence
    check = book.entries[index].check_no.strip().upper()
    if check and contains_token(facts.refs, check):
        return f"check number {check_key(check)} on the line"
    return ""


class GroupFinder:
    """Finds one-to-many and many-to-one groups among what the one-to-one pass left open."""

    def __init__(
        self,
        book: RecBook,
        facts: Sequence[LineFacts],
        refs: Refs,
        open_lines: set[int],
        open_entries: set[int],
        settings: RecSettings,
        budget: StepBudget,
    ) -> None:
        self.book = book
        self.facts = facts
        self.refs = refs
        self.open_lines = open_lines
        self.open_entries = open_entries
        self.settings = settings
        self.budget = budget
        self.named = {p: self._named(p) for p in sorted(open_lines)}
        self.naming: dict[int, set[int]] = {}
        for position, named in self.named.items():
            for index in named:
                self.naming.setdefault(index, set()).add(position)
        self.entry_size = [abs(e.amount) for e in book.entries]
        self.entry_check = [f.check for f in book.facts]
        self.entries_by_date = {
            sign: DateIndex(
                [(book.facts[i].day, i) for i in sorted(open_entries) if book.facts[i].sign == sign]
            )
            for sign in (1, -1)
        }
        self.lines_by_date = {
            sign: DateIndex(
                [
                    (facts[p].day or 0, p)
                    for p in sorted(open_lines, key=lambda p: facts[p].line.identity)
                    if facts[p].sign == sign and facts[p].day is not None
                ]
            )
            for sign in (1, -1)
        }

    def _named(self, position: int) -> set[int]:
        """Entries the line names: its references, and check numbers standing in its text."""
        named = set(self.refs.get(position, {}))
        for run in alnum_runs(self.facts[position].refs):
            if run.isdigit():
                named.update(self.book.checks.get(run.lstrip("0"), ()))
        return named

    def find(self) -> Groups:
        """Plausible unique groups that share nothing with another, ties, doubtful sets."""
        searches = [self.for_line(p) for p in sorted(self.open_lines)]
        entries = sorted(self.open_entries, key=lambda i: (self.book.facts[i].day, i))
        searches += [self.for_entry(i) for i in entries]
        candidates: list[tuple[Group, ...]] = []
        doubtful: list[Group] = []
        for found in searches:
            if len(found) == 1 and not found[0].plausible:
                doubtful.append(found[0])
            elif any(g.plausible for g in found):
                candidates.append(found)
        proposed, ties = _separate(candidates)
        return Groups(tuple(proposed), tuple(ties), tuple(doubtful))

    def entry_pool(self, position: int) -> list[int]:
        """Entries that may be part of the line: same sign, smaller, within the tolerance, no
        other check number; named by the line first, then nearest by date."""
        facts = self.facts[position]
        day = facts.day
        if day is None:
            return []
        target, days = abs(facts.line.amount), self.settings.days
        named = self.named.get(position) or self._named(position)
        sizes, checks, wanted = self.entry_size, self.entry_check, facts.checks

        def fits(batch: Iterable[int]) -> list[int]:
            return [
                i
                for i in batch
                if sizes[i] < target and not (wanted and checks[i] and checks[i] not in wanted)
            ]

        book = self.book.facts
        first = sorted(
            (
                i
                for i in fits(named & self.open_entries)
                if book[i].sign == facts.sign and abs(book[i].day - day) <= days
            ),
            key=lambda i: (abs(book[i].day - day), i),
        )
        return self._pool(
            first,
            self.entries_by_date[facts.sign].nearest(
                day,
                days,
                self.settings.subset_max_entries,
                lambda batch: [i for i in fits(batch) if i not in named],
            ),
        )

    def _pool(self, first: list[int], near: list[int]) -> list[int]:
        return (first + near)[: self.settings.subset_max_entries]

    def for_line(self, position: int) -> tuple[Group, ...]:
        """Sets of open entries adding up to the line: none, one, or two (ambiguous)."""
        pool = self.entry_pool(position)
        amounts = [abs(self.book.entries[i].amount) for i in pool]
        named = self.named.get(position) or self._named(position)

        def group(members: tuple[int, ...], chance: float) -> Group:
            entries = tuple(sorted(pool[k] for k in members))
            referenced = all(i in named for i in entries)
            return Group("one_to_many", (position,), entries, referenced, chance)

        return self._search(amounts, abs(self.facts[position].line.amount), group)

    def line_pool(self, index: int) -> list[int]:
        """Open lines that may be part of the entry, naming it first, then nearest by date."""
        facts = self.book.facts[index]
        days, target, check = self.settings.days, abs(facts.entry.amount), facts.check
        naming = self.naming.get(index, set())
        lines = self.facts

        def fits(batch: Iterable[int]) -> list[int]:
            return [
                p
                for p in batch
                if abs(lines[p].line.amount) < target
                and not (check and lines[p].checks and check not in lines[p].checks)
            ]

        first = sorted(
            (
                p
                for p in fits(naming)
                if lines[p].sign == facts.sign and abs((lines[p].day or 0) - facts.day) <= days
            ),
            key=lambda p: (abs((lines[p].day or 0) - facts.day), lines[p].line.identity),
        )
        return self._pool(
            first,
            self.lines_by_date[facts.sign].nearest(
                facts.day,
                days,
                self.settings.subset_max_entries,
                lambda batch: [p for p in fits(batch) if p not in naming],
            ),
        )

    def for_entry(self, index: int) -> tuple[Group, ...]:
        """Sets of open lines adding up to the entry: none, one, or two (ambiguous)."""
        pool = self.line_pool(index)
        amounts = [abs(self.facts[p].line.amount) for p in pool]
        naming = self.naming.get(index, set())

        def group(members: tuple[int, ...], chance: float) -> Group:
            lines = tuple(sorted(pool[k] for k in members))
            return Group("many_to_one", lines, (index,), all(p in naming for p in lines), chance)

        return self._search(amounts, abs(self.book.entries[index].amount), group)

    def _search(
        self,
        amounts: list[int],
        target: int,
        group: Callable[[tuple[int, ...], float], Group],
    ) -> tuple[Group, ...]:
        if len(amounts) < 2 or sum(amounts) < target:
            return ()
        search = find_subsets(amounts, target, target, self.budget)
        if not search.subsets or not search.complete:
            return ()
        return tuple(
            group(members, comb(max(members) + 1, len(members)) / (2 * target))
            for members in search.subsets
        )


def _separate(found: list[tuple[Group, ...]]) -> tuple[list[Group], list[TieGroup]]:
    """Keep the unique groups that overlap no other search's sets; the rest become ties."""
    sets: UnionFind[tuple[str, int]] = UnionFind()
    for groups in found:
        nodes = [("l", p) for g in groups for p in g.lines]
        nodes += [("e", i) for g in groups for i in g.entries]
        for node in nodes[1:]:
            sets.union(nodes[0], node)
    members: dict[tuple[str, int], list[tuple[Group, ...]]] = {}
    for groups in found:
        members.setdefault(sets.find(("l", groups[0].lines[0])), []).append(groups)
    kept: list[Group] = []
    ties: list[TieGroup] = []
    for searches in members.values():
        if len(searches) == 1 and len(searches[0]) == 1:
            kept.append(searches[0][0])
            continue
        lines = tuple(sorted({p for groups in searches for g in groups for p in g.lines}))
        entries = tuple(sorted({i for groups in searches for g in groups for i in g.entries}))
        ties.append((lines, entries))
    return kept, ties
