"""The payment journal as a document: what `pay show --json` prints (CLI contract)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import payment_repo
from bankrec.db.models import BankAccount, PaymentApplication, PaymentJournal, PaymentJournalLine
from bankrec.services.database import Database
from bankrec.services.payjournal.common import (
    CONFIDENCE_RANK,
    applied_net,
    currency_places,
    journal_not_found,
    match_details,
    money,
    rejected_targets,
)


def application_document(
    application: PaymentApplication, places: int, bank_places: Mapping[str, int] | None = None
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "account_type": application.account_type,
        "account_no": application.account_no,
        "entry_no": application.entry_no,
        "document_no": application.document_no,
        "applied_amount": money(application.applied_minor, places),
        "discount": money(application.discount_minor, places),
        "confidence": application.confidence,
        "score": application.score,
        "origin": application.origin,
        "description": application.description,
    }
    if application.account_type == "bank" and application.entry_no is None:
        received = application.received_minor
        other_places = (bank_places or {}).get(application.account_no, places)
        document["transfer"] = {
            "bank": application.account_no,
            "received_amount": None if received is None else money(received, other_places),
            "statement_line": application.paired_line_id,
            "entry_no": application.counter_entry_no,
        }
    return document


def _counterparty(line: PaymentJournalLine) -> str:
    return line.counterparty_name or line.counterparty_account


def line_document(
    line: PaymentJournalLine, places: int, bank_places: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """One line: the contract keys first, then what scripts and the review find useful."""
    net = applied_net(line)
    match = match_details(line)
    details = match.get("details", [])
    return {
        "line": line.line_no,
        "date": line.transaction_date.isoformat(),
        "amount": money(line.amount_minor, places),
        "text": line.text,
        "counterparty": _counterparty(line),
        "confidence": line.confidence,
        "status": line.status,
        "difference": money(line.amount_minor - net, places),
        "details": [str(d) for d in details] if isinstance(details, list) else [str(details)],
        "applications": [application_document(a, places, bank_places) for a in line.applications],
        "applied_amount": money(net, places),
        "score": line.score,
        "reviewed": line.reviewed,
        "parent_line": line.parent_line_no,
        "statement_line": line.statement_line_id,
        "counterparty_account": line.counterparty_account,
        "additional_text": line.additional_text,
        "creditor_reference": line.creditor_reference,
        "end_to_end_id": line.end_to_end_id,
        "bank_transaction_id": line.bank_transaction_id,
        "evidence": match.get("evidence"),
        "near_misses": match.get("near_misses", []),
        "rejected": rejected_targets(line),
    }


def _display_order(line: PaymentJournalLine) -> tuple[int, int]:
    """Split-off lines right after the line they came from."""
    return (line.parent_line_no or line.line_no, line.line_no)


def journal_document(session: Session, journal_id: int) -> dict[str, Any]:
    """The whole journal as ``pay show --json`` writes it, read within ``session``."""
    journal = payment_repo.load_journal(session, journal_id)
    if journal is None:
        raise journal_not_found(journal_id)
    currency = session.get_one(BankAccount, journal.bank_no).currency_code
    places = currency_places(session, currency)
    lines = sorted(journal.lines, key=_display_order)
    total = sum(line.amount_minor for line in lines)
    applied = sum(applied_net(line) for line in lines)
    counts = Counter(line.confidence for line in lines)
    bank_places = _bank_places(session)
    return {
        "journal": journal.id,
        "bank": journal.bank_no,
        "status": journal.status,
        "statement": journal.statement_id,
        "currency": currency,
        "version": journal.version,
        "created_at": journal.created_at.isoformat(timespec="seconds"),
        "created_by": journal.created_by,
        **_posting_fields(journal, places),
        "total_amount": money(total, places),
        "total_applied": money(applied, places),
        "total_difference": money(total - applied, places),
        "confidence_counts": {name: counts.get(name, 0) for name in CONFIDENCE_RANK},
        "lines": [line_document(line, places, bank_places) for line in lines],
    }


def _bank_places(session: Session) -> dict[str, int]:
    """Decimals of each bank's currency, for the amounts transfers deliver to other banks."""
    rows = session.execute(select(BankAccount.no, BankAccount.currency_code)).all()
    return {no: currency_places(session, currency) for no, currency in rows}


def _posting_fields(journal: PaymentJournal, places: int) -> dict[str, Any]:
    def optional(minor: int | None) -> str | None:
        return None if minor is None else money(minor, places)

    return {
        "statement_date": journal.statement_date.isoformat() if journal.statement_date else None,
        "balance_last_statement": optional(journal.balance_last_statement_minor),
        "ending_balance": optional(journal.ending_balance_minor),
        "posted_at": journal.posted_at.isoformat(timespec="seconds") if journal.posted_at else None,
        "posted_document_no": journal.posted_document_no,
        "payments_only": journal.payments_only,
        "transaction_no": journal.transaction_no,
    }


def show_journal(db: Database, journal_id: int) -> dict[str, Any]:
    """The journal document (see ``journal_document``)."""
    with db.reading() as session:
        return journal_document(session, journal_id)
