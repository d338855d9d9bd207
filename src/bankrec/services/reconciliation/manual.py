"""Match by hand and remove matches (BC 4.5): one line to one or several entries, or several
lines to one entry; never several lines to several entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.models import BankRecLine, BankRecMatch, BankReconciliation
from bankrec.db.rec_repo import EntryRow
from bankrec.errors import ConflictError, InputError, NotFoundError, ReconciliationError
from bankrec.services.database import Database
from bankrec.services.reconciliation.common import (
    RecView,
    bank_of,
    entry_refusal,
    get_line,
    match_kind,
    money,
    new_match,
    open_rec,
    places_of,
    remove_matches,
    sync_entry_status,
)


def _unique(numbers: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(numbers))


def usable_entries(
    session: Session, rec: BankReconciliation, entry_nos: Sequence[int], what: str
) -> dict[int, EntryRow]:
    """The entries, locked, each checked to be matchable in ``rec`` (refused with the reason
    otherwise); ``what`` names the change in messages."""
    rows = rec_repo.entries_by_no(session, entry_nos, lock=True)
    for entry_no in entry_nos:
        if entry_no not in rows:
            raise NotFoundError(
                f"bank entry {entry_no} does not exist; see `bankrec entries --ledger bank "
                f"--account {rec.bank_no} --open`"
            )
    here = set(RecView(rec).match_of_entry)
    elsewhere = {
        no: where
        for no, where in rec_repo.matched_in(
            session, [n for n in entry_nos if n not in here]
        ).items()
        if where.rec_id != rec.id
    }
    for entry_no in entry_nos:
        refusal = entry_refusal(rows[entry_no], rec, here, elsewhere)
        if refusal is not None:
            raise ReconciliationError(f"cannot {what}: {refusal}")
    return rows


def replace_matches(
    session: Session,
    rec: BankReconciliation,
    lines: list[BankRecLine],
    entries: list[EntryRow],
    origin: str,
    details: list[str],
    *,
    confidence: str = "",
    score: int = 0,
) -> tuple[BankRecMatch, list[dict[str, Any]]]:
    """Remove every match of ``lines`` and of ``entries`` (a many-to-one group goes whole), then
    match them to each other. Returns the new match and what was removed."""
    view = RecView(rec)
    old: dict[int, BankRecMatch] = {}
    for line in lines:
        if line.id in view.match_of_line:
            match = view.match_of_line[line.id]
            old[match.id] = match
    for row in entries:
        if row.entry.entry_no in view.match_of_entry:
            match = view.match_of_entry[row.entry.entry_no]
            old[match.id] = match
    removed = [
        {
            "lines": [x.line_no for x in view.lines_of(m)],
            "entries": [e.entry_no for e in m.entries],
            "origin": m.origin,
        }
        for m in old.values()
    ]
    affected = {e.entry_no for m in old.values() for e in m.entries}
    before = rec_repo.entries_by_no(session, affected, lock=True)
    before.update({row.entry.entry_no: row for row in entries})
    remove_matches(session, rec, old.values())
    match = new_match(
        rec, lines, entries, origin, details=details, confidence=confidence, score=score
    )
    for line in lines:
        line.decision, line.match_json = "none", ""
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            "another reconciliation matched one of these bank entries meanwhile; look again "
            f"with `bankrec rec show {rec.id}`"
        ) from exc
    sync_entry_status(session, rec, before)
    return match, removed


def match_lines(
    db: Database,
    rec_id: int,
    line_nos: Sequence[int],
    entry_nos: Sequence[int],
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Match lines to bank entries by hand; earlier matches of those lines and entries go.

    Returns ``{"reconciliation", "kind", "lines": [{"line", "amount", "applied_amount",
    "difference"}], "entries", "removed", "version"}``."""
    lines_wanted, entries_wanted = _unique(line_nos), _unique(entry_nos)
    if not lines_wanted or not entries_wanted:
        raise InputError("name at least one line (--line L) and one bank entry (--entry E)")
    match_kind(len(lines_wanted), len(entries_wanted))
    with db.transaction() as session:
        rec = open_rec(session, rec_id, expected_version)
        lines = [get_line(rec, n) for n in lines_wanted]
        what = f"match line(s) {', '.join(map(str, lines_wanted))} of reconciliation {rec.id}"
        rows = usable_entries(session, rec, entries_wanted, what)
        match, removed = replace_matches(
            session,
            rec,
            lines,
            [rows[n] for n in entries_wanted],
            "manual",
            ["matched manually"],
        )
        rec_repo.bump_version(rec)
        session.flush()
        places = places_of(session, bank_of(session, rec).currency_code)
        view = RecView(rec)
        applied = view.applied(match)
        return {
            "reconciliation": rec.id,
            "kind": match.kind,
            "lines": [
                {
                    "line": line.line_no,
                    "amount": money(line.amount_minor, places),
                    "applied_amount": money(applied[line.id], places),
                    "difference": money(line.amount_minor - applied[line.id], places),
                }
                for line in view.lines_of(match)
            ],
            "entries": [e.entry_no for e in match.entries],
            "removed": removed,
            "version": rec.version,
        }


def unmatch_line(
    db: Database, rec_id: int, line_no: int, expected_version: int | None = None
) -> dict[str, Any]:
    """Remove the match of a line; a many-to-one group is removed whole (BC 4.5). Its entries
    are open again.

    Returns ``{"reconciliation", "lines", "entries", "version"}``."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id, expected_version)
        line = get_line(rec, line_no)
        view = RecView(rec)
        match = view.match_of_line.get(line.id)
        if match is None:
            raise ReconciliationError(
                f"bank reconciliation {rec.id}, line {line_no} has no match to remove"
            )
        lines = [x.line_no for x in view.lines_of(match)]
        entries = [e.entry_no for e in match.entries]
        before = rec_repo.entries_by_no(session, entries, lock=True)
        remove_matches(session, rec, [match])
        sync_entry_status(session, rec, before)
        line.decision = "none"
        rec_repo.bump_version(rec)
        session.flush()
        return {
            "reconciliation": rec.id,
            "lines": lines,
            "entries": entries,
            "version": rec.version,
        }
