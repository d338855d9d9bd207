"""Checks issued through the journal: listed with their state, voided (and when not), and how
outstanding checks enter the reconciliation report."""

from __future__ import annotations

import pytest

from bankrec.errors import ApplicationError, CheckError, InputError
from bankrec.services.checks import list_checks, void_check
from bankrec.services.corrections import unapply_entry
from bankrec.services.database import Database
from bankrec.services.ledger_queries import list_entries, trial_balance
from bankrec.services.reconciliation import (
    match_lines,
    new_reconciliation,
    post_reconciliation,
    reconciliation_report,
    unmatch_line,
)
from tests.factories import post, vendor_invoice, vendor_payment
from tests.services.test_reconciliation_support import (
    Tx,
    add_statement,
    bank_post,
    day,
    entry_states,
    last_entry_no,
)


def check_states(db: Database, open_only: bool = False) -> dict[str, str]:
    return {c["check_no"]: c["status"] for c in list_checks(db, "BANK", open_only)}


def remaining(db: Database, ledger: str, document_no: str) -> str:
    (found,) = [
        e
        for e in list_entries(db, ledger)
        if e.document_no == document_no and e.extra["reversed_entry_no"] is None
    ]
    return str(found.remaining_amount)


def test_a_vendor_check_is_voided_after_its_application_is_undone(ledger: Database) -> None:
    post(ledger, vendor_invoice("PI-1", "V1", "300.00"))
    post(
        ledger,
        vendor_payment("CHK-1001", "V1", "300.00", applies_to="PI-1", check_no="1001"),
    )
    check = last_entry_no(ledger)
    assert check_states(ledger) == {"1001": "open"}
    assert remaining(ledger, "vendor", "PI-1") == "0.00"
    with pytest.raises(ApplicationError, match="bankrec unapply"):
        void_check(ledger, check, day("2026-02-15"), "tester")
    payment = next(
        e.entry_no for e in list_entries(ledger, "vendor") if e.document_no == "CHK-1001"
    )
    unapply_entry(ledger, payment, "tester")
    with pytest.raises(InputError, match="before the check's posting date"):
        void_check(ledger, check, day("2026-02-01"), "tester")
    result = void_check(ledger, check, day("2026-02-15"), "tester")
    assert result["entries"] == {"bank": 1, "gl": 2, "vendor": 1}
    assert check_states(ledger) == {"1001": "voided"}
    assert check_states(ledger, open_only=True) == {}
    assert remaining(ledger, "vendor", "PI-1") == "-300.00"
    assert remaining(ledger, "vendor", "CHK-1001") == "0.00"
    assert str(trial_balance(ledger).total) == "0.00"
    bank = list(list_entries(ledger, "bank", "BANK"))
    assert [(e.entry_no, e.reversed, e.open) for e in bank] == [
        (check, True, False),
        (result["void_entry_no"], True, False),
    ]
    with pytest.raises(CheckError, match="already voided or reversed"):
        void_check(ledger, check, None, "tester")
    with pytest.raises(CheckError, match="itself the void"):
        void_check(ledger, result["void_entry_no"], None, "tester")


def test_a_check_of_a_multi_document_posting_voids_alone(ledger: Database) -> None:
    post(
        ledger,
        {
            "date": "2026-03-01",
            "document_no": "CHK-7",
            "account_type": "bank",
            "account_no": "BANK",
            "amount": "-70.00",
            "bal_account_type": "gl",
            "bal_account_no": "6000",
            "check_no": "7",
        },
        {
            "date": "2026-03-01",
            "document_no": "CHK-8",
            "account_type": "bank",
            "account_no": "BANK",
            "amount": "-80.00",
            "bal_account_type": "gl",
            "bal_account_no": "6000",
            "check_no": "8",
        },
    )
    seven = last_entry_no(ledger) - 1
    void_check(ledger, seven, None, "tester")
    assert check_states(ledger) == {"7": "voided", "8": "open"}
    assert [e.entry_no for e in list_entries(ledger, "bank", "BANK", open_only=True)] == [seven + 1]
    document = new_reconciliation(ledger, "BANK", statement_date=day("2026-03-31"))
    assert [x["entries"] for x in document["lines"]] == [[seven + 1]]


