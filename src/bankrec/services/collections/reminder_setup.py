"""Reminder terms as the reminder rules read them: levels, their grace periods and fee rules."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from bankrec.db import reminders_repo
from bankrec.db.models import ReminderFeeTier, ReminderLevel, ReminderTerms
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.dateformula import DateFormula, parse_date_formula
from bankrec.domain.money import from_minor
from bankrec.domain.reminder_fees import FeeCalculation, FeeRule, FeeTier
from bankrec.domain.reminder_levels import LevelRule
from bankrec.errors import SetupError


@dataclass(frozen=True)
class TermsSetup:
    """One reminder terms code with its levels (by number) and fee tiers."""

    terms: ReminderTerms
    levels: dict[int, ReminderLevel]
    tiers: list[ReminderFeeTier]
    rules: tuple[LevelRule, ...]

    def fee_rule(self, setup: LedgerSetup, level_no: int, per_line: bool, currency: str) -> FeeRule:
        """How ``level_no`` prices the reminder (``per_line`` False) or each overdue entry."""
        level = self.levels[level_no]
        fixed_minor = level.line_fee_minor if per_line else level.additional_fee_minor
        own = [t for t in self._tiers(level_no, per_line) if _is_currency(setup, t, currency)]
        local = [t for t in self._tiers(level_no, per_line) if _is_currency(setup, t, setup.lcy)]
        return FeeRule(
            calculation=FeeCalculation(level.fee_calculation),
            fixed_lcy=from_minor(fixed_minor, setup.lcy_decimals),
            tiers=tuple(_tier(setup, t, currency) for t in own),
            lcy_tiers=tuple(_tier(setup, t, setup.lcy) for t in local),
        )

    def _tiers(self, level_no: int, per_line: bool) -> list[ReminderFeeTier]:
        return [t for t in self.tiers if t.level_no == level_no and t.per_line == per_line]


def load_terms(session: Session, code: str) -> TermsSetup:
    terms = reminders_repo.reminder_terms(session, code)
    if terms is None:
        raise SetupError(
            f"reminder terms {code} do not exist; add them with `bankrec load` "
            '(key "reminder_terms") or change the customer\'s reminder terms'
        )
    levels = {level.level_no: level for level in reminders_repo.levels_of(session, code)}
    rules = tuple(
        LevelRule(no, _formula(code, no, "grace period", level.grace_period))
        for no, level in levels.items()
    )
    return TermsSetup(terms, levels, reminders_repo.fee_tiers_of(session, code), rules)


def due_date_formula(terms: TermsSetup, level_no: int) -> DateFormula:
    level = terms.levels[level_no]
    return _formula(terms.terms.code, level_no, "due date formula", level.due_date_formula)


def _formula(code: str, level_no: int, what: str, text: str) -> DateFormula:
    try:
        return parse_date_formula(text or "0D")
    except ValueError as exc:
        raise SetupError(
            f"reminder terms {code}, level {level_no}: {what} {exc}; correct it and load the "
            "terms again"
        ) from None


def _is_currency(setup: LedgerSetup, tier: ReminderFeeTier, currency: str) -> bool:
    tier_currency = tier.currency_code or setup.lcy
    return tier_currency == currency


def _tier(setup: LedgerSetup, tier: ReminderFeeTier, currency: str) -> FeeTier:
    places = setup.decimals[currency]
    return FeeTier(
        threshold=from_minor(tier.threshold_minor, places),
        amount=from_minor(tier.fee_minor, places),
        pct=Decimal(tier.fee_pct),
        minimum=from_minor(tier.min_fee_minor, places),
        maximum=from_minor(tier.max_fee_minor, places),
    )
