"""Issuing posts a reminder's or memo's interest and fees; cancelling reverses that posting.

The posting is Business Central's: one customer entry of document type reminder or finance
charge memo for the postable total, debited to receivables, and the interest and fees credited
to the company's interest and additional fee income accounts, in the document's currency at
the posting date's exchange rate.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import collections_repo, ledger_repo
from bankrec.db.ledgers import CUSTOMERS
from bankrec.db.models import Customer, CustomerLedgerEntry
from bankrec.db.models_collections import CollectionDocument
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import DocumentType, TransactionSource
from bankrec.errors import (
    ApplicationError,
    BlockedError,
    InputError,
    MissingExchangeRateError,
    NotFoundError,
    SetupError,
)
from bankrec.services.collections.common import KIND_NAMES
from bankrec.services.corrections import reverse_in
from bankrec.services.posting.writer import DocumentInfo, PartyAmounts, TransactionWriter

DOCUMENT_TYPES = {
    "finance-charge": DocumentType.FINANCE_CHARGE,
    "reminder": DocumentType.REMINDER,
}
FEE_LINES = ("additional-fee", "line-fee")


def _postable(
    doc: CollectionDocument,
    session: Session,
    post_interest: bool,
    post_fees: bool,
    post_line_fees: bool,
) -> tuple[int, int]:
    """(interest, fees) of the lines this issue posts, in the document's minor units."""
    wanted = {"interest": post_interest, "additional-fee": post_fees, "line-fee": post_line_fees}
    interest = fees = 0
    for line in collections_repo.lines_of(session, [doc.id]).get(doc.id, []):
        if not wanted.get(line.line_type, False):
            continue
        if line.line_type == "interest":
            interest += line.amount_minor
        else:
            fees += line.amount_minor
    return interest, fees


def _account(setup: LedgerSetup, field: str, what: str, doc: CollectionDocument) -> str:
    account = getattr(setup.company, field)
    if not account:
        option = field.replace("_", "-")
        raise SetupError(
            f"cannot issue {KIND_NAMES[doc.kind]} {doc.no}: company setup has no "
            f"{field.replace('_', ' ')} for the {what}; set it with `bankrec company set "
            f"--{option} GL`"
        )
    if setup.gl_account(account) is None:
        raise NotFoundError(f"G/L account {account} ({field.replace('_', ' ')}) does not exist")
    assert isinstance(account, str)
    return account


def _lcy(setup: LedgerSetup, doc: CollectionDocument, amount: int) -> int:
    rate = setup.rate(doc.currency_code, doc.posting_date)
    if rate is None:
        raise MissingExchangeRateError(
            f"no {doc.currency_code} exchange rate on or before {doc.posting_date} for "
            f"{KIND_NAMES[doc.kind]} {doc.no}; add one with `bankrec rate add "
            f"{doc.currency_code} --date {doc.posting_date} --rate RATE`"
        )
    return setup.to_lcy(amount, doc.currency_code, rate)


def post_collection_document(
    session: Session,
    doc: CollectionDocument,
    *,
    post_interest: bool,
    post_fees: bool,
    post_line_fees: bool,
    user: str,
) -> int | None:
    """Post the document's postable interest and fees in the caller's transaction.

    Returns the transaction no. (also kept in ``doc.issued_transaction_no``), or None when
    nothing is postable.
    """
    interest, fees = _postable(doc, session, post_interest, post_fees, post_line_fees)
    if interest + fees == 0:
        return None
    if interest + fees < 0:
        raise InputError(f"{KIND_NAMES[doc.kind]} {doc.no} would post a negative amount")
    setup = LedgerSetup(session)
    customer = setup.record(Customer, doc.customer_no)
    if customer is None:
        raise NotFoundError(f"customer {doc.customer_no} of {doc.no} does not exist")
    if customer.blocked:
        raise BlockedError(f"customer {customer.no} ({customer.name}) of {doc.no} is blocked")
    interest_account = _account(setup, "interest_account", "interest", doc) if interest else ""
    fee_account = _account(setup, "additional_fee_account", "fees", doc) if fees else ""
    total_lcy = _lcy(setup, doc, interest + fees)
    interest_lcy = _lcy(setup, doc, interest) if fees else total_lcy
    name = KIND_NAMES[doc.kind]
    info = DocumentInfo(
        posting_date=doc.posting_date,
        document_no=doc.no,
        document_type=DOCUMENT_TYPES[doc.kind].value,
        description=f"{name[0].upper()}{name[1:]} {doc.no}",
    )
    writer = TransactionWriter(
        session, setup, TransactionSource.JOURNAL, user, f"issue {name} {doc.no}"
    )
    writer.party_entry(
        CUSTOMERS,
        doc.customer_no,
        info,
        PartyAmounts(doc.currency_code, interest + fees, total_lcy, due_date=doc.due_date),
    )
    currency = doc.currency_code
    if interest:
        writer.gl(interest_account, info, -interest_lcy, currency=currency, source_amount=-interest)
    if fees:
        writer.gl(
            fee_account, info, interest_lcy - total_lcy, currency=currency, source_amount=-fees
        )
    writer.flush()
    doc.issued_transaction_no = writer.transaction_no
    return writer.transaction_no


def _posted_entry(session: Session, transaction_no: int) -> CustomerLedgerEntry | None:
    return session.scalars(
        select(CustomerLedgerEntry).where(
            CustomerLedgerEntry.transaction_no == transaction_no,
            CustomerLedgerEntry.reversed_entry_no.is_(None),
        )
    ).first()


def cancel_collection_document(session: Session, doc: CollectionDocument, user: str) -> int | None:
    """Cancel a draft (no posting) or an issued document (its posting reversed).

    Returns the reversal's transaction no., or None when there was nothing to reverse.
    """
    name = KIND_NAMES[doc.kind]
    if doc.status == "canceled":
        raise InputError(f"{name} {doc.no} is already canceled")
    reversal: int | None = None
    if doc.status == "issued" and doc.issued_transaction_no is not None:
        entry = _posted_entry(session, doc.issued_transaction_no)
        if entry is not None and ledger_repo.live_applications(
            session, CUSTOMERS, [entry.entry_no]
        ):
            raise ApplicationError(
                f"cannot cancel {name} {doc.no}: its customer entry {entry.entry_no} was "
                f"applied (paid); unapply it first with `bankrec unapply {entry.entry_no}`"
            )
        result = reverse_in(session, doc.issued_transaction_no, user, collection_document=True)
        reversal = result.transaction_no
        doc.canceled_transaction_no = reversal
    doc.status = "canceled"
    doc.canceled_at = datetime.now(UTC)
    return reversal
