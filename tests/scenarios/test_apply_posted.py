"""Applying posted entries later: a payment on account, a credit memo against an invoice.

Standard company (tests.factories): customers C1 and C2, vendor V1; bank BANK in EUR on G/L
1100, receivables 1300, payables 2300. Balances are debit positive.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bankrec.errors import ApplicationError, InputError, NotFoundError
from bankrec.services.corrections import unapply_entry
from bankrec.services.database import Database
from bankrec.services.receivables.apply_posted import ApplyRequest, ApplyResult, apply_posted
from tests.factories import (
    invoice,
    payment,
    post,
    row_counts,
    vendor_invoice,
    vendor_payment,
)
from tests.scenarios.test_payment_scenarios import balances, entry, nonzero, open_items


def no(db: Database, document_no: str, ledger: str = "customer") -> int:
    return entry(db, ledger, document_no).entry_no


def apply(db: Database, applying: int, *targets: int, **options: object) -> ApplyResult:
    return apply_posted(db, ApplyRequest(applying, targets, **options), "tester")  # type: ignore[arg-type]


def applied(result: ApplyResult) -> list[tuple[str, str, str, str]]:
    return [
        (a.document_no, str(a.applied_amount), str(a.discount), str(a.remaining_after))
        for a in result.applied
    ]


def test_payment_on_account_applied_later_and_unapplied_exactly(ledger: Database) -> None:
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00", date="2026-03-01"),
        payment("PAY-1", "C1", "600.00", date="2026-03-10"),
    )
    before = balances(ledger)
    assert open_items(ledger) == {"SI-1": "1000.00", "PAY-1": "-600.00"}

    result = apply(ledger, no(ledger, "PAY-1"), no(ledger, "SI-1"))
    assert result.as_json() == {
        "transaction_no": result.transaction_no,
        "ledger": "customer",
        "applying_entry_no": no(ledger, "PAY-1"),
        "posting_date": "2026-03-10",
        "applied": [
            {
                "entry_no": no(ledger, "SI-1"),
                "document_no": "SI-1",
                "applied_amount": "600.00",
                "discount": "0.00",
                "tolerance": "0.00",
                "remaining_after": "400.00",
            }
        ],
        "applying_remaining_after": "0.00",
    }
    assert open_items(ledger) == {"SI-1": "400.00"}
    assert balances(ledger) == before  # an application moves no money

    unapply_entry(ledger, no(ledger, "PAY-1"), "tester")
    assert open_items(ledger) == {"SI-1": "1000.00", "PAY-1": "-600.00"}
    assert balances(ledger) == before


def test_credit_memo_closes_what_the_short_payment_left_on_the_invoice(ledger: Database) -> None:
    # The customer paid 1,000.00 less their credit memo of 420.00; the 580.00 went to the invoice.
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00", date="2026-03-01"),
        invoice("CM-1", "C1", "-420.00", date="2026-03-05", document_type="credit-memo"),
        payment("PAY-1", "C1", "580.00", applies_to="SI-1", date="2026-03-10"),
    )
    assert open_items(ledger) == {"SI-1": "420.00", "CM-1": "-420.00"}

    result = apply(ledger, no(ledger, "CM-1"), no(ledger, "SI-1"))
    assert applied(result) == [("SI-1", "420.00", "0.00", "0.00")]
    assert str(result.applying_remaining_after) == "0.00"
    assert result.posting_date == date(2026, 3, 5)
    assert open_items(ledger) == {}
    assert nonzero(balances(ledger)) == {"1100": "580.00", "4000": "-580.00"}


def test_partial_amount_and_a_later_date(ledger: Database) -> None:
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00", date="2026-03-01"),
        payment("PAY-1", "C1", "600.00", date="2026-03-10"),
    )
    result = apply(
        ledger,
        no(ledger, "PAY-1"),
        no(ledger, "SI-1"),
        amount=Decimal("250.00"),
        posting_date=date(2026, 3, 20),
    )
    assert applied(result) == [("SI-1", "250.00", "0.00", "750.00")]
    assert str(result.applying_remaining_after) == "-350.00"
    assert result.posting_date == date(2026, 3, 20)


def test_vendor_entries_apply_too(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00", date="2026-03-01"))
    post(
        ledger,
        vendor_invoice("PI-1", "V1", "500.00", date="2026-03-01"),
        vendor_payment("VP-1", "V1", "500.00", date="2026-03-10"),
    )
    paying = no(ledger, "VP-1", "vendor")
    with pytest.raises(NotFoundError, match=f"customer entry {paying} does not exist"):
        apply(ledger, paying, no(ledger, "PI-1", "vendor"), ledger="customer")
    result = apply(ledger, paying, no(ledger, "PI-1", "vendor"))
    assert result.ledger == "vendor"
    assert applied(result) == [("PI-1", "-500.00", "0.00", "0.00")]
    assert open_items(ledger, "vendor") == {}
    unapply_entry(ledger, paying, "tester", "vendor")
    assert open_items(ledger, "vendor") == {"PI-1": "-500.00", "VP-1": "500.00"}


def test_a_number_in_both_ledgers_without_ledger_is_refused(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00", date="2026-03-01"))
    post(ledger, vendor_invoice("PI-1", "V1", "500.00", date="2026-03-01"))
    shared = no(ledger, "SI-1")
    assert no(ledger, "PI-1", "vendor") == shared
    with pytest.raises(InputError, match="--ledger customer or --ledger vendor"):
        apply(ledger, shared, 99)


@pytest.fixture
def mixed(ledger: Database) -> Database:
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00", date="2026-03-01"),
        invoice("SI-2", "C1", "200.00", date="2026-03-01"),
        invoice("SI-C2", "C2", "300.00", date="2026-03-01"),
        invoice("SI-USD", "C1", "50.00", date="2026-03-01", currency="USD"),
        payment("PAY-1", "C1", "200.00", applies_to="SI-2", date="2026-03-10"),
        payment("PAY-2", "C1", "100.00", date="2026-03-10"),
    )
    return ledger


@pytest.mark.parametrize(
    ("applying", "target", "message"),
    [
        ("PAY-2", "SI-2", "is closed; apply open entries only"),
        ("PAY-2", "SI-C2", "belongs to customer C2, not C1; apply entries of one customer only"),
        ("PAY-2", "SI-USD", "is in USD but customer entry"),
        ("SI-1", "SI-USD", "is in USD"),
        ("SI-1", "SI-C2", "belongs to customer C2"),
    ],
)
def test_refusals_say_how_to_fix_and_write_nothing(
    mixed: Database, applying: str, target: str, message: str
) -> None:
    before = row_counts(mixed)
    with pytest.raises(ApplicationError, match=message):
        apply(mixed, no(mixed, applying), no(mixed, target))
    assert row_counts(mixed) == before


def test_same_sign_is_refused(mixed: Database) -> None:
    post(mixed, invoice("SI-3", "C1", "10.00", date="2026-03-01"))
    with pytest.raises(ApplicationError, match="have the same sign; apply a payment"):
        apply(mixed, no(mixed, "SI-1"), no(mixed, "SI-3"))


def test_a_date_before_the_entries_is_refused(mixed: Database) -> None:
    with pytest.raises(InputError, match="before the posting date 2026-03-10"):
        apply(mixed, no(mixed, "PAY-2"), no(mixed, "SI-1"), posting_date=date(2026, 3, 5))
