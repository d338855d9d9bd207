"""What every payment journal use case shares: finding an open journal and its lines, and the
arithmetic of a line (what it has applied, what is left)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from bankrec.db import payment_repo
from bankrec.db.models import BankAccount, Currency, PaymentJournal, PaymentJournalLine
from bankrec.domain.money import format_minor
from bankrec.errors import ConflictError, NotFoundError, PaymentJournalError

AUTO_CONFIDENCES = ("none", "low", "medium", "high")
CONFIDENCE_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "manual": 5, "accepted": 6}
"""Ordered as BC orders them (5.1): manual and accepted rank above every automatic level."""


def journal_not_found(journal_id: int) -> NotFoundError:
    return NotFoundError(f"payment journal {journal_id} does not exist; see `bankrec pay list`")


def open_journal(
    session: Session, journal_id: int, expected_version: int | None = None
) -> PaymentJournal:
    """The journal, locked for a change; refused unless it is open (and, when
    ``expected_version`` is given, still at that version)."""
    journal = payment_repo.load_journal(session, journal_id, lock=True)
    if journal is None:
        raise journal_not_found(journal_id)
    if journal.status != "open":
        raise PaymentJournalError(
            f"payment journal {journal_id} is {journal.status}; only an open journal can change"
        )
    if expected_version is not None and journal.version != expected_version:
        raise ConflictError(
            f"payment journal {journal_id} changed meanwhile (version {journal.version}, "
            f"expected {expected_version}); look at it again with `bankrec pay show {journal_id}`"
        )
    return journal


def get_line(journal: PaymentJournal, line_no: int) -> PaymentJournalLine:
    line = payment_repo.find_line(journal, line_no)
    if line is None:
        raise NotFoundError(
            f"payment journal {journal.id} has no line {line_no}; see `bankrec pay show "
            f"{journal.id}`"
        )
    return line


def applied_net(line: PaymentJournalLine) -> int:
    """What the line pays through its applications: applied amounts less discounts."""
    return sum(a.applied_minor - a.discount_minor for a in line.applications)


def line_difference(line: PaymentJournalLine) -> int:
    """The part of the line's amount no application uses (same sign as the amount, or 0)."""
    return line.amount_minor - applied_net(line)


def where(journal: PaymentJournal, line: PaymentJournalLine) -> str:
    return f"payment journal {journal.id}, line {line.line_no}"


def currency_places(session: Session, code: str) -> int:
    return session.get_one(Currency, code).decimals


def journal_currency(session: Session, journal: PaymentJournal) -> tuple[str, int]:
    """The journal's bank currency and its decimals."""
    code = session.get_one(BankAccount, journal.bank_no).currency_code
    return code, currency_places(session, code)


def money(minor: int, places: int) -> str:
    return format_minor(minor, places)


def rejected_targets(line: PaymentJournalLine) -> list[dict[str, Any]]:
    """The targets the user rejected for this line, as stored in ``rejected_json``."""
    if not line.rejected_json:
        return []
    loaded = json.loads(line.rejected_json)
    return list(loaded) if isinstance(loaded, list) else []


def match_details(line: PaymentJournalLine) -> dict[str, Any]:
    """The matcher's stored evidence: {"details": [...], "evidence": ..., "near_misses": ...}."""
    if not line.match_json:
        return {}
    loaded = json.loads(line.match_json)
    return dict(loaded) if isinstance(loaded, dict) else {"details": [str(loaded)]}
