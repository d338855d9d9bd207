"""One automatic match of a bank reconciliation, phase by phase.

1. **Evidence pairs.** Each line's candidates come from the indexes: the entries it names by
   check number, end-to-end id or document number, and the entries of exactly its amount within
   the date tolerance. A pair is proposed when it has a reference with an equal amount (high) or
   a close one (low), or an equal amount with an agreeing description or party, or an amount
   unique in the window for the line and for the entry (medium). A close amount counts only
   when the line names a single entry: a deposit slip listing checks 1001 and 1002 is not check
   1001 with a difference, it is a group (phase 5).
2. **Assignment.** One entry per line and one line per entry, for the best total (bands compared
   first), keeping only the pairs every best assignment shares (``reconcile_solve``). A pair that
   only the posting dates decided is kept one band lower.
3. **Elimination.** A line and an entry that are each other's only open match of that amount,
   once the other lines are matched, are matched (medium).
4. **Ties.** Lines and entries sharing one amount that nothing tells apart are flagged.
5. **Groups.** One line for several entries and several lines for one entry
   (``reconcile_groups``), among what is still open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from bankrec.matching.reconcile_book import (
    REF_PHRASE,
    LineFacts,
    RecBook,
    Ref,
    check_conflict,
    line_facts,
    line_order,
)
from bankrec.matching.reconcile_explain import NearFinder, TieKind, tie_reason
from bankrec.matching.reconcile_groups import Group, GroupFinder
from bankrec.matching.reconcile_model import (
    LedgerEntry,
    RecConfidence,
    RecLine,
    RecMatch,
    RecResult,
    RecSettings,
    RecTie,
)
from bankrec.matching.reconcile_pairs import (
    BAND_BASE,
    BAND_RANK,
    PairFacts,
    band_of,
    date_points,
    evaluate,
    score_of,
)
from bankrec.matching.reconcile_report import group_match, pair_match
from bankrec.matching.reconcile_solve import Edge, Solution, TieGroup, UnionFind, solve
from bankrec.matching.subsets import StepBudget

AMOUNT_CAP = 50
"""Entries of exactly a line's amount whose descriptions are compared with it (nearest first);
more than this many in the window is never unique anyway."""
_LOWER: dict[RecConfidence, RecConfidence] = {"high": "medium", "medium": "low", "low": "low"}


class Run:
    """The indexes and findings of one call, built once and shared by the phases."""

    def __init__(
        self,
        lines: Sequence[RecLine],
        entries: Sequence[LedgerEntry],
        settings: RecSettings,
        fixed: Collection[int],
    ) -> None:
        self.settings = settings
        self.book = RecBook(entries, fixed)
        self.facts: list[LineFacts] = [line_facts(line) for line in line_order(lines)]
        self.active = [p for p, f in enumerate(self.facts) if f.line.amount != 0]
        self.refs: dict[int, dict[int, Ref]] = {
            p: self.book.named_by(self.facts[p]) for p in self.active
        }
        self.exact: dict[int, list[int]] = {p: self._exact(p) for p in self.active}
        self.entry_lines: dict[int, list[int]] = defaultdict(list)
        for position in self.active:
            for index in self.exact[position]:
                self.entry_lines[index].append(position)
        self._pairs: dict[tuple[int, int], PairFacts] = {}
        self.matches: list[RecMatch] = []
        self.line_taken: set[int] = set()
        self.entry_taken: dict[int, str] = {}
        self.ties: list[tuple[TieKind, TieGroup]] = []
        self.tied_lines: set[int] = set()
        self.tied_entries: set[int] = set()
        self.hints: dict[int, str] = {}

    def _exact(self, position: int) -> list[int]:
        """Usable entries of exactly the line's amount within the tolerance, no other check
        number, nearest by date first."""
        facts = self.facts[position]
        found = [
            i
            for i in self.book.of_amount(facts.line.amount, facts.day, self.settings.days)
            if self.book.usable[i] and not check_conflict(facts, self.book.facts[i].check)
        ]
        day = facts.day
        if day is not None:
            found.sort(key=lambda i: (abs(day - self.book.facts[i].day), i))
        return found

    def pair(self, position: int, index: int) -> PairFacts:
        key = (position, index)
        found = self._pairs.get(key)
        if found is None:
            found = evaluate(
                self.facts[position],
                self.book.facts[index],
                index,
                self.refs.get(position, {}).get(index),
                self.settings,
                not self.book.usable[index],
            )
            self._pairs[key] = found
        return found

    # -- phases --------------------------------------------------------------------------------

    def result(self) -> RecResult:
        self._assign()
        self._eliminate()
        self._amount_ties()
        self._groups()
        return self._report()

    def _unique(self, pair: PairFacts, position: int) -> bool:
        return (
            pair.fit == "equal"
            and len(self.exact[position]) == 1
            and len(self.entry_lines[pair.index]) == 1
        )

    def _edges(self) -> tuple[list[Edge], dict[tuple[int, int], tuple[RecConfidence, int]]]:
        edges: list[Edge] = []
        info: dict[tuple[int, int], tuple[RecConfidence, int]] = {}
        for position in self.active:
            named = [i for i in sorted(self.refs[position]) if not self.pair(position, i).blocked]
            candidates = set(named) | set(self.exact[position][:AMOUNT_CAP])
            for index in sorted(candidates):
                pair = self.pair(position, index)
                if pair.blocked or not pair.evidence or (pair.fit == "close" and len(named) > 1):
                    continue
                unique = self._unique(pair, position)
                band = band_of(pair, unique, self.settings)
                if band == "none":
                    continue
                score = score_of(pair, band, unique)
                info[(position, index)] = (band, score)
                edges.append(
                    Edge(
                        position,
                        index,
                        BAND_RANK[band],
                        score - BAND_BASE[band],
                        (abs(pair.days or 0), self.book.entries[index].entry_no),
                        self.book.entries[index].entry_no,
                        abs(self.book.entries[index].amount),
                    )
                )
        return edges, info

    def _assign(self) -> None:
        edges, info = self._edges()
        solution = solve(edges)
        undated = solve([_without_date(e, self.pair(e.line, e.entry)) for e in edges])
        decided_by_date = _tied_at(undated)
        for edge in solution.matched:
            band, score = info[(edge.line, edge.entry)]
            pair = self.pair(edge.line, edge.entry)
            confidence = band
            notes: list[str] = []
            rival = decided_by_date.get(edge.line)
            if rival is not None:
                confidence = _LOWER[confidence]
                notes.append(self._date_note(rival, confidence))
            unique = self._unique(pair, edge.line)
            phrase = (
                REF_PHRASE[pair.ref.kind]
                if pair.ref
                else _amount_phrase(pair, unique, self.settings.similarity_threshold)
            )
            self._take(
                pair_match(pair, confidence, score, unique, notes, self.settings),
                [edge.line],
                [edge.entry],
                phrase,
            )
        self._tie("assignment", solution.ties)
        self._tie("undecided", solution.undecided)

    def _date_note(self, rival: TieGroup, confidence: RecConfidence) -> str:
        lines, entries = rival
        line_nos = [self.facts[p].line.line_no for p in lines]
        entry_nos = [self.book.entries[i].entry_no for i in entries]
        return (
            f"lines {_numbers(line_nos)} and entries {_numbers(entry_nos)} are otherwise equal: "
            f"only the posting dates decided; confidence lowered to {confidence}"
        )

    def _eliminate(self) -> None:
        """Match an open line and entry that are each other's only open match of the amount."""
        for position in self.active:
            if position in self.line_taken or position in self.tied_lines:
                continue
            left = [i for i in self.exact[position] if i not in self.entry_taken]
            if len(left) != 1 or left[0] in self.tied_entries:
                continue
            index = left[0]
            rivals = [
                q for q in self.entry_lines[index] if q != position and q not in self.line_taken
            ]
            if rivals:
                continue
            pair = self.pair(position, index)
            score = score_of(pair, "medium", True)
            note = "the only open entry and line of this amount once the others were matched"
            match = pair_match(pair, "medium", score, False, [note], self.settings)
            self._take(match, [position], [index], "the only open match of that amount")

    def _amount_ties(self) -> None:
        groups: dict[int, set[int]] = {}
        for position in self.active:
            if position in self.line_taken or position in self.tied_lines:
                continue
            left = [
                i
                for i in self.exact[position]
                if i not in self.entry_taken and i not in self.tied_entries
            ]
            if left:
                groups[position] = set(left)
        self._tie("amount", _connect(groups))

    def _groups(self) -> None:
        open_lines = {
            p
            for p in self.active
            if p not in self.line_taken
            and p not in self.tied_lines
            and not any(i not in self.entry_taken for i in self.exact[p])
        }
        open_entries = {
            i
            for i in range(len(self.book.entries))
            if self.book.usable[i]
            and i not in self.entry_taken
            and i not in self.tied_entries
            and not any(q not in self.line_taken for q in self.entry_lines.get(i, ()))
        }
        budget = StepBudget(self.settings.subset_budget_steps)
        finder = GroupFinder(
            self.book, self.facts, self.refs, open_lines, open_entries, self.settings, budget
        )
        found = finder.find()
        for group in found.proposed:
            match = group_match(group, self.facts, self.book, self.refs, self.settings)
            self._take(match, list(group.lines), list(group.entries), _group_phrase(group))
        self._tie("group", found.ties)
        for group in found.doubtful:
            hint = self._doubt(group)
            for position in group.lines:
                self.hints.setdefault(position, hint)

    def _doubt(self, group: Group) -> str:
        entry_nos = _numbers([self.book.entries[i].entry_no for i in group.entries])
        if group.kind == "one_to_many":
            what = f"entries {entry_nos} add up to the line"
        else:
            line_nos = _numbers(sorted(self.facts[p].line.line_no for p in group.lines))
            what = f"lines {line_nos} add up to entry {entry_nos}"
        return (
            f"{what}, but among so many nearby amounts that may be chance "
            f"(about {group.chance:.1e} sets would fit); not proposed"
        )

    # -- bookkeeping ---------------------------------------------------------------------------

    def _take(self, match: RecMatch, lines: list[int], entries: list[int], phrase: str) -> None:
        self.matches.append(match)
        self.line_taken.update(lines)
        holder = _numbers(match.line_nos)
        label = "line" if len(match.line_nos) == 1 else "lines"
        for index in entries:
            self.entry_taken[index] = f"taken by {label} {holder} with {phrase}"

    def _tie(self, kind: TieKind, groups: Sequence[TieGroup]) -> None:
        for lines, entries in groups:
            self.ties.append((kind, (lines, entries)))
            self.tied_lines.update(lines)
            self.tied_entries.update(entries)

    def _report(self) -> RecResult:
        ties = [
            RecTie(
                tuple(sorted(self.facts[p].line.line_no for p in lines)),
                tuple(sorted(self.book.entries[i].entry_no for i in entries)),
                tie_reason(kind, [self.facts[p] for p in lines], self.book, entries, self.settings),
            )
            for kind, (lines, entries) in self.ties
        ]
        by_line = {
            p: tie for (_, (lines, _)), tie in zip(self.ties, ties, strict=True) for p in lines
        }
        by_entry = {
            i: tie for (_, (_, entries)), tie in zip(self.ties, ties, strict=True) for i in entries
        }
        finder = NearFinder(
            self.book, self.settings, self.pair, self.refs, self.entry_taken, by_entry
        )
        unmatched = [
            finder.unmatched(p, facts, by_line.get(p), self.hints.get(p, ""))
            for p, facts in enumerate(self.facts)
            if p not in self.line_taken
        ]
        return RecResult(
            tuple(sorted(self.matches, key=lambda m: m.line_nos)),
            tuple(sorted(unmatched, key=lambda u: u.line_no)),
            tuple(sorted(ties, key=lambda t: (t.line_nos, t.entry_nos))),
        )


