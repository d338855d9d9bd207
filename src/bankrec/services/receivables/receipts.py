"""Use case: post a cash receipt journal (BC's cash receipt journal with its applications).

Every line is money into a bank (negative: a refund paid out), balanced by a customer or a G/L
account. A customer line applies to the documents named in ``applies_to_doc_no``, or to the
entries listed in ``applies_to_entries`` in the order given (BC "applied to a set of entries");
with neither it stays open on the customer as a payment on account. All lines post as one
transaction, and every check runs before the first row is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bankrec.db import ledger_repo
from bankrec.db.ledgers import CUSTOMERS
from bankrec.db.models import BankAccount, Customer
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.journal import JournalLine
from bankrec.domain.kinds import AccountType, DocumentType, TransactionSource
from bankrec.errors import ApplicationError, BlockedError, InputError, NotFoundError
from bankrec.services.database import Database
from bankrec.services.posting.journal import JournalResolver, post_legs
from bankrec.services.posting.writer import TransactionWriter
from bankrec.services.receivables.receipt_csv import ReceiptLine, read_receipts


@dataclass(frozen=True)
class ReceiptSummary:
    """What a receipt journal posted (or, for a dry run, would post)."""

    source: str
    transaction_no: int | None
    lines: int
    documents: list[str]
    applications: int
    dry_run: bool

    def as_json(self) -> dict[str, object]:
        return {
            "transaction_no": self.transaction_no,
            "lines": self.lines,
            "documents": self.documents,
            "applications": self.applications,
            "dry_run": self.dry_run,
        }


def post_receipts(
    db: Database,
    text: str,
    source: str,
    user: str,
    bank: str | None = None,
    dry_run: bool = False,
) -> ReceiptSummary:
    """Parse, check and post the receipt CSV ``text``; ``bank`` is the default bank account."""
    receipts = read_receipts(text, source)
    unit = db.dry_run() if dry_run else db.transaction()
    with unit as session:
        setup = LedgerSetup(session)
        checker = _LineChecker(setup, bank)
        lines = [checker.journal_line(receipt) for receipt in receipts]
        legs = JournalResolver(setup).legs(lines)
        by_line = {r.location.line: r for r in receipts}
        for leg in legs:
            if leg.is_party:
                leg.applies_to_entries = by_line[leg.location.line].applies_to_entries
        writer = TransactionWriter(
            session, setup, TransactionSource.JOURNAL, user, f"cash receipts {source}"
        )
        applications = post_legs(writer, legs)
        documents = list(dict.fromkeys(leg.document_no for leg in legs))
        return ReceiptSummary(
            source=source,
            transaction_no=None if dry_run else writer.transaction_no,
            lines=len(receipts),
            documents=documents,
            applications=applications,
            dry_run=dry_run,
        )


class _LineChecker:
    """Checks one receipt line against master data and open entries, then makes its journal
    line: the receiving account on the line, the bank as its balancing account."""

    def __init__(self, setup: LedgerSetup, default_bank: str | None) -> None:
        self.setup = setup
        self.session: Session = setup.session
        self.default_bank = default_bank

    def journal_line(self, receipt: ReceiptLine) -> JournalLine:
        if receipt.amount == 0:
            raise InputError("is 0; a receipt line must move money", receipt.at("amount"))
        bank = self._bank(receipt)
        currency = receipt.currency or bank.currency_code
        if currency != bank.currency_code:
            raise InputError(
                f"{currency} differs from bank {bank.no}'s currency {bank.currency_code}; leave "
                f"the column empty or name a {currency} bank in the bank column",
                receipt.at("currency"),
            )
        self._check_account(receipt)
        if not receipt.document_no and not self.setup.company.journal_series:
            raise InputError(
                "is empty and the company has no journal number series; fill it in or set a "
                "series with `bankrec company set --journal-series CODE`",
                receipt.at("document_no"),
            )
        if receipt.account_type == AccountType.CUSTOMER:
            self._check_applies_to_documents(receipt)
            self._check_applies_to_entries(receipt, currency)
        received = receipt.amount > 0
        return JournalLine(
            location=receipt.location,
            posting_date=receipt.posting_date,
            document_no=receipt.document_no,
            account_type=receipt.account_type,
            account_no=receipt.account_no,
            amount=-receipt.amount,
            document_type=DocumentType.PAYMENT if received else DocumentType.REFUND,
            external_document_no=receipt.external_document_no,
            description=receipt.description,
            currency=currency,
            bal_account_type=AccountType.BANK,
            bal_account_no=bank.no,
            applies_to_doc_nos=receipt.applies_to_doc_nos,
        )

    def _bank(self, receipt: ReceiptLine) -> BankAccount:
        no = receipt.bank or self.default_bank
        if not no:
            raise InputError(
                "is empty and no --bank was given; name the bank account that received the money",
                receipt.at("bank"),
            )
        bank = self.setup.bank(no)
        if bank is None:
            raise NotFoundError(
                f"bank account {no} does not exist; list them with `bankrec bank list`",
                receipt.at("bank"),
            )
        if bank.blocked:
            raise BlockedError(f"bank account {no} ({bank.name}) is blocked", receipt.at("bank"))
        return bank

    def _check_account(self, receipt: ReceiptLine) -> None:
        no, where = receipt.account_no, receipt.at("account_no")
        if receipt.account_type == AccountType.GL:
            if receipt.applies_to_doc_nos or receipt.applies_to_entries:
                raise InputError(
                    "only customer lines apply to entries; clear it on a G/L line",
                    receipt.at(
                        "applies_to_doc_no" if receipt.applies_to_doc_nos else "applies_to_entries"
                    ),
                )
            account = self.setup.gl_account(no)
            if account is None:
                raise NotFoundError(
                    f"G/L account {no} does not exist; add it with `bankrec gl add`", where
                )
            if account.blocked or not account.direct_posting:
                raise BlockedError(
                    f"G/L account {no} ({account.name}) is blocked or does not allow direct "
                    "posting; choose another account",
                    where,
                )
            return
        customer = self.setup.record(Customer, no)
        if customer is None:
            raise NotFoundError(
                f"customer {no} does not exist; add it with `bankrec customer add`", where
            )
        if customer.blocked:
            raise BlockedError(f"customer {no} ({customer.name}) is blocked", where)

    def _check_applies_to_documents(self, receipt: ReceiptLine) -> None:
        if not receipt.applies_to_doc_nos:
            return
        found = ledger_repo.entries_by_document(
            self.session, CUSTOMERS, receipt.account_no, list(receipt.applies_to_doc_nos)
        )
        states = ledger_repo.entry_states(self.session, CUSTOMERS, [e.entry_no for e in found])
        wanted_positive = receipt.amount > 0
        for document_no in receipt.applies_to_doc_nos:
            if not any(
                e.document_no == document_no
                and states[e.entry_no].open
                and (states[e.entry_no].remaining > 0) == wanted_positive
                for e in found
            ):
                what = "open invoice" if wanted_positive else "open credit memo"
                raise ApplicationError(
                    f"customer {receipt.account_no} has no {what} {document_no} this "
                    f"{'receipt' if wanted_positive else 'refund'} can apply to; list open "
                    "documents with `bankrec payreg list --customer "
                    f"{receipt.account_no}`",
                    receipt.at("applies_to_doc_no"),
                )

    def _check_applies_to_entries(self, receipt: ReceiptLine, currency: str) -> None:
        if not receipt.applies_to_entries:
            return
        where = receipt.at("applies_to_entries")
        if len(set(receipt.applies_to_entries)) != len(receipt.applies_to_entries):
            raise InputError("names an entry twice; list each entry once", where)
        states = ledger_repo.entry_states(self.session, CUSTOMERS, receipt.applies_to_entries)
        for no in receipt.applies_to_entries:
            state = states.get(no)
            if state is None:
                raise NotFoundError(f"customer entry {no} does not exist", where)
            entry = state.entry
            if entry.party_no != receipt.account_no:
                raise ApplicationError(
                    f"customer entry {no} belongs to customer {entry.party_no}, not "
                    f"{receipt.account_no}; list only {receipt.account_no}'s entries",
                    where,
                )
            if not state.open:
                raise ApplicationError(
                    f"customer entry {no} ({entry.document_no}) is already closed; remove it",
                    where,
                )
            if entry.currency_code != currency:
                raise ApplicationError(
                    f"customer entry {no} is in {entry.currency_code}, the line in {currency}; "
                    f"post it from a {entry.currency_code} bank",
                    where,
                )
            if (state.remaining > 0) != (receipt.amount > 0):
                raise ApplicationError(
                    f"customer entry {no} ({entry.document_no}) has the same sign as this line; "
                    "a receipt applies to invoices, a refund to credit memos",
                    where,
                )
