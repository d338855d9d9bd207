"""Register Customer Payments: the bookkeeper ticks open documents, types what came in, posts.

The standard company (tests.factories): C1 Alpha GmbH and C3 Gamma Inc. on NET30, C2 Beta B.V.
on 2 % / 10 days; bank BANK in EUR on G/L 1100, receivables on 1300, revenue 4000, discounts
granted 7900. Balances are debit positive, so revenue shows negative.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bankrec.errors import ApplicationError, SetupError
from bankrec.services.database import Database
from bankrec.services.masterdata import set_company
from bankrec.services.masterdata_inputs import CompanyInput
from bankrec.services.receivables.registration import (
    RegistrationRequest,
    RegistrationResult,
    register_payment,
)
from bankrec.services.receivables.worklist import payment_worklist
from tests.factories import invoice, post, row_counts
from tests.scenarios.test_payment_scenarios import balances, entry, nonzero, open_items


@pytest.fixture
def books(ledger: Database) -> Database:
    set_company(ledger, CompanyInput(journal_series="GJNL"))
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00", date="2026-03-01", due_date="2026-03-31"),
        invoice("SI-3", "C1", "250.00", date="2026-03-01", due_date="2026-03-15"),
        invoice("SI-4", "C1", "300.00", date="2026-03-01", due_date="2026-03-20"),
        # 2 % / 10 days: discount 20.00 until 2026-03-11, due 2026-03-31.
        invoice("SI-2", "C2", "1000.00", date="2026-03-01"),
        invoice("CM-1", "C1", "-420.00", date="2026-03-02", document_type="credit-memo"),
    )
    return ledger


def register(db: Database, *documents: str, on: str, **options: object) -> RegistrationResult:
    amount = options.pop("amount", None)
    request = RegistrationRequest(
        documents=documents,
        bank=str(options.pop("bank", "BANK")),
        posting_date=date.fromisoformat(on),
        amount=Decimal(str(amount)) if amount is not None else None,
        **options,  # type: ignore[arg-type]  # the remaining request fields, by name
    )
    return register_payment(db, request, "tester")


def applied(result: RegistrationResult) -> list[tuple[str, str, str, str]]:
    return [
        (a.document_no, str(a.applied_amount), str(a.discount), str(a.remaining_after))
        for a in result.applied
    ]


def test_full_payment_closes_the_invoice(books: Database) -> None:
    result = register(books, "SI-1", on="2026-03-10")
    assert result.document_no == "GJ-0001"
    assert (str(result.amount), result.customer_no, result.currency) == ("1000.00", "C1", "EUR")
    assert applied(result) == [("SI-1", "1000.00", "0.00", "0.00")]
    assert str(result.unapplied_amount) == "0.00"
    assert "SI-1" not in open_items(books)
    assert entry(books, "customer", "GJ-0001").document_type == "payment"
    assert nonzero(balances(books))["1100"] == "1000.00"


def test_partial_payment_leaves_the_rest_on_the_invoice(books: Database) -> None:
    result = register(books, "SI-1", on="2026-03-10", amount="400.00")
    assert applied(result) == [("SI-1", "400.00", "0.00", "600.00")]
    assert open_items(books)["SI-1"] == "600.00"
    assert "GJ-0001" not in open_items(books)


def test_payment_within_the_discount_date_posts_the_discount(books: Database) -> None:
    result = register(books, "SI-2", on="2026-03-11")
    assert str(result.amount) == "980.00"
    assert applied(result) == [("SI-2", "980.00", "20.00", "0.00")]
    assert "SI-2" not in open_items(books)
    books_after = nonzero(balances(books))
    assert books_after["1100"] == "980.00"
    assert books_after["7900"] == "20.00"


def test_the_same_amount_after_the_discount_date_is_partial(books: Database) -> None:
    result = register(books, "SI-2", on="2026-03-12", amount="980.00")
    assert applied(result) == [("SI-2", "980.00", "0.00", "20.00")]
    assert open_items(books)["SI-2"] == "20.00"
    assert "7900" not in nonzero(balances(books))


def test_overpayment_leaves_the_excess_open_on_the_payment(books: Database) -> None:
    result = register(books, "SI-1", on="2026-03-10", amount="1200.00")
    assert applied(result) == [("SI-1", "1000.00", "0.00", "0.00")]
    assert str(result.unapplied_amount) == "200.00"
    items = open_items(books)
    assert "SI-1" not in items
    assert items["GJ-0001"] == "-200.00"


def test_lump_payment_over_three_invoices_applies_in_due_date_order(books: Database) -> None:
    result = register(books, "SI-1", "SI-4", "SI-3", on="2026-03-10", amount="1400.00")
    assert applied(result) == [
        ("SI-3", "250.00", "0.00", "0.00"),
        ("SI-4", "300.00", "0.00", "0.00"),
        ("SI-1", "850.00", "0.00", "150.00"),
    ]
    assert str(result.unapplied_amount) == "0.00"
    assert open_items(books)["SI-1"] == "150.00"
    assert nonzero(balances(books))["1100"] == "1400.00"


def test_lump_payment_defaults_to_the_sum_of_what_settles_the_documents(
    books: Database,
) -> None:
    result = register(books, "SI-3", "SI-4", "SI-1", on="2026-03-10")
    assert str(result.amount) == "1550.00"
    assert [a.remaining_after for a in result.applied] == [Decimal("0.00")] * 3


def test_lump_payment_for_two_customers_is_refused_and_writes_nothing(books: Database) -> None:
    before = row_counts(books)
    with pytest.raises(ApplicationError) as refused:
        register(books, "SI-1", "SI-2", on="2026-03-10")
    assert "customer C1" in refused.value.message
    assert "customer C2" in refused.value.message
    assert row_counts(books) == before


def test_credit_memo_is_refunded_out_of_the_bank(books: Database) -> None:
    result = register(books, "CM-1", on="2026-03-10")
    assert str(result.amount) == "-420.00"
    assert applied(result) == [("CM-1", "-420.00", "0.00", "0.00")]
    assert entry(books, "customer", "GJ-0001").document_type == "refund"
    assert "CM-1" not in open_items(books)
    assert nonzero(balances(books))["1100"] == "-420.00"


def test_entry_reference_and_explicit_document_no(books: Database) -> None:
    invoice_entry = entry(books, "customer", "SI-3").entry_no
    result = register(books, f"#{invoice_entry}", on="2026-03-10", document_no="PAY-77")
    assert (result.document_no, applied(result)) == ("PAY-77", [("SI-3", "250.00", "0.00", "0.00")])


def test_without_a_series_or_document_no_the_error_says_what_to_do(ledger: Database) -> None:
    post(ledger, invoice("SI-9", "C1", "100.00", date="2026-03-01"))
    before = row_counts(ledger)
    with pytest.raises(SetupError, match="pass --document-no or set a series"):
        register(ledger, "SI-9", on="2026-03-10")
    assert row_counts(ledger) == before


def test_a_document_in_another_currency_points_to_receipt_post(books: Database) -> None:
    post(books, invoice("SI-USD", "C1", "500.00", date="2026-03-01", currency="USD"))
    with pytest.raises(ApplicationError, match="bankrec receipt post"):
        register(books, "SI-USD", on="2026-03-10")


def test_a_closed_document_is_refused(books: Database) -> None:
    register(books, "SI-3", on="2026-03-10")
    with pytest.raises(ApplicationError, match="already closed"):
        register(books, "SI-3", on="2026-03-11")


def test_worklist_shows_discounted_amounts_and_overdue(books: Database) -> None:
    post(
        books,
        {
            "date": "2026-03-05",
            "document_type": "reminder",
            "document_no": "RM-1",
            "account_type": "customer",
            "account_no": "C2",
            "amount": "15.00",
            "bal_account_type": "gl",
            "bal_account_no": "4000",
        },
    )
    early = payment_worklist(books, date(2026, 3, 11)).as_json()["documents"]
    assert isinstance(early, list)
    assert [
        (d["document_no"], d["remaining_amount"], d["discounted_amount"], d["overdue"])
        for d in early
    ] == [
        ("RM-1", "15.00", "15.00", True),
        ("SI-3", "250.00", "250.00", False),
        ("SI-4", "300.00", "300.00", False),
        ("SI-1", "1000.00", "1000.00", False),
        ("SI-2", "1000.00", "980.00", False),
        ("CM-1", "-420.00", "-420.00", False),
    ]
    late = payment_worklist(books, date(2026, 3, 16), "C2").as_json()
    assert late["date"] == "2026-03-16"
    assert late["documents"] == [
        {
            "entry_no": entry(books, "customer", "RM-1").entry_no,
            "customer_no": "C2",
            "customer_name": "Beta B.V.",
            "document_type": "reminder",
            "document_no": "RM-1",
            "external_document_no": "",
            "posting_date": "2026-03-05",
            "due_date": None,
            "pmt_discount_date": None,
            "currency": "EUR",
            "remaining_amount": "15.00",
            "discounted_amount": "15.00",
            "overdue": True,
        },
        {
            "entry_no": entry(books, "customer", "SI-2").entry_no,
            "customer_no": "C2",
            "customer_name": "Beta B.V.",
            "document_type": "invoice",
            "document_no": "SI-2",
            "external_document_no": "",
            "posting_date": "2026-03-01",
            "due_date": "2026-03-31",
            "pmt_discount_date": "2026-03-11",
            "currency": "EUR",
            "remaining_amount": "1000.00",
            "discounted_amount": "1000.00",
            "overdue": False,
        },
    ]


def test_paid_documents_leave_the_worklist(books: Database) -> None:
    register(books, "SI-2", on="2026-03-11")
    documents = payment_worklist(books, date(2026, 3, 11), "C2").documents
    assert documents == []
