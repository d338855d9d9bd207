"""Reads of the posted ledger: remaining amounts, open items, applications, reversals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from bankrec.db.ledgers import PartyLedger
from bankrec.db.models import Application, GLEntry, Reversal, Unapplication
from bankrec.db.models_ledger import PartyEntryMixin
from bankrec.domain.kinds import DetailedEntryType

CHUNK = 500


def chunks(items: Sequence[int] | Sequence[str], size: int = CHUNK) -> Iterable[list[int | str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


@dataclass(frozen=True)
class EntryState:
    """A party entry with what its detailed rows add up to now."""

    entry: PartyEntryMixin
    remaining: int
    remaining_lcy: int
    discount_taken: int

    @property
    def discount_remaining(self) -> int:
        return self.entry.pmt_discount_possible_minor + self.discount_taken

    @property
    def open(self) -> bool:
        return self.remaining != 0


def entry_states(
    session: Session, ledger: PartyLedger, entry_nos: Sequence[int], lock: bool = False
) -> dict[int, EntryState]:
    """Current state of the given entries. ``lock`` takes row locks (PostgreSQL) first so two
    writers cannot both apply the same remaining amount."""
    detailed = ledger.detailed
    states: dict[int, EntryState] = {}
    for part in chunks(sorted(set(entry_nos))):
        query = select(ledger.entry).where(ledger.entry.entry_no.in_(part))
        if lock:
            query = query.with_for_update().order_by(ledger.entry.entry_no)
        entries = {e.entry_no: e for e in session.scalars(query)}
        sums = session.execute(
            select(
                detailed.entry_no,
                func.sum(detailed.amount_minor),
                func.sum(detailed.amount_lcy_minor),
                func.sum(
                    case(
                        (
                            detailed.entry_type == DetailedEntryType.PAYMENT_DISCOUNT.value,
                            detailed.amount_minor,
                        ),
                        else_=0,
                    )
                ),
            )
            .where(detailed.entry_no.in_(part))
            .group_by(detailed.entry_no)
        ).all()
        for entry_no, remaining, remaining_lcy, discount in sums:
            states[entry_no] = EntryState(
                entries[entry_no], int(remaining), int(remaining_lcy), int(discount)
            )
    return states


def entries_by_document(
    session: Session, ledger: PartyLedger, party_no: str, document_nos: Sequence[str]
) -> list[PartyEntryMixin]:
    query = (
        select(ledger.entry)
        .where(ledger.entry.party_no == party_no, ledger.entry.document_no.in_(document_nos))
        .order_by(ledger.entry.entry_no)
    )
    return list(session.scalars(query))


def posted_document_nos(session: Session, document_nos: Sequence[str]) -> dict[str, int]:
    """Which of ``document_nos`` are already in the G/L, with the transaction that posted them."""
    found: dict[str, int] = {}
    for part in chunks(sorted(set(document_nos))):
        rows = session.execute(
            select(GLEntry.document_no, func.min(GLEntry.transaction_no))
            .where(GLEntry.document_no.in_(part))
            .group_by(GLEntry.document_no)
        )
        found.update({str(no): int(txn) for no, txn in rows})
    return found


def live_applications(
    session: Session, ledger: PartyLedger, entry_nos: Sequence[int]
) -> list[Application]:
    """Applications touching any of the entries that have not been unapplied, oldest first."""
    if not entry_nos:
        return []
    touched = (
        select(ledger.detailed.application_id)
        .where(ledger.detailed.entry_no.in_(entry_nos), ledger.detailed.application_id.is_not(None))
        .scalar_subquery()
    )
    query = (
        select(Application)
        .outerjoin(Unapplication, Unapplication.application_id == Application.id)
        .where(
            Application.ledger == ledger.kind.value,
            Unapplication.application_id.is_(None),
            or_(Application.id.in_(touched), Application.applying_entry_no.in_(entry_nos)),
        )
        .order_by(Application.id)
    )
    return list(session.scalars(query))


def application_entry_nos(
    session: Session, ledger: PartyLedger, application: Application
) -> set[int]:
    rows = session.scalars(
        select(ledger.detailed.entry_no).where(ledger.detailed.application_id == application.id)
    )
    return {*rows, application.applying_entry_no}


def reversal_of(session: Session, transaction_no: int) -> Reversal | None:
    """The reversal row naming ``transaction_no`` on either side, if any."""
    return session.scalars(
        select(Reversal).where(
            or_(
                Reversal.transaction_no == transaction_no,
                Reversal.reversed_by_transaction_no == transaction_no,
            )
        )
    ).first()
