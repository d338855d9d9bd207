"""Payment application rules (BC 5.5): which observed criteria give which match confidence.

A rule is named by its id or by ``CONFIDENCE:PRIORITY`` (``high:3``). Its score is
``(confidence rank + 1) * 1000 - priority``; the matching engine takes the best-scoring rule
whose criteria all hold.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bankrec.db.models import PaymentApplicationRule
from bankrec.db.models_payment import (
    AMOUNT_MATCH,
    DOC_MATCH,
    REFERENCE_MATCH,
    RELATED_PARTY,
    RULE_CONFIDENCES,
)
from bankrec.errors import InputError, NotFoundError
from bankrec.matching.model import Confidence
from bankrec.matching.rules import (
    DEFAULT_RULES,
    ReferenceMatch,
    Rule,
    RuleAmountMatch,
    RuleDocMatch,
    RuleRelatedParty,
)
from bankrec.services.database import Database

CONFIDENCE_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}
CRITERIA: dict[str, tuple[str, ...]] = {
    "related_party": RELATED_PARTY,
    "doc_match": DOC_MATCH,
    "amount_match": AMOUNT_MATCH,
    "reference_match": REFERENCE_MATCH,
}


def rule_score(confidence: str, priority: int) -> int:
    return (CONFIDENCE_RANK[confidence] + 1) * 1000 - priority


@dataclass(frozen=True)
class RuleView:
    id: int
    confidence: str
    priority: int
    related_party: str
    doc_match: str
    amount_match: str
    reference_match: str
    review_required: bool
    apply_immediately: bool

    @property
    def name(self) -> str:
        return f"{self.confidence}:{self.priority}"

    @property
    def score(self) -> int:
        return rule_score(self.confidence, self.priority)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.name,
            "confidence": self.confidence,
            "priority": self.priority,
            "score": self.score,
            "related_party": self.related_party,
            "doc_match": self.doc_match,
            "amount_match": self.amount_match,
            "reference_match": self.reference_match,
            "review_required": self.review_required,
            "apply_immediately": self.apply_immediately,
        }


@dataclass(frozen=True)
class RuleChanges:
    """What ``set_rule`` changes; None leaves a field as it is."""

    confidence: str | None = None
    priority: int | None = None
    related_party: str | None = None
    doc_match: str | None = None
    amount_match: str | None = None
    reference_match: str | None = None
    review_required: bool | None = None
    apply_immediately: bool | None = None

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


def _view(row: PaymentApplicationRule) -> RuleView:
    return RuleView(
        row.id,
        row.confidence,
        row.priority,
        row.related_party,
        row.doc_match,
        row.amount_match,
        row.reference_match,
        row.review_required,
        row.apply_immediately,
    )


def _ordered(session: Session) -> list[PaymentApplicationRule]:
    rows = list(session.scalars(select(PaymentApplicationRule)))
    return sorted(rows, key=lambda r: (-rule_score(r.confidence, r.priority), r.id))


def _find(session: Session, reference: str) -> PaymentApplicationRule:
    text = reference.strip()
    if text.isdigit():
        row = session.get(PaymentApplicationRule, int(text))
    elif ":" in text:
        confidence, _, priority = text.partition(":")
        if not priority.strip().isdigit():
            raise InputError(f'rule "{reference}": the priority after ":" must be a number')
        row = session.scalars(
            select(PaymentApplicationRule).where(
                PaymentApplicationRule.confidence == confidence.strip().lower(),
                PaymentApplicationRule.priority == int(priority),
            )
        ).first()
    else:
        raise InputError(
            f'rule "{reference}" is neither an id nor CONFIDENCE:PRIORITY (like high:3); see '
            "`bankrec rules list`"
        )
    if row is None:
        raise NotFoundError(f"rule {reference} does not exist; see `bankrec rules list`")
    return row


def _validate(changes: dict[str, Any]) -> None:
    allowed = {"confidence": RULE_CONFIDENCES, **CRITERIA}
    for name, value in changes.items():
        if name in allowed and value not in allowed[name]:
            raise InputError(
                f'{name.replace("_", " ")} "{value}" is not one of {", ".join(allowed[name])}'
            )
    priority = changes.get("priority")
    if priority is not None and not 1 <= priority <= 999:
        raise InputError(f"priority {priority} must be from 1 to 999 (1 is the best)")


def set_rule(db: Database, reference: str, changes: RuleChanges) -> RuleView:
    """Change a rule's confidence, priority, criteria or flags; priorities stay unique per
    confidence."""
    wanted = changes.given()
    if not wanted:
        raise InputError("nothing to change; give at least one option (see --help)")
    _validate(wanted)
    with db.transaction() as session:
        row = _find(session, reference)
        confidence = wanted.get("confidence", row.confidence)
        priority = wanted.get("priority", row.priority)
        clash = session.scalars(
            select(PaymentApplicationRule).where(
                PaymentApplicationRule.confidence == confidence,
                PaymentApplicationRule.priority == priority,
                PaymentApplicationRule.id != row.id,
            )
        ).first()
        if clash is not None:
            raise InputError(
                f"rule {confidence}:{priority} already exists (id {clash.id}); choose a free "
                "priority or move that rule first"
            )
        for name, value in wanted.items():
            setattr(row, name, value)
        session.flush()
        return _view(row)


def list_rules(db: Database) -> list[RuleView]:
    """Every rule, best score first."""
    with db.reading() as session:
        return [_view(row) for row in _ordered(session)]


def _plain(value: object) -> Any:
    return value.value if isinstance(value, Enum) else value


def reset_rules(db: Database) -> list[RuleView]:
    """Replace every rule by Business Central's 25 defaults."""
    with db.transaction() as session:
        session.execute(delete(PaymentApplicationRule))
        for rule in DEFAULT_RULES:
            session.add(
                PaymentApplicationRule(
                    confidence=_plain(rule.confidence),
                    priority=rule.priority,
                    related_party=_plain(rule.related_party),
                    doc_match=_plain(rule.doc_match),
                    amount_match=_plain(rule.amount_match),
                    reference_match=_plain(rule.reference_match),
                    review_required=rule.review_required,
                    apply_immediately=rule.apply_immediately,
                )
            )
        session.flush()
        return [_view(row) for row in _ordered(session)]


def _rule(row: PaymentApplicationRule) -> Rule:
    # The table's CHECK constraints hold each column to the engine's vocabulary.
    return Rule(
        confidence=cast(Confidence, row.confidence),
        priority=row.priority,
        related_party=cast(RuleRelatedParty, row.related_party),
        doc_match=cast(RuleDocMatch, row.doc_match),
        amount_match=cast(RuleAmountMatch, row.amount_match),
        reference_match=cast(ReferenceMatch, row.reference_match),
        review_required=row.review_required,
        apply_immediately=row.apply_immediately,
    )


def load_rules(session: Session) -> tuple[Rule, ...]:
    """The stored rules as the matching engine takes them, best score first."""
    return tuple(_rule(row) for row in _ordered(session))
