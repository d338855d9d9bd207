"""Use cases that read the ledger: entry lists, balances and the trial balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from bankrec.db.ledgers import party_ledger
from bankrec.db.models import (
    BankEntryStatus,
    BankLedgerEntry,
    Currency,
    GLAccount,
    GLEntry,
    Reversal,
)
from bankrec.db.setup_repo import get_company
from bankrec.domain.kinds import StatementStatus
from bankrec.domain.money import from_minor
from bankrec.errors import InputError
from bankrec.services.database import Database

LEDGERS = ("gl", "bank", "customer", "vendor")


@dataclass(frozen=True)
class EntryView:
    """One ledger entry as shown to a person or a script; ``extra`` holds ledger-specific keys."""

    entry_no: int
    transaction_no: int
    posting_date: date
    document_type: str
    document_no: str
    external_document_no: str
    account_no: str
    description: str
    amount: Decimal
    remaining_amount: Decimal | None
    currency: str
    open: bool | None
    reversed: bool
    extra: dict[str, Any]


def _view(
    entry: Any,
    account_no: str,
    amounts: tuple[Decimal, Decimal | None],
    currency: str,
    state: tuple[bool | None, bool],
    extra: dict[str, Any],
) -> EntryView:
    """An EntryView from any ledger row: the document fields are the same on every ledger."""
    return EntryView(
        entry.entry_no,
        entry.transaction_no,
        entry.posting_date,
        entry.document_type or "",
        entry.document_no,
        entry.external_document_no,
        account_no,
        entry.description,
        amounts[0],
        amounts[1],
        currency,
        state[0],
        state[1],
        extra,
    )


def _reversed_transactions() -> Any:
    return select(Reversal.transaction_no).union(select(Reversal.reversed_by_transaction_no))


def list_entries(
    db: Database,
    ledger: str,
    account: str | None = None,
    open_only: bool = False,
    limit: int | None = None,
) -> list[EntryView]:
    if ledger not in LEDGERS:
        raise InputError(f"unknown ledger {ledger}; use one of {', '.join(LEDGERS)}")
    with db.reading() as session:
        decimals = dict(session.execute(select(Currency.code, Currency.decimals)).all())
        lcy = get_company(session).lcy_code
        if ledger == "gl":
            return _gl_entries(session, account, decimals, lcy, limit)
        if ledger == "bank":
            return _bank_entries(session, account, open_only, decimals, lcy, limit)
        return _party_entries(session, ledger, account, open_only, decimals, lcy, limit)


def _gl_entries(
    session: Session, account: str | None, decimals: dict[str, int], lcy: str, limit: int | None
) -> list[EntryView]:
    reversed_txns = _reversed_transactions()
    query = select(GLEntry, GLEntry.transaction_no.in_(reversed_txns)).order_by(GLEntry.entry_no)
    if account:
        query = query.where(GLEntry.gl_account_no == account)
    views = []
    for entry, is_reversed in session.execute(query.limit(limit)):
        source_amount = (
            str(from_minor(entry.source_amount_minor, decimals[entry.currency_code]))
            if entry.currency_code and entry.source_amount_minor is not None
            else None
        )
        views.append(
            _view(
                entry,
                entry.gl_account_no,
                (from_minor(entry.amount_minor, decimals[lcy]), None),
                lcy,
                (None, bool(is_reversed)),
                {
                    "source_currency": entry.currency_code,
                    "source_amount": source_amount,
                    "source_type": entry.source_type,
                    "source_no": entry.source_no,
                },
            )
        )
    return views


def _bank_entries(
    session: Session,
    account: str | None,
    open_only: bool,
    decimals: dict[str, int],
    lcy: str,
    limit: int | None,
) -> list[EntryView]:
    latest = (
        select(BankEntryStatus.entry_no, func.max(BankEntryStatus.id).label("status_id"))
        .group_by(BankEntryStatus.entry_no)
        .subquery()
    )
    reversed_txns = _reversed_transactions()
    is_reversed = BankLedgerEntry.transaction_no.in_(reversed_txns)
    query = (
        select(BankLedgerEntry, BankEntryStatus, is_reversed)
        .outerjoin(latest, latest.c.entry_no == BankLedgerEntry.entry_no)
        .outerjoin(BankEntryStatus, BankEntryStatus.id == latest.c.status_id)
        .order_by(BankLedgerEntry.entry_no)
    )
    if account:
        query = query.where(BankLedgerEntry.bank_no == account)
    if open_only:
        query = query.where(
            ~is_reversed,
            or_(
                BankEntryStatus.status.is_(None),
                BankEntryStatus.status != StatementStatus.CLOSED.value,
            ),
        )
    views = []
    for entry, status, rev in session.execute(query.limit(limit)):
        places = decimals[entry.currency_code]
        state = StatementStatus(status.status) if status else StatementStatus.OPEN
        is_open = not rev and state != StatementStatus.CLOSED
        views.append(
            _view(
                entry,
                entry.bank_no,
                (
                    from_minor(entry.amount_minor, places),
                    from_minor(entry.amount_minor if is_open else 0, places),
                ),
                entry.currency_code,
                (is_open, bool(rev)),
                {
                    "amount_lcy": str(from_minor(entry.amount_lcy_minor, decimals[lcy])),
                    "statement_status": state.value,
                    "statement_no": status.statement_no if status else None,
                    "statement_line_no": status.statement_line_no if status else None,
                    "closed_at_date": status.closed_at_date.isoformat()
                    if status and status.closed_at_date
                    else None,
                    "check_no": entry.check_no,
                    "reversed_entry_no": entry.reversed_entry_no,
                },
            )
        )
    return views


def _party_entries(
    session: Session,
    kind: str,
    account: str | None,
    open_only: bool,
    decimals: dict[str, int],
    lcy: str,
    limit: int | None,
) -> list[EntryView]:
    ledger = party_ledger(kind)
    d = ledger.detailed
    sums = (
        select(
            d.entry_no,
            func.sum(d.amount_minor).label("remaining"),
            func.sum(d.amount_lcy_minor).label("remaining_lcy"),
            func.sum(case((d.entry_type == "payment_discount", d.amount_minor), else_=0)).label(
                "discount"
            ),
        )
        .group_by(d.entry_no)
        .subquery()
    )
    entry = ledger.entry
    query = (
        select(
            entry,
            sums.c.remaining,
            sums.c.remaining_lcy,
            sums.c.discount,
            entry.transaction_no.in_(_reversed_transactions()),
        )
        .join(sums, sums.c.entry_no == entry.entry_no)
        .order_by(entry.entry_no)
    )
    if account:
        query = query.where(entry.party_no == account)
    if open_only:
        query = query.where(sums.c.remaining != 0)
    views = []
    for row, remaining, remaining_lcy, discount, rev in session.execute(query.limit(limit)):
        places = decimals[row.currency_code]
        views.append(
            _view(
                row,
                row.party_no,
                (from_minor(row.amount_minor, places), from_minor(int(remaining), places)),
                row.currency_code,
                (int(remaining) != 0, bool(rev)),
                {
                    "amount_lcy": str(from_minor(row.amount_lcy_minor, decimals[lcy])),
                    "remaining_amount_lcy": str(from_minor(int(remaining_lcy), decimals[lcy])),
                    "due_date": row.due_date.isoformat() if row.due_date else None,
                    "pmt_discount_date": row.pmt_discount_date.isoformat()
                    if row.pmt_discount_date
                    else None,
                    "remaining_pmt_discount": str(
                        from_minor(row.pmt_discount_possible_minor + int(discount), places)
                    ),
                    "reversed_entry_no": row.reversed_entry_no,
                },
            )
        )
    return views


@dataclass(frozen=True)
class TrialBalanceLine:
    account_no: str
    name: str
    account_type: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class TrialBalance:
    at: date | None
    currency: str
    lines: list[TrialBalanceLine]
    total_debit: Decimal
    total_credit: Decimal
    total: Decimal


def trial_balance(db: Database, at: date | None = None) -> TrialBalance:
    """Debits, credits and balance per G/L account up to ``at``; ``total`` is zero when sound."""
    with db.reading() as session:
        company = get_company(session)
        places = session.get_one(Currency, company.lcy_code).decimals
        query = (
            select(
                GLEntry.gl_account_no,
                GLAccount.name,
                GLAccount.account_type,
                func.sum(case((GLEntry.amount_minor > 0, GLEntry.amount_minor), else_=0)),
                func.sum(case((GLEntry.amount_minor < 0, -GLEntry.amount_minor), else_=0)),
            )
            .join(GLAccount, GLAccount.no == GLEntry.gl_account_no)
            .group_by(GLEntry.gl_account_no, GLAccount.name, GLAccount.account_type)
            .order_by(GLEntry.gl_account_no)
        )
        if at is not None:
            query = query.where(GLEntry.posting_date <= at)
        lines = []
        for no, name, account_type, debit, credit in session.execute(query):
            lines.append(
                TrialBalanceLine(
                    no,
                    name,
                    account_type,
                    from_minor(int(debit), places),
                    from_minor(int(credit), places),
                    from_minor(int(debit) - int(credit), places),
                )
            )
        total_debit = sum((line.debit for line in lines), Decimal(0))
        total_credit = sum((line.credit for line in lines), Decimal(0))
        return TrialBalance(
            at,
            company.lcy_code,
            lines,
            from_minor(0, places) + total_debit,
            from_minor(0, places) + total_credit,
            from_minor(0, places) + total_debit - total_credit,
        )
