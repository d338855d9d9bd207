"""Reads and writes of payment reconciliation journals. Callers own the session and transaction.

Writers lock the journal row first (``load_journal(..., lock=True)``) and bump its version when
they are done, so two changes of one journal queue rather than interleave.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from bankrec.db.ledger_repo import chunks
from bankrec.db.models import (
    BankEntryStatus,
    BankLedgerEntry,
    PaymentApplication,
    PaymentJournal,
    PaymentJournalLine,
    Reversal,
)


@dataclass(frozen=True)
class NewApplication:
    """An application to write; amounts in the bank's currency, signed like the target entry."""

    account_type: str
    account_no: str
    applied_minor: int
    confidence: str
    origin: str
    entry_no: int | None = None
    document_no: str = ""
    discount_minor: int = 0
    score: int = 0
    applied_entry_minor: int | None = None
    """The applied amount in the entry's currency, when that is not the bank's."""
    description: str = ""


@dataclass(frozen=True)
class Reservation:
    """What open journals have claimed of one entry, in the entry's currency."""

    amount: int
    discount_taken: bool


EntryKey = tuple[str, int]
"""(account type, entry no.): entry numbers are per ledger table."""


def load_journal(session: Session, journal_id: int, lock: bool = False) -> PaymentJournal | None:
    """The journal with its lines (in line order) and their applications.

    ``lock`` takes a row lock on the journal (PostgreSQL; SQLite serialises writers anyway) and
    re-reads it, so the caller sees the latest version.
    """
    query = (
        select(PaymentJournal)
        .where(PaymentJournal.id == journal_id)
        .options(selectinload(PaymentJournal.lines).selectinload(PaymentJournalLine.applications))
    )
    if lock:
        query = query.with_for_update(of=PaymentJournal).execution_options(populate_existing=True)
    return session.scalars(query).first()


def find_line(journal: PaymentJournal, line_no: int) -> PaymentJournalLine | None:
    return next((line for line in journal.lines if line.line_no == line_no), None)


def next_line_no(session: Session, journal_id: int) -> int:
    current = session.scalar(
        select(func.max(PaymentJournalLine.line_no)).where(
            PaymentJournalLine.journal_id == journal_id
        )
    )
    return int(current or 0) + 1


def bump_version(journal: PaymentJournal) -> None:
    """Record that the journal changed; every writer calls it once per change."""
    journal.version = journal.version + 1


def journals_of_statement_lines(
    session: Session, statement_line_ids: Sequence[int]
) -> dict[int, tuple[int, str]]:
    """For each given statement line already in a journal: (journal id, journal status)."""
    found: dict[int, tuple[int, str]] = {}
    for part in chunks(sorted(set(statement_line_ids))):
        rows = session.execute(
            select(PaymentJournalLine.statement_line_id, PaymentJournal.id, PaymentJournal.status)
            .join(PaymentJournal, PaymentJournal.id == PaymentJournalLine.journal_id)
            .where(PaymentJournalLine.statement_line_id.in_(part))
        )
        found.update(
            {int(sid): (int(jid), str(status)) for sid, jid, status in rows if sid is not None}
        )
    return found


def reserved_amounts(
    session: Session, exclude_journal_id: int | None, keys: Iterable[EntryKey] | None = None
) -> dict[EntryKey, Reservation]:
    """What the applications of open journals other than ``exclude_journal_id`` claim of each
    entry (all entries, or only ``keys``), so that together they never exceed its remainder."""
    amount = func.sum(
        func.coalesce(PaymentApplication.applied_entry_minor, PaymentApplication.applied_minor)
    )
    discounted = func.max(case((PaymentApplication.discount_minor != 0, 1), else_=0))
    query = (
        select(PaymentApplication.account_type, PaymentApplication.entry_no, amount, discounted)
        .join(PaymentJournalLine, PaymentJournalLine.id == PaymentApplication.line_id)
        .join(PaymentJournal, PaymentJournal.id == PaymentJournalLine.journal_id)
        .where(PaymentJournal.status == "open", PaymentApplication.entry_no.is_not(None))
        .group_by(PaymentApplication.account_type, PaymentApplication.entry_no)
    )
    if exclude_journal_id is not None:
        query = query.where(PaymentJournal.id != exclude_journal_id)
    wanted = None if keys is None else set(keys)
    if wanted is None:
        return _reservations(session.execute(query))
    found: dict[EntryKey, Reservation] = {}
    for part in chunks(sorted({entry_no for _, entry_no in wanted})):
        rows = _reservations(session.execute(query.where(PaymentApplication.entry_no.in_(part))))
        found.update({key: value for key, value in rows.items() if key in wanted})
    return found


