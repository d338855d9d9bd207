"""What the matching engine is given: plain records the service layer loads and passes in.

The engine never queries a database; everything it may match against arrives here. Money is in
integer minor units of the bank account's currency unless a field says otherwise, and signs follow
the project convention: a statement line amount is its effect on the bank balance (money in
positive); a customer invoice's remaining amount is positive and a vendor invoice's negative, so a
line can pay an entry only when both carry the same sign (reference section 0.2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Ledger = Literal["customer", "vendor"]
AccountType = Literal["customer", "vendor", "gl", "bank"]
BalLedger = Literal["customer", "vendor", "gl", "bank", ""]
Confidence = Literal["high", "medium", "low", "none"]
EntryLedger = Literal["customer", "vendor", "bank"]
EntryKey = tuple[EntryLedger, int]
"""Customer, vendor and bank ledger entries are numbered separately, so an entry is named by
its ledger and number together (``("customer", 12)``), also in ``reserved``."""

Converter = Callable[[int, str, date], int]
"""``(amount in entry-currency minor units, entry currency, date) -> bank-currency minor units``.

Passed when foreign-currency entries are applied from a local-currency bank: the value of an
invoice then depends on the payment date, so the engine converts per line.
"""


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """One bank statement line to apply, with what the bank told us about the counterparty."""

    line_no: int
    identity: str
    """A stable key (the statement line's dedupe key): ties break on it, never on input order."""
    date: date
    amount: int
    counterparty_name: str = ""
    counterparty_account: str = ""
    counterparty_address: str = ""
    counterparty_city: str = ""
    text: str = ""
    additional_text: str = ""
    creditor_reference: str = ""
    end_to_end_id: str = ""
    bank_transaction_id: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    """A customer or vendor, with the bank accounts it is known to pay from or be paid to."""

    ledger: Ledger
    no: str
    name: str
    address: str = ""
    city: str = ""
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenEntry:
    """An open customer or vendor ledger entry that a payment may close.

    ``remaining``, ``discount_possible`` and ``max_tolerance`` are in the entry's currency;
    ``remaining_bank`` is ``remaining`` in the bank's currency, used when no converter is given.
    """

    entry_no: int
    ledger: Ledger
    party_no: str
    posting_date: date
    remaining: int
    remaining_bank: int
    document_type: str = "invoice"
    document_no: str = ""
    external_document_no: str = ""
    description: str = ""
    due_date: date | None = None
    currency: str = ""
    discount_date: date | None = None
    discount_possible: int = 0
    payment_reference: str = ""
    max_tolerance: int = 0


@dataclass(frozen=True, slots=True)
class BankEntry:
    """An open, unreversed bank ledger entry of this bank: a payment already posted elsewhere."""

    entry_no: int
    posting_date: date
    remaining: int
    document_no: str = ""
    external_document_no: str = ""
    description: str = ""
    bal_ledger: BalLedger = ""
    bal_account_no: str = ""
    check_no: str = ""
    end_to_end_id: str = ""


@dataclass(frozen=True, slots=True)
class TextMapping:
    """A text that, found in a line's transaction text, sends the line to a fixed account."""

    mapping_id: int
    text: str
    target_type: AccountType
    debit_account: str = ""
    credit_account: str = ""
    party_no: str = ""

    def target_for(self, amount: int) -> str:
        """The account a line of ``amount`` posts to (reference 6.2: G/L debit when >= 0)."""
        if self.target_type == "gl":
            return self.debit_account if amount >= 0 else self.credit_account
        return self.party_no


@dataclass(frozen=True, slots=True)
class Settings:
    """Matching settings of one bank account and its journal.

    ``name_threshold`` is the rapidfuzz token-sort similarity (0-100, after legal forms,
    case and diacritics are folded away) at which a name counts as a partial related-party
    match. 85 accepts a typo or a truncated word in a two-word name ("Contoso Trading" vs
    "Contosso Trading" scores 97) but rejects a different company sharing one word of a
    two-word name ("Contoso Pharma" vs "Contoso Trading" scores 69).

    ``subset_sum_budget_ms`` bounds the search for sets of invoices that add up to a payment;
    it is turned into a count of search steps (``SUBSET_STEPS_PER_MS`` each), never measured on
    the clock, so the same journal always gives the same answer.
    """

    bank_currency: str = "EUR"
    lcy: str = "EUR"
    currency_decimals: int = 2
    tolerance_kind: Literal["amount", "percent"] = "amount"
    tolerance_value: int | Decimal = 0
    name_threshold: int = 85
    subset_sum_max_entries: int = 20
    subset_sum_budget_ms: int = 2000
    mapping_guard_days: int = 2


SUBSET_STEPS_PER_MS = 1000
"""Search steps one millisecond of ``subset_sum_budget_ms`` buys (about what CPython manages)."""
