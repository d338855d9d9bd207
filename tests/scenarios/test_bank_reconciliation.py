"""A bookkeeper reconciles the bank: statement lines against the bank entries already posted.

Reference 13.5 end to end, checks deposited together, a payment the bank split in two, a fee
the books lacked, a statement that does not tie, and posting then undoing, which must leave the
bank and every entry exactly as they were.
"""

from __future__ import annotations

from typing import Any

import pytest

from bankrec.services.database import Database
from bankrec.services.payjournal import accept
from bankrec.services.payjournal.apply import apply_journal
from bankrec.services.payjournal.post import PostOptions, post_payment_journal
from bankrec.services.reconciliation import (
    ReconciliationError,
    match_auto,
    match_lines,
    new_reconciliation,
    post_reconciliation,
    reconciliation_report,
    show_reconciliation,
    transfer_diff,
    undo_plan,
    undo_statement,
)
from tests.factories import invoice, post, row_counts
from tests.scenarios.pay_support import journal_for
from tests.services.test_reconciliation_support import (
    EntryState,
    Tx,
    add_statement,
    bank_post,
    bank_state,
    entry_states,
)


def lines(db: Database, rec: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = show_reconciliation(db, rec)["lines"]
    return found


def new_rec(db: Database, statement: int) -> int:
    rec: int = new_reconciliation(db, "BANK", statement, user="tester")["reconciliation"]
    return rec


def test_reference_13_5_checks_a_close_amount_and_a_fee(ledger: Database) -> None:
    """Reference 13.5 with tolerance 5 days, as one statement."""
    e1 = bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857 Fabrikam", "1857")
    e2 = bank_post(ledger, "2026-03-02", "-250.00", "1858", "Check 1858", "1858")
    e3 = bank_post(ledger, "2026-02-24", "-100.00", "BC-7", "Bank charge")
    e4 = bank_post(ledger, "2026-03-03", "-250.00", "1859", "Check 1859", "1859")
    e5 = bank_post(ledger, "2026-03-04", "-250.00", "1860", "Check 1860", "1860")
    statement = add_statement(
        ledger,
        "BANK",
        [
            Tx("2026-03-05", "-250.00", "CHECK 1857"),  # 1: named by check number
            Tx("2026-03-06", "-250.00", "CHECK 1858"),  # 2: named by check number
            Tx("2026-03-06", "-230.00", "CHECK 1859"),  # 3: close amount, check named
            Tx("2026-03-06", "-250.00", "PAYMENT"),  # 4: the amount alone, once 1-3 are done
            Tx("2026-03-06", "-100.00", "FEE"),  # 5: E3 is 10 days away
        ],
    )
    rec = new_rec(ledger, statement)
    summary = match_auto(ledger, rec, days=5)
    assert summary.message == "4 reconciliation lines out of 5 are matched."
    got = {x["line"]: (x["status"], x["entries"], x["difference"]) for x in lines(ledger, rec)}
    assert got == {
        1: ("matched", [e1], "0.00"),
        2: ("matched", [e2], "0.00"),
        3: ("difference", [e4], "20.00"),
        4: ("matched", [e5], "0.00"),
        5: ("unmatched", [], "-100.00"),
    }
    fee = lines(ledger, rec)[4]
    assert fee["near"][0]["entry_no"] == e3
    assert any("10 days" in d for d in fee["details"]), fee["details"]

    # The same statement again gives the same answer.
    match_auto(ledger, rec, days=5)
    assert {x["line"]: (x["status"], x["entries"]) for x in lines(ledger, rec)} == {
        k: v[:2] for k, v in got.items()
    }

    # With a wider tolerance the fee would match; by hand it is the same.
    match_lines(ledger, rec, [5], [e3])
    with pytest.raises(ReconciliationError, match=r"line 3 \(-230.00\) matched to bank entry"):
        post_reconciliation(ledger, rec, "tester")
    # The bank paid check 1859 short by 20.00: post the difference.
    transfer_diff(ledger, rec, 3, "6800", "check 1859 corrected by the bank", user="tester")
    assert show_reconciliation(ledger, rec)["difference"] == "0.00"

    posted = post_reconciliation(ledger, rec, "tester")
    assert posted["statement_no"] == 1
    assert posted["balance_last_statement"] == "-1080.00"
    states = entry_states(ledger)
    assert {no: (s.status, s.statement_no) for no, s in states.items()} == dict.fromkeys(
        states, ("closed", 1)
    )
    report = reconciliation_report(ledger, "BANK")
    assert report["difference"] == "0.00"
    assert report["book_balance"] == report["ending_balance"] == "-1080.00"


def test_reference_13_5_without_check_numbers_flags_a_tie_instead_of_crossing(
    ledger: Database,
) -> None:
    e1 = bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857 Fabrikam", "1857")
    e2 = bank_post(ledger, "2026-03-02", "-250.00", "1858", "Check 1858", "1858")
    statement = add_statement(
        ledger, "BANK", [Tx("2026-03-05", "-250.00", "PAYMENT"), Tx("2026-03-06", "-250.00", "")]
    )
    rec = new_rec(ledger, statement)
    assert match_auto(ledger, rec, days=5).ties == 1
    for line in lines(ledger, rec):
        assert (line["status"], line["entries"]) == ("tie", [])
        assert line["tie"]["entries"] == [e1, e2]
    match_lines(ledger, rec, [1], [e1])
    match_auto(ledger, rec, days=5)
    assert [(x["status"], x["entries"]) for x in lines(ledger, rec)] == [
        ("matched", [e1]),
        ("matched", [e2]),
    ]


def test_a_deposit_of_three_checks_matches_its_three_entries(ledger: Database) -> None:
    checks = [
        bank_post(ledger, "2026-03-01", "120.00", "CHK-A", "Check from Alpha", account="4000"),
        bank_post(ledger, "2026-03-01", "80.00", "CHK-B", "Check from Beta", account="4000"),
        bank_post(ledger, "2026-03-02", "300.00", "CHK-C", "Check from Gamma", account="4000"),
    ]
    other = bank_post(ledger, "2026-03-02", "75.00", "CASH-1", "Cash sale", account="4000")
    rec = new_rec(ledger, add_statement(ledger, "BANK", [Tx("2026-03-03", "500.00", "DEPOSIT")]))
    match_auto(ledger, rec, days=5)
    (line,) = lines(ledger, rec)
    assert (line["status"], line["entries"], line["match"]["kind"]) == (
        "matched",
        checks,
        "one_to_many",
    )
    assert show_reconciliation(ledger, rec)["outstanding_entries"] == [other]
    post_reconciliation(ledger, rec, "tester")
    report = reconciliation_report(ledger, "BANK")
    assert (report["deposits_in_transit"], report["book_balance"]) == ("75.00", "575.00")
    assert report["difference"] == "0.00"


def test_two_statement_lines_match_one_entry(ledger: Database) -> None:
    rent = bank_post(ledger, "2026-03-01", "-1000.00", "RENT-3", "Rent March")
    statement = add_statement(
        ledger,
        "BANK",
        [Tx("2026-03-02", "-600.00", "Rent part 1"), Tx("2026-03-03", "-400.00", "Rent part 2")],
    )
    rec = new_rec(ledger, statement)
    result = match_lines(ledger, rec, [1, 2], [rent])
    assert result["kind"] == "many_to_one"
    assert [(x["line"], x["applied_amount"]) for x in result["lines"]] == [
        (1, "-600.00"),
        (2, "-400.00"),
    ]
    assert [(x["status"], x["entries"]) for x in lines(ledger, rec)] == [
        ("matched", [rent]),
        ("matched", [rent]),
    ]
    post_reconciliation(ledger, rec, "tester")
    assert entry_states(ledger)[rent] == EntryState(False, "closed", 1, 1, "2026-03-03")


def test_a_fee_the_books_lack_is_posted_with_transfer_diff(ledger: Database) -> None:
    before = row_counts(ledger)
    rec = new_rec(ledger, add_statement(ledger, "BANK", [Tx("2026-03-31", "-4.90", "FEES")]))
    result = transfer_diff(ledger, rec, 1, "6800", user="tester")
    after = row_counts(ledger)
    assert after["gl_register"] == before["gl_register"] + 1
    assert after["bank_ledger_entry"] == before["bank_ledger_entry"] + 1
    assert after["gl_entry"] == before["gl_entry"] + 2
    (line,) = lines(ledger, rec)
    assert (line["status"], line["entries"]) == ("matched", [result["entry_no"]])
    post_reconciliation(ledger, rec, "tester")
    assert bank_state(ledger)["balance_last_statement_minor"] == -490


def test_an_unbalanced_statement_is_refused_naming_the_amounts_and_writes_nothing(
    ledger: Database,
) -> None:
    e1 = bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857", "1857")
    statement = add_statement(
        ledger, "BANK", [Tx("2026-03-05", "-250.00", "CHECK 1857")], closing="-200.00"
    )
    rec = new_rec(ledger, statement)
    match_lines(ledger, rec, [1], [e1])
    counts, bank, states = row_counts(ledger), bank_state(ledger), entry_states(ledger)
    document = show_reconciliation(ledger, rec)
    with pytest.raises(ReconciliationError) as refused:
        post_reconciliation(ledger, rec, "tester")
    message = str(refused.value)
    for amount in ("-200.00", "0.00", "-250.00", "50.00"):
        assert amount in message
    assert "statement 1 of bank BANK" in message
    assert row_counts(ledger) == counts
    assert bank_state(ledger) == bank
    assert entry_states(ledger) == states
    assert show_reconciliation(ledger, rec) == document


def test_post_then_undo_restores_the_bank_and_every_entry_exactly(ledger: Database) -> None:
    e1 = bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857", "1857")
    e2 = bank_post(ledger, "2026-03-02", "1000.00", "DEP-1", "Deposit", account="4000")
    bank_post(ledger, "2026-03-03", "-75.00", "1858", "Check 1858", "1858")  # outstanding
    statement = add_statement(
        ledger,
        "BANK",
        [Tx("2026-03-04", "-250.00", "CHECK 1857"), Tx("2026-03-04", "1000.00", "DEPOSIT")],
    )
    rec = new_rec(ledger, statement)
    match_lines(ledger, rec, [1], [e1])
    match_lines(ledger, rec, [2], [e2])
    bank, states = bank_state(ledger), entry_states(ledger)
    document = show_reconciliation(ledger, rec)
    assert states[e1] == EntryState(True, "applied", 1, 1, None)

    posted = post_reconciliation(ledger, rec, "tester")
    assert posted["outstanding_entries"] == [3]
    assert bank_state(ledger)["last_statement_no"] == 1
    assert entry_states(ledger)[e1] == EntryState(False, "closed", 1, 1, "2026-03-04")
    report = reconciliation_report(ledger, "BANK", 1)
    assert (report["outstanding_checks"], report["book_balance"]) == ("75.00", "675.00")
    assert report["adjusted_balance"] == "675.00"

    assert undo_plan(ledger, "BANK", 1)["later"] == []
    undone = undo_statement(ledger, "BANK", 1)
    assert undone["undone"] == [1]
    assert bank_state(ledger) == bank
    assert entry_states(ledger) == states
    again = show_reconciliation(ledger, rec)
    changing = ("version", "outstanding", "outstanding_entries", "matched_entries")
    assert {k: v for k, v in again.items() if k not in changing} == {
        k: v for k, v in document.items() if k not in changing
    }
    assert again["outstanding_entries"] == document["outstanding_entries"]
    # and it posts again as it did the first time
    assert post_reconciliation(ledger, rec, "tester")["statement_no"] == 1


def _posted_statement(db: Database, day: str, amount: str, document_no: str) -> int:
    entry = bank_post(db, day, amount, document_no, account="4000")
    rec = new_rec(db, add_statement(db, "BANK", [Tx(day, amount, document_no)]))
    match_lines(db, rec, [1], [entry])
    statement_no: int = post_reconciliation(db, rec, "tester")["statement_no"]
    return statement_no


def test_undoing_an_earlier_statement_undoes_the_later_ones_when_told(ledger: Database) -> None:
    bank = bank_state(ledger)
    first = _posted_statement(ledger, "2026-03-01", "100.00", "D-1")
    second = _posted_statement(ledger, "2026-03-08", "200.00", "D-2")
    assert (first, second) == (1, 2)
    assert undo_plan(ledger, "BANK", 1)["later"] == [2]
    with pytest.raises(ReconciliationError, match="followed by posted statement"):
        undo_statement(ledger, "BANK", 1)
    assert bank_state(ledger)["last_statement_no"] == 2
    result = undo_statement(ledger, "BANK", 1, include_later=True, expected_later=[2])
    assert result["undone"] == [2, 1]
    after = bank_state(ledger)
    assert (after["last_statement_no"], after["balance_last_statement_minor"]) == (
        bank["last_statement_no"],
        bank["balance_last_statement_minor"],
    )
    assert entry_states(ledger) == {
        1: EntryState(True, "applied", 1, 1, None),
        2: EntryState(True, "applied", 2, 1, None),
    }


def test_an_earlier_statement_is_not_undone_past_a_payment_journal_statement(
    ledger: Database,
) -> None:
    _posted_statement(ledger, "2026-03-01", "100.00", "D-1")
    post(ledger, invoice("SI-501", "C1", "1000.00", date="2026-03-01"))
    journal = journal_for(
        ledger,
        "BANK",
        [Tx("2026-03-10", "1000.00", "Invoice SI-501", "Alpha GmbH", "DE89370400440532013000")],
    )
    apply_journal(ledger, journal)
    accept(ledger, journal, [1])
    assert post_payment_journal(ledger, journal, PostOptions(user="tester")).statement_no == 2
    with pytest.raises(ReconciliationError, match="statement 2 was posted by a payment journal"):
        undo_plan(ledger, "BANK", 1)
    with pytest.raises(ReconciliationError, match="payment journal"):
        undo_statement(ledger, "BANK", 1, include_later=True)
    with pytest.raises(ReconciliationError, match=f"bankrec pay reverse {journal}"):
        undo_plan(ledger, "BANK", 2)
