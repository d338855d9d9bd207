"""What bank account reconciliation matching is given and what it returns.

Bank reconciliation pairs the lines of a bank statement with bank ledger entries that are already
posted (reference section 4): nothing is posted by a match, a line and its entries are only
closed together. Amounts are integer minor units of the bank account's currency; the sign is the
effect on the bank balance on both sides, so a line and its entries always carry the same sign.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from typing import Literal

MatchKind = Literal["one_to_one", "one_to_many", "many_to_one"]
RecConfidence = Literal["high", "medium", "low"]
CandidateConfidence = Literal["high", "medium", "low", "none"]


@dataclass(frozen=True, slots=True)
class RecLine:
    """One statement line of the reconciliation."""

    line_no: int
    identity: str
    """A stable key (the line's dedupe key): ties break on it, never on input order."""
    date: date | None
    amount: int
    text: str = ""
    counterparty_name: str = ""
    additional_text: str = ""
    check_no: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""
    document_no: str = ""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """An open, unreversed bank ledger entry of this bank, posted on or before the statement
    date; ``amount`` is what remains open of it (reference 4.3)."""

    entry_no: int
    posting_date: date
    amount: int
    document_no: str = ""
    external_document_no: str = ""
    description: str = ""
    check_no: str = ""
    party_name: str = ""
    """The name of the customer or vendor the entry was posted against, if any."""


@dataclass(frozen=True, slots=True)
class RecSettings:
    """Settings of one automatic match.

    ``days`` is the transaction date tolerance: an entry posted more than this many days before
    or after a line is not its candidate (0 = the same day only). ``subset_budget_steps`` bounds
    the search for several entries (or lines) adding up to one amount for the whole run; it is
    counted in search steps, never on the clock, so the same statement always gets the same
    answer. ``similarity_threshold`` is the rapidfuzz similarity (0-100) at which a description
    or party name counts as agreeing.
    """

    days: int = 5
    currency_decimals: int = 2
    subset_max_entries: int = 12
    subset_budget_steps: int = 2_000_000
    similarity_threshold: int = 85


@dataclass(frozen=True, slots=True)
class RecMatch:
    """A proposed match: one line with one or several entries, or several lines with one entry.

    ``difference`` is the lines' sum less the entries' sum: zero except for a low-confidence
    match on a reference with a close amount, where it blocks posting until resolved.
    """

    line_nos: tuple[int, ...]
    entry_nos: tuple[int, ...]
    kind: MatchKind
    confidence: RecConfidence
    score: int
    difference: int
    details: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecNear:
    """An entry that came close to an unmatched line, and why it was not matched."""

    entry_no: int
    reason: str


@dataclass(frozen=True, slots=True)
class RecUnmatched:
    """A line left without a match, why, and up to three nearest entries."""

    line_no: int
    reason: str
    near: tuple[RecNear, ...]


@dataclass(frozen=True, slots=True)
class RecTie:
    """Lines and entries that fit each other equally well in more than one way; none of them is
    matched, the user decides."""

    line_nos: tuple[int, ...]
    entry_nos: tuple[int, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class RecResult:
    """Matches, unmatched lines and flagged ties, each in line number order."""

    matches: tuple[RecMatch, ...]
    unmatched: tuple[RecUnmatched, ...]
    ties: tuple[RecTie, ...]

    def match_of(self, line_no: int) -> RecMatch | None:
        """The match that includes ``line_no``, if any."""
        for match in self.matches:
            if line_no in match.line_nos:
                return match
        return None

    def by_line(self) -> dict[int, RecMatch]:
        """Every matched line number with its match (a many-to-one match under each line)."""
        return {line_no: match for match in self.matches for line_no in match.line_nos}

    def unmatched_line(self, line_no: int) -> RecUnmatched | None:
        """The unmatched line ``line_no``, if it is one (by bisection: they are in order)."""
        position = bisect_left(self.unmatched, line_no, key=lambda item: item.line_no)
        if position < len(self.unmatched) and self.unmatched[position].line_no == line_no:
            return self.unmatched[position]
        return None


@dataclass(frozen=True, slots=True)
class RecCandidate:
    """One ranked possibility for a line (``rank_entries``), best first.

    ``blocked_reason`` says why automatic matching would not propose it (posted outside the date
    tolerance, opposite sign, a different check number, an amount alone that is not unique); it
    is empty for a candidate automatic matching would accept on its own.
    """

    entry_nos: tuple[int, ...]
    score: int
    confidence: CandidateConfidence
    details: tuple[str, ...]
    blocked_reason: str = ""
