"""Create, list and delete bank reconciliations (BC 3.1, 4.2).

A reconciliation takes its lines from an imported statement (with its statement date and
closing balance), or, without a file, suggests one line per open bank entry up to a date, each
matched to its entry at once (BC 4.2 b).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bankrec.db import payment_repo, rec_repo
from bankrec.db.models import (
    BankAccount,
    BankRecLine,
    BankReconciliation,
    BankStatement,
    BankStatementLine,
    PaymentJournal,
)
from bankrec.db.rec_repo import EntryRow
from bankrec.domain.money import to_minor
from bankrec.errors import ConflictError, InputError, NotFoundError, ReconciliationError
from bankrec.services.database import Database
from bankrec.services.lookups import statement_of_bank
from bankrec.services.reconciliation.common import (
    get_rec,
    money,
    new_match,
    open_rec,
    places_of,
    sync_entry_status,
)
from bankrec.services.reconciliation.view import rec_document

TEXT_LENGTH = 250


def _bank(session: Session, bank_no: str) -> BankAccount:
    bank = rec_repo.lock_bank(session, bank_no)
    if bank is None:
        raise NotFoundError(f"bank account {bank_no} does not exist; see `bankrec bank list`")
    return bank


def _statement(session: Session, bank: BankAccount, statement_id: int) -> BankStatement:
    return statement_of_bank(session, bank, statement_id)


def _statement_lines(session: Session, statement: BankStatement) -> list[BankStatementLine]:
    lines = list(
        session.scalars(
            select(BankStatementLine)
            .where(BankStatementLine.statement_id == statement.id)
            .order_by(BankStatementLine.line_no)
        )
    )
    ids = [line.id for line in lines]
    taken = rec_repo.statement_lines_taken(session, ids)
    if taken:
        recs = sorted(set(taken.values()))
        raise ReconciliationError(
            f"statement {statement.id} is already in bank reconciliation "
            f"{', '.join(map(str, recs))}; continue there (`bankrec rec show {recs[0]}`)"
        )
    for sid, (journal_id, status) in sorted(
        payment_repo.journals_of_statement_lines(session, ids).items()
    ):
        journal = session.get_one(PaymentJournal, journal_id)
        if status == "posted" and not journal.payments_only:
            line_no = next(line.line_no for line in lines if line.id == sid)
            raise ReconciliationError(
                f"statement {statement.id}, line {line_no} was reconciled by payment journal "
                f"{journal_id} when it was posted; its bank entries are closed already"
            )
    return lines


def _line_from_statement(source: BankStatementLine, line_no: int) -> BankRecLine:
    return BankRecLine(
        line_no=line_no,
        statement_line_id=source.id,
        transaction_date=source.booking_date,
        amount_minor=source.amount_minor,
        text=source.remittance,
        counterparty_name=source.counterparty_name,
        additional_text=source.structured_reference[:TEXT_LENGTH],
        check_no=source.check_no,
        end_to_end_id=source.end_to_end_id,
        bank_reference=source.bank_reference,
        document_no="",
        identity=source.dedupe_key,
        decision="none",
        match_json="",
    )


def _line_from_entry(row: EntryRow, line_no: int) -> BankRecLine:
    entry = row.entry
    return BankRecLine(
        line_no=line_no,
        statement_line_id=None,
        transaction_date=entry.posting_date,
        amount_minor=entry.amount_minor,
        text=entry.description,
        counterparty_name="",
        additional_text=entry.external_document_no,
        check_no=entry.check_no or "",
        end_to_end_id="",
        bank_reference="",
        document_no=entry.document_no,
        identity=f"entry:{entry.entry_no}",
        decision="none",
        match_json="",
    )


def _suggested_entries(session: Session, bank: BankAccount, up_to: date) -> list[EntryRow]:
    """Open, unreversed entries of the bank posted on or before ``up_to``, locked."""
    rows = rec_repo.bank_entries(session, bank.no, up_to=up_to, unclosed_only=True)
    wanted = [r.entry.entry_no for r in rows if not r.reversed and r.status == "open"]
    locked = rec_repo.entries_by_no(session, wanted, lock=True)
    elsewhere = rec_repo.matched_in(session, wanted)
    return [
        locked[no]
        for no in wanted
        if no not in elsewhere and locked[no].status == "open" and not locked[no].reversed
    ]


def _to_minor(amount: Decimal, bank: BankAccount, places: int, flag: str) -> int:
    try:
        return to_minor(amount, places)
    except ValueError:
        raise InputError(
            f"{flag} {amount} has more decimals than {bank.currency_code} allows ({places})"
        ) from None


def _fill_from_statement(
    session: Session,
    bank: BankAccount,
    rec: BankReconciliation,
    statement_id: int,
    statement_date: date | None,
) -> int | None:
    """The statement's lines and date; returns its closing balance (if it states one)."""
    statement = _statement(session, bank, statement_id)
    sources = _statement_lines(session, statement)
    rec.statement_id = statement.id
    rec.lines = [_line_from_statement(s, n) for n, s in enumerate(sources, start=1)]
    on = statement_date or statement.closing_date or statement.period_end
    on = on or max((s.booking_date for s in sources), default=None)
    if on is None:
        raise InputError(
            f"statement {statement.id} has no closing date and no lines; give --statement-date"
        )
    rec.statement_date = on
    return statement.closing_minor


