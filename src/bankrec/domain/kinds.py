"""The closed vocabularies of the ledger: account types, document types, entry types."""

from __future__ import annotations

from enum import StrEnum


class AccountType(StrEnum):
    """What a journal line posts to."""

    GL = "gl"
    CUSTOMER = "customer"
    VENDOR = "vendor"
    BANK = "bank"


PARTY_TYPES = frozenset({AccountType.CUSTOMER, AccountType.VENDOR})


class DocumentType(StrEnum):
    """The kind of document a ledger entry comes from (empty for plain journal postings)."""

    NONE = ""
    INVOICE = "invoice"
    CREDIT_MEMO = "credit-memo"
    PAYMENT = "payment"
    REFUND = "refund"
    REMINDER = "reminder"
    FINANCE_CHARGE = "finance-charge"


class GLAccountType(StrEnum):
    """Balance-sheet accounts carry their balance forward; income-statement accounts do not."""

    BALANCE = "balance"
    INCOME = "income"


class DetailedEntryType(StrEnum):
    """Why a customer or vendor entry's remaining amount changed."""

    INITIAL = "initial"
    APPLICATION = "application"
    PAYMENT_DISCOUNT = "payment_discount"
    PAYMENT_TOLERANCE = "payment_tolerance"
    REALIZED_FX = "realized_fx"


class StatementStatus(StrEnum):
    """Reconciliation state of a bank ledger entry."""

    OPEN = "open"
    APPLIED = "applied"
    CLOSED = "closed"


class TransactionSource(StrEnum):
    """What produced a ledger transaction."""

    JOURNAL = "journal"
    REVERSAL = "reversal"
    UNAPPLY = "unapply"
    APPLICATION = "application"


class ToleranceType(StrEnum):
    """How a bank's match tolerance is expressed."""

    AMOUNT = "amount"
    PERCENT = "percent"
