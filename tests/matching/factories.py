"""Small builders for the pure matching tests: the worked setup of reference section 13.4."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bankrec.matching import (
    DEFAULT_RULES,
    BankEntry,
    JournalMatch,
    OpenEntry,
    Party,
    PaymentLine,
    Settings,
    TextMapping,
    match_journal,
)
from bankrec.matching.model import Ledger

SETTINGS = Settings()
IBAN_C1 = "DE89370400440532013000"
DAY = date(2026, 3, 20)
POSTED = date(2026, 3, 1)


def line(
    no: int,
    amount: int,
    *,
    day: date = DAY,
    name: str = "",
    account: str = "",
    text: str = "",
    **fields: str,
) -> PaymentLine:
    return PaymentLine(
        line_no=no,
        identity=f"L{no:04d}",
        date=day,
        amount=amount,
        counterparty_name=name,
        counterparty_account=account,
        text=text,
        **fields,
    )


def invoice(
    no: int,
    party: str,
    amount: int,
    document: str = "",
    *,
    ledger: Ledger = "customer",
    posted: date = POSTED,
    due: date | None = None,
    document_type: str = "invoice",
    **fields: object,
) -> OpenEntry:
    return OpenEntry(
        entry_no=no,
        ledger=ledger,
        party_no=party,
        posting_date=posted,
        remaining=amount,
        remaining_bank=amount,
        document_type=document_type,
        document_no=document or str(no),
        due_date=due,
        **fields,  # type: ignore[arg-type]  # the tests pass the remaining OpenEntry fields
    )


def customer(no: str, name: str, *accounts: str, address: str = "", city: str = "") -> Party:
    return Party("customer", no, name, address, city, tuple(accounts))


def vendor(no: str, name: str, *accounts: str) -> Party:
    return Party("vendor", no, name, "", "", tuple(accounts))


PARTIES = (customer("C1", "Contoso Ltd", IBAN_C1), customer("C2", "Fabrikam Inc"))
ENTRIES = (
    invoice(1, "C1", 100000, "103001", due=date(2026, 3, 10)),
    invoice(2, "C1", 25000, "103002", due=date(2026, 3, 15)),
    invoice(3, "C2", 50000, "104001", due=date(2026, 3, 31)),
)
MAPPINGS = (TextMapping(1, "MYBANK", "gl", credit_account="60400"),)


def run(
    lines: Sequence[PaymentLine],
    entries: Sequence[OpenEntry] = ENTRIES,
    parties: Sequence[Party] = PARTIES,
    bank: Sequence[BankEntry] = (),
    mappings: Sequence[TextMapping] = MAPPINGS,
    settings: Settings = SETTINGS,
) -> JournalMatch:
    return match_journal(lines, parties, entries, bank, mappings, DEFAULT_RULES, settings)
