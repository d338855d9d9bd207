"""Everything the matching engine needs for one bank, read in a few set-based queries.

Open items are read with one aggregate per ledger (remaining amounts are sums of detailed rows),
never entry by entry, so a book of 100,000 open entries loads in about a second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from bankrec.db import payables_repo
from bankrec.db.ledgers import CUSTOMERS, VENDORS, PartyLedger
from bankrec.db.models import (
    BankAccount,
    BankEntryStatus,
    BankLedgerEntry,
    PaymentApplication,
    PaymentJournal,
    PaymentJournalLine,
    Reversal,
)
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import DetailedEntryType, StatementStatus
from bankrec.matching.model import (
    BalLedger,
    BankEntry,
    EntryKey,
    EntryLedger,
    Ledger,
    OpenEntry,
    Party,
    PaymentLine,
    Settings,
    TextMapping,
)
from bankrec.matching.rules import Rule
from bankrec.services.rules import load_rules
from bankrec.services.text_mappings import load_mappings

PARTY_LEDGERS: dict[Ledger, PartyLedger] = {"customer": CUSTOMERS, "vendor": VENDORS}


@dataclass(frozen=True)
class Book:
    """The engine's input for one journal: who may pay, what is open, and how to judge it."""

    parties: tuple[Party, ...]
    entries: tuple[OpenEntry, ...]
    bank_entries: tuple[BankEntry, ...]
    mappings: tuple[TextMapping, ...]
    rules: tuple[Rule, ...]
    settings: Settings
    reserved: dict[EntryKey, int]
    converter: Converter | None


class Converter:
    """Foreign entries seen from a local-currency bank: valued at the rate of the payment date,
    or, when the rate table has none yet, at the rate the entry was posted with."""

    def __init__(self, setup: LedgerSetup, own_rates: dict[tuple[str, int], Decimal]) -> None:
        self.setup = setup
        self.own_rates = own_rates
        self._cache: dict[tuple[str, date], Decimal | None] = {}

    def __call__(self, amount: int, currency: str, on: date) -> int:
        key = (currency, on)
        if key not in self._cache:
            self._cache[key] = self.setup.rate(currency, on)
        rate = self._cache[key]
        if rate is None:
            return round(amount * self.own_rates.get((currency, 0), Decimal(1)))
        return self.setup.to_lcy(amount, currency, rate)


def load_book(session: Session, bank: BankAccount, journal_id: int) -> Book:
    """The book ``journal_id`` is matched against: entries other journals claim are reduced by
    their claims, and so are those this journal's accepted or manual lines hold."""
    setup = LedgerSetup(session)
    local_bank = bank.currency_code == setup.lcy
    entries: list[OpenEntry] = []
    own_rates: dict[tuple[str, int], Decimal] = {}
    for ledger in ("customer", "vendor"):
        entries.extend(_open_entries(session, ledger, bank.currency_code, local_bank, own_rates))
    entries = with_exported_payments(session, entries)
    reserved = claimed_amounts(session, journal_id)
    return Book(
        parties=tuple(_parties(session)),
        entries=tuple(entries),
        bank_entries=tuple(_open_bank_entries(session, bank.no)),
        mappings=load_mappings(session),
        rules=load_rules(session),
        settings=settings_for(bank, setup),
        reserved=reserved,
        converter=Converter(setup, own_rates) if local_bank else None,
    )


def with_exported_payments(session: Session, entries: list[OpenEntry]) -> list[OpenEntry]:
    """Vendor entries paid by an exported credit transfer carry its end-to-end id as their
    payment reference, so the statement line reporting that transfer finds them (rule High 1).

    A discount the export took stays open for that payment even when the bank books it after
    the discount date: the payment was instructed for an execution date within the discount
    period (as Business Central posts a payment journal line on its own posting date, and the
    discount is judged on that date, not on the day the bank statement shows the debit).
    """
    exported = payables_repo.exported_payments(session)
    if not exported:
        return entries
    found: list[OpenEntry] = []
    for entry in entries:
        payment = exported.get(entry.entry_no) if entry.ledger == "vendor" else None
        if payment is not None:
            held = (
                payment.discount
                and entry.discount_date is not None
                and payment.execution_date <= entry.discount_date
            )
            entry = replace(
                entry,
                payment_reference=payment.end_to_end_id,
                discount_date=DISCOUNT_HELD if held else entry.discount_date,
            )
        found.append(entry)
    return found


