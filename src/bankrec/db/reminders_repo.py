"""Reads for reminders: terms with levels and tiers, open entries, holds and reminder history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bankrec.db.models import (
    CollectionDocument,
    CollectionLine,
    Customer,
    CustomerEntryHold,
    CustomerLedgerEntry,
    DetailedCustomerLedgerEntry,
    ReminderFeeTier,
    ReminderLevel,
    ReminderTerms,
)

REMINDER = "reminder"
LIVE_STATUSES = ("draft", "issued")


@dataclass(frozen=True)
class OpenEntry:
    """An open customer entry with its remaining amount (minor units of its currency)."""

    entry: CustomerLedgerEntry
    remaining: int


@dataclass(frozen=True)
class RemindedAt:
    """One overdue line of a draft or issued reminder: which entry, at what level, when."""

    entry_no: int
    level_no: int
    status: str
    document_date: date
    due_date: date


def reminder_terms(session: Session, code: str) -> ReminderTerms | None:
    return session.get(ReminderTerms, code)


def all_reminder_terms(session: Session) -> list[ReminderTerms]:
    return list(session.scalars(select(ReminderTerms).order_by(ReminderTerms.code)))


def levels_of(session: Session, terms_code: str) -> list[ReminderLevel]:
    query = (
        select(ReminderLevel)
        .where(ReminderLevel.terms_code == terms_code)
        .order_by(ReminderLevel.level_no)
    )
    return list(session.scalars(query))


def fee_tiers_of(session: Session, terms_code: str) -> list[ReminderFeeTier]:
    query = (
        select(ReminderFeeTier)
        .where(ReminderFeeTier.terms_code == terms_code)
        .order_by(ReminderFeeTier.level_no, ReminderFeeTier.threshold_minor, ReminderFeeTier.id)
    )
    return list(session.scalars(query))


def customers_with_reminder_terms(session: Session) -> list[Customer]:
    query = select(Customer).where(Customer.reminder_terms_code.is_not(None)).order_by(Customer.no)
    return list(session.scalars(query))


def open_entries(session: Session, customer_no: str) -> list[OpenEntry]:
    """The customer's open entries (remaining not 0), oldest first."""
    detailed, entry = DetailedCustomerLedgerEntry, CustomerLedgerEntry
    sums = (
        select(detailed.entry_no, func.sum(detailed.amount_minor).label("remaining"))
        .join(entry, entry.entry_no == detailed.entry_no)
        .where(entry.party_no == customer_no)
        .group_by(detailed.entry_no)
        .having(func.sum(detailed.amount_minor) != 0)
        .subquery()
    )
    rows = session.execute(
        select(entry, sums.c.remaining)
        .join(sums, sums.c.entry_no == entry.entry_no)
        .order_by(entry.entry_no)
    ).all()
    return [OpenEntry(row[0], int(row[1])) for row in rows]


def held_entry_nos(session: Session, entry_nos: Sequence[int]) -> set[int]:
    if not entry_nos:
        return set()
    query = select(CustomerEntryHold.entry_no).where(CustomerEntryHold.entry_no.in_(entry_nos))
    return set(session.scalars(query))


def reminded_at(session: Session, entry_nos: Sequence[int]) -> list[RemindedAt]:
    """Overdue lines of draft and issued reminders on the entries, in document order."""
    if not entry_nos:
        return []
    doc, line = CollectionDocument, CollectionLine
    rows = session.execute(
        select(line.entry_no, line.level_no, doc.status, doc.document_date, doc.due_date)
        .join(doc, doc.id == line.document_id)
        .where(
            doc.kind == REMINDER,
            doc.status.in_(LIVE_STATUSES),
            line.line_type == "overdue",
            line.entry_no.in_(entry_nos),
        )
        .order_by(doc.document_date, doc.id)
    ).all()
    return [RemindedAt(r[0] or 0, r[1] or 0, r[2], r[3], r[4]) for r in rows]


def issued_line_fees(session: Session, entry_nos: Sequence[int]) -> set[tuple[int, int]]:
    """(entry, level) pairs that an issued, non-canceled reminder already charged a line fee."""
    if not entry_nos:
        return set()
    doc, line = CollectionDocument, CollectionLine
    rows = session.execute(
        select(line.entry_no, line.level_no)
        .join(doc, doc.id == line.document_id)
        .where(
            doc.kind == REMINDER,
            doc.status == "issued",
            line.line_type == "line-fee",
            line.entry_no.in_(entry_nos),
        )
    ).all()
    return {(r[0] or 0, r[1] or 0) for r in rows}


def draft_no(session: Session, customer_no: str, currency: str) -> str | None:
    """The number of the customer's draft reminder in ``currency``, if one exists."""
    query = select(CollectionDocument.no).where(
        CollectionDocument.kind == REMINDER,
        CollectionDocument.status == "draft",
        CollectionDocument.customer_no == customer_no,
        CollectionDocument.currency_code == currency,
    )
    return session.scalars(query).first()


def reminder_by_no(session: Session, no: str, lock: bool = False) -> CollectionDocument | None:
    query = select(CollectionDocument).where(
        CollectionDocument.kind == REMINDER, CollectionDocument.no == no
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def reminders(
    session: Session, statuses: Sequence[str] = (), customer_no: str | None = None
) -> list[CollectionDocument]:
    query = select(CollectionDocument).where(CollectionDocument.kind == REMINDER)
    if statuses:
        query = query.where(CollectionDocument.status.in_(statuses))
    if customer_no is not None:
        query = query.where(CollectionDocument.customer_no == customer_no)
    return list(session.scalars(query.order_by(CollectionDocument.id)))


def lines_of(session: Session, document_id: int) -> list[CollectionLine]:
    query = (
        select(CollectionLine)
        .where(CollectionLine.document_id == document_id)
        .order_by(CollectionLine.line_no)
    )
    return list(session.scalars(query))


def line_counts(session: Session, document_ids: Sequence[int]) -> dict[int, int]:
    if not document_ids:
        return {}
    rows = session.execute(
        select(CollectionLine.document_id, func.count())
        .where(CollectionLine.document_id.in_(document_ids))
        .group_by(CollectionLine.document_id)
    ).all()
    return {int(r[0]): int(r[1]) for r in rows}
