"""Create, list and delete payment reconciliation journals (BC 5.1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bankrec.db import payment_repo
from bankrec.db.models import (
    BankAccount,
    BankStatement,
    BankStatementLine,
    PaymentJournal,
    PaymentJournalLine,
)
from bankrec.errors import ConflictError, NotFoundError, PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.lookups import statement_of_bank
from bankrec.services.payjournal.common import (
    currency_places,
    money,
    open_journal,
)


def _bank(session: Session, bank_no: str) -> BankAccount:
    bank = session.get(BankAccount, bank_no)
    if bank is None:
        raise NotFoundError(f"bank account {bank_no} does not exist; see `bankrec bank list`")
    return bank


def _statement(session: Session, bank: BankAccount, statement_id: int) -> BankStatement:
    return statement_of_bank(session, bank, statement_id)


def _candidate_lines(
    session: Session, bank: BankAccount, statement: BankStatement | None
) -> list[BankStatementLine]:
    if statement is not None:
        query = (
            select(BankStatementLine)
            .where(BankStatementLine.statement_id == statement.id)
            .order_by(BankStatementLine.line_no)
        )
    else:
        query = (
            select(BankStatementLine)
            .outerjoin(
                PaymentJournalLine, PaymentJournalLine.statement_line_id == BankStatementLine.id
            )
            .where(BankStatementLine.bank_no == bank.no, PaymentJournalLine.id.is_(None))
            .order_by(
                BankStatementLine.booking_date,
                BankStatementLine.statement_id,
                BankStatementLine.line_no,
            )
        )
    return list(session.scalars(query))


def _journal_line(source: BankStatementLine, line_no: int) -> PaymentJournalLine:
    return PaymentJournalLine(
        line_no=line_no,
        statement_line_id=source.id,
        transaction_date=source.booking_date,
        amount_minor=source.amount_minor,
        currency_code=source.currency_code,
        text=source.remittance,
        additional_text=f"check {source.check_no}" if source.check_no else "",
        counterparty_name=source.counterparty_name,
        counterparty_account=source.counterparty_account,
        counterparty_address=source.counterparty_address,
        counterparty_city=source.counterparty_city,
        creditor_reference=source.structured_reference,
        end_to_end_id=source.end_to_end_id,
        bank_transaction_id=source.bank_reference,
        identity=source.dedupe_key,
        confidence="none",
        score=0,
        status="not_applied",
        match_json="",
        rejected_json="",
        reviewed=False,
    )


def _skip_reason(
    source: BankStatementLine, bank: BankAccount, journalled: dict[int, tuple[int, str]]
) -> str | None:
    if source.id in journalled:
        journal_id, status = journalled[source.id]
        return f"already in {status} payment journal {journal_id}"
    if source.currency_code != bank.currency_code:
        return f"in {source.currency_code}, not the bank's {bank.currency_code}"
    return None


def _nothing_to_add(
    bank: BankAccount, statement: BankStatement | None, skipped: list[dict[str, Any]]
) -> PaymentJournalError:
    if statement is None:
        return PaymentJournalError(
            f"bank {bank.no} has no imported statement lines that are not in a payment journal "
            "yet; import a statement first (`bankrec import FILE`)"
        )
    reasons = sorted({s["reason"] for s in skipped})
    detail = f": {len(skipped)} skipped ({'; '.join(reasons)})" if skipped else ""
    return PaymentJournalError(
        f"statement {statement.id} of bank {bank.no} has no lines to put in a new payment "
        f"journal{detail}; nothing was created"
    )


def new_journal(
    db: Database, bank_no: str, statement_id: int | None = None, user: str = "unknown"
) -> dict[str, Any]:
    """A new open journal of ``bank_no`` filled with statement lines not in any journal yet:
    those of one statement in its line order, or every such line of the bank by booking date.

    Returns ``{"journal", "bank", "statement", "lines", "skipped", "skipped_lines",
    "currency", "total_amount"}``; refuses (and writes nothing) when no line is left."""
    with db.transaction() as session:
        bank = _bank(session, bank_no)
        statement = _statement(session, bank, statement_id) if statement_id is not None else None
        sources = _candidate_lines(session, bank, statement)
        journalled = payment_repo.journals_of_statement_lines(session, [s.id for s in sources])
        taken: list[BankStatementLine] = []
        skipped: list[dict[str, Any]] = []
        for source in sources:
            reason = _skip_reason(source, bank, journalled)
            if reason is None:
                taken.append(source)
            else:
                skipped.append(
                    {"statement": source.statement_id, "line": source.line_no, "reason": reason}
                )
        if not taken:
            raise _nothing_to_add(bank, statement, skipped)
        journal = PaymentJournal(
            bank_no=bank.no,
            statement_id=statement.id if statement else None,
            status="open",
            created_at=datetime.now(UTC),
            created_by=user,
            balance_last_statement_minor=bank.balance_last_statement_minor,
            ending_balance_minor=statement.closing_minor if statement else None,
            statement_date=(statement.closing_date or statement.period_end) if statement else None,
            version=0,
        )
        journal.lines = [_journal_line(source, n) for n, source in enumerate(taken, start=1)]
        session.add(journal)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ConflictError(
                "another payment journal took some of these statement lines meanwhile; run "
                "`bankrec pay new` again"
            ) from exc
        places = currency_places(session, bank.currency_code)
        return {
            "journal": journal.id,
            "bank": bank.no,
            "statement": journal.statement_id,
            "lines": len(taken),
            "skipped": len(skipped),
            "skipped_lines": skipped,
            "currency": bank.currency_code,
            "total_amount": money(sum(s.amount_minor for s in taken), places),
        }


def list_journals(
    db: Database, bank_no: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Journals, newest last, with their line count and total amount."""
    with db.reading() as session:
        totals = (
            select(
                PaymentJournalLine.journal_id,
                func.count().label("lines"),
                func.coalesce(func.sum(PaymentJournalLine.amount_minor), 0).label("total"),
            )
            .group_by(PaymentJournalLine.journal_id)
            .subquery()
        )
        query = (
            select(PaymentJournal, BankAccount.currency_code, totals.c.lines, totals.c.total)
            .join(BankAccount, BankAccount.no == PaymentJournal.bank_no)
            .outerjoin(totals, totals.c.journal_id == PaymentJournal.id)
            .order_by(PaymentJournal.id)
        )
        if bank_no:
            query = query.where(PaymentJournal.bank_no == bank_no)
        if status:
            query = query.where(PaymentJournal.status == status)
        places: dict[str, int] = {}
        result = []
        for journal, currency, lines, total in session.execute(query):
            if currency not in places:
                places[currency] = currency_places(session, currency)
            result.append(
                {
                    "journal": journal.id,
                    "bank": journal.bank_no,
                    "status": journal.status,
                    "statement": journal.statement_id,
                    "lines": int(lines or 0),
                    "currency": currency,
                    "total_amount": money(int(total or 0), places[currency]),
                    "created_at": journal.created_at.isoformat(timespec="seconds"),
                    "created_by": journal.created_by,
                    "posted_at": journal.posted_at.isoformat(timespec="seconds")
                    if journal.posted_at
                    else None,
                    "version": journal.version,
                }
            )
        return result


def delete_journal(db: Database, journal_id: int) -> dict[str, Any]:
    """Delete an open journal with its lines and applications; its statement lines become free
    for another journal. A posted journal cannot be deleted."""
    with db.transaction() as session:
        journal = open_journal(session, journal_id)
        result = {"journal": journal.id, "bank": journal.bank_no, "lines": len(journal.lines)}
        payment_repo.delete_journal(session, journal)
        return result