DISCOUNT_HELD = date.max
"""The discount date of an entry whose exported payment took the discount in time."""


def settings_for(bank: BankAccount, setup: LedgerSetup) -> Settings:
    decimals = setup.decimals[bank.currency_code]
    value: int | Decimal = bank.match_tolerance_value
    if bank.match_tolerance_type == "amount":
        value = int(bank.match_tolerance_value.scaleb(decimals))
    return Settings(
        bank_currency=bank.currency_code,
        lcy=setup.lcy,
        currency_decimals=decimals,
        tolerance_kind="percent" if bank.match_tolerance_type == "percent" else "amount",
        tolerance_value=value,
    )


def payment_line(row: PaymentJournalLine) -> PaymentLine:
    return PaymentLine(
        line_no=row.line_no,
        identity=row.identity,
        date=row.transaction_date,
        amount=row.amount_minor,
        counterparty_name=row.counterparty_name,
        counterparty_account=row.counterparty_account,
        counterparty_address=row.counterparty_address,
        counterparty_city=row.counterparty_city,
        text=row.text,
        additional_text=row.additional_text,
        creditor_reference=row.creditor_reference,
        end_to_end_id=row.end_to_end_id,
        bank_transaction_id=row.bank_transaction_id,
    )


def _parties(session: Session) -> Iterable[Party]:
    for ledger, tables in PARTY_LEDGERS.items():
        accounts: dict[str, list[str]] = defaultdict(list)
        bank_account = tables.bank_account
        for party_no, iban, account_no in session.execute(
            select(bank_account.party_no, bank_account.iban, bank_account.account_no)
        ):
            accounts[party_no].extend(a for a in (iban, account_no) if a)
        party = tables.party
        rows = session.execute(
            select(party.no, party.name, party.address, party.city)
            .where(party.blocked.is_(False))
            .order_by(party.no)
        )
        for no, name, address, city in rows:
            yield Party(ledger, no, name, address or "", city or "", tuple(accounts.get(no, ())))


def _open_entries(
    session: Session,
    ledger: Ledger,
    bank_currency: str,
    local_bank: bool,
    own_rates: dict[tuple[str, int], Decimal],
) -> Iterable[OpenEntry]:
    """Open entries in a currency the bank may apply: its own, and from a local-currency bank
    also foreign ones (valued per payment date by the converter)."""
    tables = PARTY_LEDGERS[ledger]
    detailed, entry = tables.detailed, tables.entry
    sums = (
        select(
            detailed.entry_no.label("entry_no"),
            func.sum(detailed.amount_minor).label("remaining"),
            func.sum(detailed.amount_lcy_minor).label("remaining_lcy"),
            func.sum(
                case(
                    (
                        detailed.entry_type == DetailedEntryType.PAYMENT_DISCOUNT.value,
                        detailed.amount_minor,
                    ),
                    else_=0,
                )
            ).label("discount_taken"),
        )
        .group_by(detailed.entry_no)
        .having(func.sum(detailed.amount_minor) != 0)
        .subquery()
    )
    query = select(
        entry.entry_no,
        entry.party_no,
        entry.posting_date,
        entry.document_type,
        entry.document_no,
        entry.external_document_no,
        entry.description,
        entry.due_date,
        entry.currency_code,
        entry.pmt_discount_date,
        entry.pmt_discount_possible_minor,
        entry.max_payment_tolerance_minor,
        sums.c.remaining,
        sums.c.remaining_lcy,
        sums.c.discount_taken,
    ).join(sums, sums.c.entry_no == entry.entry_no)
    if not local_bank:
        query = query.where(entry.currency_code == bank_currency)
    for row in session.execute(query.order_by(entry.entry_no)):
        remaining = int(row.remaining)
        remaining_lcy = int(row.remaining_lcy)
        currency = str(row.currency_code)
        same = currency == bank_currency
        if not same and remaining:
            own_rates.setdefault((currency, 0), Decimal(remaining_lcy) / Decimal(remaining))
        discount = int(row.pmt_discount_possible_minor) + int(row.discount_taken)
        yield OpenEntry(
            entry_no=int(row.entry_no),
            ledger=ledger,
            party_no=str(row.party_no),
            posting_date=row.posting_date,
            remaining=remaining,
            remaining_bank=remaining if same else remaining_lcy,
            document_type=str(row.document_type or ""),
            document_no=str(row.document_no or ""),
            external_document_no=str(row.external_document_no or ""),
            description=str(row.description or ""),
            due_date=row.due_date,
            currency=currency,
            discount_date=row.pmt_discount_date,
            discount_possible=discount if discount and (discount > 0) == (remaining > 0) else 0,
            max_tolerance=int(row.max_payment_tolerance_minor or 0),
        )


