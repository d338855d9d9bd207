"""Payment reconciliation: application rules, text-to-account mappings, journals and their lines.

These rows are working data, not the ledger: a journal is edited (applied, accepted, rejected,
split) until it is posted, and only posting writes ledger entries. Amounts are signed integer
minor units in the journal's bank currency, signed like statement lines (money in is positive).
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

CODE = String(20)
ENUM = String(15)
DOC_NO = String(35)
SHORT = String(70)
NAME = String(140)

RULE_CONFIDENCES = ("high", "medium", "low", "none")
RELATED_PARTY = ("fully", "partially", "no", "not_considered")
DOC_MATCH = ("yes", "yes_multiple", "no", "not_considered")
AMOUNT_MATCH = ("one", "multiple", "none", "not_considered")
REFERENCE_MATCH = ("yes", "no", "not_considered")
MAPPING_TARGETS = ("gl", "customer", "vendor", "bank")
JOURNAL_STATUSES = ("open", "posted")
LINE_CONFIDENCES = ("high", "medium", "low", "none", "manual", "accepted")
LINE_STATUSES = ("not_applied", "matched_auto", "text_mapping", "manual", "accepted", "rejected")
APPLICATION_ACCOUNT_TYPES = ("customer", "vendor", "bank", "gl")
APPLICATION_ORIGINS = ("auto", "mapping", "manual", "on_account", "transfer")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK that ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PaymentApplicationRule(Base):
    """One rule of the matching engine (BC table 1252): criteria observed -> a confidence.

    A rule's score is ``(confidence rank + 1) * 1000 - priority``: the best-scoring rule whose
    criteria all hold decides a candidate's confidence.
    """

    __tablename__ = "payment_application_rule"
    __table_args__ = (
        UniqueConstraint("confidence", "priority"),
        CheckConstraint(one_of("confidence", RULE_CONFIDENCES), name="confidence"),
        CheckConstraint("priority BETWEEN 1 AND 999", name="priority_range"),
        CheckConstraint(one_of("related_party", RELATED_PARTY), name="related_party"),
        CheckConstraint(one_of("doc_match", DOC_MATCH), name="doc_match"),
        CheckConstraint(one_of("amount_match", AMOUNT_MATCH), name="amount_match"),
        CheckConstraint(one_of("reference_match", REFERENCE_MATCH), name="reference_match"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    confidence: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int] = mapped_column(Integer)
    related_party: Mapped[str] = mapped_column(ENUM)
    doc_match: Mapped[str] = mapped_column(ENUM)
    amount_match: Mapped[str] = mapped_column(ENUM)
    reference_match: Mapped[str] = mapped_column(ENUM)
    review_required: Mapped[bool] = mapped_column(Boolean)
    apply_immediately: Mapped[bool] = mapped_column(Boolean)


class TextMapping(Base):
    """A text that, found in a statement line's text, sends the line to an account (BC 1251).

    G/L targets post money in to ``debit_gl_no`` and money out to ``credit_gl_no``; the other
    targets post to ``party_no`` (a customer, vendor or bank account).
    """

    __tablename__ = "text_mapping"
    __table_args__ = (
        CheckConstraint(one_of("target_type", MAPPING_TARGETS), name="target_type"),
        CheckConstraint("TRIM(mapping_text) <> ''", name="text_not_blank"),
        CheckConstraint(
            "(target_type = 'gl' AND party_no IS NULL"
            " AND (debit_gl_no IS NOT NULL OR credit_gl_no IS NOT NULL))"
            " OR (target_type <> 'gl' AND party_no IS NOT NULL"
            " AND debit_gl_no IS NULL AND credit_gl_no IS NULL)",
            name="target",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mapping_text: Mapped[str] = mapped_column(String(250))
    mapping_key: Mapped[str] = mapped_column(String(250), unique=True)
    """The trimmed text case-folded: two mappings may not differ only in case."""
    target_type: Mapped[str] = mapped_column(String(10))
    debit_gl_no: Mapped[str | None] = mapped_column(CODE, ForeignKey("gl_account.no"))
    credit_gl_no: Mapped[str | None] = mapped_column(CODE, ForeignKey("gl_account.no"))
    party_no: Mapped[str | None] = mapped_column(CODE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PaymentJournal(Base):
    """A payment reconciliation journal of one bank: open while it is worked on, then posted."""

    __tablename__ = "payment_journal"
    __table_args__ = (
        CheckConstraint(one_of("status", JOURNAL_STATUSES), name="status"),
        CheckConstraint("status = 'open' OR posted_at IS NOT NULL", name="posted_at"),
        Index("ix_payment_journal_bank_status", "bank_no", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_no: Mapped[str] = mapped_column(ForeignKey("bank_account.no"))
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("bank_statement.id"))
    """The statement it was filled from; NULL when filled from every unjournalled line."""
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_document_no: Mapped[str | None] = mapped_column(DOC_NO)
    payments_only: Mapped[bool | None] = mapped_column(Boolean)
    transaction_no: Mapped[int | None] = mapped_column(Integer, index=True)
    """The posting's G/L transaction, so that it can be reversed. Deliberately no foreign key:
    one into the append-only ``gl_register`` makes PostgreSQL refuse a TRUNCATE of the ledger
    with a foreign-key error before the append-only trigger can, and ledger rows are never
    deleted, so the reference cannot dangle."""
    balance_last_statement_minor: Mapped[int | None] = mapped_column(BigInteger)
    ending_balance_minor: Mapped[int | None] = mapped_column(BigInteger)
    statement_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every change of the journal or its lines (optimistic concurrency)."""

    lines: Mapped[list[PaymentJournalLine]] = relationship(
        back_populates="journal",
        order_by="PaymentJournalLine.line_no",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class PaymentJournalLine(Base):
    """One bank transaction to post: a copy of a statement line, or a split-off part of one.

    ``statement_line_id`` is unique: a statement line sits in at most one journal, open or
    posted. A line split by "transfer difference" keeps it; its child lines have NULL there and
    ``parent_line_no`` naming the line that holds the statement line.
    """

    __tablename__ = "payment_journal_line"
    __table_args__ = (
        UniqueConstraint("journal_id", "line_no"),
        CheckConstraint(one_of("confidence", LINE_CONFIDENCES), name="confidence"),
        CheckConstraint(one_of("status", LINE_STATUSES), name="status"),
        CheckConstraint("parent_line_no IS NULL OR statement_line_id IS NULL", name="child_line"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("payment_journal.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    statement_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_statement_line.id"), unique=True
    )
    parent_line_no: Mapped[int | None] = mapped_column(Integer)
    transaction_date: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(String(3))
    text: Mapped[str] = mapped_column(Text, default="")
    """The transaction text (the statement line's remittance information)."""
    additional_text: Mapped[str] = mapped_column(String(250), default="")
    """More text to search for document numbers (a check number)."""
    counterparty_name: Mapped[str] = mapped_column(NAME, default="")
    counterparty_account: Mapped[str] = mapped_column(String(50), default="")
    counterparty_address: Mapped[str] = mapped_column(NAME, default="")
    counterparty_city: Mapped[str] = mapped_column(SHORT, default="")
    creditor_reference: Mapped[str] = mapped_column(SHORT, default="")
    end_to_end_id: Mapped[str] = mapped_column(SHORT, default="")
    bank_transaction_id: Mapped[str] = mapped_column(String(100), default="")
    identity: Mapped[str] = mapped_column(String(64))
    """The statement line's dedupe key; split child lines get ``<parent identity>/<line no>``."""
    confidence: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(ENUM, default="not_applied", server_default="not_applied")
    match_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The matcher's evidence as JSON: {"details": [...], "evidence": ..., "near_misses": [...]}."""
    rejected_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Targets the user rejected, as a JSON list of {account_type, account_no, entry_no}."""
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    journal: Mapped[PaymentJournal] = relationship(back_populates="lines")
    applications: Mapped[list[PaymentApplication]] = relationship(
        back_populates="line",
        order_by="PaymentApplication.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class PaymentApplication(Base):
    """What a journal line pays: an open entry, or an account (on account, G/L, transfer to
    another of our banks).

    ``applied_minor`` is in the bank's currency and is what the target is credited with,
    a payment discount included; the line pays ``applied_minor - discount_minor`` (BC 5.8).
    ``applied_entry_minor`` is the same amount in the entry's currency when that differs from
    the bank's (a local-currency bank paying a foreign-currency entry); NULL otherwise.
    """

    __tablename__ = "payment_application"
    __table_args__ = (
        CheckConstraint(one_of("account_type", APPLICATION_ACCOUNT_TYPES), name="account_type"),
        CheckConstraint(one_of("confidence", LINE_CONFIDENCES), name="confidence"),
        CheckConstraint(one_of("origin", APPLICATION_ORIGINS), name="origin"),
        CheckConstraint("entry_no IS NULL OR account_type <> 'gl'", name="gl_has_no_entry"),
        CheckConstraint("applied_minor <> 0", name="applied_nonzero"),
        CheckConstraint(
            "received_minor IS NULL OR (account_type = 'bank' AND entry_no IS NULL)",
            name="transfer_received",
        ),
        CheckConstraint(
            "discount_minor = 0 OR (discount_minor > 0 AND applied_minor >= discount_minor)"
            " OR (discount_minor < 0 AND applied_minor <= discount_minor)",
            name="discount_within_applied",
        ),
        Index("ix_payment_application_account_entry", "account_type", "entry_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(
        ForeignKey("payment_journal_line.id", ondelete="CASCADE"), index=True
    )
    account_type: Mapped[str] = mapped_column(String(10))
    account_no: Mapped[str] = mapped_column(CODE)
    entry_no: Mapped[int | None] = mapped_column(Integer)
    """The customer, vendor or bank ledger entry; NULL for on-account, G/L and mapping targets."""
    document_no: Mapped[str] = mapped_column(DOC_NO, default="")
    description: Mapped[str] = mapped_column(String(250), default="", server_default="")
    """The posting text when it is not the line's (a transferred difference)."""
    applied_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    applied_entry_minor: Mapped[int | None] = mapped_column(BigInteger)
    confidence: Mapped[str] = mapped_column(String(10))
    score: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    origin: Mapped[str] = mapped_column(String(10))
    received_minor: Mapped[int | None] = mapped_column(BigInteger)
    """A transfer to another of our banks (``account_type`` bank, no entry): what that bank
    receives, in its currency, with the sign of its effect on that bank."""
    paired_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_statement_line.id"), index=True
    )
    """The other bank's statement line that shows the transfer's other leg, when found."""
    counter_entry_no: Mapped[int | None] = mapped_column(Integer)
    """The other bank's ledger entry, once the transfer is posted."""

    line: Mapped[PaymentJournalLine] = relationship(back_populates="applications")

    @property
    def net_minor(self) -> int:
        """What the line pays for this application: the applied amount less the discount."""
        return self.applied_minor - self.discount_minor
