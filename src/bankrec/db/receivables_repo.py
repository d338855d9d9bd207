"""Reads for receivables: open customer documents with their remaining amounts, in one query.

Remaining amounts are what the detailed rows of an entry add up to, as in ``ledger_repo``; here
they are aggregated in SQL for many entries at once so a worklist of 100,000 open documents
costs one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, func, select
from sqlalchemy.orm import Session

from bankrec.db.ledgers import CUSTOMERS, PartyLedger
from bankrec.db.models import Application, Customer, CustomerLedgerEntry
from bankrec.domain.kinds import DetailedEntryType


@dataclass(frozen=True)
class OpenDocumentRow:
    """One open customer entry as the payment registration worklist needs it (minor units)."""

    entry_no: int
    customer_no: str
    customer_name: str
    document_type: str
    document_no: str
    external_document_no: str
    posting_date: date
    due_date: date | None
    pmt_discount_date: date | None
    currency: str
    remaining: int
    discount_remaining: int


def remaining_sums(ledger: PartyLedger, party_no: str | None = None) -> Subquery:
    """Per entry: remaining amount and discount taken so far; open entries only."""
    d = ledger.detailed
    remaining = func.sum(d.amount_minor)
    query = (
        select(
            d.entry_no.label("entry_no"),
            remaining.label("remaining"),
            func.sum(
                case(
                    (d.entry_type == DetailedEntryType.PAYMENT_DISCOUNT.value, d.amount_minor),
                    else_=0,
                )
            ).label("discount_taken"),
        )
        .group_by(d.entry_no)
        .having(remaining != 0)
    )
    if party_no is not None:
        own = select(ledger.entry.entry_no).where(ledger.entry.party_no == party_no)
        query = query.where(d.entry_no.in_(own))
    return query.subquery()


def open_customer_documents(
    session: Session, document_types: Sequence[str], customer_no: str | None = None
) -> list[OpenDocumentRow]:
    """Open customer entries of ``document_types``, oldest due date first."""
    entry = CustomerLedgerEntry
    sums = remaining_sums(CUSTOMERS, customer_no)
    due = func.coalesce(entry.due_date, entry.posting_date)
    # Plain columns, not ORM entities: loading 100,000 mapped rows costs far more than the SQL.
    query = (
        select(
            entry.entry_no,
            entry.party_no,
            Customer.name,
            entry.document_type,
            entry.document_no,
            entry.external_document_no,
            entry.posting_date,
            entry.due_date,
            entry.pmt_discount_date,
            entry.currency_code,
            sums.c.remaining,
            entry.pmt_discount_possible_minor + sums.c.discount_taken,
        )
        .join(sums, sums.c.entry_no == entry.entry_no)
        .join(Customer, Customer.no == entry.party_no)
        .where(entry.document_type.in_(document_types))
        .order_by(due, entry.entry_no)
    )
    return [
        OpenDocumentRow(
            entry_no=no,
            customer_no=party_no,
            customer_name=name,
            document_type=document_type or "",
            document_no=document_no,
            external_document_no=external_no,
            posting_date=posted,
            due_date=due_date,
            pmt_discount_date=discount_date,
            currency=currency,
            remaining=int(remaining),
            discount_remaining=int(discount),
        )
        for (
            no,
            party_no,
            name,
            document_type,
            document_no,
            external_no,
            posted,
            due_date,
            discount_date,
            currency,
            remaining,
            discount,
        ) in session.execute(query)
    ]


def customer_entry_nos_by_document(session: Session, document_nos: Sequence[str]) -> list[int]:
    """Every customer entry carrying one of ``document_nos``, any customer, oldest first."""
    query = (
        select(CustomerLedgerEntry.entry_no)
        .where(CustomerLedgerEntry.document_no.in_(document_nos))
        .order_by(CustomerLedgerEntry.entry_no)
    )
    return list(session.scalars(query))


def applications_of_transaction(
    session: Session, ledger: PartyLedger, transaction_no: int
) -> list[Application]:
    """The applications one posting made in ``ledger``, in the order they were made."""
    query = (
        select(Application)
        .where(
            Application.transaction_no == transaction_no,
            Application.ledger == ledger.kind.value,
        )
        .order_by(Application.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class AppliedRow:
    """What one application did to one entry (signed minor units, the entry's currency)."""

    entry_no: int
    document_no: str
    applied: int
    discount: int
    tolerance: int


def application_rows(
    session: Session, ledger: PartyLedger, application_id: int
) -> list[AppliedRow]:
    """Per entry the application touched: its reductions by kind, in entry order."""
    d = ledger.detailed

    def part(kind: DetailedEntryType) -> ColumnElement[Any]:
        return func.sum(case((d.entry_type == kind.value, d.amount_minor), else_=0))

    query = (
        select(
            d.entry_no,
            ledger.entry.document_no,
            part(DetailedEntryType.APPLICATION),
            part(DetailedEntryType.PAYMENT_DISCOUNT),
            part(DetailedEntryType.PAYMENT_TOLERANCE),
        )
        .join(ledger.entry, ledger.entry.entry_no == d.entry_no)
        .where(d.application_id == application_id)
        .group_by(d.entry_no, ledger.entry.document_no)
        .order_by(d.entry_no)
    )
    return [
        AppliedRow(int(no), str(doc), int(applied), int(discount), int(tolerance))
        for no, doc, applied, discount, tolerance in session.execute(query)
    ]
