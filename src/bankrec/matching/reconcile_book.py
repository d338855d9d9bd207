"""The bank ledger entries of one reconciliation, indexed once, and what each line offers.

Every question a line asks (entries of exactly its amount within the date tolerance, entries
its text names by check or document number, entries of its sign posted near it) is answered by
a dictionary look-up or a bisection, so n lines against m entries cost about n log m, never n
times m (reference 14: BC's auto-match scans every entry for every line).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

from bankrec.matching.amounts import AmountIndex
from bankrec.matching.documents import DocIndex, LineRefs, ReferenceIndex
from bankrec.matching.reconcile_model import LedgerEntry, RecLine
from bankrec.matching.text import compact, name_words, search_text, trailing_number, words

RefKind = Literal["check", "end_to_end", "document", "external_document", "number"]

REF_POINTS: dict[RefKind, int] = {
    "check": 400,
    "end_to_end": 400,
    "document": 300,
    "external_document": 300,
    "number": 200,
}
"""How strongly each kind of reference identifies an entry (a part of the score)."""

REF_PHRASE: dict[RefKind, str] = {
    "check": "a check-number match",
    "end_to_end": "an end-to-end id match",
    "document": "a document-number match",
    "external_document": "an external-document-number match",
    "number": "a document-number match",
}

_CHECK = re.compile(
    r"\b(?:CHECKS?|CHEQUES?|CHKS?|CHQS?)\b\.?\s*(?:(?:NOS?|NRS?|NUMBERS?)\b\.?)?\s*[#:]?\s*"
    r"(\d{3,}\b(?:\s*(?:,|&|\bAND\b)?\s*#?\d{3,}\b)*)"
)
"""A check number named in bank text: "CHECK 1857", "CHK#1857", "CHEQUE NO. 001857", or a list
"CHECKS 1857, 1858 AND 1859" (a deposit of several checks). Numbers need three digits, so a
date after the number ("CHECK 1857 03/05") is not read as a list."""
_DIGITS = re.compile(r"\d+")

GENERIC_WORDS = frozenset(
    {"check", "checks", "cheque", "chk", "chq", "payment", "pmt", "transfer", "deposit"}
    | {"sepa", "ct", "dd", "credit", "debit", "ref", "inv", "invoice", "no", "nr", "to", "from"}
)
"""Words bank texts and entry descriptions share whatever they are about: left out of the
description similarity, so "CHECK 1857" is not similar to "Check 1858 Contoso"."""


def check_key(value: str) -> str:
    """A check number for equality: its trailing digits without leading zeros ("CHK-001857"
    and "1857" are the same check)."""
    key = compact(value)
    return trailing_number(key) or key.lstrip("0")


def checks_in(text: str) -> tuple[str, ...]:
    """Check numbers the (upper-cased) text names after a check keyword, in order."""
    found: list[str] = []
    for match in _CHECK.finditer(text):
        for number in _DIGITS.findall(match.group(1)):
            key = number.lstrip("0")
            if key and key not in found:
                found.append(key)
    return tuple(found)


def _sorted_key(found: Iterable[str]) -> str:
    return " ".join(sorted(found))


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def _significant(found: Iterable[str]) -> tuple[str, ...]:
    return tuple(w for w in found if w.isalpha() and w not in GENERIC_WORDS)


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What one line offers for matching, prepared once."""

    line: RecLine
    day: int | None
    checks: tuple[str, ...]
    refs: str
    name: str
    description: str
    text_words: list[str]

    @property
    def sign(self) -> int:
        return 1 if self.line.amount > 0 else -1


