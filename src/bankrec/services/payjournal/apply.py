"""Apply a payment reconciliation journal automatically, and rank candidates for one line.

Lines the bookkeeper decided (accepted, manual) keep their applications and hold what they take
of each entry; rejected lines are left alone unless asked. Everything else is matched again over
the whole journal at once, so the result does not depend on line order or on earlier runs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bankrec.db.models import (
    BankAccount,
    PaymentApplication,
    PaymentJournal,
    PaymentJournalLine,
)
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.money import format_minor
from bankrec.matching.engine import match_journal, rank_candidates
from bankrec.matching.model import EntryKey, EntryLedger, OpenEntry, PaymentLine
from bankrec.matching.result import Candidate, LineMatch, ProposedApplication
from bankrec.services.database import Database
from bankrec.services.payjournal.book import Book, load_book, payment_line
from bankrec.services.payjournal.common import get_line, open_journal
from bankrec.services.payjournal.transfer_legs import as_line_match, transfer_matches

DECIDED = ("accepted", "manual")
BANK_RATE_SPREAD = Decimal(5)
"""Percent by which a bank's exchange rate may differ from the rate table's and still settle a
foreign invoice whole (the difference is then a realized exchange gain or loss)."""
LINE_MATCH_COLUMNS = ("confidence", "score", "status", "match_json", "reviewed")
STATUS_OF_TARGET = {
    "entries": "matched_auto",
    "bank_entry": "matched_auto",
    "mapping": "text_mapping",
    "transfer": "matched_auto",
}


@dataclass(frozen=True)
class ApplySummary:
    journal: int
    lines: int
    matched: int
    kept: int
    by_confidence: dict[str, int]


def apply_journal(db: Database, journal_id: int, retry_rejected: bool = False) -> ApplySummary:
    """Match every undecided line of the journal and store the proposals, in one transaction."""
    with db.transaction() as session:
        journal = open_journal(session, journal_id)
        bank = session.get(BankAccount, journal.bank_no)
        assert bank is not None
        book = load_book(session, bank, journal.id)
        skipped = DECIDED if retry_rejected else (*DECIDED, "rejected")
        undecided = [line for line in journal.lines if line.status not in skipped]
        matches = _match(session, journal, [payment_line(line) for line in undecided], book)
        _store(session, journal, undecided, matches, book)
        counts: dict[str, int] = {}
        for match in matches:
            counts[match.confidence] = counts.get(match.confidence, 0) + 1
        return ApplySummary(
            journal=journal.id,
            lines=len(journal.lines),
            matched=sum(1 for m in matches if m.applications),
            kept=len(journal.lines) - len(undecided),
            by_confidence=dict(sorted(counts.items())),
        )


def _match(
    session: Session, journal: PaymentJournal, lines: list[PaymentLine], book: Book
) -> tuple[LineMatch, ...]:
    """Transfers between our own banks first; the engine matches the rest to customers,
    vendors, bank entries and text mappings."""
    free = [e for e in book.bank_entries if not book.reserved.get(("bank", e.entry_no))]
    transfers = transfer_matches(session, journal, lines, free, BANK_RATE_SPREAD)
    taken = {m.entry.entry_no for m in transfers.values() if m.entry is not None}
    result = match_journal(
        [line for line in lines if line.line_no not in transfers],
        book.parties,
        book.entries,
        [e for e in book.bank_entries if e.entry_no not in taken],
        book.mappings,
        book.rules,
        book.settings,
        converter=book.converter,
        reserved=book.reserved,
    )
    by_no = {line.line_no: line for line in lines}
    found = [as_line_match(match, by_no[no]) for no, match in transfers.items()]
    return tuple(sorted((*result.lines, *found), key=lambda match: match.line_no))


def _store(
    session: Session,
    journal: PaymentJournal,
    lines: list[PaymentJournalLine],
    matches: tuple[LineMatch, ...],
    book: Book,
) -> None:
    """Replace the lines' applications and match facts with set-based statements: a journal of
    10,000 lines is written in a few round trips, not 10,000."""
    by_no = {line.line_no: line for line in lines}
    ids = [line.id for line in lines]
    for start in range(0, len(ids), 500):
        session.execute(
            delete(PaymentApplication).where(
                PaymentApplication.line_id.in_(ids[start : start + 500])
            )
        )
    foreign = _ForeignAmounts(book)
    applications: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for match in matches:
        line = by_no[match.line_no]
        status = STATUS_OF_TARGET[match.target] if match.applications and match.target else None
        updates.append(
            {
                "line_id": line.id,
                "confidence": match.confidence if match.applications else "none",
                "score": match.score if match.applications else 0,
                "status": status or "not_applied",
                "match_json": json.dumps(_match_document(match, book), separators=(",", ":")),
                "reviewed": False,
            }
        )
        origin = "mapping" if match.target == "mapping" else "auto"
        for proposed in foreign.at_bank_rate(match, line):
            applications.append(
                {
                    "line_id": line.id,
                    "account_type": proposed.ledger,
                    "account_no": proposed.account_no,
                    "entry_no": proposed.entry_no,
                    "document_no": proposed.document_no[:35],
                    "description": "",
                    "applied_minor": proposed.applied_amount,
                    "discount_minor": proposed.discount,
                    "applied_entry_minor": foreign.entry_amount(proposed, line),
                    "confidence": match.confidence,
                    "score": match.score,
                    "origin": origin,
                    "received_minor": proposed.received,
                    "paired_line_id": proposed.paired_line_id,
                }
            )
    # Core executemany, below the ORM's per-row bookkeeping: 10,000 lines in well under a second.
    connection = session.connection()
    if updates:
        lines_table = PaymentJournalLine.__table__
        assert isinstance(lines_table, Table)
        statement = (
            update(lines_table)
            .where(lines_table.c.id == bindparam("line_id"))
            .values({name: bindparam(name) for name in LINE_MATCH_COLUMNS})
        )
        connection.execute(statement, updates)
    if applications:
        applications_table = PaymentApplication.__table__
        assert isinstance(applications_table, Table)
        connection.execute(insert(applications_table), applications)
    journal.version += 1
    session.flush()
    session.expire_all()


class _ForeignAmounts:
    """A local-currency bank paying a foreign entry: the entry-currency amount of each
    application, exact when the application closes the entry."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.foreign: dict[EntryKey, OpenEntry] = {
            (e.ledger, e.entry_no): e
            for e in book.entries
            if e.currency and e.currency != book.settings.bank_currency
        }
        self.setup: LedgerSetup | None = book.converter.setup if book.converter else None
        self.settled: set[tuple[int, str, int]] = set()

    def at_bank_rate(
        self, match: LineMatch, line: PaymentJournalLine
    ) -> tuple[ProposedApplication, ...]:
        """A foreign invoice paid whole at the bank's own rate: the line's whole amount settles
        it when the rate differs from the table's by no more than ``BANK_RATE_SPREAD``; posting
        then books the exchange difference (BC leaves it open, a known complaint)."""
        applications = match.applications
        if len(applications) != 1 or not match.difference or line.amount_minor == 0:
            return applications
        proposed = applications[0]
        if proposed.entry_no is None or proposed.ledger not in ("customer", "vendor"):
            return applications
        entry = self.foreign.get((proposed.ledger, proposed.entry_no))
        converter = self.book.converter
        if entry is None or converter is None:
            return applications
        whole = converter(entry.remaining, entry.currency, line.transaction_date)
        spread = abs(Decimal(match.difference) / Decimal(line.amount_minor)) * 100
        if proposed.applied_amount != whole or spread > BANK_RATE_SPREAD:
            return applications
        self.settled.add((line.line_no, proposed.ledger, proposed.entry_no))
        return (replace(proposed, applied_amount=line.amount_minor + proposed.discount),)

    def entry_amount(self, proposed: ProposedApplication, line: PaymentJournalLine) -> int | None:
        if proposed.entry_no is None or proposed.ledger not in ("customer", "vendor"):
            return None
        entry = self.foreign.get((proposed.ledger, proposed.entry_no))
        if entry is None or self.book.converter is None or self.setup is None:
            return None
        converter = self.book.converter
        whole = converter(entry.remaining, entry.currency, line.transaction_date)
        settled = (line.line_no, proposed.ledger, proposed.entry_no) in self.settled
        if settled or proposed.applied_amount == whole:
            return entry.remaining
        rate = self.setup.rate(entry.currency, line.transaction_date)
        if rate is None:
            rate = Decimal(entry.remaining_bank) / Decimal(entry.remaining)
        return self.setup.from_lcy(proposed.applied_amount, entry.currency, rate)


