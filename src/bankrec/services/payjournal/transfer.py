"""Transfer a line's difference to an account (BC 5.11): the whole line when nothing is applied,
else split off the difference as a new line that posts to the account."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bankrec.db import payment_repo
from bankrec.db.ledgers import party_ledger
from bankrec.db.models import GLAccount, PaymentJournal, PaymentJournalLine
from bankrec.db.payment_repo import NewApplication
from bankrec.errors import BlockedError, InputError, NotFoundError, PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.payjournal.common import (
    applied_net,
    get_line,
    journal_currency,
    line_difference,
    money,
    open_journal,
    where,
)

ACCOUNT_TYPES = ("gl", "customer", "vendor")
DESCRIPTION_LENGTH = 250


def check_posting_account(session: Session, account_type: str, account_no: str) -> None:
    """Refuse an account a journal line cannot post to: unknown, blocked, or a G/L account
    without direct posting."""
    if account_type not in ACCOUNT_TYPES:
        raise InputError(f'account type "{account_type}" is not one of {", ".join(ACCOUNT_TYPES)}')
    if account_type == "gl":
        account = session.get(GLAccount, account_no)
        if account is None:
            raise NotFoundError(f"G/L account {account_no} does not exist; see `bankrec gl list`")
        if account.blocked:
            raise BlockedError(f"G/L account {account_no} ({account.name}) is blocked")
        if not account.direct_posting:
            raise BlockedError(
                f"G/L account {account_no} ({account.name}) does not allow direct posting; "
                "choose an account that does"
            )
        return
    party = session.get(party_ledger(account_type).party, account_no)
    if party is None:
        raise NotFoundError(
            f"{account_type} {account_no} does not exist; see `bankrec {account_type} list`"
        )
    if party.blocked:
        raise BlockedError(f"{account_type} {account_no} ({party.name}) is blocked")


def _split_off(
    session: Session, journal: PaymentJournal, line: PaymentJournalLine, text: str | None
) -> PaymentJournalLine:
    """Reduce ``line`` to what it has applied and add a child line for the difference."""
    net = applied_net(line)
    if net == 0 or (net > 0) != (line.amount_minor > 0):
        raise PaymentJournalError(
            f"{where(journal, line)}: its applications net to {net} minor units against an amount "
            f"of {line.amount_minor}; apply the invoices before transferring the difference"
        )
    difference = line_difference(line)
    new_no = payment_repo.next_line_no(session, journal.id)
    child = PaymentJournalLine(
        line_no=new_no,
        statement_line_id=None,
        parent_line_no=line.parent_line_no or line.line_no,
        transaction_date=line.transaction_date,
        amount_minor=difference,
        currency_code=line.currency_code,
        text=text or line.text,
        additional_text=line.additional_text,
        counterparty_name=line.counterparty_name,
        counterparty_account=line.counterparty_account,
        counterparty_address=line.counterparty_address,
        counterparty_city=line.counterparty_city,
        creditor_reference=line.creditor_reference,
        end_to_end_id=line.end_to_end_id,
        bank_transaction_id=line.bank_transaction_id,
        identity=f"{line.identity[:50]}/{new_no}",
        confidence="manual",
        score=0,
        status="manual",
        match_json="",
        rejected_json="",
        reviewed=True,
    )
    line.amount_minor = net
    journal.lines.append(child)
    session.flush()
    return child


def transfer_diff(
    db: Database,
    journal_id: int,
    line_no: int,
    account_type: str,
    account_no: str,
    text: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Post what line ``line_no`` has not applied to a G/L account, or on account of a customer
    or vendor. A line with no application gets one for its whole amount; a partly applied line
    is split: it keeps its applied amount and a new line takes the difference.

    Returns ``{"journal", "line", "split", "new_line", "amount", "line_amount",
    "account_type", "account_no", "version"}``."""
    with db.transaction() as session:
        check_posting_account(session, account_type, account_no)
        journal = open_journal(session, journal_id, expected_version)
        line = get_line(journal, line_no)
        _, places = journal_currency(session, journal)
        difference = line_difference(line)
        if difference == 0:
            raise PaymentJournalError(
                f"{where(journal, line)} has no difference to transfer: its "
                f"{money(line.amount_minor, places)} are fully applied"
            )
        split = bool(line.applications)
        target = _split_off(session, journal, line, text) if split else line
        payment_repo.add_application(
            session,
            target,
            NewApplication(
                account_type=account_type,
                account_no=account_no,
                applied_minor=difference,
                confidence="manual",
                origin="transfer",
                description=(text or "")[:DESCRIPTION_LENGTH],
            ),
        )
        target.confidence, target.status, target.reviewed = "manual", "manual", True
        payment_repo.bump_version(journal)
        session.flush()
        return {
            "journal": journal.id,
            "line": line.line_no,
            "split": split,
            "new_line": target.line_no if split else None,
            "amount": money(difference, places),
            "line_amount": money(line.amount_minor, places),
            "account_type": account_type,
            "account_no": account_no,
            "version": journal.version,
        }