def line_facts(line: RecLine) -> LineFacts:
    refs = search_text(line.text, line.additional_text, line.document_no, line.check_no)
    text_words = _words(f"{line.text} {line.additional_text}")
    explicit = check_key(line.check_no)
    checks = (explicit,) if explicit else checks_in(search_text(line.text, line.additional_text))
    return LineFacts(
        line=line,
        day=line.date.toordinal() if line.date else None,
        checks=checks,
        refs=refs,
        name=_sorted_key(name_words(line.counterparty_name)),
        description=_sorted_key(_significant(text_words)),
        text_words=list(text_words),
    )


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What one entry offers for matching, prepared once."""

    entry: LedgerEntry
    day: int
    check: str
    description: str
    description_words: tuple[str, ...]
    party: str
    party_words: tuple[str, ...]

    @property
    def sign(self) -> int:
        return 1 if self.entry.amount > 0 else -1


def entry_facts(entry: LedgerEntry) -> EntryFacts:
    check = check_key(entry.check_no)
    if not check:
        named = checks_in(entry.description.upper())
        check = named[0] if len(named) == 1 else ""
    significant = _significant(_words(entry.description))
    return EntryFacts(
        entry=entry,
        day=entry.posting_date.toordinal(),
        check=check,
        description=_sorted_key(significant),
        description_words=significant,
        party=_sorted_key(name_words(entry.party_name)),
        party_words=name_words(entry.party_name),
    )


class Ref(NamedTuple):
    """How a line names an entry, and the sentence that says so."""

    kind: RefKind
    sentence: str


class DateIndex:
    """Items sorted by day (ties by their position in ``items``), for window queries."""

    def __init__(self, items: list[tuple[int, int]]) -> None:
        """``items`` are ``(day, id)`` pairs, already in the tie-break order within a day."""
        ordered = sorted(range(len(items)), key=lambda k: (items[k][0], k))
        self.days = [items[k][0] for k in ordered]
        self.ids = [items[k][1] for k in ordered]

    def between(self, first: int, last: int) -> list[int]:
        return self.ids[bisect_left(self.days, first) : bisect_right(self.days, last)]

    def nearest(
        self, day: int, days: int, k: int, accept: Callable[[list[int]], list[int]]
    ) -> list[int]:
        """Up to ``k`` ids within ``days`` of ``day`` that ``accept`` keeps (it filters a batch
        of ids), nearest first: day by day outward, the earlier day first, then index order."""
        found: list[int] = []
        for gap in range(days + 1):
            batch = self.on(day) if gap == 0 else self.on(day - gap) + self.on(day + gap)
            if batch:
                found += accept(batch)
            if len(found) >= k:
                break
        return found[:k]

    def on(self, day: int) -> list[int]:
        return self.ids[bisect_left(self.days, day) : bisect_right(self.days, day)]


class RecBook:
    """The entries of one run (sorted by entry number) and their indexes.

    Entries with a zero amount are never candidates; ``fixed`` entries (matched by hand) stay in
    the book so that a near miss can name them, but ``usable`` is false for them.
    """

    def __init__(self, entries: Iterable[LedgerEntry], fixed: Collection[int]) -> None:
        self.entries: list[LedgerEntry] = sorted(
            (e for e in entries if e.amount != 0), key=lambda e: e.entry_no
        )
        self.facts = [entry_facts(e) for e in self.entries]
        self.fixed = frozenset(fixed)
        self.usable = [e.entry_no not in self.fixed for e in self.entries]
        self.position = {e.entry_no: i for i, e in enumerate(self.entries)}
        by_amount: dict[int, list[tuple[int, int]]] = defaultdict(list)
        by_sign: dict[int, list[tuple[int, int]]] = {1: [], -1: []}
        self.checks: dict[str, list[int]] = defaultdict(list)
        self.docs = DocIndex()
        self.references = ReferenceIndex()
        for index, facts in enumerate(self.facts):
            entry = facts.entry
            by_amount[entry.amount].append((facts.day, index))
            by_sign[facts.sign].append((facts.day, index))
            if facts.check:
                self.checks[facts.check].append(index)
            self.docs.add(index, "document_no", entry.document_no)
            self.docs.add(index, "external_document_no", entry.external_document_no)
            self.references.add(index, entry.document_no)
            self.references.add(index, entry.external_document_no)
        self._amounts = {amount: DateIndex(items) for amount, items in by_amount.items()}
        self.dates = {sign: DateIndex(items) for sign, items in by_sign.items()}
        self.amount_index = {
            sign: AmountIndex(
                (f.entry.amount, i) for i, f in enumerate(self.facts) if f.sign == sign
            )
            for sign in (1, -1)
        }

    def of_amount(self, amount: int, day: int | None, days: int) -> list[int]:
        """Entries of exactly ``amount`` posted within ``days`` of ``day`` (any day if None)."""
        found = self._amounts.get(amount)
        if found is None:
            return []
        if day is None:
            return list(found.ids)
        return found.between(day - days, day + days)

    def of_sign(self, sign: int, day: int, days: int) -> list[int]:
        """Entries of ``sign`` posted within ``days`` of ``day``."""
        return self.dates[sign].between(day - days, day + days)

    def named_by(self, facts: LineFacts) -> dict[int, Ref]:
        """Entries the line names by check number, end-to-end id or document number (any date,
        any sign: the gates are applied by the caller), with the strongest reference each."""
        found: dict[int, Ref] = {}
        for check in facts.checks:
            for index in self.checks.get(check, ()):
                found[index] = Ref("check", f"check number {check} on the line and the entry")
        line = facts.line
        for index in sorted(self.references.find(line.end_to_end_id)):
            if index not in found:
                entry = self.entries[index]
                same = _same(entry.document_no, line.end_to_end_id)
                field = "document" if same else "external document"
                sentence = f"end-to-end id {line.end_to_end_id} is the entry's {field} number"
                found[index] = Ref("end_to_end", sentence)
        for index, hit in sorted(self.docs.find(LineRefs(facts.refs, "")).items()):
            if index not in found:
                kind: RefKind = (
                    "number"
                    if hit.how == "number"
                    else ("document" if hit.field == "document_no" else "external_document")
                )
                found[index] = Ref(kind, hit.describe())
        return found


def check_conflict(facts: LineFacts, check: str) -> bool:
    """Both sides carry a check number and the entry's is not among the line's."""
    return bool(facts.checks) and bool(check) and check not in facts.checks


def _same(first: str, second: str) -> bool:
    return bool(first) and compact(first) == compact(second)


def amount_close(line_amount: int, entry_amount: int) -> bool:
    """BC's AmountClose: same sign and 0.6 < |line| / |entry| < 1.1 (reference 4.4.2)."""
    if (line_amount > 0) != (entry_amount > 0) or not line_amount or not entry_amount:
        return False
    line_abs, entry_abs = abs(line_amount), abs(entry_amount)
    return 6 * entry_abs < 10 * line_abs < 11 * entry_abs


def line_order(lines: Sequence[RecLine]) -> list[RecLine]:
    """Lines in a content order (date, identity, number), never the input order."""
    return sorted(
        lines,
        key=lambda line: (
            line.date is not None,
            line.date.toordinal() if line.date else 0,
            line.identity,
            line.line_no,
        ),
    )
