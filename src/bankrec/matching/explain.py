"""Turning an outcome into what a bookkeeper reads: evidence, sentences and near misses.

Every proposal says which facts matched, which rule scored them, what the application does to
each entry, and whether a tie decided it. A line left unapplied says why, and names the nearest
candidates with the reason each failed ("invoice 103001 posted after the payment ...").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from bankrec.domain.money import format_minor
from bankrec.matching.apply import Plan
from bankrec.matching.book import WINDOW_CAP, BankBook, EntryBook
from bankrec.matching.model import EntryKey, PaymentLine, Settings
from bankrec.matching.options import LineOptions, Option, amount_only, entry_label
from bankrec.matching.result import Candidate, Evidence, LineMatch, NearMiss, TargetKind
from bankrec.matching.rules import MAPPING_SCORE, RuleTable, confidence_of, lower_confidence

NEAR_MISSES = 3


@dataclass(frozen=True, slots=True)
class Outcome:
    """One line's result from the assignment, before it is put into words."""

    found: LineOptions
    winner: Option | None
    plan: Plan | None
    alternatives: tuple[Option, ...]
    rivals: tuple[int, ...]
    taken: Mapping[EntryKey, int]


class Explainer:
    """Builds ``LineMatch`` and ``Candidate`` values with their sentences."""

    def __init__(
        self, book: EntryBook, bank: BankBook, table: RuleTable, settings: Settings
    ) -> None:
        self.book = book
        self.bank = bank
        self.table = table
        self.decimals = settings.currency_decimals

    def label(self, option: Option) -> str:
        if option.kind == "mapping" and option.mapping is not None:
            return f"text mapping {option.mapping.mapping_id}"
        if option.kind == "bank_entry":
            return f"bank entry {option.keys[0][1]}"
        if len(option.members) == 1:
            described = entry_label(self.book, option.members[0])
            return f"{option.account_type} entry {option.keys[0][1]} ({described})"
        numbers = ", ".join(str(key[1]) for key in option.keys)
        return f"{option.account_type} {option.account_no} entries {numbers}"

    def rule_sentence(self, option: Option) -> str:
        ev = option.evidence
        if option.rule is None and option.kind == "mapping":
            return f"text-to-account mapping score {MAPPING_SCORE}"
        if option.rule is None:
            return (
                f"no rule applies (related party {ev.related_party}, document {ev.doc_match}, "
                f"amount {ev.amount_match}): not a candidate for automatic application"
            )
        return (
            f"rule {option.rule.describe()}: related party {ev.related_party}, document "
            f"{ev.doc_match}, amount {ev.amount_match}, reference {ev.reference_match}"
        )

    # -- a line -------------------------------------------------------------------------------

    def line_match(self, outcome: Outcome, ranked_off: list[Option]) -> LineMatch:
        line = outcome.found.line
        if line.amount == 0:
            return _unapplied(line, Evidence(), ("the line amount is zero",), ())
        winner, plan = outcome.winner, outcome.plan
        if winner is None or plan is None:
            return self._unmatched(outcome, ranked_off)
        hidden = outcome.found.hidden_ties.get(winner.score, 0)
        tied = len(outcome.alternatives) + hidden
        banded = confidence_of(winner.score)
        confidence = lower_confidence(banded) if tied or outcome.rivals else banded
        evidence = dataclasses.replace(
            winner.evidence, alternatives_same_score=tied, contested_by_lines=len(outcome.rivals)
        )
        details = [*winner.facts, self.rule_sentence(winner)]
        details += self._tie_sentences(outcome, tied, banded, confidence)
        if confidence == "none":
            details += outcome.found.notes
            misses = self.near_misses(outcome, ranked_off)
            return _unapplied(line, evidence, tuple(details), misses)
        details += [*plan.notes, *outcome.found.notes, *self._overridden(outcome)]
        return LineMatch(
            line_no=line.line_no,
            confidence=confidence,
            score=winner.score,
            rule=winner.rule,
            target=_target(winner),
            account_type=winner.account_type,
            account_no=winner.account_no,
            applications=plan.applications,
            difference=plan.difference,
            evidence=evidence,
            details=tuple(details),
            near_misses=self.near_misses(outcome, ranked_off) if confidence == "low" else (),
            review_required=(winner.rule.review_required if winner.rule else False)
            or confidence != banded,
        )

    def _tie_sentences(
        self, outcome: Outcome, tied: int, banded: str, confidence: str
    ) -> list[str]:
        sentences = []
        winner = outcome.winner
        assert winner is not None
        if tied:
            labels = ", ".join(self.label(o) for o in outcome.alternatives[:5])
            more = tied - min(len(outcome.alternatives), 5)
            labels += f" and {more} more" if more else ""
            sentences.append(f"{tied} other candidate(s) score the same ({winner.score}): {labels}")
        if outcome.rivals:
            lines = ", ".join(str(n) for n in outcome.rivals)
            sentences.append(f"line(s) {lines} wanted {self.label(winner)} with the same score")
        if confidence != banded:
            verdict = "; not applied" if confidence == "none" else ""
            sentences.append(
                f"confidence lowered from {banded} to {confidence} by the tie{verdict}"
            )
        return sentences

    def _overridden(self, outcome: Outcome) -> list[str]:
        winner = outcome.winner
        if winner is None or winner.score <= MAPPING_SCORE:
            return []
        return [
            f"text mapping '{o.mapping.text}' also fits; the high-confidence match takes precedence"
            for o in outcome.found.options
            if o.kind == "mapping" and o.mapping is not None
        ]

    def _unmatched(self, outcome: Outcome, ranked_off: list[Option]) -> LineMatch:
        line = outcome.found.line
        ranked = outcome.found.ranked()
        best = ranked[0] if ranked else None
        details: list[str] = []
        evidence = Evidence()
        if best is not None:
            same = [o for o in ranked if o.score == best.score and o is not best]
            evidence = dataclasses.replace(best.evidence, alternatives_same_score=len(same))
            details += best.facts
            details.append(self._why_not(outcome, best, same))
        else:
            details.append("no open entry, bank entry or text mapping fits the payment")
        details += outcome.found.notes
        return _unapplied(line, evidence, tuple(details), self.near_misses(outcome, ranked_off))

    def _why_not(self, outcome: Outcome, best: Option, same: list[Option]) -> str:
        if amount_only(best.seen):
            count = best.evidence.amount_in_window
            shown = f"more than {WINDOW_CAP}" if count > WINDOW_CAP else str(count)
            labels = ", ".join(self.label(o) for o in [best, *same][:5])
            amount = format_minor(outcome.found.line.amount, self.decimals)
            return (
                f"{shown} open entries score the same ({best.score}) on the amount {amount} "
                f"alone: {labels}; an amount alone does not identify the payment; not applied"
            )
        holder = self._holder(outcome, best)
        if holder:
            return f"{self.label(best)} went to line {holder}; not applied"
        return f"best candidate {self.label(best)} scores {best.score}; not applied"

    def _holder(self, outcome: Outcome, option: Option) -> int | None:
        line_no = outcome.found.line.line_no
        for key in option.keys:
            holder = outcome.taken.get(key)
            if holder is not None and holder != line_no:
                return holder
        return None

    # -- near misses --------------------------------------------------------------------------

    def near_misses(self, outcome: Outcome, ranked_off: list[Option]) -> tuple[NearMiss, ...]:
        line = outcome.found.line
        misses: list[NearMiss] = []
        account = line.counterparty_account.strip()
        if account and not outcome.found.account_known:
            label = "IBAN" if account[:2].isalpha() else "account"
            misses.append(NearMiss(None, "", "", f"no customer or vendor has {label} {account}"))
        winner_keys = outcome.winner.keys if outcome.winner else None
        shown = 0
        for option in ranked_off:
            if shown == NEAR_MISSES:
                break
            if option.kind == "mapping" or option.keys == winner_keys:
                continue
            misses.append(self._near_miss(outcome, option))
            shown += 1
        return tuple(misses)

    def _near_miss(self, outcome: Outcome, option: Option) -> NearMiss:
        holder = self._holder(outcome, option)
        if option.blocked:
            reason = option.blocked
            if option.seen is not None and option.seen.amount == "none":
                reason += f"; {self._gap(outcome, option)}"
        elif holder:
            reason = f"applied to line {holder}"
        elif amount_only(option.seen):
            reason = (
                f"{option.evidence.amount_in_window} open entries have this amount; "
                "an amount alone does not identify the payment"
            )
        elif not option.score or (option.rule is not None and option.score < self.table.minimum):
            reason = self._weak(outcome, option)
        elif outcome.winner is not None:
            reason = f"scores {option.score}, below the applied {outcome.winner.score}"
        else:
            reason = f"scores {option.score} but ties with other candidates"
        entry_no = option.keys[0][1] if len(option.keys) == 1 else None
        ledger = "bank" if option.kind == "bank_entry" else option.account_type
        document = ", ".join(d for d in option.document_nos if d)
        return NearMiss(entry_no, option.account_no, document, reason, ledger)

    def _weak(self, outcome: Outcome, option: Option) -> str:
        ev = option.evidence
        parts = []
        if ev.amount_match == "none":
            parts.append(self._gap(outcome, option))
        if ev.related_party == "no":
            parts.append("payer not recognised")
        if ev.doc_match == "no":
            parts.append("no document number of it in the text")
        return "; ".join(parts) or f"score {option.score} is below the minimum {self.table.minimum}"

    def _gap(self, outcome: Outcome, option: Option) -> str:
        gap = abs(outcome.found.line.amount - option.amount)
        return f"amount differs by {format_minor(gap, self.decimals)}"

    # -- ranking ------------------------------------------------------------------------------

    def candidate(self, option: Option) -> Candidate:
        return Candidate(
            kind=option.kind,
            entry_nos=tuple(key[1] for key in option.keys),
            account_type=option.account_type,
            account_no=option.account_no,
            document_nos=option.document_nos,
            amount=option.amount,
            score=option.score,
            confidence=confidence_of(option.score),
            rule=option.rule,
            evidence=option.evidence,
            details=(*option.facts, self.rule_sentence(option)),
            blocked=option.blocked,
        )


def _target(option: Option) -> TargetKind:
    if option.kind == "mapping":
        return "mapping"
    if option.kind == "bank_entry":
        return "bank_entry"
    return "entries"


def _unapplied(
    line: PaymentLine, evidence: Evidence, details: tuple[str, ...], misses: tuple[NearMiss, ...]
) -> LineMatch:
    """A line with nothing applied: its whole amount is the difference."""
    return LineMatch(
        line_no=line.line_no,
        confidence="none",
        score=0,
        rule=None,
        target=None,
        account_type=None,
        account_no="",
        applications=(),
        difference=line.amount,
        evidence=evidence,
        details=details,
        near_misses=misses,
    )
