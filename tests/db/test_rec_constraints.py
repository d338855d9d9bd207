"""The database keeps bank reconciliations consistent whatever client writes to them: a bank
entry is matched once, a line is in one match, statement numbers are unique per bank."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from bankrec.services.database import Database
from bankrec.services.reconciliation import match_lines, new_reconciliation
from tests.services.test_reconciliation_support import Tx, add_statement, bank_post


@pytest.fixture
def matched(ledger: Database) -> Iterator[Connection]:
    entry = bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857", "1857")
    statement = add_statement(
        ledger, "BANK", [Tx("2026-03-05", "-250.00", "CHECK"), Tx("2026-03-05", "-1.00", "X")]
    )
    rec = new_reconciliation(ledger, "BANK", statement)["reconciliation"]
    match_lines(ledger, rec, [1], [entry])
    with ledger.engine.connect() as connection:
        yield connection


def _refused(connection: Connection, sql: str) -> None:
    transaction = connection.begin()
    with pytest.raises(IntegrityError):
        connection.execute(text(sql))
    transaction.rollback()


def test_an_entry_is_matched_once(matched: Connection) -> None:
    _refused(
        matched,
        "INSERT INTO bank_rec_match_entry (match_id, entry_no, amount_minor) "
        "SELECT match_id, entry_no, amount_minor FROM bank_rec_match_entry",
    )


def test_a_line_is_in_one_match(matched: Connection) -> None:
    _refused(
        matched,
        "INSERT INTO bank_rec_match_line (match_id, line_id) "
        "SELECT match_id, line_id FROM bank_rec_match_line",
    )


def test_statement_numbers_are_unique_per_bank(matched: Connection) -> None:
    _refused(
        matched,
        "INSERT INTO bank_reconciliation (bank_no, statement_no, status, statement_date, "
        "balance_last_statement_minor, ending_balance_minor, created_at, created_by, version) "
        "SELECT bank_no, statement_no, 'open', statement_date, 0, 0, created_at, 'raw', 0 "
        "FROM bank_reconciliation",
    )


def test_a_posted_reconciliation_has_a_posting_time(matched: Connection) -> None:
    _refused(matched, "UPDATE bank_reconciliation SET status = 'posted'")
