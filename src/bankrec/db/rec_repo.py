"""Reads and writes of bank reconciliations. Callers own the session and the transaction.

Writers lock the reconciliation row first (``load_rec(..., lock=True)``) and bump its version,
so two changes of one reconciliation queue rather than interleave. A bank entry's
reconciliation state is the latest of its ``bank_entry_status`` rows; these helpers append rows,
never change them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from bankrec.db.ledger_repo import chunks
from bankrec.db.models import (
    BankAccount,
    BankEntryStatus,
    BankLedgerEntry,
    BankRecLine,
    BankRecMatch,
    BankRecMatchEntry,
    BankRecMatchLine,
    BankReconciliation,
    Reversal,
)


def reload_matches(session: Session, rec: BankReconciliation) -> None:
    """Read the reconciliation's matches again, with their lines and entries in two queries,
    after they were written below the ORM (instead of one lazy load per match)."""
    session.execute(
        select(BankReconciliation)
        .where(BankReconciliation.id == rec.id)
        .options(
            selectinload(BankReconciliation.matches).selectinload(BankRecMatch.lines),
            selectinload(BankReconciliation.matches).selectinload(BankRecMatch.entries),
        )
        .execution_options(populate_existing=True)
    ).all()


def load_rec(session: Session, rec_id: int, lock: bool = False) -> BankReconciliation | None:
    """The reconciliation with its lines (in line order), matches and outstanding snapshot.

    ``lock`` takes a row lock on it (PostgreSQL; SQLite serialises writers anyway) and re-reads
    it, so the caller sees the latest version.
    """
    query = (
        select(BankReconciliation)
        .where(BankReconciliation.id == rec_id)
        .options(
            selectinload(BankReconciliation.lines),
            selectinload(BankReconciliation.matches).selectinload(BankRecMatch.lines),
            selectinload(BankReconciliation.matches).selectinload(BankRecMatch.entries),
            selectinload(BankReconciliation.outstanding),
        )
    )
    if lock:
        query = query.with_for_update(of=BankReconciliation).execution_options(
            populate_existing=True
        )
    return session.scalars(query).first()


def find_rec_id(session: Session, bank_no: str, statement_no: int) -> int | None:
    return session.scalar(
        select(BankReconciliation.id).where(
            BankReconciliation.bank_no == bank_no,
            BankReconciliation.statement_no == statement_no,
        )
    )


def lock_bank(session: Session, bank_no: str) -> BankAccount | None:
    """The bank account, locked and re-read: statement numbers and balances change under it."""
    query = (
        select(BankAccount)
        .where(BankAccount.no == bank_no)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def next_statement_no(session: Session, bank: BankAccount) -> int:
    """The next statement number of ``bank``: above its last statement no. and above every
    reconciliation of it, open or posted, so that a number is never given twice."""
    highest = session.scalar(
        select(func.max(BankReconciliation.statement_no)).where(
            BankReconciliation.bank_no == bank.no
        )
    )
    return max(bank.last_statement_no, int(highest or 0)) + 1


def bump_version(rec: BankReconciliation) -> None:
    rec.version = rec.version + 1


def reconciliations(
    session: Session, bank_no: str | None = None, status: str | None = None
) -> list[BankReconciliation]:
    query = select(BankReconciliation).order_by(
        BankReconciliation.bank_no, BankReconciliation.statement_no
    )
    if bank_no:
        query = query.where(BankReconciliation.bank_no == bank_no)
    if status:
        query = query.where(BankReconciliation.status == status)
    return list(session.scalars(query))


def line_totals(session: Session, rec_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Per reconciliation: (number of lines, total amount)."""
    if not rec_ids:
        return {}
    rows = session.execute(
        select(
            BankRecLine.rec_id, func.count(), func.coalesce(func.sum(BankRecLine.amount_minor), 0)
        )
        .where(BankRecLine.rec_id.in_(rec_ids))
        .group_by(BankRecLine.rec_id)
    )
    return {int(rec_id): (int(count), int(total)) for rec_id, count, total in rows}


# -- bank entries ------------------------------------------------------------------------------


def _reversed_transactions() -> Any:
    return select(Reversal.transaction_no).union(select(Reversal.reversed_by_transaction_no))


def _latest_status() -> Any:
    return select(
        BankEntryStatus.entry_no, func.max(BankEntryStatus.id).label("status_id")
    ).group_by(BankEntryStatus.entry_no)


@dataclass(frozen=True)
class EntryRow:
    """A bank entry with its current reconciliation state."""

    entry: BankLedgerEntry
    status: str
    """open, applied or closed (no status row: open)."""
    statement_no: int | None
    statement_line_no: int | None
    closed_at_date: date | None
    reversed: bool


