"""Payment application rules: which combination of evidence earns which score (reference 5.5).

A rule names a value (or "not considered") for each of four criteria. The score of a candidate is
that of the best rule all of whose criteria hold; rules are data passed in by the caller, so a
company can re-rank them, and the engine only assumes the scoring formula.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bankrec.matching.model import Confidence

RelatedParty = Literal["fully", "partially", "no"]
DocMatch = Literal["yes", "yes_multiple", "no"]
AmountMatch = Literal["one", "multiple", "none"]
ReferenceMatch = Literal["yes", "no", "not_considered"]

RuleRelatedParty = Literal["fully", "partially", "no", "not_considered"]
RuleDocMatch = Literal["yes", "yes_multiple", "no", "not_considered"]
RuleAmountMatch = Literal["one", "multiple", "none", "not_considered"]

CONFIDENCE_RANK: dict[Confidence, int] = {"none": 0, "low": 1, "medium": 2, "high": 3}
MAPPING_SCORE = 3000
"""A text-to-account mapping: above every Medium rule, below every High rule (reference 5.5.2)."""

_RELATED: tuple[RelatedParty, ...] = ("fully", "partially", "no")
_DOCS: tuple[DocMatch, ...] = ("yes", "yes_multiple", "no")
_AMOUNTS: tuple[AmountMatch, ...] = ("one", "multiple", "none")
_REFERENCES: tuple[ReferenceMatch, ...] = ("yes", "no", "not_considered")


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the rule table; ``reference_match`` generalises BC's direct-debit criterion:
    the line's end-to-end or bank transaction id equals the entry's payment reference."""

    confidence: Confidence
    priority: int
    related_party: RuleRelatedParty = "not_considered"
    doc_match: RuleDocMatch = "not_considered"
    amount_match: RuleAmountMatch = "not_considered"
    reference_match: ReferenceMatch = "not_considered"
    review_required: bool = True
    apply_immediately: bool = False

    @property
    def score(self) -> int:
        return (CONFIDENCE_RANK[self.confidence] + 1) * 1000 - self.priority

    def accepts(
        self, related: RelatedParty, doc: DocMatch, amount: AmountMatch, reference: ReferenceMatch
    ) -> bool:
        """Whether every criterion of the rule holds for the observed values."""
        return (
            self.related_party in ("not_considered", related)
            and self.doc_match in ("not_considered", doc)
            and self.amount_match in ("not_considered", amount)
            and self.reference_match in ("not_considered", reference)
        )

    def describe(self) -> str:
        return f"{self.confidence.capitalize()} {self.priority} (score {self.score})"


def confidence_of(score: int) -> Confidence:
    """The band of a score. 3000 is the text-mapping score, reported as high (BC: "High -
    Text-to-Account Mapping"); rules give High 3001-3999, Medium 2001-2999, Low 1001-1999."""
    if score >= MAPPING_SCORE:
        return "high"
    if score > 2000:
        return "medium"
    if score > 1000:
        return "low"
    return "none"


def lower_confidence(confidence: Confidence) -> Confidence:
    """One band down: what a tie costs a match."""
    return _LOWER[confidence]


_LOWER: dict[Confidence, Confidence] = {
    "high": "medium",
    "medium": "low",
    "low": "none",
    "none": "none",
}


def minimum_score(rules: Iterable[Rule]) -> int:
    """The lowest score among rules that give any confidence; candidates below it are dropped."""
    scores = [rule.score for rule in rules if rule.confidence != "none"]
    return min(scores) if scores else MAPPING_SCORE


class RuleTable:
    """The best rule for every combination of observed values, worked out once (81 entries)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self.minimum = minimum_score(self.rules)
        self._best: dict[tuple[str, str, str, str], Rule | None] = {}
        for combo in itertools.product(_RELATED, _DOCS, _AMOUNTS, _REFERENCES):
            fitting = [rule for rule in self.rules if rule.accepts(*combo)]
            # Equal scores: the earlier rule in the table wins, as in BC's rule order.
            self._best[combo] = max(fitting, key=lambda r: r.score, default=None)

    def best(
        self, related: RelatedParty, doc: DocMatch, amount: AmountMatch, reference: ReferenceMatch
    ) -> Rule | None:
        return self._best[(related, doc, amount, reference)]


def _rule(
    confidence: Confidence,
    priority: int,
    related: RuleRelatedParty,
    doc: RuleDocMatch,
    amount: RuleAmountMatch,
    apply_immediately: bool = False,
) -> Rule:
    return Rule(
        confidence,
        priority,
        related,
        doc,
        amount,
        "not_considered",
        review_required=confidence != "high",
        apply_immediately=apply_immediately,
    )


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("high", 1, reference_match="yes", review_required=False, apply_immediately=True),
    _rule("high", 2, "fully", "yes_multiple", "one", apply_immediately=True),
    _rule("high", 3, "fully", "yes_multiple", "multiple", apply_immediately=True),
    _rule("high", 4, "fully", "yes", "one", apply_immediately=True),
    _rule("high", 5, "fully", "yes", "multiple"),
    _rule("high", 6, "partially", "yes_multiple", "one"),
    _rule("high", 7, "partially", "yes_multiple", "multiple"),
    _rule("high", 8, "partially", "yes", "one"),
    _rule("high", 9, "fully", "no", "one"),
    _rule("high", 10, "no", "yes_multiple", "one"),
    _rule("high", 11, "no", "yes_multiple", "multiple"),
    _rule("medium", 1, "fully", "yes_multiple", "not_considered"),
    _rule("medium", 2, "fully", "yes", "not_considered"),
    _rule("medium", 3, "fully", "no", "multiple"),
    _rule("medium", 4, "partially", "yes_multiple", "not_considered"),
    _rule("medium", 5, "partially", "yes", "not_considered"),
    _rule("medium", 6, "no", "yes", "one"),
    _rule("medium", 7, "no", "yes_multiple", "not_considered"),
    _rule("medium", 8, "partially", "no", "one"),
    _rule("medium", 9, "no", "yes", "not_considered"),
    _rule("low", 1, "fully", "no", "none"),
    _rule("low", 2, "partially", "no", "multiple"),
    _rule("low", 3, "partially", "no", "none"),
    _rule("low", 4, "no", "no", "one"),
    _rule("low", 5, "no", "no", "multiple"),
)
"""Business Central's 25 default rules in its own order (reference 5.5.3, code version)."""
