"""Use case: put customer entries on hold, or release them.

An entry on hold (Business Central's "On Hold") never makes a reminder and earns no interest;
it is listed on its customer's reminders for information.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bankrec.db.models import CustomerEntryHold, CustomerLedgerEntry
from bankrec.errors import InputError, NotFoundError
from bankrec.services.database import Database

REASON_LENGTH = 100


def hold_entries(db: Database, entry_nos: Sequence[int], reason: str) -> list[dict[str, Any]]:
    """Hold each entry; holding one again replaces its reason."""
    if len(reason) > REASON_LENGTH:
        raise InputError(f"--reason is longer than {REASON_LENGTH} characters; shorten it")
    with db.transaction() as session:
        held = []
        for entry_no in _unique(entry_nos):
            entry = _entry(session, entry_no)
            hold = session.get(CustomerEntryHold, entry_no) or CustomerEntryHold(
                entry_no=entry_no, held_at=datetime.now(UTC)
            )
            hold.reason = reason
            session.add(hold)
            held.append(_view(entry, reason))
        return held


def release_entries(db: Database, entry_nos: Sequence[int]) -> list[dict[str, Any]]:
    """Release held entries; an entry that is not on hold is refused."""
    with db.transaction() as session:
        released = []
        for entry_no in _unique(entry_nos):
            entry = _entry(session, entry_no)
            hold = session.get(CustomerEntryHold, entry_no)
            if hold is None:
                raise InputError(f"customer entry {entry_no} is not on hold; nothing to release")
            released.append(_view(entry, hold.reason))
            session.delete(hold)
        return released


def _unique(entry_nos: Sequence[int]) -> list[int]:
    if not entry_nos:
        raise InputError("name at least one customer entry number")
    return list(dict.fromkeys(entry_nos))


def _entry(session: Session, entry_no: int) -> CustomerLedgerEntry:
    entry = session.get(CustomerLedgerEntry, entry_no)
    if entry is None:
        raise NotFoundError(
            f"customer entry {entry_no} does not exist; see `bankrec entries --ledger customer`"
        )
    return entry


def _view(entry: CustomerLedgerEntry, reason: str) -> dict[str, Any]:
    return {
        "entry_no": entry.entry_no,
        "customer_no": entry.party_no,
        "document_no": entry.document_no,
        "reason": reason,
    }
