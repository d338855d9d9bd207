"""The open items of one matching run, indexed once: by party, amount, document and reference.

Every query a line makes (its party's entries, entries whose amount fits its window, entries
named in its text) is answered from these indexes, so a journal of n lines against m open entries
costs about n log m, never n times m.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from bankrec.matching.amounts import AmountIndex, Valuation, Worth, discount_open
from bankrec.matching.documents import DocIndex, ReferenceIndex
from bankrec.matching.model import BankEntry, EntryKey, Ledger, OpenEntry
from bankrec.matching.names import PartyKey

WINDOW_CAP = 50
"""More entries than this in one amount window are only counted ("multiple"), never listed."""


def _sign(amount: int) -> int:
    return (amount > 0) - (amount < 0)


class AmountSet:
    """Some open entries, answering "whose applicable amount on this day lies in [low, high]"."""

    def __init__(self, book: EntryBook, ids: Iterable[int]) -> None:
        self.book = book
        local: list[int] = []
        foreign: dict[str, list[int]] = defaultdict(list)
        self.always: list[int] = []
        for index in ids:
            entry = book.entries[index]
            if not book.is_open[index]:
                continue
            if not book.valuation.is_foreign(entry):
                local.append(index)
            elif (entry.ledger, entry.entry_no) in book.valuation.reserved:
                self.always.append(index)
            else:
                foreign[entry.currency].append(index)
        static = book.static
        self.full = AmountIndex((static[i].full, i) for i in local)
        self.discounted = AmountIndex(
            (static[i].applicable, i) for i in local if static[i].discount
        )
        self.foreign = {
            currency: (
                AmountIndex((book.entries[i].remaining, i) for i in members),
                AmountIndex(
                    (book.entries[i].remaining - book.entries[i].discount_possible, i)
                    for i in members
                    if book.entries[i].discount_possible
                ),
            )
            for currency, members in sorted(foreign.items())
        }

    def query(self, low: int, high: int, day: date, gated: bool) -> list[int] | None:
        """Entries worth [low, high] on ``day`` (posted by then if ``gated``); None if too many."""
        full = self.full.ids_in(low, high, WINDOW_CAP)
        discounted = self.discounted.ids_in(low, high, WINDOW_CAP)
        if full is None or discounted is None:
            return None
        entries = self.book.entries
        found = {i for i in full if not (self.book.static[i].discount and _open(entries[i], day))}
        found.update(i for i in discounted if _open(entries[i], day))
        for currency, (by_full, by_discounted) in self.foreign.items():
            converted = self.book.valuation.entry_window(currency, day, low, high)
            for index in by_full, by_discounted:
                hits = index.ids_in(*converted, WINDOW_CAP)
                if hits is None:
                    return None
                found.update(i for i in hits if self._fits(i, low, high, day))
        found.update(i for i in self.always if self._fits(i, low, high, day))
        if gated:
            found = {i for i in found if entries[i].posting_date <= day}
        if len(found) > WINDOW_CAP:
            return None
        return sorted(found)

    def _fits(self, index: int, low: int, high: int, day: date) -> bool:
        return low <= self.book.worth(index, day).applicable <= high


def _open(entry: OpenEntry, day: date) -> bool:
    return discount_open(entry, day)


class EntryBook:
    """Open customer and vendor entries, in (ledger, entry no.) order whatever the input order."""

    def __init__(self, entries: Iterable[OpenEntry], valuation: Valuation) -> None:
        self.entries = sorted(entries, key=lambda e: (e.ledger, e.entry_no))
        self.valuation = valuation
        self.index_of: dict[EntryKey, int] = {}
        for index, entry in enumerate(self.entries):
            key: EntryKey = (entry.ledger, entry.entry_no)
            if key in self.index_of:
                raise ValueError(f"{entry.ledger} entry {entry.entry_no} is given twice")
            self.index_of[key] = index
        self.static = [valuation.static(e) for e in self.entries]
        self.foreign = [valuation.is_foreign(e) for e in self.entries]
        self.is_open = [
            w.full != 0 and _sign(w.full) == _sign(e.remaining_bank)
            for w, e in zip(self.static, self.entries, strict=True)
        ]
        by_party: dict[PartyKey, list[int]] = defaultdict(list)
        by_ledger: dict[Ledger, list[int]] = defaultdict(list)
        self.docs = DocIndex()
        self.references = ReferenceIndex()
        for index, entry in enumerate(self.entries):
            by_party[(entry.ledger, entry.party_no)].append(index)
            by_ledger[entry.ledger].append(index)
            self.docs.add(index, "document_no", entry.document_no)
            self.docs.add(index, "external_document_no", entry.external_document_no)
            self.docs.add(index, "payment_reference", entry.payment_reference)
            self.references.add(index, entry.payment_reference)
        self.by_party = {key: sorted(ids, key=self.due_key) for key, ids in by_party.items()}
        self.ledger_sets = {
            ledger: AmountSet(self, by_ledger[ledger]) for ledger in sorted(by_ledger)
        }
        self._party_sets: dict[PartyKey, AmountSet] = {}

    def key(self, index: int) -> EntryKey:
        entry = self.entries[index]
        return (entry.ledger, entry.entry_no)

    def due_key(self, index: int) -> tuple[date, date, int]:
        """Due-date order (the order a group is applied in), then posting date, entry no."""
        entry = self.entries[index]
        return (entry.due_date or entry.posting_date, entry.posting_date, entry.entry_no)

    def worth(self, index: int, day: date) -> Worth:
        """The entry's bank-currency value on ``day`` (see ``Valuation.on``)."""
        entry = self.entries[index]
        if self.foreign[index]:
            return self.valuation.on(entry, day)
        static = self.static[index]
        if static.discount and not discount_open(entry, day):
            return Worth(static.full, static.full)
        return static

    def party_set(self, key: PartyKey) -> AmountSet:
        """The window index of one party's entries, built the first time it is needed."""
        if key not in self._party_sets:
            self._party_sets[key] = AmountSet(self, self.by_party.get(key, ()))
        return self._party_sets[key]

    def capacity(self) -> dict[EntryKey, int]:
        """What each open entry can still take, in bank currency (absolute)."""
        return {self.key(i): abs(w.full) for i, w in enumerate(self.static) if self.is_open[i]}


