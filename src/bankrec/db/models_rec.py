"""Bank account reconciliation (BC 4): statements matched to bank ledger entries, then posted.

A reconciliation is working data while it is open: its lines and matches change until it is
posted. Posting closes the matched bank entries (by appending ``bank_entry_status`` rows), moves
the bank's last statement, and keeps the reconciliation with its matches and a snapshot of the
outstanding entries as the posted statement; undo turns it back into an open one.

Amounts are signed integer minor units in the bank's currency, signed by their effect on the
bank balance (money in is positive), as statement lines and bank entries are. Bank entry numbers
are plain indexed integers, deliberately without a foreign key: one into the append-only ledger
makes PostgreSQL refuse a TRUNCATE of the ledger with a foreign-key error before the append-only
trigger can, and ledger rows are never deleted, so the reference cannot dangle.
"""

from __future__ import annotations

from datetime import date, datetime

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
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bankrec.db.base import Base
from bankrec.db.types import UTCDateTime

DOC_NO = String(35)
SHORT = String(70)
NAME = String(140)

REC_STATUSES = ("open", "posted")
LINE_DECISIONS = ("none", "skipped", "rejected")
MATCH_KINDS = ("one_to_one", "one_to_many", "many_to_one")
MATCH_ORIGINS = ("auto", "manual", "suggest", "transfer")
OUTSTANDING_KINDS = ("check", "deposit", "other")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK that ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class BankReconciliation(Base):
    """One statement of one bank account being reconciled (open) or reconciled (posted)."""

    __tablename__ = "bank_reconciliation"
    __table_args__ = (
        UniqueConstraint("bank_no", "statement_no"),
        CheckConstraint(one_of("status", REC_STATUSES), name="status"),
        CheckConstraint("status = 'open' OR posted_at IS NOT NULL", name="posted_at"),
        CheckConstraint("statement_no > 0", name="statement_no_positive"),
        Index("ix_bank_reconciliation_bank_status", "bank_no", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_no: Mapped[str] = mapped_column(ForeignKey("bank_account.no"))
    statement_no: Mapped[int] = mapped_column(Integer)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("bank_statement.id"))
    """The imported statement its lines came from; NULL when suggested from the ledger."""
    status: Mapped[str] = mapped_column(String(10), default="open")
    statement_date: Mapped[date] = mapped_column(Date)
    balance_last_statement_minor: Mapped[int] = mapped_column(BigInteger)
    ending_balance_minor: Mapped[int] = mapped_column(BigInteger)
    days: Mapped[int | None] = mapped_column(Integer)
    """The date tolerance of the last automatic matching."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_by: Mapped[str | None] = mapped_column(String(100))
    prior_last_statement_no: Mapped[int | None] = mapped_column(Integer)
    """The bank's last statement no. just before posting; undo restores it."""
    prior_balance_last_statement_minor: Mapped[int | None] = mapped_column(BigInteger)
    """The bank's balance last statement just before posting; undo restores it."""
    book_balance_minor: Mapped[int | None] = mapped_column(BigInteger)
    """Posted: the bank ledger balance at the statement date, as it was at posting."""
    version: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every change of the reconciliation, its lines or matches."""

    lines: Mapped[list[BankRecLine]] = relationship(
        back_populates="reconciliation",
        order_by="BankRecLine.line_no",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    matches: Mapped[list[BankRecMatch]] = relationship(
        back_populates="reconciliation",
        order_by="BankRecMatch.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    outstanding: Mapped[list[BankRecOutstanding]] = relationship(
        back_populates="reconciliation",
        order_by="BankRecOutstanding.entry_no",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class BankRecLine(Base):
    """One statement line: a copy of an imported line, or a line suggested from a bank entry.

    ``statement_line_id`` is unique: an imported line sits in at most one reconciliation.
    """

    __tablename__ = "bank_rec_line"
    __table_args__ = (
        UniqueConstraint("rec_id", "line_no"),
        CheckConstraint(one_of("decision", LINE_DECISIONS), name="decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rec_id: Mapped[int] = mapped_column(ForeignKey("bank_reconciliation.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    statement_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_statement_line.id"), unique=True
    )
    transaction_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text, default="")
    counterparty_name: Mapped[str] = mapped_column(NAME, default="")
    additional_text: Mapped[str] = mapped_column(String(250), default="")
    check_no: Mapped[str] = mapped_column(String(20), default="")
    end_to_end_id: Mapped[str] = mapped_column(SHORT, default="")
    bank_reference: Mapped[str] = mapped_column(String(100), default="")
    document_no: Mapped[str] = mapped_column(DOC_NO, default="")
    identity: Mapped[str] = mapped_column(String(64))
    """The statement line's dedupe key, or ``entry:<no>`` for a suggested line."""
    decision: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    """A review decision: skipped (leave it for later) or rejected (no automatic match)."""
    match_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    """What the last automatic matching said of an unmatched line: reason, near misses, tie."""

    reconciliation: Mapped[BankReconciliation] = relationship(back_populates="lines")


class BankRecMatch(Base):
    """A group of lines matched to a group of bank entries: one line to one or more entries, or
    several lines to one entry (never several to several)."""

    __tablename__ = "bank_rec_match"
    __table_args__ = (
        CheckConstraint(one_of("kind", MATCH_KINDS), name="kind"),
        CheckConstraint(one_of("origin", MATCH_ORIGINS), name="origin"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rec_id: Mapped[int] = mapped_column(
        ForeignKey("bank_reconciliation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(15))
    origin: Mapped[str] = mapped_column(String(10))
    accepted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """An automatic match a person accepted: like a manual one, a new matching keeps it."""
    confidence: Mapped[str] = mapped_column(String(10), default="", server_default="")
    score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    details_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The evidence as a JSON list of sentences."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reconciliation: Mapped[BankReconciliation] = relationship(back_populates="matches")
    lines: Mapped[list[BankRecMatchLine]] = relationship(
        back_populates="match",
        order_by="BankRecMatchLine.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    entries: Mapped[list[BankRecMatchEntry]] = relationship(
        back_populates="match",
        order_by="BankRecMatchEntry.entry_no",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class BankRecMatchLine(Base):
    """A line of a match; a line is in at most one match."""

    __tablename__ = "bank_rec_match_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("bank_rec_match.id", ondelete="CASCADE"), index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("bank_rec_line.id", ondelete="CASCADE"), unique=True
    )

    match: Mapped[BankRecMatch] = relationship(back_populates="lines")
    line: Mapped[BankRecLine] = relationship()


class BankRecMatchEntry(Base):
    """A bank ledger entry of a match. ``entry_no`` is unique: an entry is matched in at most
    one reconciliation, open or posted."""

    __tablename__ = "bank_rec_match_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("bank_rec_match.id", ondelete="CASCADE"), index=True
    )
    entry_no: Mapped[int] = mapped_column(Integer, unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    """The entry's amount (bank ledger entries never change)."""

    match: Mapped[BankRecMatch] = relationship(back_populates="entries")


class BankRecOutstanding(Base):
    """A bank entry outstanding when the statement was posted: on the books up to the statement
    date but not yet through the bank. A snapshot, so the posted report never changes."""

    __tablename__ = "bank_rec_outstanding"
    __table_args__ = (
        UniqueConstraint("rec_id", "entry_no"),
        CheckConstraint(one_of("kind", OUTSTANDING_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rec_id: Mapped[int] = mapped_column(ForeignKey("bank_reconciliation.id", ondelete="CASCADE"))
    entry_no: Mapped[int] = mapped_column(Integer, index=True)
    posting_date: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(DOC_NO, default="")
    description: Mapped[str] = mapped_column(String(250), default="")
    check_no: Mapped[str] = mapped_column(String(20), default="")
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))

    reconciliation: Mapped[BankReconciliation] = relationship(back_populates="outstanding")
