"""The engine's entry points: match a whole journal, or rank the candidates of one line.

``match_journal`` scores every line's options against indexes built once, chooses one option
per line for the journal as a whole (``assign``), then explains each outcome, including ties:
a match that won only on a tie-break is reported one confidence band lower and flagged for
review, and a low match that loses its band that way is not applied at all.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from bankrec.matching.amounts import Valuation
from bankrec.matching.apply import Plan, plan_option
from bankrec.matching.assign import Choice, assign
from bankrec.matching.book import BankBook, EntryBook
from bankrec.matching.evaluate import Matcher
from bankrec.matching.explain import Explainer, Outcome
from bankrec.matching.focus import focus_entries, focus_parties
from bankrec.matching.model import (
    SUBSET_STEPS_PER_MS,
    BankEntry,
    Converter,
    EntryKey,
    OpenEntry,
    Party,
    PaymentLine,
    Settings,
    TextMapping,
)
from bankrec.matching.names import PartyBook
from bankrec.matching.options import LineOptions, Option
from bankrec.matching.result import Candidate, JournalMatch
from bankrec.matching.rules import Rule, RuleTable, confidence_of
from bankrec.matching.subsets import StepBudget

MAX_OPTIONS = 16
"""Applicable options kept per line for the assignment (best first)."""


class _Run:
    """The indexes of one call, built once and shared by every line."""

    def __init__(
        self,
        parties: Iterable[Party],
        entries: Iterable[OpenEntry],
        bank_entries: Iterable[BankEntry],
        mappings: Iterable[TextMapping],
        rules: Iterable[Rule],
        settings: Settings,
        converter: Converter | None,
        reserved: Mapping[EntryKey, int] | None,
    ) -> None:
        reserved = reserved or {}
        self.settings = settings
        self.book = EntryBook(entries, Valuation(settings, converter, reserved))
        self.bank = BankBook(bank_entries, reserved)
        self.table = RuleTable(rules)
        budget = StepBudget(settings.subset_sum_budget_ms * SUBSET_STEPS_PER_MS)
        self.matcher = Matcher(
            PartyBook(parties, settings.name_threshold),
            self.book,
            self.bank,
            tuple(mappings),
            self.table,
            settings,
            budget,
        )
        self.explainer = Explainer(self.book, self.bank, self.table, settings)

    def plan(self, option: Option, line: PaymentLine) -> Plan:
        return plan_option(option, line, self.book, self.bank, self.settings.currency_decimals)


@dataclass(slots=True)
class _Line:
    found: LineOptions
    usable: list[Option]
    plans: list[Plan]


def match_journal(
    lines: Sequence[PaymentLine],
    parties: Iterable[Party],
    entries: Iterable[OpenEntry],
    bank_entries: Iterable[BankEntry],
    mappings: Iterable[TextMapping],
    rules: Iterable[Rule],
    settings: Settings,
    converter: Converter | None = None,
    reserved: Mapping[EntryKey, int] | None = None,
) -> JournalMatch:
    """Propose an application for every line of a payment reconciliation journal.

    ``reserved`` holds what accepted or manual lines already take from entries (bank currency,
    keyed by ledger and entry number); those lines are not passed in ``lines``.
    """
    with collector_paused():
        return _match_journal(
            lines, parties, entries, bank_entries, mappings, rules, settings, converter, reserved
        )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one engine call.

    A run allocates millions of small, acyclic objects (indexes, options); each allocation burst
    made the collector rescan the whole growing heap, which cost 40% of the time and grew faster
    than linearly. Reference counting still frees everything; the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _match_journal(
    lines: Sequence[PaymentLine],
    parties: Iterable[Party],
    entries: Iterable[OpenEntry],
    bank_entries: Iterable[BankEntry],
    mappings: Iterable[TextMapping],
    rules: Iterable[Rule],
    settings: Settings,
    converter: Converter | None,
    reserved: Mapping[EntryKey, int] | None,
) -> JournalMatch:
    run = _Run(parties, entries, bank_entries, mappings, rules, settings, converter, reserved)
    ordered = sorted(lines, key=lambda line: (line.identity, line.line_no))
    evaluated = [_evaluate(run, line) for line in ordered]
    per_line = [
        [
            Choice(position, k, option.score, _choice_key(option, item.found.line), plan.demands)
            for k, (option, plan) in enumerate(zip(item.usable, item.plans, strict=True))
        ]
        for position, item in enumerate(evaluated)
    ]
    capacity = {**run.book.capacity(), **run.bank.capacity()}
    chosen = assign(per_line, capacity)
    outcomes = _outcomes(evaluated, chosen)
    matches = [
        run.explainer.line_match(outcome, _rank_for_misses(run, outcome)) for outcome in outcomes
    ]
    return JournalMatch(tuple(sorted(matches, key=lambda m: m.line_no)))


def _evaluate(run: _Run, line: PaymentLine) -> _Line:
    if line.amount == 0:
        return _Line(LineOptions(line, (0, 0), {}, True), [], [])
    found = run.matcher.evaluate(line, gated=True)
    # Mappings (and the bank entries their guard finds) carry no rule and always compete.
    usable = [
        o
        for o in found.ranked()
        if o.applicable and (o.score >= run.table.minimum or o.rule is None)
    ]
    usable = [o for o in usable if not (o.superseded and _has_twin(o, usable))][:MAX_OPTIONS]
    return _Line(found, usable, [run.plan(o, line) for o in usable])


def _has_twin(option: Option, usable: list[Option]) -> bool:
    """A superseded entry stays usable only when its bank entry twin is not itself usable."""
    return any(
        o.kind == "bank_entry"
        and (o.account_type, o.account_no) == (option.account_type, option.account_no)
        for o in usable
    )


def _choice_key(option: Option, line: PaymentLine) -> tuple[object, ...]:
    return (*option.sort_key(line.amount), line.identity, line.line_no)


def _outcomes(evaluated: list[_Line], chosen: list[Choice | None]) -> list[Outcome]:
    """Pair each line with its winner, and count the ties that decided it."""
    wanting: dict[EntryKey, list[tuple[int, Option]]] = defaultdict(list)
    for position, item in enumerate(evaluated):
        for option in item.usable:
            for key in option.keys:
                wanting[key].append((position, option))
    taken = _taken_by(evaluated, chosen)
    outcomes = []
    for position, item in enumerate(evaluated):
        choice = chosen[position]
        if choice is None:
            outcomes.append(Outcome(item.found, None, None, (), (), taken))
            continue
        winner, plan = item.usable[choice.option], item.plans[choice.option]
        alternatives = tuple(
            o
            for o in item.found.ranked()
            if o.score == winner.score
            and o is not winner
            and not o.superseded
            and o.keys != winner.keys
        )
        rivals = _rivals(position, winner, wanting, evaluated, chosen)
        outcomes.append(Outcome(item.found, winner, plan, alternatives, rivals, taken))
    return outcomes


def _rivals(
    position: int,
    winner: Option,
    wanting: dict[EntryKey, list[tuple[int, Option]]],
    evaluated: list[_Line],
    chosen: list[Choice | None],
) -> tuple[int, ...]:
    """Line numbers of other lines that wanted the winner's entries as much and lost the tie."""
    rivals: set[int] = set()
    for key in winner.keys:
        for other, option in wanting[key]:
            if other == position or option.score != winner.score:
                continue
            their = chosen[other]
            if their is None or their.score < option.score:
                rivals.add(evaluated[other].found.line.line_no)
    return tuple(sorted(rivals))


