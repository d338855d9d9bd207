"""Bad input to ``journal post`` and ``load``: exit 1, one line naming the file and line, no writes.

Each bad journal line sits between valid lines, so a refusal also proves that nothing of the
valid lines before it was written: the whole file posts in one transaction or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from bankrec.services.database import Database
from bankrec.services.masterdata import list_rates, list_records
from tests.conftest import Cli
from tests.factories import invoice, journal_csv, payment, post, row_counts

BEFORE = invoice("SI-10", "C1", "100.00")
AFTER = invoice("SI-11", "C2", "250.00", date="2026-02-03")


def gl_line(doc: str, account: str, amount: str, **extra: str) -> dict[str, str]:
    """A line posting ``amount`` to G/L ``account`` against equity 2900."""
    return {
        "date": "2026-02-02",
        "document_no": doc,
        "account_type": "gl",
        "account_no": account,
        "amount": amount,
        "bal_account_type": "gl",
        "bal_account_no": "2900",
        "description": f"Line {doc}",
        **extra,
    }


def write(tmp_path: Path, text: str, name: str = "journal.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_refused(result: Result, path: Path | str, where: str, *fragments: str) -> str:
    """Exit 1 with one ``error:`` line on stderr naming ``path`` and ``where``; returns it."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert message.startswith("error: "), message
    assert f"{path}: {where}" in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


# (id, bad line(s), where the message must point, fragments it must contain)
BAD_LINES: list[tuple[str, list[dict[str, str]], str, tuple[str, ...]]] = [
    (
        "unbalanced",
        [
            {**gl_line("GJ-1", "6000", "100.00"), "bal_account_type": "", "bal_account_no": ""},
            {**gl_line("GJ-1", "2900", "-90.00"), "bal_account_type": "", "bal_account_no": ""},
        ],
        "lines 3-4",
        ("GJ-1", "does not balance", "100.00", "90.00"),
    ),
    ("unknown-gl", [gl_line("GJ-1", "4711", "10.00")], "line 3", ("4711", "does not exist")),
    ("blocked-gl", [gl_line("GJ-1", "9999", "10.00")], "line 3", ("9999", "blocked")),
    ("blocked-customer", [invoice("SI-X", "CX", "10.00")], "line 3", ("CX", "blocked")),
    ("unknown-customer", [invoice("SI-X", "C99", "10.00")], "line 3", ("C99", "does not exist")),
    ("amount-commas", [gl_line("GJ-1", "6000", "12,3,4")], "line 3", ('"12,3,4"', "amount")),
    ("amount-exponent", [gl_line("GJ-1", "6000", "1e3")], "line 3", ('"1e3"', "amount")),
    ("amount-word", [gl_line("GJ-1", "6000", "abc")], "line 3", ('"abc"', "amount")),
    (
        "amount-too-many-decimals",
        [gl_line("GJ-1", "6000", "1.005")],
        "line 3",
        ("1.005", "EUR", "decimals"),
    ),
    (
        "jpy-with-decimals",
        [gl_line("GJ-1", "6000", "1500.5", currency="JPY")],
        "line 3",
        ("1500.5", "JPY", "decimals"),
    ),
    (
        "missing-exchange-rate",
        [invoice("SI-USD", "C3", "100.00", date="2025-12-01", currency="USD")],
        "line 3",
        ("USD", "exchange rate", "2025-12-01"),
    ),
    ("duplicate-document", [invoice("SI-1", "C3", "75.00")], "line 3", ("SI-1", "already posted")),
    (
        "impossible-date",
        [gl_line("GJ-1", "6000", "10.00", date="2026-02-30")],
        "line 3",
        ('"2026-02-30"', "date"),
    ),
    (
        "applies-to-missing-document",
        [payment("PAY-9", "C1", "50.00", applies_to="SI-404")],
        "line 3",
        ("SI-404",),
    ),
    (
        "not-direct-posting",
        [gl_line("GJ-1", "1300", "10.00")],
        "line 3",
        ("1300", "direct posting"),
    ),
]


@pytest.mark.parametrize(
    ("bad", "where", "fragments"),
    [pytest.param(bad, where, fragments, id=name) for name, bad, where, fragments in BAD_LINES],
)
def test_bad_line_in_the_middle_refuses_the_whole_file(
    ledger: Database,
    run: Cli,
    tmp_path: Path,
    bad: list[dict[str, str]],
    where: str,
    fragments: tuple[str, ...],
) -> None:
    post(ledger, invoice("SI-1", "C1", "40.00"))  # an earlier posting, and SI-1 is taken
    before = row_counts(ledger)
    path = write(tmp_path, journal_csv(BEFORE, *bad, AFTER))

    result = run("journal", "post", str(path))

    assert_refused(result, path, where, *fragments)
    assert row_counts(ledger) == before


