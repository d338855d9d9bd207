"""The rule table: BC's 25 default rules, the score formula and the confidence bands."""

from __future__ import annotations

from bankrec.matching import DEFAULT_RULES, MAPPING_SCORE, Rule, confidence_of
from bankrec.matching.rules import RuleTable, lower_confidence, minimum_score


def test_default_rules_are_bcs_twenty_five_in_order() -> None:
    assert len(DEFAULT_RULES) == 25
    first = DEFAULT_RULES[0]
    assert (first.confidence, first.priority, first.reference_match) == ("high", 1, "yes")
    assert first.related_party == first.doc_match == first.amount_match == "not_considered"
    bands = [(r.confidence, r.priority) for r in DEFAULT_RULES]
    assert bands == [
        *(("high", p) for p in range(1, 12)),
        *(("medium", p) for p in range(1, 10)),
        *(("low", p) for p in range(1, 6)),
    ]
    assert [r.score for r in DEFAULT_RULES] == sorted(
        (r.score for r in DEFAULT_RULES), reverse=True
    )
    assert all(r.review_required == (r.confidence != "high") for r in DEFAULT_RULES)


def test_score_formula_and_bands() -> None:
    assert Rule("high", 4).score == 3996
    assert Rule("none", 10).score == 990
    assert minimum_score(DEFAULT_RULES) == 1995
    assert confidence_of(3996) == "high"
    assert confidence_of(MAPPING_SCORE) == "high"
    assert confidence_of(2999) == "medium"
    assert confidence_of(1995) == "low"
    assert confidence_of(0) == "none"
    assert lower_confidence("high") == "medium"
    assert lower_confidence("low") == "none"


def test_best_rule_for_observed_values() -> None:
    table = RuleTable(DEFAULT_RULES)
    best = table.best("fully", "yes", "one", "not_considered")
    assert best is not None
    assert best.score == 3996
    best = table.best("no", "yes", "none", "not_considered")
    assert best is not None
    assert best.score == 2991
    assert table.best("no", "no", "none", "not_considered") is None
    best = table.best("no", "no", "none", "yes")
    assert best is not None
    assert best.score == 3999


def test_rules_are_data() -> None:
    """A company that trusts amounts alone can say so; the engine follows the table given."""
    table = RuleTable([Rule("high", 50, amount_match="one", review_required=False)])
    best = table.best("no", "no", "one", "not_considered")
    assert best is not None
    assert best.score == 3950
    assert table.minimum == 3950
