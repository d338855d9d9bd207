"""Bank reconciliation use cases: statement numbers, suggested lines, automatic and manual
matching, review decisions, one reconciliation per entry, deleting, and posting guards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from bankrec.db import rec_repo
from bankrec.db.models import BankAccount, BankEntryStatus, BankLedgerEntry, BankReconciliation
from bankrec.errors import InputError
from bankrec.services.corrections import reverse_transaction
from bankrec.services.database import Database
from bankrec.services.masterdata import set_bank
from bankrec.services.reconciliation import (
    ReconciliationError,
    accept_line,
    choose_candidate,
    delete_reconciliation,
    line_candidates,
    list_reconciliations,
    match_auto,
    match_lines,
    new_reconciliation,
    post_reconciliation,
    reject_line,
    review_queue,
    show_reconciliation,
    skip_line,
    unmatch_line,
)
from tests.services.test_reconciliation_support import (
    EntryState,
    Tx,
    add_statement,
    bank_post,
    day,
    entry_states,
)


def status_rows(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(BankEntryStatus)) or 0)


def statuses(db: Database, rec: int) -> list[tuple[int, str, list[int]]]:
    return [(x["line"], x["status"], x["entries"]) for x in show_reconciliation(db, rec)["lines"]]


def test_statement_numbers_follow_the_bank_and_open_reconciliations(ledger: Database) -> None:
    with ledger.reading() as session:
        bank = session.get_one(BankAccount, "BANK")
        assert rec_repo.next_statement_no(session, bank) == 1
    first = new_reconciliation(ledger, "BANK", statement_date=day("2026-03-31"))
    second = new_reconciliation(ledger, "BANK", statement_date=day("2026-04-30"))
    assert (first["statement_no"], second["statement_no"]) == (1, 2)
    set_bank(ledger, "BANK", 7, None, None)
    assert new_reconciliation(ledger, "BANK", statement_date=day("2026-05-31"))["statement_no"] == 8
    assert [r["statement_no"] for r in list_reconciliations(ledger, "BANK")] == [1, 2, 8]
    with ledger.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(
            insert(BankReconciliation).values(
                bank_no="BANK",
                statement_no=2,
                status="open",
                statement_date=day("2026-06-30"),
                balance_last_statement_minor=0,
                ending_balance_minor=0,
                created_at=datetime.now(UTC),
                created_by="raw",
                version=0,
            )
        )


def test_without_a_file_lines_are_suggested_from_open_entries_each_matched(
    ledger: Database,
) -> None:
    e1 = bank_post(ledger, "2026-03-02", "-40.00", "P-1", "Stationery", "101")
    e2 = bank_post(ledger, "2026-03-01", "500.00", "D-1", "Deposit", account="4000")
    late = bank_post(ledger, "2026-04-02", "-10.00", "P-2", "After the statement")
    gone = bank_post(ledger, "2026-03-03", "-99.00", "P-3", "Posted by mistake")
    with ledger.reading() as session:
        txn = session.scalar(
            select(BankLedgerEntry.transaction_no).where(BankLedgerEntry.entry_no == gone)
        )
    assert txn is not None
    reverse_transaction(ledger, txn, "tester")
    with pytest.raises(InputError, match="--statement-date"):
        new_reconciliation(ledger, "BANK")
    document = new_reconciliation(ledger, "BANK", statement_date=day("2026-03-31"))
    assert [
        (x["line"], x["date"], x["amount"], x["status"], x["entries"]) for x in document["lines"]
    ] == [
        (1, "2026-03-01", "500.00", "matched", [e2]),
        (2, "2026-03-02", "-40.00", "matched", [e1]),
    ]
    assert document["lines"][1]["check_no"] == "101"
    assert (document["ending_balance"], document["difference"]) == ("460.00", "0.00")
    assert document["outstanding_entries"] == []
    states = entry_states(ledger)
    assert states[e2] == EntryState(True, "applied", 1, 1, None)
    assert states[late].status == "open"
    post_reconciliation(ledger, document["reconciliation"], "tester")
    assert entry_states(ledger)[e1] == EntryState(False, "closed", 1, 2, "2026-03-31")


def test_a_statement_goes_into_one_reconciliation(ledger: Database) -> None:
    statement = add_statement(ledger, "BANK", [Tx("2026-03-05", "-10.00", "FEE")])
    rec = new_reconciliation(ledger, "BANK", statement)["reconciliation"]
    with pytest.raises(ReconciliationError, match=f"already in bank reconciliation {rec}"):
        new_reconciliation(ledger, "BANK", statement)
    delete_reconciliation(ledger, rec)
    assert new_reconciliation(ledger, "BANK", statement)["statement_no"] == 1


def _two_checks(ledger: Database) -> tuple[int, int, int]:
    e1 = bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857", "1857")
    e2 = bank_post(ledger, "2026-03-02", "-300.00", "1858", "Check 1858", "1858")
    statement = add_statement(
        ledger,
        "BANK",
        [Tx("2026-03-05", "-250.00", "CHECK 1857"), Tx("2026-03-06", "-300.00", "CHECK 1858")],
    )
    rec: int = new_reconciliation(ledger, "BANK", statement)["reconciliation"]
    return rec, e1, e2


def test_match_auto_keeps_manual_matches_and_is_deterministic(ledger: Database) -> None:
    rec, e1, e2 = _two_checks(ledger)
    e3 = bank_post(ledger, "2026-03-04", "-250.00", "X-1", "Another payment")
    match_lines(ledger, rec, [1], [e3])  # the bookkeeper knows better (or worse)
    match_auto(ledger, rec)
    assert statuses(ledger, rec) == [(1, "matched", [e3]), (2, "matched", [e2])]
    rows, document = status_rows(ledger), show_reconciliation(ledger, rec)
    match_auto(ledger, rec)
    assert status_rows(ledger) == rows
    again = show_reconciliation(ledger, rec)
    assert again["lines"] == document["lines"]
    assert entry_states(ledger)[e1].status == "open"
    assert document["outstanding_entries"] == [e1]


def test_an_entry_is_matched_in_one_open_reconciliation_only(ledger: Database) -> None:
    rec, e1, _ = _two_checks(ledger)
    match_lines(ledger, rec, [1], [e1])
    other = add_statement(ledger, "BANK", [Tx("2026-03-07", "-250.00", "CHECK 1857")])
    second = new_reconciliation(ledger, "BANK", other)["reconciliation"]
    with pytest.raises(ReconciliationError, match=f"matched in bank reconciliation {rec}"):
        match_lines(ledger, second, [1], [e1])
    match_auto(ledger, second)
    assert statuses(ledger, second) == [(1, "unmatched", [])]


def test_many_to_many_is_refused_and_a_group_is_unmatched_whole(ledger: Database) -> None:
    rec, e1, e2 = _two_checks(ledger)
    with pytest.raises(ReconciliationError, match="many-to-many matches are not supported"):
        match_lines(ledger, rec, [1, 2], [e1, e2])
    whole = bank_post(ledger, "2026-03-03", "-550.00", "B-1", "Both checks")
    match_lines(ledger, rec, [1, 2], [whole])
    assert statuses(ledger, rec) == [(1, "matched", [whole]), (2, "matched", [whole])]
    result = unmatch_line(ledger, rec, 2)
    assert (result["lines"], result["entries"]) == ([1, 2], [whole])
    assert statuses(ledger, rec) == [(1, "unmatched", []), (2, "unmatched", [])]
    assert entry_states(ledger)[whole].status == "open"
    with pytest.raises(ReconciliationError, match="no match to remove"):
        unmatch_line(ledger, rec, 1)


def test_matching_an_entry_again_moves_it_and_says_so(ledger: Database) -> None:
    rec, e1, _ = _two_checks(ledger)
    match_lines(ledger, rec, [1], [e1])
    moved = match_lines(ledger, rec, [2], [e1])
    assert moved["removed"] == [{"lines": [1], "entries": [e1], "origin": "manual"}]
    assert moved["lines"][0]["difference"] == "-50.00"
    assert statuses(ledger, rec) == [(1, "unmatched", []), (2, "difference", [e1])]
    assert entry_states(ledger)[e1] == EntryState(True, "applied", 1, 2, None)


def test_review_decisions_accept_reject_skip_choose(ledger: Database) -> None:
    rec, e1, e2 = _two_checks(ledger)
    match_auto(ledger, rec)
    assert review_queue(ledger, rec) == [1, 2]
    accept_line(ledger, rec, 1)
    reject_line(ledger, rec, 2)
    assert review_queue(ledger, rec) == []
    assert review_queue(ledger, rec, every_line=True) == [1, 2]
    match_auto(ledger, rec)
    assert statuses(ledger, rec) == [(1, "matched", [e1]), (2, "rejected", [])]
    found = line_candidates(ledger, rec, 2)
    assert found["candidates"][0]["entry_nos"] == [e2]
    choose_candidate(ledger, rec, 2, [e2], found["candidates"][0]["details"])
    match_auto(ledger, rec)
    assert statuses(ledger, rec) == [(1, "matched", [e1]), (2, "matched", [e2])]
    unmatch_line(ledger, rec, 1)
    skip_line(ledger, rec, 1)
    assert review_queue(ledger, rec) == []
    match_auto(ledger, rec)
    assert review_queue(ledger, rec) == [1]


def test_post_is_refused_when_the_bank_moved_on_since(ledger: Database) -> None:
    first = new_reconciliation(ledger, "BANK", statement_date=day("2026-03-31"))
    bank_post(ledger, "2026-03-02", "-40.00", "P-1", "Stationery")
    second = new_reconciliation(ledger, "BANK", statement_date=day("2026-04-30"))
    post_reconciliation(ledger, second["reconciliation"], "tester")
    with pytest.raises(ReconciliationError, match=r"balance last statement is now -40\.00"):
        post_reconciliation(ledger, first["reconciliation"], "tester")


def test_a_posted_reconciliation_does_not_change(ledger: Database) -> None:
    rec, _, _ = _two_checks(ledger)
    match_auto(ledger, rec)
    post_reconciliation(ledger, rec, "tester")
    states = entry_states(ledger)
    for change in (
        lambda: match_auto(ledger, rec),
        lambda: unmatch_line(ledger, rec, 1),
        lambda: post_reconciliation(ledger, rec, "tester"),
        lambda: delete_reconciliation(ledger, rec),
    ):
        with pytest.raises(ReconciliationError, match="is posted; undo it first"):
            change()
    assert entry_states(ledger) == states


def test_a_number_a_payment_journal_took_meanwhile_is_not_posted_twice(ledger: Database) -> None:
    from bankrec.services.payjournal import accept, transfer_diff
    from bankrec.services.payjournal.apply import apply_journal
    from bankrec.services.payjournal.post import PostOptions, post_payment_journal
    from tests.factories import invoice, post
    from tests.scenarios.pay_support import journal_for

    entry = bank_post(ledger, "2026-03-01", "-40.00", "P-1", "Stationery")
    rec = new_reconciliation(ledger, "BANK", statement_date=day("2026-03-01"))
    assert rec["statement_no"] == 1
    post(ledger, invoice("SI-501", "C1", "1000.00", date="2026-03-01"))
    journal = journal_for(
        ledger,
        "BANK",
        [
            Tx("2026-03-10", "1000.00", "Invoice SI-501", "Alpha GmbH", "DE89370400440532013000"),
            Tx("2026-03-10", "-1000.00", "Equipment"),
        ],
    )
    apply_journal(ledger, journal)
    transfer_diff(ledger, journal, 2, "gl", "6000")
    accept(ledger, journal, [1, 2])
    paid = post_payment_journal(ledger, journal, PostOptions(user="tester")).statement_no
    assert paid is not None
    posted = post_reconciliation(ledger, rec["reconciliation"], "tester")
    assert posted["statement_no"] != paid
    assert (posted["renumbered_from"] == 1) == (paid == 1)
    assert entry_states(ledger)[entry].statement_no == posted["statement_no"]
    with ledger.reading() as session:
        bank = session.get_one(BankAccount, "BANK")
        assert bank.last_statement_no == max(paid, posted["statement_no"])
        assert rec_repo.next_statement_no(session, bank) == bank.last_statement_no + 1
