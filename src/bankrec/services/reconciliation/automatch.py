"""Match automatically (BC 4.4, through ``bankrec.matching.reconcile``): propose matches for the
lines nobody decided yet.

Manual, suggested, transferred and accepted matches are kept, and so are their entries; lines a
review rejected wait for a decision by hand. A new run replaces only the earlier automatic
proposals, and the same reconciliation always gets the same answer. Candidates are this bank's
open, unreversed entries posted on or before the statement date and not matched elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.ledgers import party_ledger
from bankrec.db.models import (
    BankRecLine,
    BankRecMatch,
    BankRecMatchEntry,
    BankRecMatchLine,
    BankReconciliation,
)
from bankrec.db.rec_repo import EntryRow
from bankrec.errors import ConflictError, InputError
from bankrec.matching.reconcile_model import LedgerEntry, RecLine, RecMatch, RecResult, RecSettings
from bankrec.services.database import Database
from bankrec.services.reconciliation.common import (
    RecView,
    bank_of,
    is_fixed,
    match_kind,
    open_rec,
    places_of,
    remove_matches,
    sync_entry_status,
)

DEFAULT_DAYS = 5
MAX_DAYS = 366


def rec_line(line: BankRecLine) -> RecLine:
    return RecLine(
        line_no=line.line_no,
        identity=line.identity,
        date=line.transaction_date,
        amount=line.amount_minor,
        text=line.text,
        counterparty_name=line.counterparty_name,
        additional_text=line.additional_text,
        check_no=line.check_no,
        end_to_end_id=line.end_to_end_id,
        bank_reference=line.bank_reference,
        document_no=line.document_no,
    )


def ledger_entries(session: Session, rows: list[EntryRow]) -> list[LedgerEntry]:
    """The engine's view of bank entries, with the name of the customer or vendor posted
    against (the balancing account) where there is one."""
    names: dict[tuple[str, str], str] = {}
    for kind in ("customer", "vendor"):
        wanted = {r.entry.bal_account_no for r in rows if r.entry.bal_account_type == kind}
        party = party_ledger(kind).party
        for no in sorted(n for n in wanted if n):
            found = session.get(party, no)
            if found is not None:
                names[(kind, no)] = found.name
    return [
        LedgerEntry(
            entry_no=r.entry.entry_no,
            posting_date=r.entry.posting_date,
            amount=r.entry.amount_minor,
            document_no=r.entry.document_no,
            external_document_no=r.entry.external_document_no,
            description=r.entry.description,
            check_no=r.entry.check_no or "",
            party_name=names.get(
                (r.entry.bal_account_type or "", r.entry.bal_account_no or ""), ""
            ),
        )
        for r in rows
    ]


def candidate_rows(
    session: Session, rec: BankReconciliation, lock: bool = True
) -> dict[int, EntryRow]:
    """Candidates (locked, unless for reading): entries of the bank up to the statement date,
    not reversed, open or matched in this reconciliation."""
    if lock:
        # Locks first (PostgreSQL; SQLite's write transaction is exclusive already), then one
        # read of the entries' state: a second, per-chunk read cost seconds on 12,000 entries.
        rec_repo.lock_bank_entries(session, rec.bank_no, rec.statement_date)
    rows = rec_repo.bank_entries(session, rec.bank_no, up_to=rec.statement_date, unclosed_only=True)
    here = set(RecView(rec).match_of_entry)
    current = {r.entry.entry_no: r for r in rows if not r.reversed}
    elsewhere = rec_repo.matched_in(session, [n for n in current if n not in here])
    return {
        no: row
        for no, row in sorted(current.items())
        if no in here or (row.status == "open" and no not in elsewhere)
    }


def settings_for(session: Session, rec: BankReconciliation, days: int) -> RecSettings:
    return RecSettings(
        days=days, currency_decimals=places_of(session, bank_of(session, rec).currency_code)
    )


@dataclass(frozen=True)
class MatchAutoSummary:
    reconciliation: int
    lines: int
    considered: int
    proposed: int
    kept: int
    unmatched: int
    ties: int
    rejected: int
    matched: int
    days: int
    version: int

    @property
    def message(self) -> str:
        """BC 4.4.6."""
        return f"{self.matched} reconciliation lines out of {self.lines} are matched."


def _key(line_ids: set[int], entry_nos: set[int]) -> tuple[frozenset[int], frozenset[int]]:
    return frozenset(line_ids), frozenset(entry_nos)


def _store(
    session: Session,
    rec: BankReconciliation,
    considered: list[BankRecLine],
    result: RecResult,
    candidates: dict[int, EntryRow],
) -> None:
    """Replace the earlier automatic proposals with ``result``, keeping identical ones."""
    by_no = {line.line_no: line for line in rec.lines}
    old: dict[tuple[frozenset[int], frozenset[int]], BankRecMatch] = {
        _key({m.line_id for m in match.lines}, {e.entry_no for e in match.entries}): match
        for match in rec.matches
        if not is_fixed(match)
    }
    before = dict(candidates)
    missing = {e.entry_no for m in old.values() for e in m.entries} - before.keys()
    before.update(rec_repo.entries_by_no(session, missing, lock=True))
    new = {
        _key({by_no[n].id for n in found.line_nos}, set(found.entry_nos)): found
        for found in result.matches
    }
    remove_matches(session, rec, [m for key, m in old.items() if key not in new])
    added: list[RecMatch] = []
    for key, found in sorted(new.items(), key=lambda item: item[1].line_nos):
        if key in old:
            match = old[key]
            match.confidence, match.score = found.confidence, found.score
            match.details_json = json.dumps(list(found.details))
        else:
            added.append(found)
    _notes(considered, result)
    try:
        session.flush()
        _insert_matches(session, rec, added, by_no, candidates)
    except IntegrityError as exc:
        raise ConflictError(
            "another reconciliation matched one of these bank entries meanwhile; run "
            f"`bankrec rec match-auto {rec.id}` again"
        ) from exc
    rec_repo.reload_matches(session, rec)
    sync_entry_status(session, rec, before)


def _insert_matches(
    session: Session,
    rec: BankReconciliation,
    added: list[RecMatch],
    by_no: dict[int, BankRecLine],
    candidates: dict[int, EntryRow],
) -> None:
    """The new proposals, written with core executemany: thousands of matches with their lines
    and entries in a few statements instead of one ORM object graph each."""
    if not added:
        return
    now = datetime.now(UTC)
    rows = [
        {
            "rec_id": rec.id,
            "kind": match_kind(len(found.line_nos), len(found.entry_nos)),
            "origin": "auto",
            "accepted": False,
            "confidence": found.confidence,
            "score": found.score,
            "details_json": json.dumps(list(found.details)),
            "created_at": now,
        }
        for found in added
    ]
    ids = session.scalars(
        insert(BankRecMatch).returning(BankRecMatch.id, sort_by_parameter_order=True), rows
    ).all()
    lines = [
        {"match_id": match_id, "line_id": by_no[n].id}
        for match_id, found in zip(ids, added, strict=True)
        for n in found.line_nos
    ]
    entries = [
        {"match_id": match_id, "entry_no": n, "amount_minor": candidates[n].entry.amount_minor}
        for match_id, found in zip(ids, added, strict=True)
        for n in sorted(found.entry_nos)
    ]
    session.execute(insert(BankRecMatchLine), lines)
    session.execute(insert(BankRecMatchEntry), entries)


def _notes(considered: list[BankRecLine], result: RecResult) -> None:
    """What the engine said of each line it saw and did not match."""
    ties = {no: tie for tie in result.ties for no in tie.line_nos}
    for line in considered:
        if line.decision == "skipped":
            line.decision = "none"
        notes: dict[str, Any] = {}
        unmatched = result.unmatched_line(line.line_no)
        if unmatched is not None:
            notes["reason"] = unmatched.reason
            notes["near"] = [{"entry_no": n.entry_no, "reason": n.reason} for n in unmatched.near]
        tie = ties.get(line.line_no)
        if tie is not None:
            notes["tie"] = {
                "lines": list(tie.line_nos),
                "entries": list(tie.entry_nos),
                "reason": tie.reason,
            }
        line.match_json = json.dumps(notes) if notes else ""


def match_auto(
    db: Database, rec_id: int, days: int | None = None, expected_version: int | None = None
) -> MatchAutoSummary:
    """Propose matches for every line without a kept match; ``days`` is the date tolerance
    (default: the last run's, else 5)."""
    if days is not None and not 0 <= days <= MAX_DAYS:
        raise InputError(f"--days {days} is not between 0 and {MAX_DAYS}")
    from bankrec.matching.reconcile import reconcile

    with db.transaction() as session:
        rec = open_rec(session, rec_id, expected_version)
        used_days = (
            days if days is not None else (rec.days if rec.days is not None else DEFAULT_DAYS)
        )
        fixed = [m for m in rec.matches if is_fixed(m)]
        fixed_lines = {m.line_id for match in fixed for m in match.lines}
        fixed_entries = {e.entry_no for match in fixed for e in match.entries}
        considered = [
            line for line in rec.lines if line.id not in fixed_lines and line.decision != "rejected"
        ]
        candidates = candidate_rows(session, rec)
        result = reconcile(
            [rec_line(line) for line in considered],
            ledger_entries(session, list(candidates.values())),
            settings_for(session, rec, used_days),
            fixed_entries,
        )
        _store(session, rec, considered, result, candidates)
        rec.days = used_days
        rec_repo.bump_version(rec)
        session.flush()
        view = RecView(rec)
        proposed = {m.line_id for match in rec.matches if not is_fixed(match) for m in match.lines}
        return MatchAutoSummary(
            reconciliation=rec.id,
            lines=len(rec.lines),
            considered=len(considered),
            proposed=len(proposed),
            kept=len(fixed_lines),
            unmatched=sum(1 for line in considered if line.id not in view.match_of_line),
            ties=len(result.ties),
            rejected=sum(1 for line in rec.lines if line.decision == "rejected"),
            matched=len(view.match_of_line),
            days=used_days,
            version=rec.version,
        )
