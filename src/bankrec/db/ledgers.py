"""The customer and vendor ledgers share one shape; this maps a party kind to its tables."""

from __future__ import annotations

from dataclasses import dataclass

from bankrec.db.models import (
    Customer,
    CustomerBankAccount,
    CustomerLedgerEntry,
    DetailedCustomerLedgerEntry,
    DetailedVendorLedgerEntry,
    Vendor,
    VendorBankAccount,
    VendorLedgerEntry,
)
from bankrec.db.models_ledger import DetailedEntryMixin, PartyEntryMixin
from bankrec.db.models_master import PartyBankAccountMixin, PartyMixin
from bankrec.domain.kinds import AccountType


@dataclass(frozen=True)
class PartyLedger:
    kind: AccountType
    party: type[PartyMixin]
    bank_account: type[PartyBankAccountMixin]
    entry: type[PartyEntryMixin]
    detailed: type[DetailedEntryMixin]
    control_account_field: str
    """The company setup field naming the G/L account this ledger is summarised on."""


CUSTOMERS = PartyLedger(
    AccountType.CUSTOMER,
    Customer,
    CustomerBankAccount,
    CustomerLedgerEntry,
    DetailedCustomerLedgerEntry,
    "receivables_account",
)
VENDORS = PartyLedger(
    AccountType.VENDOR,
    Vendor,
    VendorBankAccount,
    VendorLedgerEntry,
    DetailedVendorLedgerEntry,
    "payables_account",
)


def party_ledger(kind: AccountType | str) -> PartyLedger:
    if kind == AccountType.CUSTOMER:
        return CUSTOMERS
    if kind == AccountType.VENDOR:
        return VENDORS
    raise ValueError(f"{kind} is not a customer or vendor ledger")
