"""A scored possibility for one line (an entry, a group, a bank entry or a text mapping).

Options are what the assignment chooses between. Their order is total and built from content
only (score, kind, size, closeness, entry numbers), never from input order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import NamedTuple

from bankrec.domain.money import format_minor
from bankrec.matching.book import EntryBook
from bankrec.matching.documents import DocHit
from bankrec.matching.model import AccountType, EntryKey, PaymentLine, TextMapping
from bankrec.matching.names import PartyKey, PartyMatch
from bankrec.matching.result import CandidateKind, Evidence
from bankrec.matching.rules import (
    AmountMatch,
    DocMatch,
    ReferenceMatch,
    RelatedParty,
    Rule,
    RuleTable,
)

# At equal score an existing bank entry wins (no double posting), then bigger groups (BC 5.7).
_KIND_RANK: dict[CandidateKind, int] = {
    "bank_entry": 0,
    "group": 1,
    "subset": 2,
    "entry": 3,
    "mapping": 4,
}


@dataclass(slots=True, eq=False)
class Option:
    """One candidate of one line, scored; ``keys`` are the entries whose capacity it uses.

    Never changed once built (``dataclasses.replace`` makes a new one), but not frozen: options
    are built by the hundred thousand and a frozen dataclass costs six times as much to build.
    Its ``Evidence`` is composed only when read.
    """

    kind: CandidateKind
    members: tuple[int, ...]
    keys: tuple[EntryKey, ...]
    account_type: AccountType
    account_no: str
    score: int
    rule: Rule | None
    seen: Observed | None
    party: PartyMatch | None
    hit: DocHit | None
    amount: int
    explain: Callable[[], tuple[str, ...]]
    date_gap: int = 0
    blocked: str = ""
    applicable: bool = True
    mapping: TextMapping | None = None
    superseded: bool = False
    document_nos: tuple[str, ...] = field(default=())

    @property
    def evidence(self) -> Evidence:
        if self.seen is None:
            return Evidence()
        return evidence_of(self.seen, self.party, self.hit)

    @property
    def facts(self) -> tuple[str, ...]:
        """The evidence in words; composed only for the options someone reads."""
        return self.explain()

    def sort_key(self, line_amount: int) -> tuple[int, int, int, int, int, tuple[EntryKey, ...]]:
        """Best first: score, kind, more entries, closer amount, closer date, entry keys."""
        return (
            -self.score,
            _KIND_RANK[self.kind],
            -len(self.members),
            abs(line_amount - self.amount),
            self.date_gap,
            self.keys,
        )


def fixed(facts: list[str] | tuple[str, ...]) -> Callable[[], tuple[str, ...]]:
    """Facts already composed."""
    return partial(tuple, facts)


def appended(explain: Callable[[], tuple[str, ...]], note: str) -> Callable[[], tuple[str, ...]]:
    """Facts with one more sentence at the end."""
    return partial(_append, explain, note)


def _append(explain: Callable[[], tuple[str, ...]], note: str) -> tuple[str, ...]:
    return (*explain(), note)


class Observed(NamedTuple):
    """The four criteria as observed for one option, before a rule is looked up."""

    related: RelatedParty
    doc: DocMatch
    amount: AmountMatch
    reference: ReferenceMatch
    in_window: int


def score_of(table: RuleTable, seen: Observed) -> tuple[int, Rule | None]:
    rule = table.best(seen.related, seen.doc, seen.amount, seen.reference)
    return (rule.score if rule else 0), rule


def amount_only(seen: Observed | None) -> bool:
    """Only a non-unique amount links line and entry: explained, never applied (BC Low 5)."""
    return (
        seen is not None
        and seen.related == "no"
        and seen.doc == "no"
        and seen.reference != "yes"
        and seen.amount == "multiple"
    )


def evidence_of(seen: Observed, party: PartyMatch | None, hit: DocHit | None) -> Evidence:
    return Evidence(
        related_party=seen.related,
        related_how=party.how if party else None,
        name_similarity=party.similarity if party else 0,
        doc_match=seen.doc,
        doc_field=hit.field if hit else None,
        doc_token=hit.token if hit else "",
        amount_match=seen.amount,
        amount_in_window=seen.in_window,
        reference_match=seen.reference,
    )


def amount_match(in_window: bool, count: int) -> AmountMatch:
    if not in_window:
        return "none"
    return "one" if count <= 1 else "multiple"


def gate_reason(line: PaymentLine, book: EntryBook, index: int) -> str:
    """Why automatic matching may not pair the line with this entry ("" when it may)."""
    entry = book.entries[index]
    label = entry_label(book, index)
    if (line.amount > 0) != (entry.remaining_bank > 0):
        payment = "refund" if _pays_invoice(book, index) else "payment"
        return f"sign differs: a {payment} cannot pay {article(label)}"
    if entry.posting_date > line.date:
        return (
            f"{label} posted after the payment "
            f"({entry.posting_date.isoformat()} > {line.date.isoformat()})"
        )
    return ""


def _pays_invoice(book: EntryBook, index: int) -> bool:
    entry = book.entries[index]
    return (entry.ledger == "customer") == (entry.remaining_bank > 0)


def entry_label(book: EntryBook, index: int) -> str:
    """How a sentence names an entry: "invoice 103001", "credit memo CM-4", "entry 17"."""
    entry = book.entries[index]
    kind = entry.document_type.replace("-", " ") or "entry"
    return f"{kind} {entry.document_no or entry.entry_no}"


def article(label: str) -> str:
    return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"


def describe_amount(
    book: EntryBook, index: int, line: PaymentLine, seen: Observed, decimals: int
) -> str:
    """The amount criterion in words, with the discount when one is counted."""
    worth = book.worth(index, line.date)
    label = entry_label(book, index)
    shown = format_minor(worth.applicable, decimals)
    discount = (
        f" after a payment discount of {format_minor(worth.discount, decimals)}"
        if worth.discount
        else ""
    )
    if seen.amount == "none":
        gap = format_minor(abs(line.amount - worth.applicable), decimals)
        return f"{label}: open amount {shown}{discount} differs from the payment by {gap}"
    if seen.amount == "one":
        return f"{label}: open amount {shown}{discount} is the only one that fits the payment"
    return f"{label}: open amount {shown}{discount} fits, as do {seen.in_window - 1} other(s)"


def days_between(first: date, second: date) -> int:
    return abs((first - second).days)


@dataclass(slots=True)
class LineOptions:
    """Everything found for one line: its options and what explains them."""

    line: PaymentLine
    window: tuple[int, int]
    parties: dict[PartyKey, PartyMatch]
    account_known: bool
    options: list[Option] = field(default_factory=list)
    hidden_ties: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def rank(self) -> None:
        """Put the options in order, best first (once, when they are all found)."""
        self.options.sort(key=lambda o: o.sort_key(self.line.amount))

    def ranked(self) -> list[Option]:
        return self.options