def test_the_lines_around_the_bad_ones_are_valid(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    """The control for the test above: without a bad line, the same file posts."""
    post(ledger, invoice("SI-1", "C1", "40.00"))
    before = row_counts(ledger)
    path = write(tmp_path, journal_csv(BEFORE, gl_line("GJ-1", "6000", "10.00"), AFTER))

    result = run("journal", "post", str(path), "--json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["lines"] == 3
    after = row_counts(ledger)
    assert after["gl_register"] == before["gl_register"] + 1
    assert after["customer_ledger_entry"] == before["customer_ledger_entry"] + 2


def test_unknown_column_in_header_names_line_1(ledger: Database, run: Cli, tmp_path: Path) -> None:
    before = row_counts(ledger)
    text = journal_csv(BEFORE, AFTER).replace("description", "descripton", 1)
    path = write(tmp_path, text)

    result = run("journal", "post", str(path))

    assert_refused(result, path, "line 1", "descripton", "unknown column")
    assert row_counts(ledger) == before


def test_dry_run_of_a_valid_file_reports_and_writes_nothing(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    before = row_counts(ledger)
    path = write(tmp_path, journal_csv(BEFORE, gl_line("GJ-1", "6000", "10.00"), AFTER))

    result = run("journal", "post", str(path), "--dry-run", "--json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dry_run"] is True
    assert report["lines"] == 3
    assert report["documents"] == 3
    assert report["total_debit"] == "360.00"
    assert row_counts(ledger) == before

    human = run("journal", "post", str(path), "--dry-run")
    assert human.exit_code == 0, human.stderr
    assert "would post 3 lines" in human.stdout
    assert row_counts(ledger) == before


def test_posting_from_stdin(ledger: Database, run: Cli) -> None:
    before = row_counts(ledger)

    result = run("journal", "post", "-", "--json", input=journal_csv(BEFORE, AFTER))

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"] == "<stdin>"
    assert report["lines"] == 2
    after = row_counts(ledger)
    assert after["gl_register"] == before["gl_register"] + 1
    assert after["customer_ledger_entry"] == before["customer_ledger_entry"] + 2


def test_bad_line_from_stdin_names_stdin(ledger: Database, run: Cli) -> None:
    before = row_counts(ledger)
    text = journal_csv(BEFORE, gl_line("GJ-1", "6000", "1e3"), AFTER)

    result = run("journal", "post", "-", input=text)

    assert_refused(result, "<stdin>", "line 3", '"1e3"')
    assert row_counts(ledger) == before


def test_a_file_that_is_not_utf8_is_refused(ledger: Database, run: Cli, tmp_path: Path) -> None:
    before = row_counts(ledger)
    text = journal_csv(BEFORE, gl_line("GJ-1", "6000", "10.00", description="Büromaterial"), AFTER)
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("latin-1"))

    result = run("journal", "post", str(path))

    assert_refused(result, path, "byte", "not UTF-8", "save the file as UTF-8")
    assert row_counts(ledger) == before


def test_a_missing_file_is_refused(ledger: Database, run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"

    result = run("journal", "post", str(path))

    assert_refused(result, path, "cannot read the file")


# -- load -------------------------------------------------------------------------------------


def customers(ledger: Database) -> list[str]:
    return [r.key for r in list_records(ledger, "customer")]


def write_json(tmp_path: Path, document: dict[str, Any]) -> Path:
    return write(tmp_path, json.dumps(document), "master.json")


def test_load_with_a_bad_iban_names_the_element_and_writes_nothing(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    before = customers(ledger)
    path = write_json(
        tmp_path,
        {
            "gl_accounts": [{"no": "4100", "name": "Hardware revenue", "type": "income"}],
            "customers": [
                {"no": "C50", "name": "Valid AG", "ibans": ["DE89370400440532013000"]},
                {"no": "C51", "name": "Typo AG", "ibans": ["DE89370400440532013001"]},
            ],
        },
    )

    result = run("load", str(path))

    message = assert_refused(result, path, "customers[1].ibans[0]", "DE89370400440532013001")
    assert "IBAN" in message
    assert customers(ledger) == before
    assert [r.key for r in list_records(ledger, "gl") if r.key == "4100"] == []


def test_load_refuses_a_float_amount(ledger: Database, run: Cli, tmp_path: Path) -> None:
    path = write_json(
        tmp_path,
        {
            "customers": [{"no": "C60", "name": "Before the rate"}],
            "exchange_rates": [{"currency": "USD", "date": "2026-05-01", "rate": 0.9}],
        },
    )
    rates_before = [r.fields for r in list_rates(ledger, "USD")]

    result = run("load", str(path))

    assert_refused(result, path, "exchange_rates[0].rate", "string")
    assert "C60" not in customers(ledger)
    assert [r.fields for r in list_rates(ledger, "USD")] == rates_before


def test_load_with_a_bad_bank_iban_names_the_field(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    path = write_json(
        tmp_path,
        {
            "banks": [
                {
                    "no": "B2",
                    "name": "Second bank",
                    "currency": "EUR",
                    "gl_account": "1100",
                    "iban": "DE00370400440532013000",
                }
            ]
        },
    )

    result = run("load", str(path))

    assert_refused(result, path, "banks[0].iban", "DE00370400440532013000")
    assert "B2" not in [r.key for r in list_records(ledger, "bank")]
