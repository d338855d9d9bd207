"""Storing parsed statements: idempotent, overlap-safe, balance-checked, all or nothing.

These tests hand the service ready-made statements, so they hold for every file format.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bankrec.db.models import BankAccount, BankStatement, BankStatementLine
from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import InputError, NotFoundError
from bankrec.services.database import Database
from bankrec.services.masterdata import set_bank
from bankrec.services.statement_import import ImportOptions, StatementReport, store_parsed

OPTIONS = ImportOptions(banks=("BANK",), user="tester")


def line(day: int, amount: str, ref: str = "", text: str = "", name: str = "") -> StatementLine:
    return StatementLine(
        booking_date=date(2026, 3, day),
        amount=Decimal(amount),
        currency="EUR",
        bank_reference=ref,
        remittance=text,
        counterparty_name=name,
        position=f"line {day}",
    )


def statement(
    *lines: StatementLine,
    opening: str | None = None,
    closing: str | None = None,
    first: int = 1,
    last: int = 31,
    iban: str = "",
) -> ParsedFile:
    return ParsedFile(
        "test",
        (
            ParsedStatement(
                currency="EUR",
                lines=lines,
                account_iban=iban,
                opening=Balance(Decimal(opening), date(2026, 3, first))
                if opening is not None
                else None,
                closing=Balance(Decimal(closing), date(2026, 3, last))
                if closing is not None
                else None,
                position="Stmt[1]",
            ),
        ),
    )


def store(
    db: Database, parsed: ParsedFile, options: ImportOptions = OPTIONS, digest: str = "d1"
) -> list[StatementReport]:
    return store_parsed(db, "march.xml", parsed, digest, options, "test")


def line_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(BankStatementLine)) or 0


def test_reimport_adds_nothing(ledger: Database) -> None:
    parsed = statement(
        line(2, "100.00", "A1"), line(3, "-40.00", "A2"), opening="0", closing="60.00"
    )
    assert store(ledger, parsed)[0].lines_new == 2
    again = store(ledger, parsed)[0]
    assert (again.lines_new, again.lines_skipped_duplicate) == (0, 2)
    assert line_count(ledger) == 2
    with ledger.reading() as session:
        assert session.scalar(select(func.count()).select_from(BankStatement)) == 1


def test_overlapping_download_adds_only_the_new_lines(ledger: Database) -> None:
    store(
        ledger,
        statement(line(2, "100.00"), line(3, "-40.00"), opening="0", closing="60.00", last=3),
    )
    later = statement(
        line(3, "-40.00"),
        line(4, "25.00"),
        line(5, "-5.00"),
        opening="100.00",
        closing="80.00",
        first=3,
        last=5,
    )
    report = store(ledger, later, digest="d2")[0]
    assert (report.lines_new, report.lines_skipped_duplicate) == (2, 1)
    assert line_count(ledger) == 4


def test_identical_lines_on_one_day_are_both_kept(ledger: Database) -> None:
    twins = statement(line(2, "9.99", text="Coffee"), line(2, "9.99", text="Coffee"))
    assert store(ledger, twins)[0].lines_new == 2
    assert store(ledger, twins, digest="d2")[0].lines_new == 0
    assert line_count(ledger) == 2


def test_bank_ids_key_lines_even_when_text_changes(ledger: Database) -> None:
    store(ledger, statement(line(2, "10.00", "FIT-1", text="pending")))
    report = store(ledger, statement(line(2, "10.00", "FIT-1", text="booked")), digest="d2")[0]
    assert report.lines_new == 0


def test_closing_must_equal_opening_plus_lines(ledger: Database) -> None:
    broken = statement(line(2, "100.00"), opening="0", closing="90.00")
    with pytest.raises(
        InputError,
        match=re.escape(
            "closing balance 90.00 is not the opening balance 0.00 plus the lines 100.00 "
            "(difference -10.00)"
        ),
    ):
        store(ledger, broken)
    assert line_count(ledger) == 0


def test_a_gap_in_the_balance_chain_is_refused_with_amounts_and_dates(ledger: Database) -> None:
    store(ledger, statement(line(2, "100.00"), opening="0", closing="100.00", last=2))
    gap = statement(line(10, "5.00"), opening="120.00", closing="125.00", first=10, last=10)
    with pytest.raises(InputError) as caught:
        store(ledger, gap, digest="d2")
    message = str(caught.value)
    assert "opening balance 120.00 on 2026-03-10" in message
    assert "closing balance of 2026-03-02" in message
    assert "a gap of 20.00 EUR" in message
    assert "--allow-gap" in message
    assert line_count(ledger) == 1


def test_allow_gap_records_the_gap(ledger: Database) -> None:
    store(ledger, statement(line(2, "100.00"), opening="0", closing="100.00", last=2))
    gap = statement(line(10, "5.00"), opening="120.00", closing="125.00", first=10, last=10)
    options = ImportOptions(banks=("BANK",), allow_gap=True)
    assert store(ledger, gap, options, digest="d2")[0].gap == "20.00"


def test_the_chain_starts_at_the_balance_last_statement(ledger: Database) -> None:
    first = statement(line(2, "1.00"), opening="500.00", closing="501.00")
    with pytest.raises(
        InputError, match=re.escape("balance last statement of bank account BANK 0.00")
    ):
        store(ledger, first)
    set_bank(ledger, "BANK", None, Decimal("500.00"), None)
    assert store(ledger, first)[0].lines_new == 1


def test_excess_decimals_are_refused_at_the_line(ledger: Database) -> None:
    with pytest.raises(InputError, match=r"Stmt\[1\] line 2: amount 1.005 has more decimals"):
        store(ledger, statement(line(2, "1.005")))
    assert store(ledger, statement(line(2, "1.50000")))[0].lines_new == 1


def test_a_bad_statement_leaves_nothing_of_its_file(ledger: Database) -> None:
    good = ParsedStatement(currency="EUR", lines=(line(2, "1.00"),), position="Stmt[1]")
    bad = ParsedStatement(currency="USD", lines=(line(2, "1.00"),), position="Stmt[2]")
    with pytest.raises(InputError, match=r"Stmt\[2\].*in USD but bank account BANK is in EUR"):
        store(ledger, ParsedFile("test", (good, bad)))
    assert line_count(ledger) == 0


def test_the_bank_is_found_by_iban_or_the_error_says_how_to_fix(ledger: Database) -> None:
    parsed = statement(line(2, "1.00"), iban="DE89370400440532013000")
    with pytest.raises(NotFoundError, match="matches no bank account; pass --bank"):
        store(ledger, parsed, ImportOptions())
    with ledger.transaction() as session:
        session.get_one(BankAccount, "BANK").iban = "DE89370400440532013000"
    assert store(ledger, parsed, ImportOptions())[0].bank == "BANK"


def test_dry_run_stores_nothing(ledger: Database) -> None:
    options = ImportOptions(banks=("BANK",), dry_run=True)
    assert store(ledger, statement(line(2, "1.00")), options)[0].lines_new == 1
    assert line_count(ledger) == 0
