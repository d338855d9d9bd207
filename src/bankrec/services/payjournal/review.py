"""What `pay review` needs beyond the single decisions: the queue of lines to look at, skipping a
line, and choosing one of a line's ranked candidates. Each call is its own transaction."""

from __future__ import annotations

from typing import Any

from bankrec.errors import PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.payjournal.common import get_line, open_journal
from bankrec.services.payjournal.decisions import reject
from bankrec.services.payjournal.manual import apply_manual
from bankrec.services.payjournal.transfer import transfer_diff

DECIDED = ("accepted", "manual")


def review_queue(db: Database, journal_id: int, every_line: bool = False) -> list[int]:
    """Line numbers still to decide, in line order: not accepted or manual, and not skipped
    in an earlier review (unless ``every_line``). A review resumes where the last one stopped."""
    with db.reading() as session:
        journal = open_journal(session, journal_id)
        return [
            line.line_no
            for line in journal.lines
            if every_line or (line.status not in DECIDED and not line.reviewed)
        ]


def mark_reviewed(db: Database, journal_id: int, line_no: int) -> None:
    """Skip a line: it stays as it is and leaves the review queue until the next `pay apply`."""
    with db.transaction() as session:
        journal = open_journal(session, journal_id)
        get_line(journal, line_no).reviewed = True
        journal.version += 1


def choose_candidate(
    db: Database, journal_id: int, line_no: int, candidate: dict[str, Any]
) -> None:
    """Apply a line to one ranked candidate (a row of `pay candidates`) instead of what it has:
    its entries, its bank entry, or its mapping's account."""
    with db.reading() as session:
        has_applications = bool(get_line(open_journal(session, journal_id), line_no).applications)
    if has_applications:
        reject(db, journal_id, [line_no])
    kind = candidate["kind"]
    if kind == "mapping":
        transfer_diff(db, journal_id, line_no, candidate["account_type"], candidate["account_no"])
        return
    ledger = "bank" if kind == "bank_entry" else candidate["account_type"]
    if not candidate["entry_nos"]:
        raise PaymentJournalError(f"candidate {candidate['rank']} names no entry to apply")
    for entry_no in candidate["entry_nos"]:
        apply_manual(db, journal_id, line_no, entry_no, ledger=ledger)
