"""The posted ledger. Every table here is append-only: the database refuses UPDATE and DELETE.

Amounts are signed integer minor units: ``*_minor`` in the entry's own currency,
``*_lcy_minor`` in the local currency. What changes over time (the remaining amount of an entry,
whether it is open, whether a transaction was reversed or an application undone) is derived
from rows appended later, never written over.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

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
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from bankrec.db.base import Base
from bankrec.db.types import UTCDateTime

DOC_TYPES = "('invoice', 'credit-memo', 'payment', 'refund')"
DOC_NO = String(35)
TEXT = String(250)

APPEND_ONLY_TABLES: tuple[str, ...] = (
    "gl_register",
    "gl_entry",
    "bank_ledger_entry",
    "bank_entry_status",
    "customer_ledger_entry",
    "vendor_ledger_entry",
    "detailed_customer_ledger_entry",
    "detailed_vendor_ledger_entry",
    "application",
    "unapplication",
    "reversal",
)


class GLRegister(Base):
    """One posting: its transaction number, when and by whom."""

    __tablename__ = "gl_register"
    __table_args__ = (
        CheckConstraint(
            "source IN ('journal', 'reversal', 'unapply', 'application')", name="source"
        ),
    )

    transaction_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(TEXT, default="")


class DocumentMixin:
    """Fields every ledger entry carries from its document."""

    posting_date: Mapped[date] = mapped_column(Date)
    document_type: Mapped[str | None] = mapped_column(String(15))
    document_no: Mapped[str] = mapped_column(DOC_NO)
    external_document_no: Mapped[str] = mapped_column(DOC_NO, default="")
    description: Mapped[str] = mapped_column(TEXT, default="")

    @declared_attr
    def transaction_no(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("gl_register.transaction_no"), index=True)


class GLEntry(DocumentMixin, Base):
    __tablename__ = "gl_entry"
    __table_args__ = (
        Index("ix_gl_entry_account_date", "gl_account_no", "posting_date"),
        Index("ix_gl_entry_document_no", "document_no"),
    )

    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    gl_account_no: Mapped[str] = mapped_column(ForeignKey("gl_account.no"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str | None] = mapped_column(ForeignKey("currency.code"))
    source_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    source_type: Mapped[str | None] = mapped_column(String(10))
    source_no: Mapped[str | None] = mapped_column(String(20))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)


class BankLedgerEntry(DocumentMixin, Base):
    __tablename__ = "bank_ledger_entry"
    __table_args__ = (Index("ix_bank_ledger_entry_bank_date", "bank_no", "posting_date"),)

    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_no: Mapped[str] = mapped_column(ForeignKey("bank_account.no"))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    amount_lcy_minor: Mapped[int] = mapped_column(BigInteger)
    check_no: Mapped[str | None] = mapped_column(String(20))
    reversed_entry_no: Mapped[int | None] = mapped_column(
        ForeignKey("bank_ledger_entry.entry_no"), unique=True
    )
    bal_account_type: Mapped[str | None] = mapped_column(String(10))
    bal_account_no: Mapped[str | None] = mapped_column(String(20))


class BankEntryStatus(Base):
    """A change of a bank entry's reconciliation state; the latest row per entry is current.

    No row means the entry is open and unreconciled.
    """

    __tablename__ = "bank_entry_status"
    __table_args__ = (CheckConstraint("status IN ('open', 'applied', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_no: Mapped[int] = mapped_column(ForeignKey("bank_ledger_entry.entry_no"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    statement_no: Mapped[int | None] = mapped_column(Integer)
    statement_line_no: Mapped[int | None] = mapped_column(Integer)
    closed_at_date: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PartyEntryMixin(DocumentMixin):
    """A customer or vendor ledger entry. Its remaining amount is the sum of its detailed rows."""

    if TYPE_CHECKING:  # mapped subclasses accept their columns as keywords

        def __init__(self, **kw: Any) -> None: ...

    party_table: str

    entry_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    amount_lcy_minor: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date | None] = mapped_column(Date)
    pmt_discount_date: Mapped[date | None] = mapped_column(Date)
    pmt_discount_possible_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    max_payment_tolerance_minor: Mapped[int] = mapped_column(BigInteger, default=0)

    @declared_attr
    def party_no(cls) -> Mapped[str]:
        return mapped_column(ForeignKey(f"{cls.party_table}.no"), index=True)

    @declared_attr
    def reversed_entry_no(cls) -> Mapped[int | None]:
        """Set on the mirror entry a reversal posts: the entry it reverses."""
        table = cls.__tablename__  # type: ignore[attr-defined]  # each mapped subclass sets it
        return mapped_column(ForeignKey(f"{table}.entry_no"), unique=True)


def _unique_document(table: str) -> Index:
    """Invoices and credit memos are identified by number: one per ledger (reversals aside)."""
    where = text("document_type IN ('invoice', 'credit-memo') AND reversed_entry_no IS NULL")
    return Index(
        f"uq_{table}_document",
        "document_type",
        "document_no",
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


class CustomerLedgerEntry(PartyEntryMixin, Base):
    __tablename__ = "customer_ledger_entry"
    party_table = "customer"
    __table_args__ = (_unique_document("customer_ledger_entry"),)


class VendorLedgerEntry(PartyEntryMixin, Base):
    __tablename__ = "vendor_ledger_entry"
    party_table = "vendor"
    __table_args__ = (_unique_document("vendor_ledger_entry"),)


class DetailedEntryMixin:
    """One change of a customer or vendor entry's remaining amount."""

    if TYPE_CHECKING:  # mapped subclasses accept their columns as keywords

        def __init__(self, **kw: Any) -> None: ...

    entry_table: str

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_type: Mapped[str] = mapped_column(String(20))
    posting_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    amount_lcy_minor: Mapped[int] = mapped_column(BigInteger)

    @declared_attr
    def entry_no(cls) -> Mapped[int]:
        return mapped_column(ForeignKey(f"{cls.entry_table}.entry_no"), index=True)

    @declared_attr
    def transaction_no(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("gl_register.transaction_no"), index=True)

    @declared_attr
    def application_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("application.id"), index=True)


