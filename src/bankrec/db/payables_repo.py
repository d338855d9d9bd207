"""Reads and writes of vendor payment proposals and exports. Callers own the session.

Open vendor entries are read with one aggregate over the detailed rows (as the payment journal
does), never entry by entry.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bankrec.db.models import (
    DetailedVendorLedgerEntry,
    PaymentExport,
    PaymentProposal,
    Vendor,
    VendorBankAccount,
    VendorLedgerEntry,
)
from bankrec.domain.kinds import DetailedEntryType

LIVE_STATUSES = ("proposed", "accepted", "exported")
"""A proposal in one of these holds its vendor entry: no second proposal is made for it."""


@dataclass(frozen=True)
class OpenPayable:
    """An open vendor entry that is owed (remaining < 0), with its discount still possible."""

    entry_no: int
    vendor_no: str
    vendor_name: str
    document_no: str
    external_document_no: str
    posting_date: date
    due_date: date | None
    discount_date: date | None
    currency: str
    remaining: int
    discount_remaining: int


@dataclass(frozen=True)
class ExportedPayment:
    """The exported proposal of one vendor entry: how the bank will report the payment."""

    entry_no: int
    end_to_end_id: str
    discount: int
    execution_date: date
    file_name: str


def open_payables(session: Session, vendor_nos: Collection[str] = ()) -> list[OpenPayable]:
    """Owed entries of unblocked vendors that no live proposal holds, in entry order."""
    detailed = DetailedVendorLedgerEntry
    discount_taken = func.sum(
        case(
            (
                detailed.entry_type == DetailedEntryType.PAYMENT_DISCOUNT.value,
                detailed.amount_minor,
            ),
            else_=0,
        )
    )
    sums = (
        select(
            detailed.entry_no.label("entry_no"),
            func.sum(detailed.amount_minor).label("remaining"),
            discount_taken.label("discount_taken"),
        )
        .group_by(detailed.entry_no)
        .having(func.sum(detailed.amount_minor) < 0)
        .subquery()
    )
    held = select(PaymentProposal.vendor_entry_no).where(PaymentProposal.status.in_(LIVE_STATUSES))
    entry = VendorLedgerEntry
    query = (
        select(
            entry.entry_no,
            entry.party_no,
            Vendor.name,
            entry.document_no,
            entry.external_document_no,
            entry.posting_date,
            entry.due_date,
            entry.pmt_discount_date,
            entry.currency_code,
            entry.pmt_discount_possible_minor,
            sums.c.remaining,
            sums.c.discount_taken,
        )
        .join(sums, sums.c.entry_no == entry.entry_no)
        .join(Vendor, Vendor.no == entry.party_no)
        .where(Vendor.blocked.is_(False), entry.entry_no.not_in(held))
        .order_by(entry.entry_no)
    )
    if vendor_nos:
        query = query.where(entry.party_no.in_(sorted(vendor_nos)))
    return [
        OpenPayable(
            entry_no=int(row.entry_no),
            vendor_no=str(row.party_no),
            vendor_name=str(row.name),
            document_no=str(row.document_no or ""),
            external_document_no=str(row.external_document_no or ""),
            posting_date=row.posting_date,
            due_date=row.due_date,
            discount_date=row.pmt_discount_date,
            currency=str(row.currency_code),
            remaining=int(row.remaining),
            discount_remaining=int(row.pmt_discount_possible_minor) + int(row.discount_taken),
        )
        for row in session.execute(query)
    ]


def existing_vendors(session: Session, vendor_nos: Collection[str]) -> set[str]:
    found = session.scalars(select(Vendor.no).where(Vendor.no.in_(sorted(vendor_nos))))
    return set(found)


def vendor_ibans(session: Session, vendor_nos: Collection[str]) -> dict[str, str]:
    """Each vendor's first IBAN (the one recorded first): where its payments go."""
    found: dict[str, str] = {}
    rows = session.execute(
        select(VendorBankAccount.party_no, VendorBankAccount.iban)
        .where(
            VendorBankAccount.party_no.in_(sorted(vendor_nos)),
            VendorBankAccount.iban.is_not(None),
            VendorBankAccount.iban != "",
        )
        .order_by(VendorBankAccount.party_no, VendorBankAccount.id)
    )
    for vendor_no, iban in rows:
        found.setdefault(str(vendor_no), str(iban))
    return found


def vendor_names(session: Session, vendor_nos: Collection[str]) -> dict[str, str]:
    rows = session.execute(select(Vendor.no, Vendor.name).where(Vendor.no.in_(sorted(vendor_nos))))
    return {str(no): str(name) for no, name in rows}


def proposals(
    session: Session,
    status: str | None = None,
    ids: Sequence[int] = (),
    lock: bool = False,
) -> list[PaymentProposal]:
    """Proposals in id order, of one status and/or the given ids. ``lock`` takes row locks."""
    query = select(PaymentProposal).order_by(PaymentProposal.id)
    if status is not None:
        query = query.where(PaymentProposal.status == status)
    if ids:
        query = query.where(PaymentProposal.id.in_(sorted(set(ids))))
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query))


def exported_payments(session: Session) -> dict[int, ExportedPayment]:
    """The exported proposal of every vendor entry that has one (at most one is live), in one
    query: the payment journal looks the bank's end-to-end ids up in it."""
    rows = session.execute(
        select(
            PaymentProposal.vendor_entry_no,
            PaymentProposal.end_to_end_id,
            PaymentProposal.discount_minor,
            PaymentExport.execution_date,
            PaymentExport.file_name,
        )
        .join(PaymentExport, PaymentExport.id == PaymentProposal.export_id)
        .where(PaymentProposal.status == "exported")
    )
    return {
        int(entry_no): ExportedPayment(
            int(entry_no), str(end_to_end_id or ""), int(discount), execution_date, str(file_name)
        )
        for entry_no, end_to_end_id, discount, execution_date, file_name in rows
    }
