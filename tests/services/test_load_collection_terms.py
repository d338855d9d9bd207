"""`bankrec load` takes finance charge terms, reminder terms with levels and fee tiers, and the
terms of each customer; loading a code again replaces what it had."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bankrec.db.models import (
    Company,
    Customer,
    FinanceChargeRate,
    FinanceChargeTerms,
    ReminderFeeTier,
    ReminderLevel,
    ReminderTerms,
)
from bankrec.errors import InputError
from bankrec.services.database import Database
from bankrec.services.load import load_master_data

FIN_CHARGE: dict[str, Any] = {
    "code": "LATE",
    "method": "average-daily-balance",
    "interest_rate": "1.5",
    "interest_period_days": 30,
    "grace_period": "5D",
    "due_date_formula": "14D",
    "minimum_amount": "2.50",
    "additional_fee": "5.00",
    "rates": [
        {"start_date": "2026-01-01", "interest_rate": "1.5"},
        {"start_date": "2026-07-01", "interest_rate": "2", "interest_period_days": 31},
    ],
}
REMINDERS: dict[str, Any] = {
    "code": "STD",
    "max_reminders": 3,
    "minimum_amount": "10.00",
    "post_line_fee": False,
    "levels": [
        {"level": 1, "grace_period": "5D", "due_date_formula": "7D", "line_fee": "1.50"},
        {
            "level": 2,
            "grace_period": "1W",
            "calculate_interest": True,
            "fee_calculation": "accumulated-dynamic",
            "fee_tiers": [
                {"threshold": "0", "fee": "10.00"},
                {"threshold": "1000", "fee_pct": "1", "max_fee": "50.00", "currency": "USD"},
            ],
        },
    ],
}


def _document(**extra: Any) -> str:
    document: dict[str, Any] = {
        "gl_accounts": [
            {"no": "7100", "name": "Interest income", "type": "income"},
            {"no": "7110", "name": "Fees", "type": "income"},
        ],
        "company": {"interest_account": "7100", "additional_fee_account": "7110"},
        "finance_charge_terms": [FIN_CHARGE],
        "reminder_terms": [REMINDERS],
        "customers": [
            {"no": "C9", "name": "Contoso", "reminder_terms": "STD", "fin_charge_terms": "LATE"}
        ],
    }
    document.update(extra)
    return json.dumps(document)


def test_terms_levels_tiers_and_customer_terms_load(ledger: Database) -> None:
    load_master_data(ledger, _document(), "terms.json")
    with ledger.reading() as session:
        terms = session.get_one(FinanceChargeTerms, "LATE")
        assert (terms.method, terms.interest_rate, terms.interest_period_days) == (
            "average-daily-balance",
            Decimal("1.5"),
            30,
        )
        assert (terms.minimum_amount_minor, terms.additional_fee_minor) == (250, 500)
        rates = session.scalars(select(FinanceChargeRate).order_by(FinanceChargeRate.start_date))
        assert [(str(r.start_date), r.interest_rate, r.interest_period_days) for r in rates] == [
            ("2026-01-01", Decimal("1.5"), 30),
            ("2026-07-01", Decimal("2"), 31),
        ]
        reminder = session.get_one(ReminderTerms, "STD")
        assert (reminder.max_reminders, reminder.minimum_amount_minor) == (3, 1000)
        assert reminder.post_line_fee is False
        assert reminder.post_interest is True
        levels = session.scalars(select(ReminderLevel).order_by(ReminderLevel.level_no)).all()
        assert [(lv.level_no, lv.grace_period, lv.line_fee_minor) for lv in levels] == [
            (1, "5D", 150),
            (2, "1W", 0),
        ]
        assert levels[1].fee_calculation == "accumulated-dynamic"
        tiers = session.scalars(select(ReminderFeeTier).order_by(ReminderFeeTier.id)).all()
        assert [
            (t.currency_code, t.threshold_minor, t.fee_minor, t.max_fee_minor) for t in tiers
        ] == [
            (None, 0, 1000, 0),
            ("USD", 100000, 0, 5000),
        ]
        customer = session.get_one(Customer, "C9")
        assert (customer.reminder_terms_code, customer.fin_charge_terms_code) == ("STD", "LATE")
        company = session.get_one(Company, 1)
        assert (company.interest_account, company.additional_fee_account) == ("7100", "7110")


def test_loading_a_code_again_replaces_its_levels_and_rates(ledger: Database) -> None:
    load_master_data(ledger, _document(), "terms.json")
    fewer = {**REMINDERS, "levels": REMINDERS["levels"][:1]}
    load_master_data(
        ledger,
        _document(reminder_terms=[fewer], finance_charge_terms=[{**FIN_CHARGE, "rates": []}]),
        "again.json",
    )
    with ledger.reading() as session:
        assert session.scalars(select(ReminderLevel.level_no)).all() == [1]
        assert session.scalars(select(ReminderFeeTier)).all() == []
        assert session.scalars(select(FinanceChargeRate)).all() == []


@pytest.mark.parametrize(
    ("change", "element", "message"),
    [
        (
            {"reminder_terms": [{**REMINDERS, "levels": [REMINDERS["levels"][1]]}]},
            "reminder_terms[0].levels[0].level",
            "expected 1",
        ),
        (
            {"finance_charge_terms": [{**FIN_CHARGE, "method": "simple"}]},
            "finance_charge_terms[0].method",
            '"simple" is not one of',
        ),
        (
            {"finance_charge_terms": [{**FIN_CHARGE, "grace_period": "5 days"}]},
            "finance_charge_terms[0].grace_period",
            "is not a date formula",
        ),
        (
            {
                "reminder_terms": [
                    {**REMINDERS, "levels": [{"level": 1, "fee_calculation": "single-dynamic"}]}
                ]
            },
            "reminder_terms[0].levels[0].fee_tiers",
            "need fee_tiers",
        ),
        (
            {"customers": [{"no": "C8", "name": "Fabrikam", "reminder_terms": "NONE"}]},
            "customers[0].reminder_terms",
            "is not defined",
        ),
        (
            {"reminder_terms": [{**REMINDERS, "maximum": 2}]},
            "reminder_terms[0]",
            "unknown field(s) maximum",
        ),
    ],
)
def test_bad_terms_name_the_element_and_write_nothing(
    ledger: Database, change: dict[str, Any], element: str, message: str
) -> None:
    with pytest.raises(InputError) as raised:
        load_master_data(ledger, _document(**change), "bad.json")
    assert raised.value.location is not None
    assert raised.value.location.element == element
    assert message in raised.value.message
    with ledger.reading() as session:
        assert session.scalars(select(ReminderTerms)).all() == []
        assert session.get(Customer, "C9") is None