def _taken_by(evaluated: list[_Line], chosen: list[Choice | None]) -> dict[EntryKey, int]:
    """Which line (by number) each chosen entry went to."""
    taken: dict[EntryKey, int] = {}
    for item, choice in zip(evaluated, chosen, strict=True):
        if choice is not None:
            for key in item.usable[choice.option].keys:
                taken.setdefault(key, item.found.line.line_no)
    return taken


def _rank_for_misses(run: _Run, outcome: Outcome) -> list[Option]:
    """The line's options with the gates off, for near misses of unapplied or low lines."""
    if outcome.winner is not None and confidence_of(outcome.winner.score) not in ("low", "none"):
        return []
    if outcome.found.line.amount == 0:
        return []
    return run.matcher.evaluate(outcome.found.line, gated=False, subsets=False).ranked()


def rank_candidates(
    line: PaymentLine,
    parties: Iterable[Party],
    entries: Iterable[OpenEntry],
    bank_entries: Iterable[BankEntry],
    mappings: Iterable[TextMapping],
    rules: Iterable[Rule],
    settings: Settings,
    converter: Converter | None = None,
    gates: bool = False,
    limit: int = 20,
    reserved: Mapping[EntryKey, int] | None = None,
) -> tuple[Candidate, ...]:
    """Every plausibly relevant open entry, group, bank entry and mapping for one line, best
    first (BC's ranking for manual application: the gates are off unless ``gates``).

    The indexes are built over the open items this one line could match (``focus``), which
    keeps a single ranking well under a second against 100,000 open entries.
    """
    with collector_paused():
        near_parties = focus_parties(line, parties)
        named, _ = PartyBook(near_parties, settings.name_threshold).match(line)
        near_entries = focus_entries(line, entries, set(named), settings, converter, reserved or {})
        run = _Run(
            near_parties, near_entries, bank_entries, mappings, rules, settings, converter, reserved
        )
        found = run.matcher.evaluate(line, gated=gates, shown=limit)
        return tuple(run.explainer.candidate(o) for o in found.ranked()[:limit])