_DETAILED_TYPES = (
    "entry_type IN ('initial', 'application', 'payment_discount', 'payment_tolerance', "
    "'realized_fx')"
)


class DetailedCustomerLedgerEntry(DetailedEntryMixin, Base):
    __tablename__ = "detailed_customer_ledger_entry"
    entry_table = "customer_ledger_entry"
    __table_args__ = (CheckConstraint(_DETAILED_TYPES, name="entry_type"),)


class DetailedVendorLedgerEntry(DetailedEntryMixin, Base):
    __tablename__ = "detailed_vendor_ledger_entry"
    entry_table = "vendor_ledger_entry"
    __table_args__ = (CheckConstraint(_DETAILED_TYPES, name="entry_type"),)


class Application(Base):
    """One application: an applying entry closing or reducing one or more entries of a party."""

    __tablename__ = "application"
    __table_args__ = (CheckConstraint("ledger IN ('customer', 'vendor')", name="ledger"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ledger: Mapped[str] = mapped_column(String(10))
    applying_entry_no: Mapped[int] = mapped_column(Integer)
    posting_date: Mapped[date] = mapped_column(Date)
    transaction_no: Mapped[int] = mapped_column(
        ForeignKey("gl_register.transaction_no"), index=True
    )


class Unapplication(Base):
    """Records that an application was undone, and by which transaction (a reversal undoes
    every application of the transaction it reverses, so one transaction may undo several)."""

    __tablename__ = "unapplication"

    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), primary_key=True)
    transaction_no: Mapped[int] = mapped_column(
        ForeignKey("gl_register.transaction_no"), index=True
    )


class Reversal(Base):
    """Records that a transaction was reversed by another; each side appears once."""

    __tablename__ = "reversal"

    transaction_no: Mapped[int] = mapped_column(
        ForeignKey("gl_register.transaction_no"), primary_key=True
    )
    reversed_by_transaction_no: Mapped[int] = mapped_column(
        ForeignKey("gl_register.transaction_no"), unique=True
    )