def _reservations(rows: Iterable[Sequence[object]]) -> dict[EntryKey, Reservation]:
    result: dict[EntryKey, Reservation] = {}
    for account_type, entry_no, amount, discounted in rows:
        assert isinstance(entry_no, int)
        result[(str(account_type), entry_no)] = Reservation(int(str(amount)), bool(discounted))
    return result


def add_application(
    session: Session, line: PaymentJournalLine, new: NewApplication
) -> PaymentApplication:
    application = PaymentApplication(
        account_type=new.account_type,
        account_no=new.account_no,
        entry_no=new.entry_no,
        document_no=new.document_no,
        description=new.description,
        applied_minor=new.applied_minor,
        discount_minor=new.discount_minor,
        applied_entry_minor=new.applied_entry_minor,
        confidence=new.confidence,
        score=new.score,
        origin=new.origin,
    )
    line.applications.append(application)
    session.flush()
    return application


def replace_applications(
    session: Session, line: PaymentJournalLine, new: Sequence[NewApplication]
) -> list[PaymentApplication]:
    """Drop the line's applications and write ``new`` in their place."""
    line.applications.clear()
    session.flush()
    return [add_application(session, line, application) for application in new]


def store_match_result(
    session: Session,
    line: PaymentJournalLine,
    *,
    confidence: str,
    score: int,
    status: str,
    match_json: str,
    applications: Sequence[NewApplication],
) -> None:
    """What the matcher decided for a line: its confidence, evidence and applications."""
    line.confidence, line.score, line.status = confidence, score, status
    line.match_json = match_json
    line.reviewed = False
    replace_applications(session, line, applications)


def delete_journal(session: Session, journal: PaymentJournal) -> None:
    """Delete the journal, its lines and their applications (loaded children through the ORM,
    the rest through the foreign keys' ON DELETE CASCADE)."""
    session.delete(journal)
    session.flush()


@dataclass(frozen=True)
class BankEntryState:
    """A bank ledger entry and whether a payment journal may still apply it."""

    entry: BankLedgerEntry
    status: str
    """open, applied (matched in a bank reconciliation) or closed."""
    reversed: bool

    @property
    def open(self) -> bool:
        return not self.reversed and self.status == "open"

    @property
    def remaining(self) -> int:
        return 0 if self.reversed or self.status == "closed" else self.entry.amount_minor


def bank_entry_state(session: Session, entry_no: int, lock: bool = False) -> BankEntryState | None:
    query = select(BankLedgerEntry).where(BankLedgerEntry.entry_no == entry_no)
    if lock:
        query = query.with_for_update()
    entry = session.scalars(query).first()
    if entry is None:
        return None
    status = session.scalar(
        select(BankEntryStatus.status)
        .where(BankEntryStatus.entry_no == entry_no)
        .order_by(BankEntryStatus.id.desc())
        .limit(1)
    )
    is_reversed = session.scalar(
        select(func.count())
        .select_from(Reversal)
        .where(
            (Reversal.transaction_no == entry.transaction_no)
            | (Reversal.reversed_by_transaction_no == entry.transaction_no)
        )
    )
    return BankEntryState(entry, str(status or "open"), bool(is_reversed))


def posted_transfer_legs(session: Session, statement_line_ids: set[int]) -> dict[int, int]:
    """Of these statement lines, those a posted payment journal took, as a line of its own or
    as the other leg of a transfer it posted: statement line id -> journal id."""
    if not statement_line_ids:
        return {}
    ids = sorted(statement_line_ids)
    posted = PaymentJournal.status == "posted"
    found: dict[int, int] = {}
    for part in chunks(ids):
        own = (
            select(PaymentJournalLine.statement_line_id, PaymentJournal.id)
            .join(PaymentJournal, PaymentJournal.id == PaymentJournalLine.journal_id)
            .where(posted, PaymentJournalLine.statement_line_id.in_(part))
        )
        paired = (
            select(PaymentApplication.paired_line_id, PaymentJournal.id)
            .join(PaymentJournalLine, PaymentJournalLine.id == PaymentApplication.line_id)
            .join(PaymentJournal, PaymentJournal.id == PaymentJournalLine.journal_id)
            .where(posted, PaymentApplication.paired_line_id.in_(part))
        )
        for query in (own, paired):
            for line_id, journal_id in session.execute(query):
                if line_id is not None:
                    found.setdefault(int(line_id), int(journal_id))
    return found
