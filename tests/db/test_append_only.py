"""The database itself keeps the ledger append-only, whatever client writes to it.

Raw SQL bypasses every service check, so these tests prove the triggers of the initial
migration: UPDATE and DELETE are refused on both backends; on PostgreSQL also TRUNCATE, and a
transaction whose G/L entries do not sum to zero cannot commit.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from bankrec.db.base import Base
from bankrec.db.models_ledger import APPEND_ONLY_TABLES
from bankrec.services.corrections import reverse_transaction, unapply_entry
from bankrec.services.database import Database
from tests.conftest import Cli
from tests.factories import invoice, payment, post, vendor_invoice

Rows = list[tuple[Any, ...]]


@pytest.fixture
def posted(ledger: Database) -> Database:
    """A ledger with rows in every append-only table."""
    post(ledger, invoice("SI-1", "C1", "100.00"), vendor_invoice("PI-1", "V1", "300.00"))
    post(ledger, payment("PAY-1", "C1", "100.00", applies_to="SI-1"))
    post(ledger, invoice("SI-2", "C2", "50.00"))
    pay = post(ledger, payment("PAY-2", "C2", "50.00", applies_to="SI-2"))
    with ledger.reading() as session:
        entry_no = session.execute(
            text("SELECT entry_no FROM customer_ledger_entry WHERE document_no = 'PAY-2'")
        ).scalar_one()
    unapply_entry(ledger, entry_no, "tester")
    assert pay.transaction_no is not None
    reverse_transaction(ledger, pay.transaction_no, "tester")
    with ledger.engine.begin() as connection:
        bank_entry = connection.exec_driver_sql(
            "SELECT MIN(entry_no) FROM bank_ledger_entry"
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO bank_entry_status (entry_no, status, changed_at) "
                "VALUES (:entry_no, 'open', :at)"
            ),
            {"entry_no": bank_entry, "at": "2026-02-11 00:00:00+00:00"},
        )
    empty = [t for t, rows in snapshot(ledger).items() if not rows]
    assert empty == [], f"every append-only table needs rows for this test; empty: {empty}"
    return ledger


def _order_by(table: str) -> str:
    return ", ".join(c.name for c in Base.metadata.tables[table].primary_key.columns)


def snapshot(db: Database) -> dict[str, Rows]:
    with db.engine.connect() as connection:
        return {
            table: [
                tuple(row)
                for row in connection.exec_driver_sql(
                    f"SELECT * FROM {table} ORDER BY {_order_by(table)}"
                )
            ]
            for table in APPEND_ONLY_TABLES
        }


def _some_column(table: str) -> str:
    """A column that is not part of the primary key: what an edit would change."""
    columns = Base.metadata.tables[table].columns
    return next(c.name for c in columns if not c.primary_key)


def _statements(table: str) -> list[str]:
    column = _some_column(table)
    return [
        f"UPDATE {table} SET {column} = {column}",
        f"DELETE FROM {table}",
        f"DELETE FROM {table} WHERE {_order_by(table).split(', ')[0]} IN "
        f"(SELECT MAX({_order_by(table).split(', ')[0]}) FROM {table})",
    ]


def _refused(connection: Connection, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        connection.exec_driver_sql(statement)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_update_and_delete_are_refused(posted: Database, table: str) -> None:
    before = snapshot(posted)
    for statement in _statements(table):
        with posted.engine.begin() as connection:
            _refused(connection, statement)
    assert snapshot(posted) == before


def test_refused_change_inside_a_transaction_leaves_the_transaction_failed(
    posted: Database,
) -> None:
    """A refusal cannot be caught and committed around: the whole transaction rolls back."""
    before = snapshot(posted)
    with posted.engine.connect() as connection:
        transaction = connection.begin()
        _refused(connection, "UPDATE gl_entry SET amount_minor = amount_minor + 1")
        transaction.rollback()
    assert snapshot(posted) == before


# The guards below exist on PostgreSQL only; these tests take no SQLite run at all.
postgresql_only = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@postgresql_only
@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_postgresql_refuses_truncate(posted: Database, table: str) -> None:
    before = snapshot(posted)
    for statement in (
        f"TRUNCATE {table} CASCADE",
        f"TRUNCATE {', '.join(APPEND_ONLY_TABLES)} CASCADE",
    ):
        with posted.engine.begin() as connection:
            _refused(connection, statement)
    assert snapshot(posted) == before


def _register(connection: Connection) -> int:
    return int(
        connection.exec_driver_sql(
            "INSERT INTO gl_register (posted_at, user_name, source, description) "
            "VALUES ('2026-03-01 12:00:00+00', 'raw', 'journal', 'raw SQL') "
            "RETURNING transaction_no"
        ).scalar_one()
    )


def _gl_entry(connection: Connection, transaction_no: int, account: str, amount: int) -> None:
    connection.execute(
        text(
            "INSERT INTO gl_entry (gl_account_no, amount_minor, posting_date, document_no, "
            "external_document_no, description, transaction_no) "
            "VALUES (:account, :amount, '2026-03-01', 'RAW-1', '', 'raw SQL', :transaction_no)"
        ),
        {"account": account, "amount": amount, "transaction_no": transaction_no},
    )


@postgresql_only
def test_postgresql_refuses_to_commit_an_unbalanced_transaction(posted: Database) -> None:
    before = snapshot(posted)
    with posted.engine.connect() as connection:
        transaction = connection.begin()
        transaction_no = _register(connection)
        _gl_entry(connection, transaction_no, "6000", 12345)
        # The insert itself is accepted: the check is deferred to COMMIT.
        with pytest.raises(DBAPIError, match="does not balance"):
            transaction.commit()
    assert snapshot(posted) == before


@postgresql_only
def test_postgresql_commits_a_balanced_transaction(posted: Database) -> None:
    before = snapshot(posted)
    with posted.engine.begin() as connection:
        transaction_no = _register(connection)
        _gl_entry(connection, transaction_no, "6000", 12345)
        _gl_entry(connection, transaction_no, "2900", -12345)
    after = snapshot(posted)
    assert len(after["gl_register"]) == len(before["gl_register"]) + 1
    assert len(after["gl_entry"]) == len(before["gl_entry"]) + 2
    with posted.engine.connect() as connection:
        total = connection.exec_driver_sql(
            f"SELECT SUM(amount_minor) FROM gl_entry WHERE transaction_no = {transaction_no}"
        ).scalar_one()
    assert total == 0


def test_cli_reports_a_database_refusal_as_exit_1(
    posted: Database, run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a command ever try to change a posted row, the user sees a refusal, not a crash."""
    from bankrec.services import ledger_queries

    def tamper(db: Database, at: object = None) -> object:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE gl_entry SET amount_minor = 0")
        raise AssertionError("the update above must be refused")

    before = snapshot(posted)
    monkeypatch.setattr(ledger_queries, "trial_balance", tamper)

    result = run("trial-balance", "--json")

    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: the database refused the change")
    assert "append-only" in lines[0]
    assert snapshot(posted) == before
