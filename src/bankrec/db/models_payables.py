"""Vendor payment proposals and the credit transfer files they were exported in.

Working data, not ledger: a proposal moves from proposed to accepted (or rejected) to exported;
the payment itself is posted when the bank statement shows it, matched by its end-to-end id.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bankrec.db.base import Base
from bankrec.db.types import UTCDateTime

_LIVE = text("status IN ('proposed', 'accepted', 'exported')")


class PaymentExport(Base):
    """One ISO 20022 pain.001 file written for one bank account."""

    __tablename__ = "payment_export"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_no: Mapped[str] = mapped_column(ForeignKey("bank_account.no"))
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    execution_date: Mapped[date] = mapped_column(Date)
    payment_count: Mapped[int] = mapped_column(Integer)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100), default="")


class PaymentProposal(Base):
    """A proposal to pay one open vendor entry: ``amount`` (positive, entry currency) settles
    it, taking ``discount`` when paid by the discount date."""

    __tablename__ = "payment_proposal"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'accepted', 'rejected', 'exported')", name="status"
        ),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index(
            "uq_payment_proposal_live_entry",
            "vendor_entry_no",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_entry_no: Mapped[int] = mapped_column(ForeignKey("vendor_ledger_entry.entry_no"))
    vendor_no: Mapped[str] = mapped_column(ForeignKey("vendor.no"), index=True)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    document_no: Mapped[str] = mapped_column(String(35), default="")
    external_document_no: Mapped[str] = mapped_column(String(35), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    discount_date: Mapped[date | None] = mapped_column(Date)
    payment_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    export_id: Mapped[int | None] = mapped_column(ForeignKey("payment_export.id"), index=True)
    end_to_end_id: Mapped[str | None] = mapped_column(String(35), unique=True)
    creditor_iban: Mapped[str] = mapped_column(String(34), default="")
    creditor_bic: Mapped[str] = mapped_column(String(11), default="")
