"""Collections: reminder and finance charge terms, and the reminders and memos made from them.

Terms and documents are working data, not ledger: a draft document is rewritten freely and an
issued one changes only its status. What a document posts (interest, fees) goes to the ledger
through an ordinary transaction whose number the document keeps.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bankrec.db.base import Base
from bankrec.db.types import ExactDecimal, UTCDateTime

CODE = String(20)
FORMULA = String(30)
TEXT = String(250)


class ReminderTerms(Base):
    """How a customer is reminded: what issuing posts, how many reminders, below what not."""

    __tablename__ = "reminder_terms"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    post_interest: Mapped[bool] = mapped_column(Boolean, default=True)
    post_additional_fee: Mapped[bool] = mapped_column(Boolean, default=True)
    post_line_fee: Mapped[bool] = mapped_column(Boolean, default=True)
    max_reminders: Mapped[int] = mapped_column(Integer, default=0)
    """0: no limit."""
    minimum_amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    """Local currency: no reminder when the overdue total is below it."""


class ReminderLevel(Base):
    """One level of reminder terms; fees are in local currency minor units."""

    __tablename__ = "reminder_level"
    __table_args__ = (
        UniqueConstraint("terms_code", "level_no"),
        CheckConstraint("level_no >= 1", name="level_no_positive"),
        CheckConstraint(
            "fee_calculation IN ('fixed', 'single-dynamic', 'accumulated-dynamic')",
            name="fee_calculation",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    terms_code: Mapped[str] = mapped_column(ForeignKey("reminder_terms.code"))
    level_no: Mapped[int] = mapped_column(Integer)
    grace_period: Mapped[str] = mapped_column(FORMULA, default="0D")
    due_date_formula: Mapped[str] = mapped_column(FORMULA, default="0D")
    calculate_interest: Mapped[bool] = mapped_column(Boolean, default=False)
    additional_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    line_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_calculation: Mapped[str] = mapped_column(String(20), default="fixed")
    beginning_text: Mapped[str] = mapped_column(Text, default="")
    ending_text: Mapped[str] = mapped_column(Text, default="")


class ReminderFeeTier(Base):
    """A dynamic fee tier of one level: from ``threshold`` remaining, ``fee`` plus ``pct`` %.

    ``currency_code`` NULL means local currency; ``per_line`` tiers price each overdue entry,
    the others the reminder as a whole.
    """

    __tablename__ = "reminder_fee_tier"
    __table_args__ = (Index("ix_reminder_fee_tier_level", "terms_code", "level_no", "per_line"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    terms_code: Mapped[str] = mapped_column(ForeignKey("reminder_terms.code"))
    level_no: Mapped[int] = mapped_column(Integer)
    per_line: Mapped[bool] = mapped_column(Boolean, default=False)
    currency_code: Mapped[str | None] = mapped_column(ForeignKey("currency.code"))
    threshold_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_pct: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))
    min_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    max_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    """0: no maximum."""


class FinanceChargeTerms(Base):
    """How interest on overdue customer entries is computed and charged."""

    __tablename__ = "finance_charge_terms"
    __table_args__ = (
        CheckConstraint("method IN ('balance-due', 'average-daily-balance')", name="method"),
        CheckConstraint("interest_period_days >= 1", name="interest_period_positive"),
    )

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    description: Mapped[str] = mapped_column(String(100), default="")
    interest_rate: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))
    """Percent per interest period."""
    method: Mapped[str] = mapped_column(String(25), default="balance-due")
    interest_period_days: Mapped[int] = mapped_column(Integer, default=30)
    grace_period: Mapped[str] = mapped_column(FORMULA, default="0D")
    due_date_formula: Mapped[str] = mapped_column(FORMULA, default="0D")
    minimum_amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    additional_fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    post_interest: Mapped[bool] = mapped_column(Boolean, default=True)
    post_additional_fee: Mapped[bool] = mapped_column(Boolean, default=True)
    line_description: Mapped[str] = mapped_column(TEXT, default="")


class FinanceChargeRate(Base):
    """A dated interest rate of finance charge terms, valid from ``start_date`` on."""

    __tablename__ = "finance_charge_rate"
    __table_args__ = (UniqueConstraint("terms_code", "start_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    terms_code: Mapped[str] = mapped_column(ForeignKey("finance_charge_terms.code"))
    start_date: Mapped[date] = mapped_column(Date)
    interest_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    interest_period_days: Mapped[int] = mapped_column(Integer)


class CustomerEntryHold(Base):
    """A customer entry put on hold: no reminder, no interest. Deleting the row releases it."""

    __tablename__ = "customer_entry_hold"

    entry_no: Mapped[int] = mapped_column(
        ForeignKey("customer_ledger_entry.entry_no"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(100), default="")
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CollectionDocument(Base):
    """A reminder or a finance charge memo: drafted by ``create``, then issued or canceled.

    Amounts are minor units of the document's currency. ``issued_transaction_no`` is the
    posting of its interest and fees (NULL when nothing was posted); cancelling an issued
    document reverses that posting in ``canceled_transaction_no``.
    """

    __tablename__ = "collection_document"
    __table_args__ = (
        CheckConstraint("kind IN ('reminder', 'finance-charge')", name="kind"),
        CheckConstraint("status IN ('draft', 'issued', 'canceled')", name="status"),
        Index("ix_collection_document_customer", "kind", "customer_no", "currency_code"),
        Index(
            "uq_collection_document_draft",
            "kind",
            "customer_no",
            "currency_code",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(15))
    no: Mapped[str] = mapped_column(String(20), unique=True)
    customer_no: Mapped[str] = mapped_column(ForeignKey("customer.no"))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    document_date: Mapped[date] = mapped_column(Date)
    posting_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    terms_code: Mapped[str] = mapped_column(CODE)
    level_no: Mapped[int | None] = mapped_column(Integer)
    remaining_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    beginning_text: Mapped[str] = mapped_column(Text, default="")
    ending_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_transaction_no: Mapped[int | None] = mapped_column(
        ForeignKey("gl_register.transaction_no")
    )
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    canceled_transaction_no: Mapped[int | None] = mapped_column(
        ForeignKey("gl_register.transaction_no")
    )


class CollectionLine(Base):
    """One line of a reminder or memo.

    ``line_type``: ``overdue`` (an entry reminded at ``level_no``), ``not-due`` and ``on-hold``
    (listed for information), ``interest`` (on ``entry_no``; several lines when the rate
    changed inside the period), ``additional-fee`` and ``line-fee``.
    """

    __tablename__ = "collection_line"
    __table_args__ = (
        UniqueConstraint("document_id", "line_no"),
        CheckConstraint(
            "line_type IN ('overdue', 'not-due', 'on-hold', 'interest', 'additional-fee', "
            "'line-fee')",
            name="line_type",
        ),
        Index("ix_collection_line_entry", "entry_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("collection_document.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    line_type: Mapped[str] = mapped_column(String(15))
    entry_no: Mapped[int | None] = mapped_column(ForeignKey("customer_ledger_entry.entry_no"))
    level_no: Mapped[int | None] = mapped_column(Integer)
    document_type: Mapped[str] = mapped_column(String(15), default="")
    document_no: Mapped[str] = mapped_column(String(35), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    original_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    remaining_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    base_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    days: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    """Interest or fee of this line; 0 on overdue, not-due and on-hold lines."""
    description: Mapped[str] = mapped_column(TEXT, default="")
