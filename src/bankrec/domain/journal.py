"""General journal lines: what a bookkeeper asks the ledger to post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bankrec.domain.kinds import AccountType, DocumentType
from bankrec.errors import Location


@dataclass(frozen=True)
class JournalLine:
    """One journal line as parsed, before accounts are looked up.

    ``amount`` is signed from the account's point of view, debit positive. A line with a
    balancing account also posts ``-amount`` to it; a line without one is balanced by the other
    lines of its document. ``currency`` None means the local currency (or the bank's currency
    for a bank line).
    """

    location: Location
    posting_date: date
    document_no: str
    account_type: AccountType
    account_no: str
    amount: Decimal
    document_type: DocumentType = DocumentType.NONE
    external_document_no: str = ""
    description: str = ""
    currency: str | None = None
    bal_account_type: AccountType | None = None
    bal_account_no: str = ""
    due_date: date | None = None
    applies_to_doc_nos: tuple[str, ...] = field(default_factory=tuple)
    pmt_discount_date: date | None = None
    pmt_discount_amount: Decimal | None = None
    check_no: str = ""
    """The number of the check a bank line pays out with, for reconciliation by check number."""

    @property
    def has_balancing_account(self) -> bool:
        return self.bal_account_type is not None
