"""Read models of reminders and reminder terms, as ``reminder list|show|terms-list`` print them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import reminders_repo
from bankrec.db.models import CollectionDocument, CollectionLine, Currency, ReminderFeeTier
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.money import format_minor
from bankrec.errors import InputError, NotFoundError
from bankrec.services.database import Database

STATUSES = ("draft", "issued", "canceled")


def list_reminders(
    db: Database, statuses: Sequence[str] = (), customer_no: str | None = None
) -> list[dict[str, Any]]:
    unknown = [status for status in statuses if status not in STATUSES]
    if unknown:
        raise InputError(f'--status "{unknown[0]}" is not one of {", ".join(STATUSES)}')
    with db.reading() as session:
        docs = reminders_repo.reminders(session, statuses, customer_no)
        counts = reminders_repo.line_counts(session, [doc.id for doc in docs])
        places = _decimals(session)
        return [
            {**_header(doc, places[doc.currency_code]), "lines": counts.get(doc.id, 0)}
            for doc in docs
        ]


def show_reminder(db: Database, no: str) -> dict[str, Any]:
    with db.reading() as session:
        doc = reminders_repo.reminder_by_no(session, no)
        if doc is None:
            raise NotFoundError(f"reminder {no} does not exist; see `bankrec reminder list`")
        decimals = _decimals(session)[doc.currency_code]
        return {
            **_header(doc, decimals),
            "beginning_text": doc.beginning_text,
            "ending_text": doc.ending_text,
            "lines": [_line(line, decimals) for line in reminders_repo.lines_of(session, doc.id)],
        }


def list_reminder_terms(db: Database) -> list[dict[str, Any]]:
    with db.reading() as session:
        setup = LedgerSetup(session)
        result = []
        for terms in reminders_repo.all_reminder_terms(session):
            tiers = reminders_repo.fee_tiers_of(session, terms.code)
            levels = [
                {
                    "level": level.level_no,
                    "grace_period": level.grace_period,
                    "due_date_formula": level.due_date_formula,
                    "calculate_interest": level.calculate_interest,
                    "fee_calculation": level.fee_calculation,
                    "additional_fee": format_minor(level.additional_fee_minor, setup.lcy_decimals),
                    "line_fee": format_minor(level.line_fee_minor, setup.lcy_decimals),
                    "fee_tiers": [
                        _tier(setup, tier) for tier in tiers if tier.level_no == level.level_no
                    ],
                }
                for level in reminders_repo.levels_of(session, terms.code)
            ]
            result.append(
                {
                    "code": terms.code,
                    "description": terms.description,
                    "post_interest": terms.post_interest,
                    "post_additional_fee": terms.post_additional_fee,
                    "post_line_fee": terms.post_line_fee,
                    "max_reminders": terms.max_reminders,
                    "minimum_amount": format_minor(terms.minimum_amount_minor, setup.lcy_decimals),
                    "levels": levels,
                }
            )
        return result


def _header(doc: CollectionDocument, decimals: int) -> dict[str, Any]:
    total = doc.remaining_minor + doc.interest_minor + doc.fee_minor
    return {
        "no": doc.no,
        "customer_no": doc.customer_no,
        "currency": doc.currency_code,
        "status": doc.status,
        "level": doc.level_no,
        "terms": doc.terms_code,
        "document_date": doc.document_date.isoformat(),
        "posting_date": doc.posting_date.isoformat(),
        "due_date": doc.due_date.isoformat(),
        "remaining": format_minor(doc.remaining_minor, decimals),
        "interest": format_minor(doc.interest_minor, decimals),
        "fee": format_minor(doc.fee_minor, decimals),
        "total": format_minor(total, decimals),
        "issued_transaction_no": doc.issued_transaction_no,
        "canceled_transaction_no": doc.canceled_transaction_no,
    }


def _line(line: CollectionLine, decimals: int) -> dict[str, Any]:
    return {
        "line_no": line.line_no,
        "line_type": line.line_type,
        "entry_no": line.entry_no,
        "level": line.level_no,
        "document_type": line.document_type,
        "document_no": line.document_no,
        "due_date": line.due_date.isoformat() if line.due_date else None,
        "original_amount": format_minor(line.original_minor, decimals),
        "remaining_amount": format_minor(line.remaining_minor, decimals),
        "base_amount": format_minor(line.base_minor, decimals),
        "interest_rate": None if line.interest_rate is None else str(line.interest_rate),
        "days": line.days,
        "amount": format_minor(line.amount_minor, decimals),
        "description": line.description,
    }


def _tier(setup: LedgerSetup, tier: ReminderFeeTier) -> dict[str, Any]:
    currency = tier.currency_code or setup.lcy
    places = setup.decimals[currency]
    return {
        "per_line": tier.per_line,
        "currency": currency,
        "threshold": format_minor(tier.threshold_minor, places),
        "fee": format_minor(tier.fee_minor, places),
        "fee_pct": str(tier.fee_pct),
        "min_fee": format_minor(tier.min_fee_minor, places),
        "max_fee": format_minor(tier.max_fee_minor, places),
    }


def _decimals(session: Session) -> dict[str, int]:
    return {currency.code: currency.decimals for currency in session.scalars(select(Currency))}