def _fill_from_entries(
    session: Session, bank: BankAccount, rec: BankReconciliation, statement_date: date | None
) -> list[EntryRow]:
    """One line per open entry up to the date (BC 4.2 b); returns the entries, in line order."""
    if statement_date is None:
        raise InputError(
            "give --statement ID to reconcile an imported statement, or --statement-date D to "
            "suggest lines from the open bank entries up to D"
        )
    suggested = _suggested_entries(session, bank, statement_date)
    rec.statement_date = statement_date
    rec.lines = [_line_from_entry(r, n) for n, r in enumerate(suggested, start=1)]
    return suggested


def _insert(session: Session, rec: BankReconciliation) -> None:
    session.add(rec)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            f"another reconciliation of bank {rec.bank_no} took statement number "
            f"{rec.statement_no} or these statement lines meanwhile; run `bankrec rec new` again"
        ) from exc


def new_reconciliation(
    db: Database,
    bank_no: str,
    statement_id: int | None = None,
    statement_date: date | None = None,
    ending_balance: Decimal | None = None,
    user: str = "unknown",
) -> dict[str, Any]:
    """A new open reconciliation of ``bank_no`` with the next statement number.

    With ``statement_id``: the imported statement's lines; its closing date and balance unless
    ``statement_date`` and ``ending_balance`` say otherwise. Without: one line per open bank
    entry posted up to ``statement_date`` (required), each matched to its entry; the ending
    balance defaults to the balance last statement plus the lines.

    Returns the reconciliation document (``rec show --json``)."""
    with db.transaction() as session:
        bank = _bank(session, bank_no)
        rec = BankReconciliation(
            bank_no=bank.no,
            statement_no=rec_repo.next_statement_no(session, bank),
            status="open",
            balance_last_statement_minor=bank.balance_last_statement_minor,
            created_at=datetime.now(UTC),
            created_by=user,
            version=0,
        )
        suggested: list[EntryRow] = []
        closing = None
        if statement_id is not None:
            closing = _fill_from_statement(session, bank, rec, statement_id, statement_date)
        else:
            suggested = _fill_from_entries(session, bank, rec, statement_date)
        if ending_balance is not None:
            places = places_of(session, bank.currency_code)
            closing = _to_minor(ending_balance, bank, places, "--ending-balance")
        total = sum(line.amount_minor for line in rec.lines)
        rec.ending_balance_minor = (
            closing if closing is not None else bank.balance_last_statement_minor + total
        )
        _insert(session, rec)
        for line, row in zip(rec.lines if suggested else [], suggested, strict=True):
            details = [f"suggested from bank entry {row.entry.entry_no}"]
            new_match(rec, [line], [row], "suggest", details=details)
        session.flush()
        sync_entry_status(session, rec, {r.entry.entry_no: r for r in suggested})
        return rec_document(session, get_rec(session, rec.id))


def list_reconciliations(
    db: Database, bank_no: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    """Reconciliations by bank and statement number, with their line count and total."""
    with db.reading() as session:
        recs = rec_repo.reconciliations(session, bank_no, status)
        totals = rec_repo.line_totals(session, [r.id for r in recs])
        places: dict[str, int] = {}
        result = []
        for rec in recs:
            currency = session.get_one(BankAccount, rec.bank_no).currency_code
            if currency not in places:
                places[currency] = places_of(session, currency)
            count, total = totals.get(rec.id, (0, 0))
            p = places[currency]
            result.append(
                {
                    "reconciliation": rec.id,
                    "bank": rec.bank_no,
                    "statement_no": rec.statement_no,
                    "status": rec.status,
                    "statement_date": rec.statement_date.isoformat(),
                    "statement": rec.statement_id,
                    "lines": count,
                    "currency": currency,
                    "total_lines": money(total, p),
                    "balance_last_statement": money(rec.balance_last_statement_minor, p),
                    "ending_balance": money(rec.ending_balance_minor, p),
                    "posted_at": rec.posted_at.isoformat(timespec="seconds")
                    if rec.posted_at
                    else None,
                }
            )
        return result


def delete_reconciliation(db: Database, rec_id: int) -> dict[str, Any]:
    """Delete an open reconciliation with its lines and matches: its bank entries are open
    again and its statement lines free for another reconciliation. Entries posted by
    `rec transfer-diff` stay posted (and open)."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id)
        matched = sorted({e.entry_no for m in rec.matches for e in m.entries})
        before = rec_repo.entries_by_no(session, matched, lock=True)
        result = {
            "reconciliation": rec.id,
            "bank": rec.bank_no,
            "statement_no": rec.statement_no,
            "lines": len(rec.lines),
            "entries_reopened": matched,
        }
        rec.matches.clear()
        session.flush()
        sync_entry_status(session, rec, before)
        session.delete(rec)
        session.flush()
        return result
