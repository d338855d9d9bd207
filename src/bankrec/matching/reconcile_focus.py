"""Narrowing a bank's entries to what one line could possibly be matched with, for ranking.

Indexing 12,000 entries costs a few hundred milliseconds; ranking one line for the manual match
page should cost far less. One linear pass of cheap tests keeps every entry that any criterion
of the ranking could select (the same amount, posted within the tolerance, a document or check
number standing in the line's text, the end-to-end id), plus the entries nearest in amount; the
usual indexes are then built over those few. What the full indexes would rank for the line is
kept, so the ranking is the same.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from bankrec.matching.reconcile_book import LineFacts, check_key
from bankrec.matching.reconcile_model import LedgerEntry, RecSettings
from bankrec.matching.text import alnum_runs, compact, line_number_core, rf_payload


def focus(
    facts: LineFacts, entries: Sequence[LedgerEntry], settings: RecSettings, nearest: int
) -> list[LedgerEntry]:
    """The entries worth ranking for the line (a superset of what the indexes would find)."""
    line = facts.line
    size, day, days = abs(line.amount), facts.day, settings.days
    text = facts.refs
    cores = {line_number_core(run) for run in alnum_runs(text)}
    for run in alnum_runs(text):
        payload = rf_payload(run)
        cores.update((payload, line_number_core(payload)) if payload else ())
    cores.discard("")
    reference = compact(line.end_to_end_id)
    checks = set(facts.checks)
    kept: list[LedgerEntry] = []
    others: list[LedgerEntry] = []
    for entry in entries:
        if (
            abs(entry.amount) == size
            or day is None
            or abs(entry.posting_date.toordinal() - day) <= days
            or _named(entry, text, cores, reference, checks)
        ):
            kept.append(entry)
        elif (entry.amount > 0) == (line.amount > 0):
            others.append(entry)
    kept += heapq.nsmallest(
        nearest, others, key=lambda e: (abs(e.amount - line.amount), e.entry_no)
    )
    return kept


def _named(
    entry: LedgerEntry, text: str, cores: set[str], reference: str, checks: set[str]
) -> bool:
    for value in (entry.document_no, entry.external_document_no):
        upper = value.strip().upper()
        if upper and (
            upper in text
            or any(core in upper for core in cores)
            or (reference and compact(upper) == reference)
        ):
            return True
    return bool(checks) and (
        check_key(entry.check_no) in checks or any(check in entry.description for check in checks)
    )
