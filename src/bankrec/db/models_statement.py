"""Imported bank statements and their lines, exactly as the files gave them (normalised)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bankrec.db.base import Base
from bankrec.db.types import ExactDecimal, UTCDateTime

SHORT = String(70)
NAME = String(140)


class BankStatement(Base):
    """One statement of one bank account from one imported file."""

    __tablename__ = "bank_statement"
    __table_args__ = (Index("ix_bank_statement_bank_closing", "bank_no", "closing_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_no: Mapped[str] = mapped_column(ForeignKey("bank_account.no"))
    format: Mapped[str] = mapped_column(String(10))
    profile: Mapped[str | None] = mapped_column(String(50))
    source_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    statement_ref: Mapped[str] = mapped_column(SHORT, default="")
    """The file's own id of the statement (CAMT Id, MT940 :20:/:28C:)."""
    file_position: Mapped[str] = mapped_column(String(100), default="")
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    account_iban: Mapped[str] = mapped_column(String(34), default="")
    account_no: Mapped[str] = mapped_column(String(50), default="")
    opening_minor: Mapped[int | None] = mapped_column(BigInteger)
    opening_date: Mapped[date | None] = mapped_column(Date)
    closing_minor: Mapped[int | None] = mapped_column(BigInteger)
    closing_date: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    lines_in_file: Mapped[int] = mapped_column(Integer)
    lines_new: Mapped[int] = mapped_column(Integer)
    gap_minor: Mapped[int | None] = mapped_column(BigInteger)
    """Opening minus the previous closing, when imported with --allow-gap; else NULL."""
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(100))


class BankStatementLine(Base):
    """One imported transaction. ``dedupe_key`` makes a re-import or an overlap add nothing."""

    __tablename__ = "bank_statement_line"
    __table_args__ = (
        UniqueConstraint("bank_no", "dedupe_key"),
        Index("ix_bank_statement_line_bank_date", "bank_no", "booking_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    bank_no: Mapped[str] = mapped_column(ForeignKey("bank_account.no"))
    dedupe_key: Mapped[str] = mapped_column(String(64))
    booking_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date | None] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(String(3))
    counterparty_name: Mapped[str] = mapped_column(NAME, default="")
    counterparty_account: Mapped[str] = mapped_column(String(50), default="")
    counterparty_bic: Mapped[str] = mapped_column(String(11), default="")
    counterparty_address: Mapped[str] = mapped_column(NAME, default="")
    counterparty_city: Mapped[str] = mapped_column(SHORT, default="")
    remittance: Mapped[str] = mapped_column(Text, default="")
    structured_reference: Mapped[str] = mapped_column(SHORT, default="")
    end_to_end_id: Mapped[str] = mapped_column(SHORT, default="")
    bank_reference: Mapped[str] = mapped_column(String(100), default="")
    transaction_code: Mapped[str] = mapped_column(SHORT, default="")
    check_no: Mapped[str] = mapped_column(String(20), default="")
    original_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    original_currency: Mapped[str] = mapped_column(String(3), default="")
    charges: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    batch_reference: Mapped[str] = mapped_column(SHORT, default="")
    reversal: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[str] = mapped_column(String(200), default="")
    raw: Mapped[str] = mapped_column(Text, default="")