class BankBook:
    """Open bank ledger entries of this bank: payments already posted some other way."""

    def __init__(self, entries: Iterable[BankEntry], reserved: Mapping[EntryKey, int]) -> None:
        self.entries = sorted(entries, key=lambda e: e.entry_no)
        self.available = [
            _left(e.remaining, reserved.get(("bank", e.entry_no), 0)) for e in self.entries
        ]
        self.amounts = AmountIndex((a, i) for i, a in enumerate(self.available) if a)
        self.docs = DocIndex()
        self.references = ReferenceIndex()
        for index, entry in enumerate(self.entries):
            self.docs.add(index, "document_no", entry.document_no)
            self.docs.add(index, "external_document_no", entry.external_document_no)
            self.docs.add(index, "check_no", entry.check_no)
            self.references.add(index, entry.end_to_end_id)

    def query(self, low: int, high: int, day: date, gated: bool) -> list[int] | None:
        hits = self.amounts.ids_in(low, high, WINDOW_CAP)
        if hits is None or not gated:
            return hits
        return [i for i in hits if self.entries[i].posting_date <= day]

    def capacity(self) -> dict[EntryKey, int]:
        return {
            ("bank", e.entry_no): abs(a)
            for e, a in zip(self.entries, self.available, strict=True)
            if a
        }


def _left(amount: int, taken: int) -> int:
    left = abs(amount) - abs(taken)
    return 0 if left <= 0 else _sign(amount) * left
