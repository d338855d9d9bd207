"""Narrowing the open items to what one line can possibly match, for ranking a single line.

Building every index over 100,000 open entries costs about a second; ranking one line for manual
application must answer faster than that. One linear pass of cheap tests (substring look-ups in
C, integer comparisons) keeps every entry that any criterion could select (the parties the line
names, documents its text contains, amounts in its window, its references), and the usual indexes
are then built over those few. Whatever the full indexes would find for the line is kept, so the
scores are the same.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Mapping

from bankrec.matching.amounts import tolerance_window
from bankrec.matching.evaluate import NEAREST
from bankrec.matching.model import Converter, EntryKey, OpenEntry, Party, PaymentLine, Settings
from bankrec.matching.names import PartyKey, line_account_keys
from bankrec.matching.text import (
    alnum_runs,
    compact,
    fold,
    line_number_core,
    reference_key,
    rf_payload,
    search_text,
    words,
)

_ACCOUNT_TAIL = 6
_PREFIX = 4
_SPACES = re.compile(r"\s+")


def focus_parties(line: PaymentLine, parties: Iterable[Party]) -> list[Party]:
    """Parties sharing an account tail or a name-word prefix with the line."""
    tails = {key[-_ACCOUNT_TAIL:] for key in line_account_keys(line.counterparty_account)}
    source = line.counterparty_name or line.text
    prefixes = sorted({w[:_PREFIX] for w in words(source) if len(w) >= 2})
    pattern = re.compile("|".join(re.escape(p) for p in prefixes)) if prefixes else None
    kept = []
    for party in parties:
        if (
            tails
            and any(
                tail in _SPACES.sub("", account).upper()
                for account in party.accounts
                for tail in tails
            )
        ) or (pattern is not None and pattern.search(_collapse(fold(party.name)))):
            kept.append(party)
    return kept


def _collapse(text: str) -> str:
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def focus_entries(
    line: PaymentLine,
    entries: Iterable[OpenEntry],
    party_keys: set[PartyKey],
    settings: Settings,
    converter: Converter | None,
    reserved: Mapping[EntryKey, int],
) -> list[OpenEntry]:
    """Entries of the named parties, entries named in the text, entries worth the amount."""
    low, high = tolerance_window(line.amount, settings)
    text = search_text(line.text, line.additional_text)
    numbers = _numbers(line, text)
    creditor = reference_key(line.creditor_reference)
    ids = {reference_key(line.end_to_end_id), reference_key(line.bank_transaction_id)} - {""}
    kept, others = [], []
    for entry in entries:
        if (
            (entry.ledger, entry.party_no) in party_keys
            or low <= entry.remaining_bank <= high
            or low <= entry.remaining_bank - entry.discount_possible <= high
            or (entry.ledger, entry.entry_no) in reserved
            or (converter is not None and entry.currency not in ("", settings.bank_currency))
            or _named(entry, text, numbers, creditor, ids)
        ):
            kept.append(entry)
        elif (entry.remaining_bank > 0) == (line.amount > 0):
            others.append(entry)
    return kept + _nearest(line.amount, others)


def _nearest(amount: int, entries: list[OpenEntry]) -> list[OpenEntry]:
    """The entries nearest in amount, per ledger (what ranking shows when nothing fits)."""
    chosen = []
    for ledger in ("customer", "vendor"):
        same = (e for e in entries if e.ledger == ledger)
        chosen += heapq.nsmallest(
            NEAREST, same, key=lambda e: (abs(e.remaining_bank - amount), e.entry_no)
        )
    return chosen


def _numbers(line: PaymentLine, text: str) -> list[str]:
    """Numeric cores and RF payloads the line offers, each to be found inside a document no."""
    found = {line_number_core(run) for run in alnum_runs(text)}
    for reference in (line.creditor_reference, *alnum_runs(text)):
        payload = rf_payload(reference)
        if payload:
            found.update({payload, line_number_core(payload)})
    return sorted(found - {""})


def _named(entry: OpenEntry, text: str, numbers: list[str], creditor: str, ids: set[str]) -> bool:
    for value in (entry.document_no, entry.external_document_no, entry.payment_reference):
        if not value:
            continue
        upper = value.strip().upper()
        if upper in text or any(number in upper for number in numbers):
            return True
        if (creditor or ids) and compact(upper) in (creditor, *ids):
            return True
    return False
