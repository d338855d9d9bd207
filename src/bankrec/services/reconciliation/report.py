"""The reconciliation report (BC 4.8, 4.10; the NA "Bank Account - Reconcile" of 11.3): the
statement balance, plus deposits in transit, less outstanding checks and other payments, is the
book balance (the bank ledger at the statement date). Posted statements report the snapshot
taken when they were posted; an open one reports the live state (BC's test report)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.models import BankAccount, BankReconciliation
from bankrec.errors import NotFoundError, ReconciliationError
from bankrec.services.database import Database
from bankrec.services.reconciliation.common import (
    RecView,
    get_rec,
    money,
    places_of,
)
from bankrec.services.reconciliation.view import outstanding_items, rec_document


def _choose(session: Session, bank: BankAccount, statement_no: int | None) -> BankReconciliation:
    if statement_no is not None:
        rec_id = rec_repo.find_rec_id(session, bank.no, statement_no)
        if rec_id is not None:
            return get_rec(session, rec_id)
        if statement_no in rec_repo.closed_statement_nos(session, bank.no):
            raise ReconciliationError(
                f"statement {statement_no} of bank {bank.no} was posted by a payment journal; "
                "it has no reconciliation report (see `bankrec pay list`)"
            )
        raise NotFoundError(
            f"bank {bank.no} has no statement {statement_no}; see `bankrec rec list --bank "
            f"{bank.no}`"
        )
    for status in ("posted", "open"):
        rec_id = session.scalar(
            select(BankReconciliation.id)
            .where(BankReconciliation.bank_no == bank.no, BankReconciliation.status == status)
            .order_by(BankReconciliation.statement_no.desc())
            .limit(1)
        )
        if rec_id is not None:
            return get_rec(session, rec_id)
    raise NotFoundError(
        f"bank {bank.no} has no bank reconciliation yet; create one with `bankrec rec new --bank "
        f"{bank.no}`"
    )


def reconciliation_report(
    db: Database, bank_no: str, statement_no: int | None = None
) -> dict[str, Any]:
    """The report of one statement of ``bank_no``: the given one, else the latest posted, else
    the latest open.

    ``adjusted_balance`` = ``ending_balance`` - ``unmatched_lines`` + ``deposits_in_transit``
    - ``outstanding_checks`` - ``outstanding_payments``; ``difference`` = ``book_balance`` -
    ``adjusted_balance``, zero when the books and the bank agree."""
    with db.reading() as session:
        bank = session.get(BankAccount, bank_no)
        if bank is None:
            raise NotFoundError(f"bank account {bank_no} does not exist; see `bankrec bank list`")
        rec = _choose(session, bank, statement_no)
        places = places_of(session, bank.currency_code)
        items = outstanding_items(session, rec, places)
        by_kind = dict.fromkeys(("deposit", "check", "other"), 0)
        for amount, item in items:
            by_kind[item["kind"]] += amount
        unmatched = sum(state.difference for state in RecView(rec).states())
        adjusted = rec.ending_balance_minor - unmatched + sum(by_kind.values())
        book = (
            rec.book_balance_minor
            if rec.status == "posted" and rec.book_balance_minor is not None
            else rec_repo.book_balance(session, bank.no, rec.statement_date)
        )
        document = rec_document(session, rec)
        return {
            "bank": bank.no,
            "currency": bank.currency_code,
            "reconciliation": rec.id,
            "statement_no": rec.statement_no,
            "status": rec.status,
            "statement_date": rec.statement_date.isoformat(),
            "balance_last_statement": money(rec.balance_last_statement_minor, places),
            "ending_balance": money(rec.ending_balance_minor, places),
            "total_lines": document["total_lines"],
            "unmatched_lines": money(unmatched, places),
            "deposits_in_transit": money(by_kind["deposit"], places),
            "outstanding_checks": money(-by_kind["check"], places),
            "outstanding_payments": money(-by_kind["other"], places),
            "adjusted_balance": money(adjusted, places),
            "book_balance": money(book, places),
            "difference": money(book - adjusted, places),
            "outstanding": [item for _, item in items],
            "lines": document["lines"],
            "posted_at": document["posted_at"],
            "posted_by": document["posted_by"],
        }
