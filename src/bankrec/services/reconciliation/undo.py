"""Undo posted bank reconciliations (BC 4.11): the statement is open again exactly as it was
before posting.

Differences from BC: the reconciliation keeps its number and its matches (BC copies it to a new
number), the bank's last statement no. is restored too, and an earlier statement is undone only
together with every later one, so the balance chain of the bank stays whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.models import (
    BankAccount,
    BankEntryStatus,
    BankLedgerEntry,
    BankReconciliation,
    PaymentJournal,
)
from bankrec.errors import ConflictError, NotFoundError, ReconciliationError
from bankrec.services.database import Database
from bankrec.services.reconciliation.common import (
    RecView,
    get_rec,
    money,
    places_of,
)


def _posted(session: Session, bank_no: str, statement_no: int) -> BankReconciliation:
    rec_id = rec_repo.find_rec_id(session, bank_no, statement_no)
    if rec_id is not None:
        rec = get_rec(session, rec_id, lock=True)
        if rec.status != "posted":
            raise ReconciliationError(
                f"statement {statement_no} of bank {bank_no} is not posted; bank reconciliation "
                f"{rec.id} is still open (`bankrec rec show {rec.id}`)"
            )
        return rec
    if statement_no in rec_repo.closed_statement_nos(session, bank_no):
        raise ReconciliationError(
            f"statement {statement_no} of bank {bank_no} was posted by a payment journal; "
            + _reverse_hint(session, bank_no, statement_no)
        )
    raise NotFoundError(
        f"bank {bank_no} has no posted statement {statement_no}; see `bankrec rec list --bank "
        f"{bank_no} --status posted`"
    )


def _later(session: Session, rec: BankReconciliation) -> list[BankReconciliation]:
    """The posted reconciliations of the bank after ``rec``, in number order; refused when a
    later statement was posted another way (it cannot be undone here)."""
    later_ids = session.scalars(
        select(BankReconciliation.id)
        .where(
            BankReconciliation.bank_no == rec.bank_no,
            BankReconciliation.status == "posted",
            BankReconciliation.statement_no > rec.statement_no,
        )
        .order_by(BankReconciliation.statement_no)
    ).all()
    later = [get_rec(session, rec_id, lock=True) for rec_id in later_ids]
    ours = {r.statement_no for r in later}
    closed = rec_repo.closed_statement_nos(session, rec.bank_no)
    foreign = [
        no
        for no in sorted(closed)
        if no > rec.statement_no
        and no not in ours
        and rec_repo.current_closed_on(session, rec.bank_no, [no])
    ]
    if foreign:
        raise ReconciliationError(
            f"statement {rec.statement_no} of bank {rec.bank_no} cannot be undone: the later "
            f"statement {foreign[0]} was posted by a payment journal; "
            + _reverse_hint(session, rec.bank_no, foreign[0])
        )
    return later


def undo_plan(db: Database, bank_no: str, statement_no: int) -> dict[str, Any]:
    """What undoing the statement involves, or the reason it cannot be undone.

    Returns ``{"bank", "statement_no", "reconciliation", "later": [statement no., ...]}``."""
    with db.reading() as session:
        rec = _posted(session, bank_no, statement_no)
        return {
            "bank": bank_no,
            "statement_no": statement_no,
            "reconciliation": rec.id,
            "later": [r.statement_no for r in _later(session, rec)],
        }


def _reopen(session: Session, bank: BankAccount, rec: BankReconciliation) -> int:
    """Undo one posted reconciliation (the bank's latest); returns the entries reopened."""
    view = RecView(rec)
    wanted = {e.entry_no: view.first_line_no(m) for m in rec.matches for e in m.entries}
    rows = rec_repo.entries_by_no(session, wanted, lock=True)
    now = datetime.now(UTC)
    for entry_no, line_no in sorted(wanted.items()):
        row = rows[entry_no]
        if row.status != "closed" or row.statement_no != rec.statement_no:
            raise ConflictError(
                f"bank entry {entry_no} is {row.status} (statement {row.statement_no}), not "
                f"closed on statement {rec.statement_no}; it cannot be reopened"
            )
        rec_repo.append_status(session, entry_no, "applied", rec.statement_no, line_no, None, now)
    assert rec.prior_last_statement_no is not None
    assert rec.prior_balance_last_statement_minor is not None
    bank.last_statement_no = rec.prior_last_statement_no
    bank.balance_last_statement_minor = rec.prior_balance_last_statement_minor
    rec.prior_last_statement_no = rec.prior_balance_last_statement_minor = None
    rec.book_balance_minor = None
    rec.outstanding.clear()
    rec.status, rec.posted_at, rec.posted_by = "open", None, None
    rec_repo.bump_version(rec)
    session.flush()
    return len(wanted)


def undo_statement(
    db: Database,
    bank_no: str,
    statement_no: int,
    include_later: bool = False,
    expected_later: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Reopen a posted statement of ``bank_no``; with ``include_later`` every later posted one
    too, latest first (refused otherwise when there are any). ``expected_later`` is what the
    caller confirmed: a different set of later statements is refused as a conflict.

    Returns ``{"bank", "undone": [statement no., ...], "reconciliations", "entries_reopened",
    "last_statement_no", "balance_last_statement"}``."""
    with db.transaction() as session:
        bank = rec_repo.lock_bank(session, bank_no)
        if bank is None:
            raise NotFoundError(f"bank account {bank_no} does not exist; see `bankrec bank list`")
        rec = _posted(session, bank_no, statement_no)
        later = _later(session, rec)
        later_nos = [r.statement_no for r in later]
        if expected_later is not None and list(expected_later) != later_nos:
            raise ConflictError(
                f"the statements after {statement_no} of bank {bank_no} changed meanwhile (now "
                f"{', '.join(map(str, later_nos)) or 'none'}); run the undo again"
            )
        if later and not include_later:
            raise ReconciliationError(
                f"statement {statement_no} of bank {bank_no} is followed by posted statement(s) "
                f"{', '.join(map(str, later_nos))}; undoing it undoes them too: confirm with "
                "--yes"
            )
        reopened = 0
        for each in [*reversed(later), rec]:
            reopened += _reopen(session, bank, each)
        places = places_of(session, bank.currency_code)
        return {
            "bank": bank.no,
            "undone": [r.statement_no for r in [*reversed(later), rec]],
            "reconciliations": [r.id for r in [*reversed(later), rec]],
            "entries_reopened": reopened,
            "last_statement_no": bank.last_statement_no,
            "balance_last_statement": money(bank.balance_last_statement_minor, places),
        }


def _reverse_hint(session: Session, bank_no: str, statement_no: int) -> str:
    """How to take back a statement a payment journal posted: reverse that journal."""
    journal_id = session.scalar(
        select(PaymentJournal.id)
        .join(BankLedgerEntry, BankLedgerEntry.transaction_no == PaymentJournal.transaction_no)
        .join(BankEntryStatus, BankEntryStatus.entry_no == BankLedgerEntry.entry_no)
        .where(
            BankLedgerEntry.bank_no == bank_no,
            BankEntryStatus.status == "closed",
            BankEntryStatus.statement_no == statement_no,
        )
        .limit(1)
    )
    if journal_id is None:
        return "it cannot be undone here"
    return f"take it back with `bankrec pay reverse {journal_id}`"
