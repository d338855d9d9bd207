"""Scoring every plausible open entry for one line, and the groups they form.

A line's candidates are the entries of the parties it names (by account or name), the entries
its text names by document number or reference, and the entries whose amount fits its window:
all from indexes. Each is scored by the rule table; groups of entries named together (BC's "Yes -
Multiple") and subsets of one party's entries that add up to the payment are scored as one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bankrec.domain.money import format_minor
from bankrec.matching.amounts import tolerance_window
from bankrec.matching.book import WINDOW_CAP, BankBook, EntryBook
from bankrec.matching.documents import DocHit, LineRefs
from bankrec.matching.model import Ledger, OpenEntry, PaymentLine, Settings, TextMapping
from bankrec.matching.names import PartyBook, PartyKey, PartyMatch
from bankrec.matching.options import (
    LineOptions,
    Observed,
    Option,
    amount_match,
    amount_only,
    days_between,
    describe_amount,
    fixed,
    gate_reason,
    score_of,
)
from bankrec.matching.others import bank_options, mapping_options
from bankrec.matching.result import CandidateKind
from bankrec.matching.rules import ReferenceMatch, RuleTable
from bankrec.matching.subsets import StepBudget, find_subsets
from bankrec.matching.text import reference_key, search_text

FALLBACK_SHOWN = 3
"""Entries of a known party that match nothing else: this many are listed, the rest counted."""
FALLBACK_COUNTED = 50
NEAREST = 3
"""Entries nearest in amount that ranking (and near-miss explanation) always looks at."""

_Group = tuple[CandidateKind, tuple[int, ...]]


@dataclass(slots=True)
class _Context:
    """Per-line facts shared by all of the line's options."""

    line: PaymentLine
    gated: bool
    low: int
    high: int
    parties: dict[PartyKey, PartyMatch]
    doc_hits: dict[int, DocHit]
    ref_hits: set[int]
    ref_default: ReferenceMatch
    singles: dict[Ledger, int] = field(default_factory=dict)
    groups: dict[Ledger, int] = field(default_factory=dict)