def _open_bank_entries(session: Session, bank_no: str) -> Iterable[BankEntry]:
    """Entries of this bank that no statement has closed and no reversal cancelled: payments
    already posted another way, which a line must match instead of posting again."""
    latest = (
        select(BankEntryStatus.entry_no, func.max(BankEntryStatus.id).label("status_id"))
        .group_by(BankEntryStatus.entry_no)
        .subquery()
    )
    reversed_txns = select(Reversal.transaction_no).union(
        select(Reversal.reversed_by_transaction_no)
    )
    query = (
        select(BankLedgerEntry)
        .outerjoin(latest, latest.c.entry_no == BankLedgerEntry.entry_no)
        .outerjoin(BankEntryStatus, BankEntryStatus.id == latest.c.status_id)
        .where(
            BankLedgerEntry.bank_no == bank_no,
            BankLedgerEntry.transaction_no.not_in(reversed_txns),
            # Matched in an open bank reconciliation ("applied") or closed: not free to match.
            or_(
                BankEntryStatus.status.is_(None),
                BankEntryStatus.status == StatementStatus.OPEN.value,
            ),
        )
        .order_by(BankLedgerEntry.entry_no)
    )
    for entry in session.scalars(query):
        yield BankEntry(
            entry_no=entry.entry_no,
            posting_date=entry.posting_date,
            remaining=entry.amount_minor,
            document_no=entry.document_no or "",
            external_document_no=entry.external_document_no or "",
            description=entry.description or "",
            bal_ledger=cast(
                "BalLedger",
                entry.bal_account_type if entry.bal_account_type in _BAL_LEDGERS else "",
            ),
            bal_account_no=entry.bal_account_no or "",
            check_no=entry.check_no or "",
        )


_BAL_LEDGERS = frozenset({"customer", "vendor", "gl", "bank"})


def claimed_amounts(session: Session, journal_id: int) -> dict[EntryKey, int]:
    """What other open journals, and this journal's accepted and manual lines, already take of
    each entry (bank currency, absolute): a re-run keeps decisions, and two journals never
    propose more than an entry's remaining amount."""
    amount = func.sum(func.abs(PaymentApplication.applied_minor))
    decided = PaymentJournalLine.status.in_(("accepted", "manual"))
    rows = session.execute(
        select(PaymentApplication.account_type, PaymentApplication.entry_no, amount)
        .join(PaymentJournalLine, PaymentJournalLine.id == PaymentApplication.line_id)
        .join(PaymentJournal, PaymentJournal.id == PaymentJournalLine.journal_id)
        .where(
            PaymentJournal.status == "open",
            PaymentApplication.entry_no.is_not(None),
            or_(PaymentJournal.id != journal_id, decided),
        )
        .group_by(PaymentApplication.account_type, PaymentApplication.entry_no)
    )
    return {(cast("EntryLedger", kind), int(no)): int(total) for kind, no, total in rows}