def _entry_rows(session: Session, query: Any) -> list[EntryRow]:
    """``query`` selects BankLedgerEntry rows; each comes back with its state."""
    latest = _latest_status().subquery()
    is_reversed = BankLedgerEntry.transaction_no.in_(_reversed_transactions())
    full = (
        query.add_columns(BankEntryStatus, is_reversed)
        .outerjoin(latest, latest.c.entry_no == BankLedgerEntry.entry_no)
        .outerjoin(BankEntryStatus, BankEntryStatus.id == latest.c.status_id)
    )
    rows = []
    for entry, status, rev in session.execute(full):
        rows.append(
            EntryRow(
                entry=entry,
                status=status.status if status else "open",
                statement_no=status.statement_no if status else None,
                statement_line_no=status.statement_line_no if status else None,
                closed_at_date=status.closed_at_date if status else None,
                reversed=bool(rev),
            )
        )
    return rows


def bank_entries(
    session: Session,
    bank_no: str | None,
    *,
    up_to: date | None = None,
    unclosed_only: bool = False,
    checks_only: bool = False,
) -> list[EntryRow]:
    """Bank entries in entry order, with their state: of one bank (or all), posted on or before
    ``up_to``, only those not closed, only checks (a check number)."""
    query = select(BankLedgerEntry).order_by(BankLedgerEntry.posting_date, BankLedgerEntry.entry_no)
    if bank_no is not None:
        query = query.where(BankLedgerEntry.bank_no == bank_no)
    if up_to is not None:
        query = query.where(BankLedgerEntry.posting_date <= up_to)
    if checks_only:
        query = query.where(BankLedgerEntry.check_no.is_not(None), BankLedgerEntry.check_no != "")
    rows = _entry_rows(session, query)
    if unclosed_only:
        rows = [row for row in rows if row.status != "closed"]
    return rows


