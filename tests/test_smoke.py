from __future__ import annotations

from bankrec.services.database import Database
from bankrec.services.ledger_queries import list_entries, trial_balance
from tests.factories import invoice, payment, post


def test_payment_applied_to_invoice_closes_both(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))
    post(ledger, payment("PAY-1", "C1", "100.00", applies_to="SI-1"))
    entries = list_entries(ledger, "customer", open_only=True)
    assert entries == []
    assert str(trial_balance(ledger).total) == "0.00"
