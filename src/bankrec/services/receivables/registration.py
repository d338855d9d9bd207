"""Use case: register a customer payment against open documents (BC Payment Registration).

One registration posts one transaction: a bank entry and a customer payment entry applied to
the chosen documents in due-date order. The payment defaults to what settles the documents on
the payment date (the amount after discount up to the discount date, so the application posts
the discount). Less leaves the last document open with the rest; more closes every document and
leaves the excess open on the payment, as a credit of the customer. A credit memo is paid out:
the money leaves the bank as a refund.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bankrec.db import ledger_repo, receivables_repo
from bankrec.db.ledger_repo import EntryState
from bankrec.db.ledgers import CUSTOMERS
from bankrec.db.models import BankAccount
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.journal import JournalLine
from bankrec.domain.kinds import AccountType, DocumentType, TransactionSource
from bankrec.domain.money import from_minor, to_minor
from bankrec.errors import ApplicationError, InputError, Location, NotFoundError
from bankrec.services.database import Database
from bankrec.services.posting.journal import JournalResolver, post_legs
from bankrec.services.posting.writer import TransactionWriter
from bankrec.services.receivables.common import (
    AppliedEntry,
    amount_after_discount,
    bank_account,
    journal_document_no,
    report_application,
)

SOURCE = "payreg register"


@dataclass(frozen=True)
class RegistrationRequest:
    """``documents`` are document numbers, or ``#ENTRY_NO`` to name one entry; ``amount`` is
    the money received (or, for credit memos, paid out), positive; None pays in full."""

    documents: tuple[str, ...]
    bank: str
    posting_date: date
    amount: Decimal | None = None
    document_no: str | None = None
    external_document_no: str = ""


@dataclass(frozen=True)
class RegistrationResult:
    """``amount`` is the bank movement: positive received, negative refunded."""

    transaction_no: int
    document_no: str
    posting_date: date
    bank: str
    customer_no: str
    amount: Decimal
    currency: str
    applied: list[AppliedEntry]
    unapplied_amount: Decimal

    def as_json(self) -> dict[str, object]:
        return {
            "transaction_no": self.transaction_no,
            "document_no": self.document_no,
            "posting_date": self.posting_date.isoformat(),
            "bank": self.bank,
            "customer_no": self.customer_no,
            "amount": str(self.amount),
            "currency": self.currency,
            "applied": [a.as_json() for a in self.applied],
            "unapplied_amount": str(self.unapplied_amount),
        }


def register_payment(db: Database, request: RegistrationRequest, user: str) -> RegistrationResult:
    """Check everything, then post the payment and its application as one transaction."""
    _check_request(request)
    with db.transaction() as session:
        setup = LedgerSetup(session)
        bank = bank_account(setup, request.bank)
        documents = _documents(session, request.documents)
        _check_documents(documents, bank, request.posting_date)
        decimals = setup.decimals[bank.currency_code]
        amount = _amount(request, documents, decimals)
        refund = documents[0].remaining < 0
        document_no = journal_document_no(setup, request.document_no, "--document-no")
        customer_no = documents[0].entry.party_no
        line = JournalLine(
            location=Location(SOURCE),
            posting_date=request.posting_date,
            document_no=document_no,
            account_type=AccountType.CUSTOMER,
            account_no=customer_no,
            amount=from_minor(amount if refund else -amount, decimals),
            document_type=DocumentType.REFUND if refund else DocumentType.PAYMENT,
            external_document_no=request.external_document_no,
            description=_description(documents, refund),
            currency=bank.currency_code,
            bal_account_type=AccountType.BANK,
            bal_account_no=bank.no,
        )
        legs = JournalResolver(setup).legs([line])
        order = tuple(d.entry.entry_no for d in documents)
        for leg in legs:
            if leg.is_party:
                leg.applies_to_entries = order
        writer = TransactionWriter(
            session, setup, TransactionSource.JOURNAL, user, f"payment registration {document_no}"
        )
        post_legs(writer, legs)
        (application,) = receivables_repo.applications_of_transaction(
            session, CUSTOMERS, writer.transaction_no
        )
        report = report_application(session, CUSTOMERS, application, decimals, order)
        return RegistrationResult(
            transaction_no=writer.transaction_no,
            document_no=document_no,
            posting_date=request.posting_date,
            bank=bank.no,
            customer_no=customer_no,
            amount=from_minor(-amount if refund else amount, decimals),
            currency=bank.currency_code,
            applied=report.applied,
            unapplied_amount=from_minor(-report.applying_remaining, decimals),
        )


def _check_request(request: RegistrationRequest) -> None:
    if not request.documents:
        raise InputError("name at least one document to pay (a document no. or #ENTRY_NO)")
    if request.amount is not None and request.amount <= 0:
        raise InputError(
            f"--amount {request.amount} must be greater than 0 (for a credit memo it is the "
            "amount paid out)"
        )
    if request.document_no is not None and not request.document_no.strip():
        raise InputError("--document-no is empty")


def _documents(session: Session, references: Sequence[str]) -> list[EntryState]:
    """The open entries named, without repeats, in the order they are applied: oldest due
    date first."""
    entry_nos = [_entry_no(session, ref) for ref in references]
    seen: set[int] = set()
    for ref, no in zip(references, entry_nos, strict=True):
        if no in seen:
            raise InputError(f"{ref} names customer entry {no} twice; name each document once")
        seen.add(no)
    states = ledger_repo.entry_states(session, CUSTOMERS, entry_nos)
    for no in entry_nos:
        if not states[no].open:
            raise ApplicationError(
                f"{_describe(states[no])} is already closed; list open documents with "
                "`bankrec payreg list`"
            )
    return sorted(
        states.values(),
        key=lambda s: (s.entry.due_date or s.entry.posting_date, s.entry.entry_no),
    )


def _entry_no(session: Session, reference: str) -> int:
    """The customer entry a DOC argument names."""
    if reference.startswith("#"):
        text = reference[1:]
        if not text.isdigit():
            raise InputError(f'"{reference}" is not an entry reference; write it as #ENTRY_NO')
        found = ledger_repo.entry_states(session, CUSTOMERS, [int(text)])
        if not found:
            raise NotFoundError(f"customer entry {text} does not exist")
        return int(text)
    candidates = receivables_repo.customer_entry_nos_by_document(session, [reference])
    if not candidates:
        raise NotFoundError(
            f"no customer document {reference}; list open documents with `bankrec payreg list`"
        )
    states = ledger_repo.entry_states(session, CUSTOMERS, candidates)
    open_nos = [no for no in candidates if states[no].open]
    if len(open_nos) > 1:
        names = ", ".join(f"#{no}" for no in open_nos)
        raise InputError(
            f"document {reference} matches open customer entries {names}; name one of them"
        )
    return open_nos[0] if open_nos else candidates[-1]


def _describe(state: EntryState) -> str:
    entry = state.entry
    kind = entry.document_type or "entry"
    return f"{kind} {entry.document_no} (customer entry {entry.entry_no})"


def _check_documents(documents: list[EntryState], bank: BankAccount, on: date) -> None:
    first = documents[0]
    for other in documents[1:]:
        if other.entry.party_no != first.entry.party_no:
            raise ApplicationError(
                f"{_describe(first)} is customer {first.entry.party_no}'s but "
                f"{_describe(other)} is customer {other.entry.party_no}'s; a lump payment "
                "pays one customer's documents: register each customer's payment separately"
            )
        if (other.remaining < 0) != (first.remaining < 0):
            raise ApplicationError(
                f"{_describe(first)} and {_describe(other)} have opposite signs; apply the "
                "credit memo to the invoice first (`bankrec apply CREDIT_MEMO_ENTRY --to "
                "INVOICE_ENTRY`), then register the rest"
            )
    for doc in documents:
        entry = doc.entry
        if entry.currency_code != bank.currency_code:
            raise ApplicationError(
                f"{_describe(doc)} is in {entry.currency_code} but bank {bank.no} is in "
                f"{bank.currency_code}; register it on a {entry.currency_code} bank, or post "
                f"it with `bankrec receipt post` and a currency column of {entry.currency_code}"
            )
        if entry.posting_date > on:
            raise InputError(
                f"--date {on} is before the posting date {entry.posting_date} of "
                f"{_describe(doc)}; pay it on or after that date"
            )


def _amount(request: RegistrationRequest, documents: list[EntryState], decimals: int) -> int:
    """The money moved (positive minor units): as given, else what settles every document."""
    if request.amount is not None:
        try:
            return to_minor(request.amount, decimals)
        except ValueError:
            raise InputError(
                f"--amount {request.amount} has more than {decimals} decimals"
            ) from None
    return abs(
        sum(
            amount_after_discount(
                d.remaining, d.discount_remaining, d.entry.pmt_discount_date, request.posting_date
            )
            for d in documents
        )
    )


def _description(documents: list[EntryState], refund: bool) -> str:
    names = ", ".join(d.entry.document_no for d in documents)
    return f"{'Refund' if refund else 'Payment'} {names}"[:250]