def lock_bank_entries(session: Session, bank_no: str, up_to: date | None) -> None:
    """Row locks (PostgreSQL) on the bank's entries up to ``up_to``, in entry order, so two
    writers matching them queue; SQLite's write transactions are exclusive already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    query = select(BankLedgerEntry.entry_no).where(BankLedgerEntry.bank_no == bank_no)
    if up_to is not None:
        query = query.where(BankLedgerEntry.posting_date <= up_to)
    session.scalars(query.order_by(BankLedgerEntry.entry_no).with_for_update()).all()


def entries_by_no(
    session: Session, entry_nos: Iterable[int], lock: bool = False
) -> dict[int, EntryRow]:
    """The given entries with their state; ``lock`` takes row locks on the entries first, in
    entry order, so two writers matching one entry queue."""
    found: dict[int, EntryRow] = {}
    for part in chunks(sorted(set(entry_nos))):
        if lock:
            session.scalars(
                select(BankLedgerEntry.entry_no)
                .where(BankLedgerEntry.entry_no.in_(part))
                .order_by(BankLedgerEntry.entry_no)
                .with_for_update()
            ).all()
        query = select(BankLedgerEntry).where(BankLedgerEntry.entry_no.in_(part))
        found.update({row.entry.entry_no: row for row in _entry_rows(session, query)})
    return found


def book_balance(session: Session, bank_no: str, at: date) -> int:
    """The bank ledger balance at ``at``: every entry posted on or before it."""
    total = session.scalar(
        select(func.coalesce(func.sum(BankLedgerEntry.amount_minor), 0)).where(
            BankLedgerEntry.bank_no == bank_no, BankLedgerEntry.posting_date <= at
        )
    )
    return int(total or 0)


def append_status(
    session: Session,
    entry_no: int,
    status: str,
    statement_no: int | None = None,
    line_no: int | None = None,
    closed_at: date | None = None,
    now: datetime | None = None,
) -> None:
    session.add(
        BankEntryStatus(
            entry_no=entry_no,
            status=status,
            statement_no=statement_no,
            statement_line_no=line_no,
            closed_at_date=closed_at,
            changed_at=now or datetime.now(UTC),
        )
    )


def closed_statement_nos(session: Session, bank_no: str) -> dict[int, int]:
    """Statement numbers some entry of ``bank_no`` was ever closed on, with how many entries.

    Status rows are history: a statement later undone still shows here, so callers compare
    against the current state where that matters."""
    rows = session.execute(
        select(BankEntryStatus.statement_no, func.count())
        .join(BankLedgerEntry, BankLedgerEntry.entry_no == BankEntryStatus.entry_no)
        .where(
            BankLedgerEntry.bank_no == bank_no,
            BankEntryStatus.status == "closed",
            BankEntryStatus.statement_no.is_not(None),
        )
        .group_by(BankEntryStatus.statement_no)
    )
    return {int(no): int(count) for no, count in rows if no is not None}


def current_closed_on(session: Session, bank_no: str, statement_nos: Sequence[int]) -> list[int]:
    """Entries of ``bank_no`` currently closed on one of ``statement_nos``."""
    if not statement_nos:
        return []
    latest = _latest_status().subquery()
    query = (
        select(BankEntryStatus.entry_no)
        .join(latest, latest.c.status_id == BankEntryStatus.id)
        .join(BankLedgerEntry, BankLedgerEntry.entry_no == BankEntryStatus.entry_no)
        .where(
            BankLedgerEntry.bank_no == bank_no,
            BankEntryStatus.status == "closed",
            BankEntryStatus.statement_no.in_(statement_nos),
        )
        .order_by(BankEntryStatus.entry_no)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class MatchedElsewhere:
    """Where a bank entry is matched: which reconciliation, its statement no. and status."""

    rec_id: int
    statement_no: int
    status: str
    line_nos: tuple[int, ...]


def matched_in(session: Session, entry_nos: Iterable[int]) -> dict[int, MatchedElsewhere]:
    """For each given entry matched in some reconciliation: where."""
    found: dict[int, MatchedElsewhere] = {}
    for part in chunks(sorted(set(entry_nos))):
        rows = session.execute(
            select(
                BankRecMatchEntry.entry_no,
                BankRecMatch.id,
                BankReconciliation.id,
                BankReconciliation.statement_no,
                BankReconciliation.status,
            )
            .join(BankRecMatch, BankRecMatch.id == BankRecMatchEntry.match_id)
            .join(BankReconciliation, BankReconciliation.id == BankRecMatch.rec_id)
            .where(BankRecMatchEntry.entry_no.in_(part))
        ).all()
        match_ids = sorted({int(r[1]) for r in rows})
        lines: dict[int, list[int]] = {}
        if match_ids:
            for match_id, line_no in session.execute(
                select(BankRecMatchLine.match_id, BankRecLine.line_no)
                .join(BankRecLine, BankRecLine.id == BankRecMatchLine.line_id)
                .where(BankRecMatchLine.match_id.in_(match_ids))
                .order_by(BankRecLine.line_no)
            ):
                lines.setdefault(int(match_id), []).append(int(line_no))
        for entry_no, match_id, rec_id, statement_no, status in rows:
            found[int(entry_no)] = MatchedElsewhere(
                int(rec_id), int(statement_no), str(status), tuple(lines.get(int(match_id), []))
            )
    return found


def matched_entry_nos(session: Session, bank_no: str, open_only: bool = True) -> set[int]:
    """Entries matched in a reconciliation of ``bank_no`` (only open ones by default)."""
    query = (
        select(BankRecMatchEntry.entry_no)
        .join(BankRecMatch, BankRecMatch.id == BankRecMatchEntry.match_id)
        .join(BankReconciliation, BankReconciliation.id == BankRecMatch.rec_id)
        .where(BankReconciliation.bank_no == bank_no)
    )
    if open_only:
        query = query.where(BankReconciliation.status == "open")
    return set(session.scalars(query))


def statement_lines_taken(session: Session, statement_line_ids: Sequence[int]) -> dict[int, int]:
    """For each given imported statement line already in a reconciliation: which one."""
    found: dict[int, int] = {}
    for part in chunks(sorted(set(statement_line_ids))):
        rows = session.execute(
            select(BankRecLine.statement_line_id, BankRecLine.rec_id).where(
                BankRecLine.statement_line_id.in_(part)
            )
        )
        found.update({int(sid): int(rid) for sid, rid in rows if sid is not None})
    return found


def next_line_no(rec: BankReconciliation) -> int:
    return max((line.line_no for line in rec.lines), default=0) + 1


def delete_match(session: Session, rec: BankReconciliation, match: BankRecMatch) -> None:
    rec.matches.remove(match)
    session.flush()


def reversed_or_voided(session: Session, entry: BankLedgerEntry) -> int | None:
    """The transaction that reversed (or voided) ``entry``, if any."""
    row = session.scalars(
        select(Reversal).where(
            or_(
                Reversal.transaction_no == entry.transaction_no,
                Reversal.reversed_by_transaction_no == entry.transaction_no,
            )
        )
    ).first()
    if row is not None:
        return row.reversed_by_transaction_no
    mirror = session.scalars(
        select(BankLedgerEntry).where(BankLedgerEntry.reversed_entry_no == entry.entry_no)
    ).first()
    return mirror.transaction_no if mirror is not None else None
