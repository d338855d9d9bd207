"""Helpers for the bank reconciliation tests (no tests here): bank postings, statements stored as
an import would, and the state of the bank and its entries to compare before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from bankrec.db.models import BankAccount, BankLedgerEntry
from bankrec.services.database import Database
from bankrec.services.ledger_queries import list_entries
from tests.factories import post
from tests.scenarios.pay_support import Tx, add_statement

__all__ = ["Tx", "add_statement", "bank_post", "bank_state", "entry_states", "last_entry_no"]


def last_entry_no(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.max(BankLedgerEntry.entry_no))) or 0)


def bank_post(
    db: Database,
    day: str,
    amount: str,
    document_no: str,
    description: str = "",
    check_no: str = "",
    account: str = "6000",
    bank: str = "BANK",
) -> int:
    """Post ``amount`` (its effect on the bank balance) to ``bank`` against G/L ``account``;
    returns the new bank entry's number."""
    post(
        db,
        {
            "date": day,
            "document_no": document_no,
            "account_type": "bank",
            "account_no": bank,
            "amount": amount,
            "bal_account_type": "gl",
            "bal_account_no": account,
            "description": description or document_no,
            "check_no": check_no,
        },
        source=f"{document_no}.csv",
    )
    return last_entry_no(db)


def bank_state(db: Database, bank: str = "BANK") -> dict[str, Any]:
    """Every column of the bank account row."""
    with db.reading() as session:
        account = session.get_one(BankAccount, bank)
        return {c.name: getattr(account, c.name) for c in BankAccount.__table__.columns}


@dataclass(frozen=True)
class EntryState:
    open: bool | None
    status: str
    statement_no: int | None
    line_no: int | None
    closed_at_date: str | None


def entry_states(db: Database, bank: str = "BANK") -> dict[int, EntryState]:
    """Each bank entry's reconciliation state as `bankrec entries --ledger bank` shows it."""
    return {
        e.entry_no: EntryState(
            e.open,
            e.extra["statement_status"],
            e.extra["statement_no"],
            e.extra["statement_line_no"],
            e.extra["closed_at_date"],
        )
        for e in list_entries(db, "bank", bank)
    }


def day(text: str) -> date:
    return date.fromisoformat(text)