def test_a_check_the_bank_paid_or_a_reconciliation_holds_is_not_voided(
    ledger: Database,
) -> None:
    paid = bank_post(ledger, "2026-03-01", "-250.00", "CHK-1857", "Check", check_no="1857")
    held = bank_post(ledger, "2026-03-02", "-90.00", "CHK-1858", "Check", check_no="1858")
    plain = bank_post(ledger, "2026-03-02", "-5.00", "FEE-1", "Fee")
    first = add_statement(ledger, "BANK", [Tx("2026-03-04", "-250.00", "CHECK 1857")])
    rec = new_reconciliation(ledger, "BANK", first)["reconciliation"]
    match_lines(ledger, rec, [1], [paid])
    post_reconciliation(ledger, rec, "tester")
    with pytest.raises(CheckError, match="closed on statement 1 of bank BANK"):
        void_check(ledger, paid, None, "tester")
    second = add_statement(ledger, "BANK", [Tx("2026-03-09", "-90.00", "CHECK 1858")])
    rec2 = new_reconciliation(ledger, "BANK", second)["reconciliation"]
    match_lines(ledger, rec2, [1], [held])
    with pytest.raises(CheckError, match=f"matched on bank reconciliation {rec2}"):
        void_check(ledger, held, None, "tester")
    with pytest.raises(CheckError, match="no check number"):
        void_check(ledger, plain, None, "tester")
    assert check_states(ledger) == {"1857": "closed", "1858": "applied"}
    assert check_states(ledger, open_only=True) == {"1858": "applied"}
    unmatch_line(ledger, rec2, 1)
    void_check(ledger, held, None, "tester")
    assert entry_states(ledger)[held].status == "closed"


def test_outstanding_checks_and_deposits_in_the_report(ledger: Database) -> None:
    cleared = bank_post(ledger, "2026-03-01", "1000.00", "DEP-1", "Deposit", account="4000")
    bank_post(ledger, "2026-03-02", "-120.00", "CHK-1", "Check 1", check_no="1")
    bank_post(ledger, "2026-03-03", "-30.00", "CHK-2", "Check 2", check_no="2")
    bank_post(ledger, "2026-03-04", "200.00", "DEP-2", "Deposit", account="4000")
    bank_post(ledger, "2026-03-05", "-15.00", "DD-1", "Direct debit")
    bank_post(ledger, "2026-04-02", "-60.00", "CHK-3", "Check 3 (after)", check_no="3")
    statement = add_statement(ledger, "BANK", [Tx("2026-03-05", "1000.00", "DEPOSIT")])
    rec = new_reconciliation(ledger, "BANK", statement)["reconciliation"]
    match_lines(ledger, rec, [1], [cleared])
    report = reconciliation_report(ledger, "BANK")
    assert report["status"] == "open"
    arithmetic = {
        k: report[k]
        for k in (
            "ending_balance",
            "deposits_in_transit",
            "outstanding_checks",
            "outstanding_payments",
            "adjusted_balance",
            "book_balance",
            "difference",
        )
    }
    assert arithmetic == {
        "ending_balance": "1000.00",
        "deposits_in_transit": "200.00",
        "outstanding_checks": "150.00",
        "outstanding_payments": "15.00",
        "adjusted_balance": "1035.00",
        "book_balance": "1035.00",
        "difference": "0.00",
    }
    post_reconciliation(ledger, rec, "tester")
    posted = reconciliation_report(ledger, "BANK", 1)
    assert {k: posted[k] for k in arithmetic} == arithmetic
    assert [(o["kind"], o["amount"]) for o in posted["outstanding"]] == [
        ("check", "-120.00"),
        ("check", "-30.00"),
        ("deposit", "200.00"),
        ("other", "-15.00"),
    ]
