"""Reverse a posted payment journal (reference 5.14): undo its bank statement when it reconciled
one, then reverse its transaction, all in one transaction. Optionally its statement lines go into
a new open journal, to be applied and posted again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bankrec.db import ledger_repo, payment_repo
from bankrec.db.models import (
    BankAccount,
    BankEntryStatus,
    BankLedgerEntry,
    PaymentJournal,
    PaymentJournalLine,
)
from bankrec.domain.kinds import StatementStatus
from bankrec.errors import PaymentJournalError
from bankrec.services.corrections import reverse_in
from bankrec.services.database import Database
from bankrec.services.payjournal.common import journal_not_found


@dataclass(frozen=True)
class ReverseResult:
    journal: int
    transaction_no: int
    reversed_by: int
    statement_no: int | None
    """The bank statement undone, when the journal had reconciled the bank."""
    reopened_entries: int
    new_journal: int | None


def reverse_journal(
    db: Database, journal_id: int, user: str, reopen: bool = False
) -> ReverseResult:
    with db.transaction() as session:
        journal = payment_repo.load_journal(session, journal_id, lock=True)
        if journal is None:
            raise journal_not_found(journal_id)
        transaction_no = _posted_transaction(session, journal)
        statement_no, reopened = None, 0
        if not journal.payments_only:
            statement_no, reopened = _undo_statement(session, journal, transaction_no)
        reversal = reverse_in(session, transaction_no, user)
        new_journal = _reopen(session, journal, user) if reopen else None
        return ReverseResult(
            journal=journal.id,
            transaction_no=transaction_no,
            reversed_by=reversal.transaction_no,
            statement_no=statement_no,
            reopened_entries=reopened,
            new_journal=new_journal,
        )


def _posted_transaction(session: Session, journal: PaymentJournal) -> int:
    if journal.status != "posted" or journal.transaction_no is None:
        raise PaymentJournalError(
            f"payment journal {journal.id} is {journal.status}; only a posted journal is reversed "
            f"(an open one is deleted with `bankrec pay delete {journal.id}`)"
        )
    existing = ledger_repo.reversal_of(session, journal.transaction_no)
    if existing is not None:
        raise PaymentJournalError(
            f"payment journal {journal.id} was already reversed by transaction "
            f"{existing.reversed_by_transaction_no}"
        )
    return journal.transaction_no


def _undo_statement(
    session: Session, journal: PaymentJournal, transaction_no: int
) -> tuple[int, int]:
    """Reopen the bank entries the journal's statement closed and restore the bank's balance
    last statement; only the bank's latest statement can be undone."""
    bank = session.get(BankAccount, journal.bank_no, with_for_update=True)
    assert bank is not None
    own = select(BankLedgerEntry.entry_no).where(BankLedgerEntry.transaction_no == transaction_no)
    statement_no = session.scalar(
        select(func.max(BankEntryStatus.statement_no)).where(
            BankEntryStatus.entry_no.in_(own), BankEntryStatus.status == "closed"
        )
    )
    if statement_no is None:
        raise PaymentJournalError(f"payment journal {journal.id} closed no bank entry to reopen")
    if statement_no != bank.last_statement_no:
        raise PaymentJournalError(
            f"payment journal {journal.id} posted statement {statement_no} of bank {bank.no}, "
            f"but its last statement is {bank.last_statement_no}; undo the later statements first"
        )
    closed = session.scalars(
        select(BankEntryStatus.entry_no)
        .where(BankEntryStatus.statement_no == statement_no, BankEntryStatus.status == "closed")
        .join(BankLedgerEntry, BankLedgerEntry.entry_no == BankEntryStatus.entry_no)
        .where(BankLedgerEntry.bank_no == bank.no)
        .distinct()
    ).all()
    now = datetime.now(UTC)
    for entry_no in sorted(closed):
        session.add(
            BankEntryStatus(entry_no=entry_no, status=StatementStatus.OPEN.value, changed_at=now)
        )
    assert journal.balance_last_statement_minor is not None
    bank.balance_last_statement_minor = journal.balance_last_statement_minor
    session.flush()
    return statement_no, len(closed)


def _reopen(session: Session, posted: PaymentJournal, user: str) -> int:
    """A new open journal with the posted one's lines, unapplied, linked to the same statement
    lines (the posted journal keeps its copies for the record)."""
    fresh = PaymentJournal(
        bank_no=posted.bank_no,
        statement_id=posted.statement_id,
        status="open",
        created_at=datetime.now(UTC),
        created_by=user,
    )
    session.add(fresh)
    session.flush()
    for old in posted.lines:
        statement_line = old.statement_line_id
        old.statement_line_id = None
        session.flush()
        session.add(
            PaymentJournalLine(
                journal_id=fresh.id,
                line_no=old.line_no,
                statement_line_id=statement_line,
                parent_line_no=old.parent_line_no,
                transaction_date=old.transaction_date,
                amount_minor=old.amount_minor,
                currency_code=old.currency_code,
                text=old.text,
                additional_text=old.additional_text,
                counterparty_name=old.counterparty_name,
                counterparty_account=old.counterparty_account,
                counterparty_address=old.counterparty_address,
                counterparty_city=old.counterparty_city,
                creditor_reference=old.creditor_reference,
                end_to_end_id=old.end_to_end_id,
                bank_transaction_id=old.bank_transaction_id,
                identity=old.identity,
            )
        )
    session.flush()
    return fresh.id
