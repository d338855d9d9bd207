"""Read models of reminders and memos: what a printed document and ``show`` display."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bankrec.db import collections_repo
from bankrec.db.models import Customer
from bankrec.db.models_collections import CollectionDocument, CollectionLine
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.money import format_minor
from bankrec.services.collections.common import fill_placeholders

FEE_TYPES = ("additional-fee", "line-fee")


@dataclass(frozen=True)
class LineView:
    """One printed line; amounts are text with the currency's decimals, "" where not shown."""

    line_type: str
    description: str
    document_type: str
    document_no: str
    due_date: date | None
    original: str
    remaining: str
    days: int | None
    rate: str
    interest: str
    fee: str


@dataclass(frozen=True)
class DocumentView:
    """Everything a reminder or finance charge memo prints."""

    kind: str
    title: str
    no: str
    status: str
    company_name: str
    customer_no: str
    customer_name: str
    address_lines: tuple[str, ...]
    document_date: date
    posting_date: date
    due_date: date
    currency: str
    level: int | None
    beginning_text: str
    ending_text: str
    lines: tuple[LineView, ...]
    remaining: str
    interest: str
    fees: str
    total_due: str
    """Remaining amounts plus interest and fees: what the customer owes."""


def _title(doc: CollectionDocument) -> str:
    if doc.kind == "reminder":
        return f"Reminder (level {doc.level_no})" if doc.level_no else "Reminder"
    return "Finance Charge Memo"


def _line_view(line: CollectionLine, decimals: int) -> LineView:
    def amount(minor: int, shown: bool) -> str:
        return format_minor(minor, decimals) if shown else ""

    is_interest = line.line_type == "interest"
    is_fee = line.line_type in FEE_TYPES
    has_entry = line.entry_no is not None
    return LineView(
        line_type=line.line_type,
        description=line.description,
        document_type=line.document_type,
        document_no=line.document_no,
        due_date=line.due_date,
        original=amount(line.original_minor, has_entry),
        remaining=amount(line.remaining_minor, has_entry),
        days=line.days if is_interest else None,
        rate=str(line.interest_rate) if is_interest and line.interest_rate is not None else "",
        interest=amount(line.amount_minor, is_interest),
        fee=amount(line.amount_minor, is_fee),
    )


def _remaining_total(lines: Sequence[CollectionLine]) -> int:
    """Each entry's remaining amount once, however many interest lines it has."""
    by_entry: dict[int, int] = {}
    for line in lines:
        if line.entry_no is not None and line.line_type in ("overdue", "interest"):
            by_entry.setdefault(line.entry_no, line.remaining_minor)
    return sum(by_entry.values())


def _placeholders(
    doc: CollectionDocument, lines: Sequence[CollectionLine], company: str, decimals: int
) -> list[str]:
    """Business Central's text placeholders: finance charge memos %1..%9, reminders %1..%12."""
    rates = [line.interest_rate for line in lines if line.interest_rate is not None]
    line_fees = sum(line.amount_minor for line in lines if line.line_type == "line-fee")
    additional = sum(line.amount_minor for line in lines if line.line_type == "additional-fee")
    common = [
        doc.document_date.isoformat(),
        doc.due_date.isoformat(),
        str(rates[0]) if rates else "",
        format_minor(_remaining_total(lines), decimals),
        format_minor(doc.interest_minor, decimals),
        format_minor(additional, decimals),
        format_minor(_remaining_total(lines) + doc.interest_minor + doc.fee_minor, decimals),
    ]
    if doc.kind == "reminder":
        return [
            *common,
            str(doc.level_no or ""),
            doc.currency_code,
            doc.posting_date.isoformat(),
            company,
            format_minor(line_fees, decimals),
        ]
    return [*common, doc.currency_code, doc.posting_date.isoformat()]


def document_views(session: Session, docs: Sequence[CollectionDocument]) -> list[DocumentView]:
    setup = LedgerSetup(session)
    all_lines = collections_repo.lines_of(session, [d.id for d in docs])
    views = []
    for doc in docs:
        decimals = setup.decimals[doc.currency_code]
        lines = all_lines.get(doc.id, [])
        customer = setup.record(Customer, doc.customer_no)
        values = _placeholders(doc, lines, setup.company.name, decimals)
        views.append(
            DocumentView(
                kind=doc.kind,
                title=_title(doc),
                no=doc.no,
                status=doc.status,
                company_name=setup.company.name,
                customer_no=doc.customer_no,
                customer_name=customer.name if customer else doc.customer_no,
                address_lines=_address(customer),
                document_date=doc.document_date,
                posting_date=doc.posting_date,
                due_date=doc.due_date,
                currency=doc.currency_code,
                level=doc.level_no,
                beginning_text=fill_placeholders(doc.beginning_text, values),
                ending_text=fill_placeholders(doc.ending_text, values),
                lines=tuple(_line_view(line, decimals) for line in lines),
                remaining=values[3],
                interest=format_minor(doc.interest_minor, decimals),
                fees=format_minor(doc.fee_minor, decimals),
                total_due=values[6],
            )
        )
    return views


def _address(customer: Customer | None) -> tuple[str, ...]:
    if customer is None:
        return ()
    city = " ".join(part for part in (customer.country, customer.city) if part)
    return tuple(part for part in (customer.address, city) if part)
