"""`bankrec payreg`, `receipt post` and `apply` through click, against a real database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import Result

from bankrec.services.database import Database
from bankrec.services.masterdata import set_company
from bankrec.services.masterdata_inputs import CompanyInput
from tests.conftest import Cli
from tests.factories import invoice, payment, post, row_counts
from tests.scenarios.test_payment_scenarios import entry, open_items


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


@pytest.fixture
def books(ledger: Database) -> Database:
    set_company(ledger, CompanyInput(journal_series="GJNL"))
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00", date="2026-03-01", due_date="2026-03-31"),
        invoice("SI-2", "C2", "1000.00", date="2026-03-01"),
    )
    return ledger


def test_payreg_list_json(books: Database, run: Cli) -> None:
    document = as_json(run("payreg", "list", "--date", "2026-03-11", "--customer", "C2", "--json"))
    assert document == {
        "date": "2026-03-11",
        "documents": [
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
                "discounted_amount": "980.00",
                "overdue": False,
            }
        ],
    }


def test_payreg_list_table(books: Database, run: Cli) -> None:
    out = ok(run("payreg", "list", "--date", "2026-04-01")).stdout
    assert "Open customer documents on 2026-04-01" in out
    assert "SI-1" in out
    assert "SI-2" in out
    assert "yes" in out  # both are overdue on 2026-04-01


def test_payreg_register_json_with_discount(books: Database, run: Cli) -> None:
    document = as_json(
        run("payreg", "register", "SI-2", "--bank", "BANK", "--date", "2026-03-11",
            "--external-document-no", "BETA-77", "--json")
    )  # fmt: skip
    assert document == {
        "transaction_no": document["transaction_no"],
        "document_no": "GJ-0001",
        "posting_date": "2026-03-11",
        "bank": "BANK",
        "customer_no": "C2",
        "amount": "980.00",
        "currency": "EUR",
        "applied": [
            {
                "entry_no": entry(books, "customer", "SI-2").entry_no,
                "document_no": "SI-2",
                "applied_amount": "980.00",
                "discount": "20.00",
                "tolerance": "0.00",
                "remaining_after": "0.00",
            }
        ],
        "unapplied_amount": "0.00",
    }
    assert entry(books, "customer", "GJ-0001").external_document_no == "BETA-77"


def test_payreg_register_human_output(books: Database, run: Cli) -> None:
    out = ok(
        run("payreg", "register", "SI-1", "--bank", "BANK", "--date", "2026-03-10",
            "--amount", "1100.00", "--document-no", "PAY-9")
    ).stdout  # fmt: skip
    assert out.splitlines()[1:] == [
        f"  SI-1 (entry {entry(books, 'customer', 'SI-1').entry_no}): applied 1000.00, "
        "remaining 0.00",
        "  left open on the payment: 100.00 EUR",
    ]
    assert out.startswith("transaction ")
    assert "document PAY-9 of 2026-03-10: received 1100.00 EUR on BANK, customer C1" in out


def test_payreg_register_two_customers_exits_1_and_writes_nothing(
    books: Database, run: Cli
) -> None:
    before = row_counts(books)
    result = run("payreg", "register", "SI-1", "SI-2", "--bank", "BANK", "--date", "2026-03-10")
    assert result.exit_code == 1
    assert "customer C1" in result.stderr
    assert "customer C2" in result.stderr
    assert row_counts(books) == before


def test_receipt_post_from_stdin(books: Database, run: Cli) -> None:
    text = (
        "date,account_type,account_no,amount,document_no,applies_to_doc_no\n"
        "2026-03-10,customer,C1,1000.00,R-1,SI-1\n"
        "2026-03-10,customer,C3,70.00,,\n"
    )
    dry = as_json(run("receipt", "post", "-", "--bank", "BANK", "--dry-run", "--json", input=text))
    assert dry == {
        "transaction_no": None,
        "lines": 2,
        "documents": ["R-1", "GJ-0001"],
        "applications": 1,
        "dry_run": True,
    }
    out = ok(run("receipt", "post", "-", "--bank", "BANK", input=text)).stdout
    assert out.endswith("2 lines, documents R-1, GJ-0001, 1 applications\n")
    assert open_items(books) == {"SI-2": "1000.00", "GJ-0001": "-70.00"}


def test_receipt_post_bad_line_exits_1(books: Database, run: Cli, tmp_path: Any) -> None:
    path = tmp_path / "day.csv"
    path.write_text(
        "date,account_type,account_no,amount,document_no\n"
        "2026-03-10,customer,C1,10.00,R-1\n"
        "2026-03-10,customer,C9,10.00,R-2\n",
        encoding="utf-8",
    )
    before = row_counts(books)
    result = run("receipt", "post", str(path), "--bank", "BANK")
    assert result.exit_code == 1
    assert f"{path}: line 3: column account_no: customer C9 does not exist" in result.stderr
    assert row_counts(books) == before


def test_apply_and_unapply(books: Database, run: Cli) -> None:
    post(books, payment("PAY-1", "C1", "300.00", date="2026-03-12"))
    paying, target = entry(books, "customer", "PAY-1").entry_no, entry(books, "customer", "SI-1")
    document = as_json(run("apply", str(paying), "--to", str(target.entry_no), "--json"))
    assert document["posting_date"] == "2026-03-12"
    assert document["applied"][0]["remaining_after"] == "700.00"
    assert document["applying_remaining_after"] == "0.00"
    ok(run("unapply", str(paying)))
    assert open_items(books) == {"SI-1": "1000.00", "SI-2": "1000.00", "PAY-1": "-300.00"}
    out = ok(run("apply", str(paying), "--to", str(target.entry_no), "--amount", "100")).stdout
    assert f"customer entry {paying} applied on 2026-03-12, -200.00 left on it" in out


def test_apply_refusal_exits_1(books: Database, run: Cli) -> None:
    si1, si2 = entry(books, "customer", "SI-1").entry_no, entry(books, "customer", "SI-2").entry_no
    result = run("apply", str(si1), "--to", str(si2))
    assert result.exit_code == 1
    assert "belongs to customer C2, not C1" in result.stderr


@pytest.mark.parametrize(
    "command", [("payreg", "list"), ("payreg", "register"), ("receipt", "post"), ("apply",)]
)
def test_every_command_has_help(run: Cli, command: tuple[str, ...]) -> None:
    out = ok(run(*command, "--help")).stdout
    assert "--json" in out
