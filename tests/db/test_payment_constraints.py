"""The payment reconciliation tables guard their own vocabulary and shape, whatever client
writes to them: raw SQL that breaks a rule of migration 0003 is refused on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from bankrec.services.database import Database

RULE = (
    "INSERT INTO payment_application_rule (confidence, priority, related_party, doc_match, "
    "amount_match, reference_match, review_required, apply_immediately) VALUES "
)
MAPPING = (
    "INSERT INTO text_mapping (mapping_text, mapping_key, target_type, debit_gl_no, "
    "credit_gl_no, party_no, created_at) VALUES "
)
LINE = (
    "INSERT INTO payment_journal_line (journal_id, line_no, statement_line_id, parent_line_no, "
    "transaction_date, amount_minor, currency_code, text, additional_text, counterparty_name, "
    "counterparty_account, counterparty_address, counterparty_city, creditor_reference, "
    "end_to_end_id, bank_transaction_id, identity, confidence, status) VALUES "
)
APPLICATION = (
    "INSERT INTO payment_application (line_id, account_type, account_no, entry_no, document_no, "
    "applied_minor, discount_minor, confidence, origin) VALUES "
)


@pytest.fixture
def conn(ledger: Database) -> Iterator[Connection]:
    """A connection with one open journal (id 1) holding one line (id 1) of bank BANK."""
    with ledger.engine.connect() as connection:
        connection.execute(
            text(
                "INSERT INTO payment_journal (id, bank_no, status, created_at, created_by, "
                "version) VALUES (1, 'BANK', 'open', CURRENT_TIMESTAMP, 'tester', 0)"
            )
        )
        connection.execute(text(LINE + line_values(1)))
        yield connection
        connection.rollback()


def line_values(line_no: int, confidence: str = "none", child: str = "NULL") -> str:
    return (
        f"(1, {line_no}, NULL, {child}, '2026-03-02', 1000, 'EUR', '', '', '', '', '', '', '', "
        f"'', '', 'k{line_no}', '{confidence}', 'not_applied')"
    )


def refused(connection: Connection, sql: str) -> None:
    savepoint = connection.begin_nested()
    with pytest.raises(IntegrityError):
        connection.execute(text(sql))
    savepoint.rollback()


@pytest.mark.parametrize(
    "values",
    [
        "('high', 0, 'fully', 'yes', 'one', 'not_considered', false, false)",
        "('high', 1000, 'fully', 'yes', 'one', 'not_considered', false, false)",
        "('certain', 50, 'fully', 'yes', 'one', 'not_considered', false, false)",
        "('high', 50, 'mostly', 'yes', 'one', 'not_considered', false, false)",
        "('high', 50, 'fully', 'perhaps', 'one', 'not_considered', false, false)",
        "('high', 50, 'fully', 'yes', 'two', 'not_considered', false, false)",
        "('high', 50, 'fully', 'yes', 'one', 'maybe', false, false)",
        "('high', 1, 'fully', 'yes', 'one', 'not_considered', false, false)",
    ],
    ids=["priority-0", "priority-1000", "confidence", "party", "doc", "amount", "ref", "dup"],
)
def test_rules_keep_their_vocabulary_and_unique_priorities(conn: Connection, values: str) -> None:
    refused(conn, RULE + values)


def test_a_valid_rule_is_accepted(conn: Connection) -> None:
    conn.execute(text(RULE + "('high', 50, 'fully', 'yes', 'one', 'not_considered', false, true)"))


@pytest.mark.parametrize(
    "values",
    [
        "('Fee', 'fee', 'gl', NULL, NULL, NULL, CURRENT_TIMESTAMP)",
        "('Fee', 'fee', 'customer', '6800', NULL, 'C1', CURRENT_TIMESTAMP)",
        "('Fee', 'fee', 'vendor', NULL, NULL, NULL, CURRENT_TIMESTAMP)",
        "('   ', '   ', 'gl', '6800', NULL, NULL, CURRENT_TIMESTAMP)",
        "('Fee', 'fee', 'employee', NULL, NULL, 'E1', CURRENT_TIMESTAMP)",
        "('Fee', 'fee', 'gl', '0000', NULL, NULL, CURRENT_TIMESTAMP)",
    ],
    ids=["gl-without-account", "party-with-gl", "party-without-no", "blank", "type", "fk"],
)
def test_mappings_need_exactly_their_target(conn: Connection, values: str) -> None:
    refused(conn, MAPPING + values)


def test_mapping_texts_are_unique_by_key(conn: Connection) -> None:
    conn.execute(text(MAPPING + "('Fee', 'fee', 'gl', '6800', NULL, NULL, CURRENT_TIMESTAMP)"))
    refused(conn, MAPPING + "('FEE', 'fee', 'gl', '6000', NULL, NULL, CURRENT_TIMESTAMP)")


def test_lines_are_numbered_once_and_statement_lines_journalled_once(conn: Connection) -> None:
    refused(conn, LINE + line_values(1))
    refused(conn, LINE + line_values(2, confidence="certain"))
    conn.execute(text(LINE + line_values(2, child="1")))
    conn.execute(
        text(
            "INSERT INTO bank_statement (id, bank_no, format, source_name, file_sha256, "
            "statement_ref, file_position, currency_code, account_iban, account_no, "
            "lines_in_file, lines_new, imported_at, imported_by) VALUES (1, 'BANK', 'csv', 't', "
            "'0', '', '', 'EUR', '', '', 1, 1, CURRENT_TIMESTAMP, 'tester')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO bank_statement_line (id, statement_id, line_no, bank_no, dedupe_key, "
            "booking_date, amount_minor, currency_code, counterparty_name, counterparty_account, "
            "counterparty_bic, counterparty_address, counterparty_city, remittance, "
            "structured_reference, end_to_end_id, bank_reference, transaction_code, check_no, "
            "original_currency, batch_reference, reversal, position, raw) VALUES (1, 1, 1, "
            "'BANK', 'k', '2026-03-02', 1000, 'EUR', '', '', '', '', '', '', '', '', '', '', '', "
            "'', '', false, '', '')"
        )
    )
    refused(conn, LINE + line_values(3).replace("(1, 3, NULL, NULL", "(1, 3, 1, 1"))
    conn.execute(text(LINE + line_values(3).replace("(1, 3, NULL", "(1, 3, 1")))
    conn.execute(
        text(
            "INSERT INTO payment_journal (id, bank_no, status, created_at, "
            "created_by, version) VALUES (2, 'BANK', 'open', CURRENT_TIMESTAMP, 't', 0)"
        )
    )
    refused(conn, LINE + line_values(1).replace("(1, 1, NULL", "(2, 1, 1"))
    refused(
        conn,
        "UPDATE payment_journal SET status = 'posted' WHERE id = 1",
    )


@pytest.mark.parametrize(
    "values",
    [
        "(1, 'gl', '6800', 5, '', 1000, 0, 'manual', 'transfer')",
        "(1, 'customer', 'C1', 1, 'SI-1', 0, 0, 'manual', 'manual')",
        "(1, 'customer', 'C1', 1, 'SI-1', 1000, 1001, 'manual', 'manual')",
        "(1, 'customer', 'C1', 1, 'SI-1', 1000, -10, 'manual', 'manual')",
        "(1, 'employee', 'E1', 1, '', 1000, 0, 'manual', 'manual')",
        "(1, 'customer', 'C1', 1, 'SI-1', 1000, 0, 'sure', 'manual')",
        "(1, 'customer', 'C1', 1, 'SI-1', 1000, 0, 'manual', 'magic')",
        "(99, 'customer', 'C1', 1, 'SI-1', 1000, 0, 'manual', 'manual')",
    ],
    ids=["gl-entry", "zero", "discount-over", "discount-sign", "type", "conf", "origin", "fk"],
)
def test_applications_are_well_formed(conn: Connection, values: str) -> None:
    refused(conn, APPLICATION + values)


def test_deleting_a_journal_deletes_its_lines_and_applications(conn: Connection) -> None:
    conn.execute(
        text(APPLICATION + "(1, 'customer', 'C1', 1, 'SI-1', 1000, 20, 'manual', 'manual')")
    )
    conn.execute(text("DELETE FROM payment_journal WHERE id = 1"))
    for table in ("payment_journal_line", "payment_application"):
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0
