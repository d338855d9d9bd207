"""What every bank reconciliation use case shares: finding an open reconciliation and its lines,
the arithmetic of a match (what each line has applied, what is left), and keeping the bank
entries' statement status in step with the matches (BC 13.6: matched entries are "applied" on
the working statement, unmatched ones "open")."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.models import (
    BankAccount,
    BankEntryStatus,
    BankRecLine,
    BankRecMatch,
    BankRecMatchEntry,
    BankRecMatchLine,
    BankReconciliation,
    Currency,
)
from bankrec.db.rec_repo import EntryRow
from bankrec.domain.money import format_minor
from bankrec.errors import ConflictError, NotFoundError, ReconciliationError

FIXED_ORIGINS = ("manual", "suggest", "transfer")
"""Origins of matches that a new automatic matching keeps (as it keeps accepted ones)."""


def rec_not_found(rec_id: int) -> NotFoundError:
    return NotFoundError(f"bank reconciliation {rec_id} does not exist; see `bankrec rec list`")


def get_rec(session: Session, rec_id: int, lock: bool = False) -> BankReconciliation:
    rec = rec_repo.load_rec(session, rec_id, lock=lock)
    if rec is None:
        raise rec_not_found(rec_id)
    return rec


def open_rec(
    session: Session, rec_id: int, expected_version: int | None = None, lock: bool = True
) -> BankReconciliation:
    """The reconciliation, locked for a change (unless ``lock`` is false: for reading);
    refused unless it is open (and, when ``expected_version`` is given, still at that
    version)."""
    rec = get_rec(session, rec_id, lock=lock)
    if rec.status != "open":
        raise ReconciliationError(
            f"bank reconciliation {rec_id} (statement {rec.statement_no} of bank {rec.bank_no}) "
            f"is {rec.status}; undo it first with `bankrec rec undo --bank {rec.bank_no} "
            f"--statement-no {rec.statement_no}`"
        )
    if expected_version is not None and rec.version != expected_version:
        raise ConflictError(
            f"bank reconciliation {rec_id} changed meanwhile (version {rec.version}, expected "
            f"{expected_version}); look at it again with `bankrec rec show {rec_id}`"
        )
    return rec


def get_line(rec: BankReconciliation, line_no: int) -> BankRecLine:
    for line in rec.lines:
        if line.line_no == line_no:
            return line
    raise NotFoundError(
        f"bank reconciliation {rec.id} has no line {line_no}; see `bankrec rec show {rec.id}`"
    )


def bank_of(session: Session, rec: BankReconciliation) -> BankAccount:
    return session.get_one(BankAccount, rec.bank_no)


def places_of(session: Session, currency: str) -> int:
    return session.get_one(Currency, currency).decimals


def money(minor: int, places: int) -> str:
    return format_minor(minor, places)


def is_fixed(match: BankRecMatch) -> bool:
    """Whether a new automatic matching keeps this match."""
    return match.origin in FIXED_ORIGINS or match.accepted


def match_kind(line_count: int, entry_count: int) -> str:
    if line_count > 1 and entry_count > 1:
        raise ReconciliationError(
            f"{line_count} lines cannot be matched to {entry_count} entries: many-to-many "
            "matches are not supported; match one line to several entries, or several lines "
            "to one entry"
        )
    if line_count > 1:
        return "many_to_one"
    return "one_to_many" if entry_count > 1 else "one_to_one"


@dataclass(frozen=True)
class LineState:
    """A line as its match leaves it."""

    line: BankRecLine
    match: BankRecMatch | None
    applied: int
    difference: int

    @property
    def entry_nos(self) -> list[int]:
        return [e.entry_no for e in self.match.entries] if self.match else []


class RecView:
    """Lines and matches of one reconciliation, indexed: which match holds a line, what each
    line has applied (BC 4.5: in a many-to-one group every line but the last applies its own
    amount and the last takes the rest, so a group's difference lands on its last line)."""

    def __init__(self, rec: BankReconciliation) -> None:
        self.rec = rec
        self.lines_by_id = {line.id: line for line in rec.lines}
        self.match_of_line: dict[int, BankRecMatch] = {}
        self.match_of_entry: dict[int, BankRecMatch] = {}
        for match in rec.matches:
            for member in match.lines:
                self.match_of_line[member.line_id] = match
            for entry in match.entries:
                self.match_of_entry[entry.entry_no] = match

    def lines_of(self, match: BankRecMatch) -> list[BankRecLine]:
        return sorted(
            (self.lines_by_id[m.line_id] for m in match.lines), key=lambda line: line.line_no
        )

    def applied(self, match: BankRecMatch) -> dict[int, int]:
        """Applied amount per line id of the match."""
        entries_total = sum(e.amount_minor for e in match.entries)
        lines = self.lines_of(match)
        result = {line.id: line.amount_minor for line in lines[:-1]}
        result[lines[-1].id] = entries_total - sum(result.values())
        return result

    def state(self, line: BankRecLine) -> LineState:
        match = self.match_of_line.get(line.id)
        applied = self.applied(match)[line.id] if match is not None else 0
        return LineState(line, match, applied, line.amount_minor - applied)

    def states(self) -> list[LineState]:
        return [self.state(line) for line in self.rec.lines]

    def first_line_no(self, match: BankRecMatch) -> int:
        return self.lines_of(match)[0].line_no


def details_of(match: BankRecMatch) -> list[str]:
    if not match.details_json:
        return []
    loaded = json.loads(match.details_json)
    return [str(d) for d in loaded] if isinstance(loaded, list) else [str(loaded)]


def line_notes(line: BankRecLine) -> dict[str, Any]:
    """What the last automatic matching said of an unmatched line."""
    if not line.match_json:
        return {}
    loaded = json.loads(line.match_json)
    return dict(loaded) if isinstance(loaded, dict) else {}


def new_match(
    rec: BankReconciliation,
    lines: list[BankRecLine],
    entries: list[EntryRow],
    origin: str,
    *,
    confidence: str = "",
    score: int = 0,
    details: Iterable[str] = (),
    accepted: bool = False,
) -> BankRecMatch:
    """Add a match of ``lines`` to ``entries`` to the reconciliation (not yet flushed)."""
    match = BankRecMatch(
        kind=match_kind(len(lines), len(entries)),
        origin=origin,
        accepted=accepted,
        confidence=confidence,
        score=score,
        details_json=json.dumps(list(details)),
        created_at=datetime.now(UTC),
    )
    match.lines = [BankRecMatchLine(line_id=line.id) for line in lines]
    match.entries = [
        BankRecMatchEntry(entry_no=row.entry.entry_no, amount_minor=row.entry.amount_minor)
        for row in sorted(entries, key=lambda r: r.entry.entry_no)
    ]
    rec.matches.append(match)
    return match


def remove_matches(
    session: Session, rec: BankReconciliation, matches: Iterable[BankRecMatch]
) -> None:
    for match in list(matches):
        rec.matches.remove(match)
    session.flush()


def sync_entry_status(
    session: Session, rec: BankReconciliation, before: dict[int, EntryRow]
) -> int:
    """Append a status row for every entry of ``before`` whose state the matches changed:
    matched here -> applied on this statement (with the first line of its match), otherwise
    open. Returns how many rows were appended."""
    view = RecView(rec)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for entry_no in sorted(before):
        row = before[entry_no]
        match = view.match_of_entry.get(entry_no)
        wanted: tuple[str, int | None, int | None]
        if match is not None:
            wanted = ("applied", rec.statement_no, view.first_line_no(match))
        else:
            wanted = ("open", None, None)
        current = (row.status, row.statement_no, row.statement_line_no)
        if current == wanted and row.closed_at_date is None:
            continue
        rows.append(
            {
                "entry_no": entry_no,
                "status": wanted[0],
                "statement_no": wanted[1],
                "statement_line_no": wanted[2],
                "closed_at_date": None,
                "changed_at": now,
            }
        )
    session.flush()
    if rows:  # appended with one executemany: thousands of entries change state at once
        session.execute(insert(BankEntryStatus), rows)
    return len(rows)


def entry_refusal(
    row: EntryRow, rec: BankReconciliation, here: set[int], elsewhere: dict[int, Any]
) -> str | None:
    """Why ``row`` cannot be matched in ``rec`` (None when it can); ``here`` are the entries
    matched in this reconciliation, ``elsewhere`` where the others are matched."""
    entry = row.entry
    name = f"bank entry {entry.entry_no}"
    if entry.bank_no != rec.bank_no:
        return f"{name} belongs to bank {entry.bank_no}, not {rec.bank_no}"
    if row.reversed:
        return f"{name} is reversed (or voided); it cannot be matched"
    if entry.entry_no in here:
        return None
    if row.status == "closed":
        statement = f" on statement {row.statement_no}" if row.statement_no else ""
        return f"{name} is already closed{statement}"
    other = elsewhere.get(entry.entry_no)
    if other is not None:
        return (
            f"{name} is matched in bank reconciliation {other.rec_id} (statement "
            f"{other.statement_no}, line(s) {', '.join(map(str, other.line_nos))}); unmatch it "
            f"there first"
        )
    if row.status != "open":
        return f"{name} is {row.status} on statement {row.statement_no} without a match"
    if entry.posting_date > rec.statement_date:
        return (
            f"{name} is posted on {entry.posting_date}, after the statement date "
            f"{rec.statement_date}"
        )
    return None
