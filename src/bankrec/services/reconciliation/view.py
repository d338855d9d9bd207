"""A bank reconciliation as a document: what `rec show --json` and `rec new --json` print (CLI
contract), with both sides (statement lines and bank entries), the evidence of each match and
the totals of BC 4.1."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.models import BankReconciliation
from bankrec.db.rec_repo import EntryRow
from bankrec.services.database import Database
from bankrec.services.reconciliation.common import (
    LineState,
    RecView,
    bank_of,
    details_of,
    get_rec,
    line_notes,
    money,
    places_of,
)

OUTSTANDING_KINDS = ("check", "deposit", "other")


def outstanding_kind(check_no: str | None, amount: int) -> str:
    """A check (it has a check number), a deposit in transit (money in), or another payment."""
    if check_no:
        return "check"
    return "deposit" if amount > 0 else "other"


def outstanding_rows(session: Session, rec: BankReconciliation) -> list[EntryRow]:
    """Entries on the books up to the statement date that this statement does not clear: not
    reversed, not closed, not matched here (BC 4.8). Live: for an open reconciliation."""
    matched = {e.entry_no for m in rec.matches for e in m.entries}
    rows = rec_repo.bank_entries(session, rec.bank_no, up_to=rec.statement_date, unclosed_only=True)
    return [r for r in rows if not r.reversed and r.entry.entry_no not in matched]


def entry_document(row: EntryRow, places: int) -> dict[str, Any]:
    entry = row.entry
    return {
        "entry_no": entry.entry_no,
        "posting_date": entry.posting_date.isoformat(),
        "document_no": entry.document_no,
        "external_document_no": entry.external_document_no,
        "description": entry.description,
        "check_no": entry.check_no or "",
        "amount": money(entry.amount_minor, places),
        "statement_status": row.status,
        "statement_no": row.statement_no,
        "statement_line_no": row.statement_line_no,
    }


def _line_status(state: LineState) -> str:
    if state.match is not None:
        return "matched" if state.difference == 0 else "difference"
    if state.line.decision == "rejected":
        return "rejected"
    if line_notes(state.line).get("tie"):
        return "tie"
    return "unmatched"


def _line_details(state: LineState, places: int) -> list[str]:
    if state.match is not None:
        details = details_of(state.match)
        if state.match.accepted and state.match.origin == "auto":
            details.append("accepted in review")
        if state.difference:
            details.append(
                f"applied {money(state.applied, places)} of "
                f"{money(state.line.amount_minor, places)}; difference "
                f"{money(state.difference, places)} blocks posting"
            )
        return details
    notes = line_notes(state.line)
    details = []
    if state.line.decision == "rejected":
        details.append("the automatic match was rejected in review")
    tie = notes.get("tie")
    if isinstance(tie, dict):
        details.append(str(tie.get("reason", "")))
    if notes.get("reason"):
        details.append(str(notes["reason"]))
    for near in notes.get("near", []):
        details.append(f"bank entry {near['entry_no']}: {near['reason']}")
    return list(dict.fromkeys(d for d in details if d))


def line_document(state: LineState, view: RecView, places: int) -> dict[str, Any]:
    """One line: the contract keys first, then what scripts and the review find useful."""
    line, match = state.line, state.match
    notes = line_notes(line)
    return {
        "line": line.line_no,
        "date": line.transaction_date.isoformat(),
        "amount": money(line.amount_minor, places),
        "text": line.text,
        "status": _line_status(state),
        "applied_amount": money(state.applied, places),
        "difference": money(state.difference, places),
        "entries": state.entry_nos,
        "details": _line_details(state, places),
        "match": None
        if match is None
        else {
            "kind": match.kind,
            "origin": match.origin,
            "accepted": match.accepted,
            "confidence": match.confidence,
            "score": match.score,
            "lines": [x.line_no for x in view.lines_of(match)],
        },
        "counterparty": line.counterparty_name,
        "check_no": line.check_no,
        "document_no": line.document_no,
        "end_to_end_id": line.end_to_end_id,
        "bank_reference": line.bank_reference,
        "decision": line.decision,
        "near": notes.get("near", []),
        "tie": notes.get("tie"),
        "statement_line": line.statement_line_id,
    }


def outstanding_items(
    session: Session, rec: BankReconciliation, places: int
) -> list[tuple[int, dict[str, Any]]]:
    """(amount in minor units, document) of each outstanding entry: the snapshot taken when the
    reconciliation was posted, or the live state of an open one."""
    if rec.status == "posted":
        return [
            (
                o.amount_minor,
                {
                    "entry_no": o.entry_no,
                    "posting_date": o.posting_date.isoformat(),
                    "document_no": o.document_no,
                    "description": o.description,
                    "check_no": o.check_no,
                    "amount": money(o.amount_minor, places),
                    "kind": o.kind,
                },
            )
            for o in rec.outstanding
        ]
    items = []
    for row in outstanding_rows(session, rec):
        document = entry_document(row, places)
        document["kind"] = outstanding_kind(row.entry.check_no, row.entry.amount_minor)
        items.append((row.entry.amount_minor, document))
    return items


def rec_document(session: Session, rec: BankReconciliation) -> dict[str, Any]:
    """The whole reconciliation as ``rec show --json`` writes it, read within ``session``."""
    currency = bank_of(session, rec).currency_code
    places = places_of(session, currency)
    view = RecView(rec)
    states = view.states()
    total = sum(s.line.amount_minor for s in states)
    applied = sum(s.applied for s in states)
    matched_nos = sorted(view.match_of_entry)
    rows = rec_repo.entries_by_no(session, matched_nos)
    matched_entries = []
    for entry_no in matched_nos:
        document = entry_document(rows[entry_no], places)
        document["lines"] = [x.line_no for x in view.lines_of(view.match_of_entry[entry_no])]
        matched_entries.append(document)
    items = outstanding_items(session, rec, places)
    outstanding = [document for _, document in items]
    return {
        "reconciliation": rec.id,
        "bank": rec.bank_no,
        "statement_no": rec.statement_no,
        "statement_date": rec.statement_date.isoformat(),
        "balance_last_statement": money(rec.balance_last_statement_minor, places),
        "ending_balance": money(rec.ending_balance_minor, places),
        "difference": money(total - applied, places),
        "lines": [line_document(s, view, places) for s in states],
        "outstanding_entries": [o["entry_no"] for o in outstanding],
        "status": rec.status,
        "currency": currency,
        "statement": rec.statement_id,
        "total_lines": money(total, places),
        "total_applied": money(applied, places),
        "statement_difference": money(
            rec.ending_balance_minor - rec.balance_last_statement_minor - total, places
        ),
        "total_outstanding": money(sum(amount for amount, _ in items), places),
        "line_count": len(states),
        "matched_lines": sum(1 for s in states if s.match is not None and s.difference == 0),
        "matched_entries": matched_entries,
        "outstanding": outstanding,
        "days": rec.days,
        "version": rec.version,
        "created_at": rec.created_at.isoformat(timespec="seconds"),
        "created_by": rec.created_by,
        "posted_at": rec.posted_at.isoformat(timespec="seconds") if rec.posted_at else None,
        "posted_by": rec.posted_by,
    }


def show_reconciliation(db: Database, rec_id: int) -> dict[str, Any]:
    """The reconciliation document (see ``rec_document``)."""
    with db.reading() as session:
        return rec_document(session, get_rec(session, rec_id))