class Matcher:
    """Finds and scores the options of one line at a time against indexes built once."""

    def __init__(
        self,
        parties: PartyBook,
        book: EntryBook,
        bank: BankBook,
        mappings: tuple[TextMapping, ...],
        table: RuleTable,
        settings: Settings,
        budget: StepBudget,
    ) -> None:
        self.parties = parties
        self.book = book
        self.bank = bank
        self.mappings = mappings
        self.table = table
        self.settings = settings
        self.budget = budget
        ordered = sorted(mappings, key=lambda m: (-len(m.text.strip()), m.mapping_id))
        self.mapping_needles = [(m.text.strip().casefold(), m) for m in ordered if m.text.strip()]

    def evaluate(
        self, line: PaymentLine, gated: bool, shown: int = FALLBACK_SHOWN, subsets: bool = True
    ) -> LineOptions:
        """All options of ``line``; with ``gated`` only those automatic matching may apply.

        ``shown`` bounds how many unremarkable entries of a recognised party are listed;
        ``subsets`` turns the subset-sum search off (near-miss explanations do without it).
        """
        low, high = tolerance_window(line.amount, self.settings)
        matched, account_known = self.parties.match(line)
        found = LineOptions(line, (low, high), matched, account_known)
        refs = LineRefs(search_text(line.text, line.additional_text), line.creditor_reference)
        ids = (line.end_to_end_id, line.bank_transaction_id)
        ctx = _Context(
            line,
            gated,
            low,
            high,
            matched,
            self.book.docs.find(refs),
            self.book.references.find(*ids),
            "no" if self.book.references.knows_any(*ids) else "not_considered",
        )
        window_ids = self._window_ids(ctx)
        groups = self._doc_groups(ctx)
        if subsets:
            groups += self._subset_groups(ctx, groups, found)
        self._count(ctx, groups)
        found.options.extend(self._group_option(ctx, members, kind) for kind, members in groups)
        found.options.extend(self._entry_options(ctx, window_ids, found, shown))
        bank = bank_options(self, line, refs, gated, found)
        found.options.extend(bank)
        found.options.extend(mapping_options(self, line, found))
        found.rank()
        return found

    # -- candidate entries -------------------------------------------------------------------

    def _passes(self, ctx: _Context, index: int) -> bool:
        """Open, same sign as the line, posted by the line's date (BC's CanEntriesMatch)."""
        if not self.book.is_open[index]:
            return False
        entry = self.book.entries[index]
        return (ctx.line.amount > 0) == (entry.remaining_bank > 0) and (
            entry.posting_date <= ctx.line.date
        )

    def _window_ids(self, ctx: _Context) -> set[int]:
        ids: set[int] = set()
        for ledger, amounts in self.book.ledger_sets.items():
            hits = amounts.query(ctx.low, ctx.high, ctx.line.date, ctx.gated)
            ctx.singles[ledger] = WINDOW_CAP + 1 if hits is None else len(hits)
            ids.update(hits or ())
        for key in sorted(ctx.parties):
            ids.update(self._party_window(ctx, key))
        if not ctx.gated:
            ids.update(self._nearest(ctx))
        return ids

    def _nearest(self, ctx: _Context) -> list[int]:
        """Entries of the line's sign closest in amount: "amount differs by 0.50" near misses."""
        found = []
        for amounts in self.book.ledger_sets.values():
            for index in amounts.full.nearest(ctx.line.amount, NEAREST):
                if (self.book.static[index].full > 0) == (ctx.line.amount > 0):
                    found.append(index)
        return found

    def _party_window(self, ctx: _Context, key: PartyKey) -> list[int]:
        hits = self.book.party_set(key).query(ctx.low, ctx.high, ctx.line.date, ctx.gated)
        return hits or []

    def _count(self, ctx: _Context, groups: list[_Group]) -> None:
        for _, members in groups:
            if self._in_window(ctx, self._total(ctx, members)):
                ledger = self.book.entries[members[0]].ledger
                ctx.groups[ledger] = ctx.groups.get(ledger, 0) + 1

    def _entry_options(
        self, ctx: _Context, window_ids: set[int], found: LineOptions, shown: int
    ) -> list[Option]:
        ids = window_ids | set(ctx.doc_hits) | ctx.ref_hits
        options = [
            self._single_option(ctx, index)
            for index in sorted(ids)
            if self.book.is_open[index] and (not ctx.gated or self._passes(ctx, index))
        ]
        best = max((o.score for o in [*found.options, *options] if o.applicable), default=0)
        for key, party in sorted(ctx.parties.items()):
            rule = self.table.best(party.related, "no", "none", ctx.ref_default)
            # Automatic matching skips what can only lose: a party's unremarkable entries
            # when the line already has a better candidate.
            if not ctx.gated or rule is None or rule.score >= best:
                options.extend(self._fallback(ctx, key, ids, found, shown))
        return options

    def _fallback(
        self, ctx: _Context, key: PartyKey, seen: set[int], found: LineOptions, shown: int
    ) -> list[Option]:
        """Entries of a recognised party that match on nothing else (BC Low 1 / Low 3)."""
        listed: list[Option] = []
        counted = 0
        for index in self.book.by_party.get(key, ()):
            if index in seen or not self.book.is_open[index]:
                continue
            if ctx.gated and not self._passes(ctx, index):
                continue
            counted += 1
            if len(listed) < shown:
                listed.append(self._single_option(ctx, index))
            elif counted >= FALLBACK_COUNTED:
                break
        if listed and counted > len(listed):
            score = listed[0].score
            found.hidden_ties[score] = found.hidden_ties.get(score, 0) + counted - len(listed)
        return listed

    def _single_option(self, ctx: _Context, index: int) -> Option:
        entry = self.book.entries[index]
        worth = self.book.worth(index, ctx.line.date)
        party = ctx.parties.get((entry.ledger, entry.party_no))
        hit = ctx.doc_hits.get(index)
        in_window = self._in_window(ctx, worth.applicable) or self._within_tolerance(
            ctx, entry, worth.applicable
        )
        count = ctx.singles.get(entry.ledger, 0) + ctx.groups.get(entry.ledger, 0)
        seen = Observed(
            party.related if party else "no",
            "yes" if hit else "no",
            amount_match(in_window, count),
            "yes" if index in ctx.ref_hits else ctx.ref_default,
            count,
        )
        explain = partial(self._single_facts, ctx.line, index, seen, party, hit)
        return self._option(ctx, "entry", (index,), seen, party, hit, worth.applicable, explain)

    def _single_facts(
        self,
        line: PaymentLine,
        index: int,
        seen: Observed,
        party: PartyMatch | None,
        hit: DocHit | None,
    ) -> tuple[str, ...]:
        facts = [party.describe()] if party else []
        facts += [hit.describe()] if hit else []
        facts.append(describe_amount(self.book, index, line, seen, self._decimals))
        if seen.reference == "yes":
            reference = self.book.entries[index].payment_reference
            same = reference_key(line.end_to_end_id) == reference_key(reference)
            field = "end-to-end id" if same else "bank transaction id"
            facts.append(f"the line's {field} {reference} is the entry's payment reference")
        return tuple(facts)

    # -- groups ------------------------------------------------------------------------------

    def _doc_groups(self, ctx: _Context) -> list[_Group]:
        """Entries of one party all named in the text (BC 5.6), in due-date order."""
        by_party: dict[PartyKey, list[int]] = defaultdict(list)
        for index in sorted(ctx.doc_hits):
            if self._passes(ctx, index):
                entry = self.book.entries[index]
                by_party[(entry.ledger, entry.party_no)].append(index)
        return [
            ("group", tuple(sorted(members, key=self.book.due_key)))
            for _, members in sorted(by_party.items())
            if len(members) >= 2
        ]

    def _subset_groups(
        self, ctx: _Context, groups: list[_Group], found: LineOptions
    ) -> list[_Group]:
        """Subsets of a recognised party's entries adding up to the payment, when neither one
        entry nor the named group does."""
        subsets: list[_Group] = []
        for key in sorted(ctx.parties):
            if any(self._passes(ctx, i) for i in self._party_window(ctx, key)):
                continue
            if any(
                self.book.key(m[0])[0] == key[0]
                and self.book.entries[m[0]].party_no == key[1]
                and self._in_window(ctx, self._total(ctx, m))
                for _, m in groups
            ):
                continue
            subset = self._search(ctx, key, found)
            if subset:
                subsets.append(("subset", subset))
        return subsets

    def _search(self, ctx: _Context, key: PartyKey, found: LineOptions) -> tuple[int, ...]:
        day = ctx.line.date
        pool = [i for i in self.book.by_party.get(key, ()) if self._passes(ctx, i)]
        pool.sort(key=lambda i: (days_between(self.book.due_key(i)[0], day), self.book.due_key(i)))
        pool = pool[: self.settings.subset_sum_max_entries]
        amounts = [abs(self.book.worth(i, day).applicable) for i in pool]
        low, high = sorted((abs(ctx.low), abs(ctx.high)))
        result = find_subsets(amounts, max(low, 1), high, self.budget)
        unique = result.unique
        if unique is not None:
            return tuple(sorted((pool[p] for p in unique), key=self.book.due_key))
        who = f"{key[0]} {key[1]}"
        total = format_minor(ctx.line.amount, self._decimals)
        if len(result.subsets) >= 2:
            first, second = ([self._doc(pool[p]) for p in s] for s in result.subsets[:2])
            found.notes.append(
                f"amount {total} equals the sum of two different sets of open entries of {who}: "
                f"{', '.join(first)} and {', '.join(second)}; not applied"
            )
        elif not result.complete:
            found.notes.append(
                f"the search for open entries of {who} adding up to {total} stopped after "
                f"{result.steps} steps (search budget); no combination applied"
            )
        return ()

    def _group_option(self, ctx: _Context, members: tuple[int, ...], kind: CandidateKind) -> Option:
        first = self.book.entries[members[0]]
        party = ctx.parties.get((first.ledger, first.party_no))
        total = self._total(ctx, members)
        in_window = self._in_window(ctx, total)
        count = ctx.singles.get(first.ledger, 0) + ctx.groups.get(first.ledger, 0)
        all_named = all(m in ctx.doc_hits for m in members)
        seen = Observed(
            party.related if party else "no",
            "yes_multiple" if all_named else "no",
            amount_match(in_window, count),
            "yes" if all(m in ctx.ref_hits for m in members) else ctx.ref_default,
            count,
        )
        docs = ", ".join(self._doc(m) for m in members)
        facts = [party.describe()] if party else []
        if all_named:
            facts.append(f"documents {docs} are all named in the text")
        paid, summed = (format_minor(a, self._decimals) for a in (ctx.line.amount, total))
        whose = f"{len(members)} open entries of {first.ledger} {first.party_no} ({docs})"
        facts.append(
            f"amount {paid} equals the sum of {whose}"
            if in_window
            else f"amount {paid} differs from the sum {summed} of {whose}"
        )
        return self._option(ctx, kind, members, seen, party, None, total, fixed(facts))

    # -- helpers -----------------------------------------------------------------------------

    def _option(
        self,
        ctx: _Context,
        kind: CandidateKind,
        members: tuple[int, ...],
        seen: Observed,
        party: PartyMatch | None,
        hit: DocHit | None,
        amount: int,
        explain: Callable[[], tuple[str, ...]],
    ) -> Option:
        score, rule = score_of(self.table, seen)
        first = self.book.entries[members[0]]
        gated_out = kind == "entry" and not ctx.gated
        blocked = gate_reason(ctx.line, self.book, members[0]) if gated_out else ""
        due = self.book.due_key(members[0])[0]
        return Option(
            kind=kind,
            members=members,
            keys=tuple(self.book.key(m) for m in members),
            account_type=first.ledger,
            account_no=first.party_no,
            score=score,
            rule=rule,
            seen=seen,
            party=party,
            hit=hit,
            amount=amount,
            explain=explain,
            date_gap=days_between(due, ctx.line.date),
            blocked=blocked,
            applicable=bool(score) and not blocked and not amount_only(seen),
            document_nos=tuple(self.book.entries[m].document_no for m in members),
        )

    def _total(self, ctx: _Context, members: tuple[int, ...]) -> int:
        return sum(self.book.worth(m, ctx.line.date).applicable for m in members)

    def _in_window(self, ctx: _Context, amount: int) -> bool:
        return ctx.low <= amount <= ctx.high

    @staticmethod
    def _within_tolerance(ctx: _Context, entry: OpenEntry, amount: int) -> bool:
        """A payment short of the entry by no more than the entry's payment tolerance settles
        it (the posting books the tolerance), so its amount counts as matching. (An overpayment
        keeps its rest as the line's difference, for the bookkeeper to place.)"""
        tolerance = abs(entry.max_tolerance)
        foreign = entry.remaining != entry.remaining_bank
        short = abs(amount) - abs(ctx.line.amount)
        return bool(tolerance) and not foreign and 0 < short <= tolerance

    def _doc(self, index: int) -> str:
        entry = self.book.entries[index]
        return entry.document_no or str(entry.entry_no)

    @property
    def _decimals(self) -> int:
        return self.settings.currency_decimals
