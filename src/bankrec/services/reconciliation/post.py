"""Post a bank reconciliation (BC 4.9): close the matched bank entries on the statement, move the
bank's last statement, and keep the statement with a snapshot of what was outstanding; in one
transaction, or nothing.

It posts no G/L: every line must already be matched, exactly, to posted bank entries.
Differences from BC: the reconciliation must start from the bank's current balance last
statement (BC does not check), and every problem found is named with its line and amount.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.models import BankAccount, BankReconciliation, BankRecOutstanding
from bankrec.errors import BlockedError, ConflictError, ReconciliationError
from bankrec.services.database import Database
from bankrec.services.reconciliation.common import (
    RecView,
    money,
    open_rec,
    places_of,
)
from bankrec.services.reconciliation.view import outstanding_kind, outstanding_rows

MAX_PROBLEMS = 5
FIX = (
    "match the lines (`bankrec rec match`, `bankrec rec match-auto`) or post what the books lack "
    "(`bankrec rec transfer-diff`)"
)


def _name(rec: BankReconciliation) -> str:
    return f"statement {rec.statement_no} of bank {rec.bank_no} (reconciliation {rec.id})"


def _check_bank(bank: BankAccount, rec: BankReconciliation, places: int) -> None:
    if bank.blocked:
        raise BlockedError(f"bank account {bank.no} is blocked; unblock it to post {_name(rec)}")
    if bank.balance_last_statement_minor != rec.balance_last_statement_minor:
        raise ReconciliationError(
            f"{_name(rec)} starts from balance last statement "
            f"{money(rec.balance_last_statement_minor, places)}, but bank {bank.no}'s balance "
            f"last statement is now {money(bank.balance_last_statement_minor, places)} "
            f"(statement {bank.last_statement_no} was posted since); delete this reconciliation "
            f"(`bankrec rec delete {rec.id}`) and create it again"
        )


def _check_balance(rec: BankReconciliation, places: int) -> None:
    """The lines must add up to the ending balance less the balance last statement (4.9 #2)."""
    total = sum(line.amount_minor for line in rec.lines)
    movement = rec.ending_balance_minor - rec.balance_last_statement_minor
    if total != movement:
        raise ReconciliationError(
            f"{_name(rec)} does not balance: ending balance "
            f"{money(rec.ending_balance_minor, places)} less balance last statement "
            f"{money(rec.balance_last_statement_minor, places)} is {money(movement, places)}, "
            f"but the lines total {money(total, places)} (difference "
            f"{money(movement - total, places)}); add the missing lines or correct the ending "
            "balance"
        )


def line_problems(rec: BankReconciliation, places: int) -> tuple[list[tuple[int, str]], int]:
    """Each line or group not matched exactly, by first line no., and the total difference."""
    view = RecView(rec)
    problems: list[tuple[int, str]] = []
    for match in rec.matches:
        lines = view.lines_of(match)
        lines_total = sum(line.amount_minor for line in lines)
        entries_total = sum(e.amount_minor for e in match.entries)
        if lines_total == entries_total:
            continue
        entries = ", ".join(str(e.entry_no) for e in match.entries)
        noun = "bank entries" if len(match.entries) > 1 else "bank entry"
        if len(lines) > 1:
            subject = (
                f"lines {', '.join(str(x.line_no) for x in lines)} (together "
                f"{money(lines_total, places)})"
            )
        else:
            subject = f"line {lines[0].line_no} ({money(lines_total, places)})"
        problems.append(
            (
                lines[0].line_no,
                f"{subject} matched to {noun} {entries} ({money(entries_total, places)}): "
                f"difference {money(lines_total - entries_total, places)}",
            )
        )
    for line in rec.lines:
        if line.id not in view.match_of_line:
            problems.append(
                (
                    line.line_no,
                    f"line {line.line_no} ({line.transaction_date}, "
                    f"{money(line.amount_minor, places)}, {_short(line.text)!r}) is not "
                    f"matched: difference {money(line.amount_minor, places)}",
                )
            )
    total = sum(state.difference for state in view.states())
    return sorted(problems), total


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 40 else flat[:37] + "..."


def _check_lines(rec: BankReconciliation, places: int) -> None:
    """Every line fully applied, every group exact, the total difference zero (4.9 #3-#5)."""
    problems, total = line_problems(rec, places)
    if not problems and total == 0:
        return
    shown = [text for _, text in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"and {len(problems) - MAX_PROBLEMS} more")
    raise ReconciliationError(
        f"{_name(rec)} cannot be posted: {'; '.join(shown)}; total difference "
        f"{money(total, places)}; {FIX}"
    )


def _check_entries(session: Session, rec: BankReconciliation) -> dict[int, int]:
    """Lock the matched entries and make sure each is still applied on this statement; returns
    the statement line no. each is closed with."""
    view = RecView(rec)
    wanted = {e.entry_no: view.first_line_no(m) for m in rec.matches for e in m.entries}
    rows = rec_repo.entries_by_no(session, wanted, lock=True)
    for entry_no in sorted(wanted):
        row = rows[entry_no]
        if row.reversed:
            raise ConflictError(
                f"bank entry {entry_no} was reversed after it was matched; unmatch it "
                f"(`bankrec rec unmatch {rec.id} --line {wanted[entry_no]}`)"
            )
        if row.status != "applied" or row.statement_no != rec.statement_no:
            raise ConflictError(
                f"bank entry {entry_no} is {row.status} (statement {row.statement_no}), not "
                f"applied on statement {rec.statement_no}; unmatch and match it again"
            )
    return wanted


def _posted_statement_no(session: Session, bank: BankAccount, rec: BankReconciliation) -> int:
    """The reconciliation's number, unless entries were closed on it meanwhile (a payment
    journal posted a statement with that number): then the next free one (BC 3.4)."""
    if not rec_repo.current_closed_on(session, bank.no, [rec.statement_no]):
        return rec.statement_no
    return rec_repo.next_statement_no(session, bank)


def _snapshot(session: Session, rec: BankReconciliation) -> list[BankRecOutstanding]:
    return [
        BankRecOutstanding(
            entry_no=row.entry.entry_no,
            posting_date=row.entry.posting_date,
            document_no=row.entry.document_no,
            description=row.entry.description,
            check_no=row.entry.check_no or "",
            amount_minor=row.entry.amount_minor,
            kind=outstanding_kind(row.entry.check_no, row.entry.amount_minor),
        )
        for row in outstanding_rows(session, rec)
    ]


def post_reconciliation(
    db: Database, rec_id: int, user: str = "unknown", expected_version: int | None = None
) -> dict[str, Any]:
    """Check everything, then post all of it or nothing.

    Returns ``{"reconciliation", "bank", "statement_no", "renumbered_from", "statement_date",
    "entries_closed", "balance_last_statement", "outstanding_entries", "book_balance"}``."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id, expected_version)
        bank = rec_repo.lock_bank(session, rec.bank_no)
        assert bank is not None
        places = places_of(session, bank.currency_code)
        _check_bank(bank, rec, places)
        _check_balance(rec, places)
        _check_lines(rec, places)
        closing = _check_entries(session, rec)
        original_no = rec.statement_no
        rec.statement_no = _posted_statement_no(session, bank, rec)
        rec.outstanding = _snapshot(session, rec)
        rec.book_balance_minor = rec_repo.book_balance(session, bank.no, rec.statement_date)
        now = datetime.now(UTC)
        for entry_no, line_no in sorted(closing.items()):
            rec_repo.append_status(
                session, entry_no, "closed", rec.statement_no, line_no, rec.statement_date, now
            )
        rec.prior_last_statement_no = bank.last_statement_no
        rec.prior_balance_last_statement_minor = bank.balance_last_statement_minor
        bank.last_statement_no = max(bank.last_statement_no, rec.statement_no)
        bank.balance_last_statement_minor = rec.ending_balance_minor
        rec.status, rec.posted_at, rec.posted_by = "posted", now, user
        rec_repo.bump_version(rec)
        session.flush()
        return {
            "reconciliation": rec.id,
            "bank": bank.no,
            "statement_no": rec.statement_no,
            "renumbered_from": original_no if original_no != rec.statement_no else None,
            "statement_date": rec.statement_date.isoformat(),
            "entries_closed": len(closing),
            "balance_last_statement": money(bank.balance_last_statement_minor, places),
            "outstanding_entries": [o.entry_no for o in rec.outstanding],
            "book_balance": money(rec.book_balance_minor, places),
        }
