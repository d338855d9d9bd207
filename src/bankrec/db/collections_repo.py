"""Reads for reminders and finance charge memos: open items, their history, holds, documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bankrec.db.ledger_repo import chunks
from bankrec.db.models import CustomerLedgerEntry, DetailedCustomerLedgerEntry
from bankrec.db.models_collections import (
    CollectionDocument,
    CollectionLine,
    CustomerEntryHold,
    FinanceChargeRate,
)
from bankrec.domain.kinds import DetailedEntryType, DocumentType

COLLECTION_DOCUMENT_TYPES = (DocumentType.REMINDER.value, DocumentType.FINANCE_CHARGE.value)


@dataclass(frozen=True)
class OpenEntry:
    """A customer entry with a positive remaining amount."""

    entry: CustomerLedgerEntry
    remaining: int


def open_positive_entries(
    session: Session, customer_nos: Sequence[str], include_collection_entries: bool = False
) -> list[OpenEntry]:
    """Open entries of the customers that the customer owes (invoices and the like), in entry
    order. Entries posted by reminders and memos are left out unless asked for: interest is
    not charged on interest."""
    detailed = DetailedCustomerLedgerEntry
    entry = CustomerLedgerEntry
    remaining = func.sum(detailed.amount_minor)
    result: list[OpenEntry] = []
    for part in chunks(sorted(set(customer_nos))):
        query = (
            select(entry, remaining)
            .join(detailed, detailed.entry_no == entry.entry_no)
            .where(entry.party_no.in_(part), entry.amount_minor > 0)
            .group_by(entry.entry_no)
            .having(remaining > 0)
            .order_by(entry.entry_no)
        )
        if not include_collection_entries:
            query = query.where(
                func.coalesce(entry.document_type, "").not_in(COLLECTION_DOCUMENT_TYPES)
            )
        result += [OpenEntry(row[0], int(row[1])) for row in session.execute(query)]
    return result


def movements(
    session: Session, entry_nos: Sequence[int], until: date
) -> dict[int, list[tuple[date, int]]]:
    """Each entry's changes of remaining amount up to ``until``: the initial amount first, then
    by posting date. One query per 500 entries."""
    detailed = DetailedCustomerLedgerEntry
    initial_first = case((detailed.entry_type == DetailedEntryType.INITIAL.value, 0), else_=1)
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for part in chunks(sorted(set(entry_nos))):
        rows = session.execute(
            select(detailed.entry_no, detailed.posting_date, detailed.amount_minor)
            .where(detailed.entry_no.in_(part), detailed.posting_date <= until)
            .order_by(detailed.entry_no, initial_first, detailed.posting_date, detailed.id)
        )
        for entry_no, posting_date, amount in rows:
            found[int(entry_no)].append((posting_date, int(amount)))
    return dict(found)


def held_entry_nos(session: Session, entry_nos: Sequence[int]) -> set[int]:
    held: set[int] = set()
    for part in chunks(sorted(set(entry_nos))):
        held.update(
            session.scalars(
                select(CustomerEntryHold.entry_no).where(CustomerEntryHold.entry_no.in_(part))
            )
        )
    return held


def interest_charged_until(session: Session, entry_nos: Sequence[int]) -> dict[int, date]:
    """Per entry, the latest document date of an issued reminder or memo that charged it
    interest: interest before that date was already charged."""
    found: dict[int, date] = {}
    for part in chunks(sorted(set(entry_nos))):
        rows = session.execute(
            select(CollectionLine.entry_no, func.max(CollectionDocument.document_date))
            .join(CollectionDocument, CollectionDocument.id == CollectionLine.document_id)
            .where(
                CollectionLine.entry_no.in_(part),
                CollectionLine.line_type == "interest",
                CollectionDocument.status == "issued",
            )
            .group_by(CollectionLine.entry_no)
        )
        found.update({int(no): day for no, day in rows if no is not None})
    return found


def finance_charge_rates(session: Session, terms_code: str) -> list[FinanceChargeRate]:
    return list(
        session.scalars(
            select(FinanceChargeRate)
            .where(FinanceChargeRate.terms_code == terms_code)
            .order_by(FinanceChargeRate.start_date)
        )
    )


def max_document_suffix(session: Session, kind: str, prefix: str) -> int:
    """The highest number after ``prefix`` among documents of ``kind`` (0 when none)."""
    numbers = session.scalars(
        select(CollectionDocument.no).where(
            CollectionDocument.kind == kind, CollectionDocument.no.like(f"{prefix}%")
        )
    )
    suffixes = [int(no[len(prefix) :]) for no in numbers if no[len(prefix) :].isdigit()]
    return max(suffixes, default=0)


def document_by_no(session: Session, no: str, lock: bool = False) -> CollectionDocument | None:
    query = select(CollectionDocument).where(CollectionDocument.no == no)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def drafts_by_party(session: Session, kind: str) -> dict[tuple[str, str], str]:
    """(customer, currency) -> the number of its draft document of ``kind``."""
    rows = session.execute(
        select(
            CollectionDocument.customer_no, CollectionDocument.currency_code, CollectionDocument.no
        ).where(CollectionDocument.kind == kind, CollectionDocument.status == "draft")
    )
    return {(customer, currency): no for customer, currency, no in rows}


def lines_of(session: Session, document_ids: Sequence[int]) -> dict[int, list[CollectionLine]]:
    found: dict[int, list[CollectionLine]] = defaultdict(list)
    for part in chunks(sorted(set(document_ids))):
        rows = session.scalars(
            select(CollectionLine)
            .where(CollectionLine.document_id.in_(part))
            .order_by(CollectionLine.document_id, CollectionLine.line_no)
        )
        for line in rows:
            found[line.document_id].append(line)
    return dict(found)


def documents(
    session: Session, kind: str, status: str | None = None, customer_no: str | None = None
) -> list[CollectionDocument]:
    query = select(CollectionDocument).where(CollectionDocument.kind == kind)
    if status:
        query = query.where(CollectionDocument.status == status)
    if customer_no:
        query = query.where(CollectionDocument.customer_no == customer_no)
    return list(session.scalars(query.order_by(CollectionDocument.no)))


def customer_entries(session: Session, entry_nos: Sequence[int]) -> dict[int, CustomerLedgerEntry]:
    found: dict[int, CustomerLedgerEntry] = {}
    for part in chunks(sorted(set(entry_nos))):
        query = select(CustomerLedgerEntry).where(CustomerLedgerEntry.entry_no.in_(part))
        found.update({e.entry_no: e for e in session.scalars(query)})
    return found