def _without_date(edge: Edge, pair: PairFacts) -> Edge:
    return Edge(
        edge.line,
        edge.entry,
        edge.rank,
        edge.inner - date_points(pair.days),
        edge.key,
        edge.entry_no,
        edge.capacity,
    )


def _tied_at(solution: Solution) -> dict[int, TieGroup]:
    return {line: group for group in solution.ties for line in group[0]}


def _connect(wanted: dict[int, set[int]]) -> list[TieGroup]:
    """Connected groups of lines and the entries they share an amount with (a single line and
    entry is no tie: one of them is tied elsewhere, and its near misses say so)."""
    sets: UnionFind[tuple[str, int]] = UnionFind()
    for position, entries in wanted.items():
        for index in entries:
            sets.union(("l", position), ("e", index))
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for node in list(sets.parent):
        lines, entries = groups.setdefault(sets.find(node), (set(), set()))
        (lines if node[0] == "l" else entries).add(node[1])
    return sorted(
        (tuple(sorted(ls)), tuple(sorted(es)))
        for ls, es in groups.values()
        if len(ls) > 1 or len(es) > 1
    )


def _amount_phrase(pair: PairFacts, unique: bool, threshold: int) -> str:
    if pair.similarity >= threshold or not unique:
        return "an amount and description match"
    return "a unique amount match"


def _group_phrase(group: Group) -> str:
    if group.kind == "one_to_many":
        return f"a group of {len(group.entries)} entries"
    return f"{len(group.lines)} lines together"


def _numbers(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)
