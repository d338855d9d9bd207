"""Finance charge memos, a bookkeeper's month: interest on a late, partly paid invoice.

Standard company; interest income is G/L 8100, fee income 8110. Terms FC1: average daily
balance, 1.5 % per 30 days (dated: 1.5 % from 2026-01-01, 2.4 % from 2026-03-16), grace 5D,
memo due 14D, additional fee 5.00. Invoice INV-1 of 1000.00 to C1, due 2026-03-01; C1 pays
400.00 of it on 2026-03-11. Worked by hand for the memo of 2026-03-31:
  Mar 1 -> Mar 16 (15 days at 1.5 %): 1000 x 15 - 400 x 5 = 13000 / 30 = 433.33 x 1.5 % = 6.50
  Mar 16 -> Mar 31 (15 days at 2.4 %): 600 x 15 = 9000 / 30 = 300.00 x 2.4 % = 7.20
  interest 13.70 + fee 5.00 = 18.70.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.db.models import Company, Customer
from bankrec.db.models_collections import CustomerEntryHold, FinanceChargeRate, FinanceChargeTerms
from bankrec.errors import ApplicationError, ReversalError, SetupError
from bankrec.services.collections.fincharge import (
    CreateRequest,
    cancel_memos,
    create_memos,
    issue_memos,
    list_memos,
    show_memo,
)
from bankrec.services.corrections import reverse_transaction
from bankrec.services.database import Database
from bankrec.services.load import load_into
from tests.factories import invoice, payment, post
from tests.scenarios.test_payment_scenarios import balances, entry, nonzero

MARCH_31 = date(2026, 3, 31)


def set_up(db: Database, accounts: bool = True) -> None:
    with db.transaction() as session:
        load_into(
            session,
            {
                "gl_accounts": [
                    {"no": "8100", "name": "Interest income", "type": "income"},
                    {"no": "8110", "name": "Fee income", "type": "income"},
                ]
            },
            "test-fincharge",
        )
        session.add_all(
            [
                FinanceChargeTerms(
                    code="FC1",
                    interest_rate=Decimal("1.5"),
                    method="average-daily-balance",
                    interest_period_days=30,
                    grace_period="5D",
                    due_date_formula="14D",
                    additional_fee_minor=500,
                ),
                FinanceChargeTerms(
                    code="BD1",
                    interest_rate=Decimal(2),
                    method="balance-due",
                    interest_period_days=30,
                    minimum_amount_minor=1500,
                ),
            ]
        )
        session.flush()
        session.add_all(
            [
                FinanceChargeRate(
                    terms_code="FC1",
                    start_date=date(2026, 1, 1),
                    interest_rate=Decimal("1.5"),
                    interest_period_days=30,
                ),
                FinanceChargeRate(
                    terms_code="FC1",
                    start_date=date(2026, 3, 16),
                    interest_rate=Decimal("2.4"),
                    interest_period_days=30,
                ),
            ]
        )
        c1 = session.get(Customer, "C1")
        c3 = session.get(Customer, "C3")
        assert c1 is not None
        assert c3 is not None
        c1.fin_charge_terms_code = "FC1"
        c3.fin_charge_terms_code = "BD1"
        if accounts:
            company = session.get(Company, 1)
            assert company is not None
            company.interest_account = "8100"
            company.additional_fee_account = "8110"
    post(
        db,
        invoice("INV-1", "C1", "1000.00", due_date="2026-03-01"),
        payment("PAY-1", "C1", "400.00", applies_to="INV-1", date="2026-03-11"),
    )


def create(db: Database, on: date = MARCH_31) -> dict[str, object]:
    return create_memos(db, CreateRequest(on), "tester").as_json()


def test_memo_with_partial_payment_and_rate_change(ledger: Database) -> None:
    set_up(ledger)
    assert create(ledger) == {
        "created": [
            {
                "no": "FC-000001",
                "customer_no": "C1",
                "currency": "EUR",
                "document_date": "2026-03-31",
                "due_date": "2026-04-14",
                "interest": "13.70",
                "fee": "5.00",
                "total": "18.70",
                "lines": 3,
            }
        ],
        "skipped": [],
    }
    lines = show_memo(ledger, "FC-000001").lines
    assert [(x.line_type, x.days, x.rate, x.base, x.amount, x.remaining) for x in lines] == [
        ("interest", 15, "1.5", "433.33", "6.50", "600.00"),
        ("interest", 15, "2.4", "300.00", "7.20", "600.00"),
        ("additional-fee", None, None, "0.00", "5.00", "0.00"),
    ]
    assert lines[0].description == "invoice INV-1 due 2026-03-01: 15 days at 1.5 %"


def test_create_twice_creates_nothing_new(ledger: Database) -> None:
    set_up(ledger)
    create(ledger)
    assert create(ledger) == {
        "created": [],
        "skipped": [
            {
                "customer_no": "C1",
                "currency": "EUR",
                "reason": "draft finance charge memo FC-000001 exists; issue or cancel it first",
            }
        ],
    }
    assert [m.no for m in list_memos(ledger)] == ["FC-000001"]


def test_issue_posts_interest_and_fee_and_writes_documents(
    ledger: Database, tmp_path: Path
) -> None:
    set_up(ledger)
    create(ledger)
    before = nonzero(balances(ledger))
    result = issue_memos(ledger, ["FC-000001"], False, tmp_path, "tester")
    [issued] = result.issued
    assert issued.files == [str(tmp_path / "FC-000001.md"), str(tmp_path / "FC-000001.pdf")]
    after = nonzero(balances(ledger))  # balances() asserts the trial balance is 0.00
    assert after["8100"] == "-13.70"
    assert after["8110"] == "-5.00"
    assert Decimal(after["1300"]) - Decimal(before["1300"]) == Decimal("18.70")
    fc = entry(ledger, "customer", "FC-000001")
    assert (fc.document_type, fc.amount, fc.remaining_amount, fc.transaction_no) == (
        "finance-charge",
        Decimal("18.70"),
        Decimal("18.70"),
        issued.transaction_no,
    )
    assert fc.extra["due_date"] == "2026-04-14"
    markdown = (tmp_path / "FC-000001.md").read_text(encoding="utf-8")
    assert "# Finance Charge Memo FC-000001" in markdown
    assert "| invoice INV-1 | 2026-03-01 | 1000.00 | 600.00 | 15 | 2.4 | 7.20 |" in markdown
    assert "| Total due | 618.70 |" in markdown
    assert "Please pay the total due of 618.70 EUR by 2026-04-14." in markdown
    pdf = (tmp_path / "FC-000001.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/Type /Pages" in pdf
    assert [int(n) for n in re.findall(rb"/Count (\d+)", pdf)] == [1]  # the page tree: 1 page
    assert show_memo(ledger, "FC-000001").memo.status == "issued"


def test_next_memo_charges_only_from_the_last_one(ledger: Database, tmp_path: Path) -> None:
    # After the memo of Mar 31, Apr 30 charges 600.00 for 30 days at 2.4 % = 14.40 (+ 5.00);
    # the memo's own entry (18.70) carries no interest.
    set_up(ledger)
    create(ledger)
    issue_memos(ledger, [], True, tmp_path, "tester")
    created = create(ledger, date(2026, 4, 30))["created"]
    assert isinstance(created, list)
    assert [(m["no"], m["interest"], m["total"]) for m in created] == [
        ("FC-000002", "14.40", "19.40")
    ]


def test_cancel_reverses_and_reverse_is_refused(ledger: Database, tmp_path: Path) -> None:
    set_up(ledger)
    create(ledger)
    [issued] = issue_memos(ledger, ["FC-000001"], False, tmp_path, "tester").issued
    assert issued.transaction_no is not None
    with pytest.raises(ReversalError) as refused:
        reverse_transaction(ledger, issued.transaction_no, "tester")
    assert refused.value.message == (
        f"transaction {issued.transaction_no} posted finance charge memo FC-000001; cancel it "
        "with `bankrec fincharge cancel FC-000001`"
    )
    [canceled] = cancel_memos(ledger, ["FC-000001"], "tester").canceled
    assert canceled.transaction_no == issued.transaction_no + 1
    books = balances(ledger)
    assert (books["8100"], books["8110"]) == ("0.00", "0.00")
    fc = entry(ledger, "customer", "FC-000001")
    assert (fc.open, fc.remaining_amount) == (False, Decimal("0.00"))
    memo = show_memo(ledger, "FC-000001").memo
    assert (memo.status, memo.canceled_transaction_no) == ("canceled", canceled.transaction_no)


def test_cancel_refused_when_the_memo_was_paid(ledger: Database, tmp_path: Path) -> None:
    set_up(ledger)
    create(ledger)
    issue_memos(ledger, ["FC-000001"], False, tmp_path, "tester")
    post(ledger, payment("PAY-2", "C1", "18.70", applies_to="FC-000001", date="2026-04-10"))
    fc = entry(ledger, "customer", "FC-000001")
    with pytest.raises(
        ApplicationError, match=f"unapply it first with `bankrec unapply {fc.entry_no}`"
    ):
        cancel_memos(ledger, ["FC-000001"], "tester")


def test_cancel_a_draft_posts_nothing(ledger: Database) -> None:
    set_up(ledger)
    create(ledger)
    before = balances(ledger)
    assert cancel_memos(ledger, ["FC-000001"], "tester").as_json() == {
        "canceled": [{"no": "FC-000001", "transaction_no": None}]
    }
    assert balances(ledger) == before
    recreated = create_memos(ledger, CreateRequest(MARCH_31), "tester").created
    assert [m.no for m in recreated] == ["FC-000002"]


def test_issue_without_interest_account_is_refused(ledger: Database, tmp_path: Path) -> None:
    set_up(ledger, accounts=False)
    create(ledger)
    out = tmp_path / "memos"
    with pytest.raises(SetupError, match="set it with `bankrec company set --interest-account GL`"):
        issue_memos(ledger, ["FC-000001"], False, out, "tester")
    assert show_memo(ledger, "FC-000001").memo.status == "draft"
    assert not out.exists()


def test_balance_due_and_minimum_amount(ledger: Database) -> None:
    # BD1: 2 % of the remaining amount, minimum 15.00. 500.00 x 2 % = 10.00 is below it;
    # with a second invoice of 300.00: 800.00 x 2 % = 16.00 (10.00 + 6.00) is a memo.
    set_up(ledger)
    post(ledger, invoice("INV-3", "C3", "500.00", due_date="2026-03-01"))
    result = create_memos(ledger, CreateRequest(MARCH_31, customer_nos=("C3",)), "tester")
    assert result.as_json()["skipped"] == [
        {
            "customer_no": "C3",
            "currency": "EUR",
            "reason": "interest and fee 10.00 EUR are below the minimum 15.00 EUR of terms BD1",
        }
    ]
    post(ledger, invoice("INV-4", "C3", "300.00", due_date="2026-03-10"))
    created = create_memos(ledger, CreateRequest(MARCH_31, customer_nos=("C3",)), "tester")
    [memo] = created.created
    assert (memo.interest, memo.fee, memo.total, memo.lines) == ("16.00", "0.00", "16.00", 2)


def test_grace_period_and_hold(ledger: Database) -> None:
    # FC1's grace is 5 days: on Mar 6 (due + 5D = Mar 6, not before it) nothing is charged.
    set_up(ledger)
    assert create(ledger, date(2026, 3, 6))["created"] == []
    inv = entry(ledger, "customer", "INV-1")
    with ledger.transaction() as session:
        session.add(CustomerEntryHold(entry_no=inv.entry_no, held_at=datetime.now(UTC)))
    assert create(ledger)["skipped"] == [
        {"customer_no": "C1", "currency": "EUR", "reason": "no interest due"}
    ]
