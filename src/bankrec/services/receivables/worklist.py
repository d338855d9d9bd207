"""Use case: the payment registration worklist (BC "Register Customer Payments").

It lists the open customer documents a payment can settle, oldest due date first, with what
would settle each on a given date: the remaining amount, less the payment discount while the
date is on or before the document's discount date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bankrec.db import receivables_repo
from bankrec.db.models import Customer
from bankrec.db.receivables_repo import OpenDocumentRow
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import DocumentType
from bankrec.domain.money import from_minor
from bankrec.errors import NotFoundError
from bankrec.services.database import Database
from bankrec.services.receivables.common import amount_after_discount

PAYABLE_DOCUMENT_TYPES: tuple[str, ...] = (
    DocumentType.INVOICE.value,
    DocumentType.CREDIT_MEMO.value,
    DocumentType.REMINDER.value,
    DocumentType.FINANCE_CHARGE.value,
)
"""The documents a registered payment settles (a credit memo is paid out as a refund)."""


@dataclass(frozen=True)
class WorklistDocument:
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
    remaining_amount: Decimal
    discounted_amount: Decimal
    overdue: bool

    def as_json(self) -> dict[str, object]:
        return {
            "entry_no": self.entry_no,
            "customer_no": self.customer_no,
            "customer_name": self.customer_name,
            "document_type": self.document_type,
            "document_no": self.document_no,
            "external_document_no": self.external_document_no,
            "posting_date": self.posting_date.isoformat(),
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "pmt_discount_date": (
                self.pmt_discount_date.isoformat() if self.pmt_discount_date else None
            ),
            "currency": self.currency,
            "remaining_amount": str(self.remaining_amount),
            "discounted_amount": str(self.discounted_amount),
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class Worklist:
    on: date
    documents: list[WorklistDocument]

    def as_json(self) -> dict[str, object]:
        return {"date": self.on.isoformat(), "documents": [d.as_json() for d in self.documents]}


def payment_worklist(db: Database, on: date, customer_no: str | None = None) -> Worklist:
    """The open documents (of ``customer_no``, or every customer) as of ``on``."""
    with db.reading() as session:
        setup = LedgerSetup(session)
        if customer_no is not None and setup.record(Customer, customer_no) is None:
            raise NotFoundError(
                f"customer {customer_no} does not exist; list customers with "
                "`bankrec customer list`"
            )
        rows = receivables_repo.open_customer_documents(
            session, PAYABLE_DOCUMENT_TYPES, customer_no
        )
        return Worklist(on, [_document(row, setup.decimals[row.currency], on) for row in rows])


def _document(row: OpenDocumentRow, decimals: int, on: date) -> WorklistDocument:
    due = row.due_date or row.posting_date
    discounted = amount_after_discount(
        row.remaining, row.discount_remaining, row.pmt_discount_date, on
    )
    return WorklistDocument(
        entry_no=row.entry_no,
        customer_no=row.customer_no,
        customer_name=row.customer_name,
        document_type=row.document_type,
        document_no=row.document_no,
        external_document_no=row.external_document_no,
        posting_date=row.posting_date,
        due_date=row.due_date,
        pmt_discount_date=row.pmt_discount_date,
        currency=row.currency,
        remaining_amount=from_minor(row.remaining, decimals),
        discounted_amount=from_minor(discounted, decimals),
        overdue=row.remaining > 0 and due < on,  # money we owe the customer is never overdue
    )
