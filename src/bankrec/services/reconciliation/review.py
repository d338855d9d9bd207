"""What `rec review` needs: the queue of lines to decide, a line's ranked candidates, and the
decisions (accept, reject, skip, choose a candidate). Each decision is its own transaction, so
a review that stops loses nothing and the next one starts where it stopped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bankrec.db import rec_repo
from bankrec.errors import ReconciliationError
from bankrec.services.database import Database
from bankrec.services.reconciliation.automatch import (
    DEFAULT_DAYS,
    candidate_rows,
    ledger_entries,
    rec_line,
    settings_for,
)
from bankrec.services.reconciliation.common import (
    RecView,
    bank_of,
    get_line,
    is_fixed,
    money,
    open_rec,
    places_of,
    remove_matches,
    sync_entry_status,
)
from bankrec.services.reconciliation.manual import replace_matches, usable_entries
from bankrec.services.reconciliation.view import entry_document

CANDIDATE_LIMIT = 9


def review_queue(db: Database, rec_id: int, every_line: bool = False) -> list[int]:
    """Line numbers still to decide, in line order: without a match or with an automatic one
    not accepted yet, and not skipped or rejected in an earlier review (unless
    ``every_line``)."""
    with db.reading() as session:
        rec = open_rec(session, rec_id, lock=False)
        view = RecView(rec)
        queue = []
        for line in rec.lines:
            match = view.match_of_line.get(line.id)
            if every_line or ((match is None or not is_fixed(match)) and line.decision == "none"):
                queue.append(line.line_no)
        return queue


def accept_line(db: Database, rec_id: int, line_no: int) -> dict[str, Any]:
    """Keep the automatic match of a line: a new automatic matching will not replace it."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id)
        line = get_line(rec, line_no)
        match = RecView(rec).match_of_line.get(line.id)
        if match is None:
            raise ReconciliationError(
                f"bank reconciliation {rec.id}, line {line_no} has no proposed match to accept; "
                "choose a candidate or match it by hand (`bankrec rec match`)"
            )
        match.accepted = True
        line.decision = "none"
        rec_repo.bump_version(rec)
        return {
            "reconciliation": rec.id,
            "line": line_no,
            "entries": [e.entry_no for e in match.entries],
        }


def reject_line(db: Database, rec_id: int, line_no: int) -> dict[str, Any]:
    """Remove the line's match (its whole group) and leave the line for a decision by hand:
    automatic matching skips it from now on."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id)
        line = get_line(rec, line_no)
        match = RecView(rec).match_of_line.get(line.id)
        removed: list[int] = []
        if match is not None:
            removed = [e.entry_no for e in match.entries]
            before = rec_repo.entries_by_no(session, removed, lock=True)
            remove_matches(session, rec, [match])
            sync_entry_status(session, rec, before)
        line.decision = "rejected"
        rec_repo.bump_version(rec)
        return {"reconciliation": rec.id, "line": line_no, "removed_entries": removed}


def skip_line(db: Database, rec_id: int, line_no: int) -> None:
    """Leave the line as it is; it leaves the review queue until the next automatic matching."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id)
        get_line(rec, line_no).decision = "skipped"
        rec_repo.bump_version(rec)


def line_candidates(
    db: Database, rec_id: int, line_no: int, limit: int = CANDIDATE_LIMIT
) -> dict[str, Any]:
    """What one line could be matched to, best first, with the evidence and, where automatic
    matching would not propose it, why.

    Returns ``{"reconciliation", "line", "amount", "candidates": [{"rank", "entry_nos",
    "amount", "score", "confidence", "details", "blocked_reason", "entries"}]}``."""
    from bankrec.matching.reconcile import rank_entries

    with db.reading() as session:
        rec = open_rec(session, rec_id, lock=False)
        line = get_line(rec, line_no)
        view = RecView(rec)
        places = places_of(session, bank_of(session, rec).currency_code)
        own = view.match_of_line.get(line.id)
        fixed = {
            e.entry_no
            for match in rec.matches
            if is_fixed(match) and match is not own
            for e in match.entries
        }
        rows = candidate_rows(session, rec, lock=False)
        ranked = rank_entries(
            rec_line(line),
            ledger_entries(session, list(rows.values())),
            settings_for(session, rec, rec.days if rec.days is not None else DEFAULT_DAYS),
            limit,
            fixed,
        )
        candidates = []
        for rank, candidate in enumerate(ranked, start=1):
            entries = [entry_document(rows[n], places) for n in candidate.entry_nos]
            candidates.append(
                {
                    "rank": rank,
                    "entry_nos": list(candidate.entry_nos),
                    "amount": money(
                        sum(rows[n].entry.amount_minor for n in candidate.entry_nos), places
                    ),
                    "score": candidate.score,
                    "confidence": candidate.confidence,
                    "details": list(candidate.details),
                    "blocked_reason": candidate.blocked_reason,
                    "entries": entries,
                }
            )
        return {
            "reconciliation": rec.id,
            "line": line.line_no,
            "date": line.transaction_date.isoformat(),
            "amount": money(line.amount_minor, places),
            "text": line.text,
            "candidates": candidates,
        }


def choose_candidate(
    db: Database, rec_id: int, line_no: int, entry_nos: Sequence[int], details: Sequence[str] = ()
) -> dict[str, Any]:
    """Match the line to the entries of a chosen candidate instead of what it has (a manual
    match, kept by automatic matching)."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id)
        line = get_line(rec, line_no)
        what = f"match line {line_no} of reconciliation {rec.id}"
        rows = usable_entries(session, rec, list(entry_nos), what)
        match, removed = replace_matches(
            session,
            rec,
            [line],
            [rows[n] for n in entry_nos],
            "manual",
            ["chosen in review", *details],
        )
        rec_repo.bump_version(rec)
        session.flush()
        return {
            "reconciliation": rec.id,
            "line": line_no,
            "entries": [e.entry_no for e in match.entries],
            "removed": removed,
        }
