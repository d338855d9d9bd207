"""Master data for collections: finance charge terms, reminder terms with their levels and fee
tiers, and which terms a customer has.

Terms are loaded whole: loading a code again replaces its dated rates, levels and tiers, so the
file is the truth and a level removed from it is gone.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bankrec.db.models import (
    Company,
    Currency,
    Customer,
    FinanceChargeRate,
    FinanceChargeTerms,
    ReminderFeeTier,
    ReminderLevel,
    ReminderTerms,
)
from bankrec.domain.dateformula import parse_date_formula
from bankrec.domain.money import to_minor
from bankrec.services.load_element import Element

_METHODS = ("balance-due", "average-daily-balance")
_FEE_CALCULATIONS = ("fixed", "single-dynamic", "accumulated-dynamic")

_FIN_CHARGE_KEYS = {
    "code",
    "description",
    "interest_rate",
    "method",
    "interest_period_days",
    "grace_period",
    "due_date_formula",
    "minimum_amount",
    "additional_fee",
    "post_interest",
    "post_additional_fee",
    "line_description",
    "rates",
}
_REMINDER_KEYS = {
    "code",
    "description",
    "post_interest",
    "post_additional_fee",
    "post_line_fee",
    "max_reminders",
    "minimum_amount",
    "levels",
}
_LEVEL_KEYS = {
    "level",
    "grace_period",
    "due_date_formula",
    "calculate_interest",
    "additional_fee",
    "line_fee",
    "fee_calculation",
    "beginning_text",
    "ending_text",
    "fee_tiers",
}
_TIER_KEYS = {"per_line", "currency", "threshold", "fee", "fee_pct", "min_fee", "max_fee"}


def load_finance_charge_terms(session: Session, e: Element) -> None:
    e.check_keys(_FIN_CHARGE_KEYS)
    code = e.text("code", required=True)
    method = e.text("method", default="balance-due")
    if method not in _METHODS:
        raise e.fail(f'"{method}" is not one of {", ".join(_METHODS)}', "method")
    terms = session.get(FinanceChargeTerms, code) or FinanceChargeTerms(code=code)
    terms.description = e.text("description")
    terms.interest_rate = _rate(e, "interest_rate")
    terms.method = method
    terms.interest_period_days = e.whole("interest_period_days", 30, minimum=1)
    terms.grace_period = _formula(e, "grace_period")
    terms.due_date_formula = _formula(e, "due_date_formula")
    terms.minimum_amount_minor = _lcy(session, e, "minimum_amount")
    terms.additional_fee_minor = _lcy(session, e, "additional_fee")
    terms.post_interest = e.flag("post_interest", True)
    terms.post_additional_fee = e.flag("post_additional_fee", True)
    terms.line_description = e.text("line_description")
    session.add(terms)
    session.flush()
    session.execute(delete(FinanceChargeRate).where(FinanceChargeRate.terms_code == code))
    starts: set[object] = set()
    for rate in e.children("rates"):
        rate.check_keys({"start_date", "interest_rate", "interest_period_days"})
        start = rate.day("start_date")
        if start in starts:
            raise rate.fail(f"a rate starting {start} is given twice", "start_date")
        starts.add(start)
        session.add(
            FinanceChargeRate(
                terms_code=code,
                start_date=start,
                interest_rate=_rate(rate, "interest_rate"),
                interest_period_days=rate.whole(
                    "interest_period_days", terms.interest_period_days, minimum=1
                ),
            )
        )
    session.flush()


def load_reminder_terms(session: Session, e: Element) -> None:
    e.check_keys(_REMINDER_KEYS)
    code = e.text("code", required=True)
    terms = session.get(ReminderTerms, code) or ReminderTerms(code=code)
    terms.description = e.text("description")
    terms.post_interest = e.flag("post_interest", True)
    terms.post_additional_fee = e.flag("post_additional_fee", True)
    terms.post_line_fee = e.flag("post_line_fee", True)
    terms.max_reminders = e.whole("max_reminders", 0)
    terms.minimum_amount_minor = _lcy(session, e, "minimum_amount")
    session.add(terms)
    session.flush()
    session.execute(delete(ReminderFeeTier).where(ReminderFeeTier.terms_code == code))
    session.execute(delete(ReminderLevel).where(ReminderLevel.terms_code == code))
    levels = e.children("levels")
    if not levels:
        raise e.fail("give at least one level (levels[0].level = 1)", "levels")
    for expected, level in enumerate(levels, start=1):
        _load_level(session, code, expected, level)
    session.flush()


def _load_level(session: Session, code: str, expected: int, e: Element) -> None:
    e.check_keys(_LEVEL_KEYS)
    number = e.whole("level", expected, minimum=1)
    if number != expected:
        raise e.fail(f"levels are numbered 1, 2, 3 in order; expected {expected}", "level")
    calculation = e.text("fee_calculation", default="fixed")
    if calculation not in _FEE_CALCULATIONS:
        raise e.fail(
            f'"{calculation}" is not one of {", ".join(_FEE_CALCULATIONS)}', "fee_calculation"
        )
    tiers = e.children("fee_tiers")
    if calculation != "fixed" and not tiers:
        raise e.fail(f"{calculation} fees need fee_tiers", "fee_tiers")
    session.add(
        ReminderLevel(
            terms_code=code,
            level_no=number,
            grace_period=_formula(e, "grace_period"),
            due_date_formula=_formula(e, "due_date_formula"),
            calculate_interest=e.flag("calculate_interest", False),
            additional_fee_minor=_lcy(session, e, "additional_fee"),
            line_fee_minor=_lcy(session, e, "line_fee"),
            fee_calculation=calculation,
            beginning_text=e.text("beginning_text"),
            ending_text=e.text("ending_text"),
        )
    )
    for tier in tiers:
        tier.check_keys(_TIER_KEYS)
        currency = tier.optional_text("currency")
        places = _decimals(session, tier, currency)
        session.add(
            ReminderFeeTier(
                terms_code=code,
                level_no=number,
                per_line=tier.flag("per_line", False),
                currency_code=currency,
                threshold_minor=_minor(tier, "threshold", places),
                fee_minor=_minor(tier, "fee", places),
                fee_pct=_rate(tier, "fee_pct"),
                min_fee_minor=_minor(tier, "min_fee", places),
                max_fee_minor=_minor(tier, "max_fee", places),
            )
        )


def assign_customer_terms(session: Session, e: Element) -> None:
    """The optional ``reminder_terms`` and ``fin_charge_terms`` of a customer element."""
    customer = session.get_one(Customer, e.text("no", required=True))
    for key, model, attribute in (
        ("reminder_terms", ReminderTerms, "reminder_terms_code"),
        ("fin_charge_terms", FinanceChargeTerms, "fin_charge_terms_code"),
    ):
        if key not in e.data:
            continue
        code = e.optional_text(key)
        if code is not None and session.get(model, code) is None:
            raise e.fail(f'{key} "{code}" is not defined; add it under {key} first', key)
        setattr(customer, attribute, code)
    session.flush()


def _formula(e: Element, key: str) -> str:
    text = e.text(key, default="0D")
    try:
        parse_date_formula(text)
    except ValueError as exc:
        raise e.fail(str(exc), key) from None
    return text


def _rate(e: Element, key: str) -> Decimal:
    value = e.decimal(key) or Decimal(0)
    if not Decimal(0) <= value <= 100:
        raise e.fail("expected a percentage from 0 to 100", key)
    return value


def _decimals(session: Session, e: Element, currency: str | None) -> int:
    code = currency or session.get_one(Company, 1).lcy_code
    found = session.get(Currency, code)
    if found is None:
        raise e.fail(f"currency {code} is not set up; add it under currencies", "currency")
    return found.decimals


def _lcy(session: Session, e: Element, key: str) -> int:
    return _minor(e, key, _decimals(session, e, None))


def _minor(e: Element, key: str, places: int) -> int:
    value = e.decimal(key) or Decimal(0)
    if value < 0:
        raise e.fail("must not be negative", key)
    try:
        return to_minor(value, places)
    except ValueError:
        raise e.fail(f"has more than {places} decimals", key) from None
