"""What the matching engine returns: per line, the proposal, its evidence and its explanation.

Everything here is a frozen value the service layer stores or renders; amounts are bank-currency
minor units with the sign of the statement line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bankrec.matching.documents import DocField
from bankrec.matching.model import AccountType, Confidence
from bankrec.matching.names import RelatedHow
from bankrec.matching.rules import AmountMatch, DocMatch, ReferenceMatch, RelatedParty, Rule

TargetKind = Literal["entries", "bank_entry", "mapping", "transfer"]
CandidateKind = Literal["entry", "group", "subset", "bank_entry", "mapping"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The observed value of each rule criterion, and what decided it.

    ``amount_in_window`` counts the open entries (and groups) whose amount fits the line's
    tolerance window, over the whole ledger as BC does. ``alternatives_same_score`` counts other
    candidates of this line with the winning score; ``contested_by_lines`` counts other lines that
    wanted the same entry with the same score and lost only on a tie-break.
    """

    related_party: RelatedParty = "no"
    related_how: RelatedHow | None = None
    name_similarity: int = 0
    doc_match: DocMatch = "no"
    doc_field: DocField | None = None
    doc_token: str = ""
    amount_match: AmountMatch = "none"
    amount_in_window: int = 0
    reference_match: ReferenceMatch = "not_considered"
    alternatives_same_score: int = 0
    contested_by_lines: int = 0


@dataclass(frozen=True, slots=True)
class ProposedApplication:
    """One entry (or account) a line pays. ``applied_amount`` includes ``discount``: the line
    itself contributes ``applied_amount - discount`` (reference 5.7)."""

    entry_no: int | None
    ledger: AccountType
    account_no: str
    document_no: str
    applied_amount: int
    discount: int = 0
    received: int | None = None
    """A transfer to another of our banks: what that bank receives, in its currency."""
    paired_line_id: int | None = None
    """A transfer: the other bank's statement line that shows its other leg."""


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A candidate that was not applied, and the reason in words."""

    entry_no: int | None
    account_no: str
    document_no: str
    reason: str
    ledger: AccountType | None = None


@dataclass(frozen=True, slots=True)
class LineMatch:
    """The proposal for one statement line; ``confidence`` "none" means nothing is applied.

    ``confidence`` is the band of the winning rule, lowered one band when a tie decided the
    match (then ``review_required`` is set too); ``difference`` is what the applications leave
    of the line amount (an overpayment, for the user to accept or transfer).
    """

    line_no: int
    confidence: Confidence
    score: int
    rule: Rule | None
    target: TargetKind | None
    account_type: AccountType | None
    account_no: str
    applications: tuple[ProposedApplication, ...]
    difference: int
    evidence: Evidence
    details: tuple[str, ...]
    near_misses: tuple[NearMiss, ...]
    review_required: bool = False

    @property
    def applied(self) -> bool:
        return bool(self.applications)


@dataclass(frozen=True, slots=True)
class JournalMatch:
    """Every line's proposal, in line number order."""

    lines: tuple[LineMatch, ...]

    def line(self, line_no: int) -> LineMatch:
        for match in self.lines:
            if match.line_no == line_no:
                return match
        raise KeyError(line_no)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked possibility for a line (``rank_candidates``), best first.

    ``blocked`` says why automatic matching would not consider it (posted after the payment,
    opposite sign); it is empty for a candidate that passes those gates.
    """

    kind: CandidateKind
    entry_nos: tuple[int, ...]
    account_type: AccountType
    account_no: str
    document_nos: tuple[str, ...]
    amount: int
    score: int
    confidence: Confidence
    rule: Rule | None
    evidence: Evidence
    details: tuple[str, ...]
    blocked: str = ""