def _match_document(match: LineMatch, book: Book) -> dict[str, Any]:
    places = book.settings.currency_decimals
    evidence = asdict(match.evidence)
    return {
        "details": list(match.details),
        "evidence": evidence,
        "rule": None
        if match.rule is None
        else {"confidence": match.rule.confidence, "priority": match.rule.priority},
        "review_required": match.review_required,
        "difference": format_minor(match.difference, places),
        "near_misses": [
            {
                "entry_no": miss.entry_no,
                "account_type": miss.ledger,
                "account_no": miss.account_no,
                "document_no": miss.document_no,
                "reason": miss.reason,
            }
            for miss in match.near_misses
        ],
    }


@dataclass(frozen=True)
class CandidateView:
    rank: int
    kind: str
    account_type: str
    account_no: str
    entry_nos: tuple[int, ...]
    document_nos: tuple[str, ...]
    amount: str
    score: int
    confidence: str
    blocked: str
    details: tuple[str, ...]
    evidence: dict[str, Any]


def line_candidates(
    db: Database, journal_id: int, line_no: int, limit: int = 10, gates: bool = False
) -> dict[str, Any]:
    """The ranked possibilities for one line (reference 5.10, ranking mode: gates off)."""
    with db.reading() as session:
        journal = open_journal(session, journal_id)
        line = get_line(journal, line_no)
        bank = session.get(BankAccount, journal.bank_no)
        assert bank is not None
        book = load_book(session, bank, journal.id)
        own = _own_claims(session, line)
        reserved = dict(book.reserved)
        for key, amount in own.items():
            reserved[key] = reserved.get(key, 0) - amount
        found = rank_candidates(
            payment_line(line),
            book.parties,
            book.entries,
            book.bank_entries,
            book.mappings,
            book.rules,
            book.settings,
            converter=book.converter,
            gates=gates,
            limit=limit,
            reserved=reserved,
        )
        places = book.settings.currency_decimals
        return {
            "journal": journal.id,
            "line": line.line_no,
            "date": line.transaction_date.isoformat(),
            "amount": format_minor(line.amount_minor, places),
            "text": line.text,
            "counterparty": line.counterparty_name,
            "candidates": [
                asdict(_candidate_view(rank, c, places)) for rank, c in enumerate(found, 1)
            ],
        }


def _own_claims(session: Session, line: PaymentJournalLine) -> dict[EntryKey, int]:
    """What this line's own decided applications hold, so its candidates are not hidden by it."""
    if line.status not in DECIDED:
        return {}
    rows = session.execute(
        select(
            PaymentApplication.account_type,
            PaymentApplication.entry_no,
            func.sum(PaymentApplication.applied_minor),
        )
        .where(PaymentApplication.line_id == line.id, PaymentApplication.entry_no.is_not(None))
        .group_by(PaymentApplication.account_type, PaymentApplication.entry_no)
    )
    return {(cast("EntryLedger", k), int(str(n))): abs(int(str(a))) for k, n, a in rows}


def _candidate_view(rank: int, candidate: Candidate, places: int) -> CandidateView:
    return CandidateView(
        rank=rank,
        kind=candidate.kind,
        account_type=candidate.account_type,
        account_no=candidate.account_no,
        entry_nos=candidate.entry_nos,
        document_nos=candidate.document_nos,
        amount=format_minor(candidate.amount, places),
        score=candidate.score,
        confidence=candidate.confidence,
        blocked=candidate.blocked,
        details=candidate.details,
        evidence=asdict(candidate.evidence),
    )
