"""`bankrec pay ...` end to end on the demo company and its November CAMT statement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import Result

from bankrec.cli.main import cli
from tests.conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CAMT = EXAMPLES / "statements" / "commerzbank-2026-11-02_06.camt053.xml"


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def refused(result: Result, *fragments: str) -> str:
    """The one-line error of a refused command, checked to contain every fragment."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("error: ")
    assert len(message.splitlines()) == 1
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.fixture
def demo(run: Cli) -> Cli:
    """The demo company with the first Commerzbank statement file (5 statements, 16 lines)."""
    ok(run("init", "--demo"))
    ok(run("import", str(CAMT)))
    return run


def line_with(document: dict[str, Any], text: str) -> int:
    found = [line["line"] for line in document["lines"] if text in line["text"]]
    assert len(found) == 1, (text, found)
    number: int = found[0]
    return number


def show(run: Cli, journal: int) -> dict[str, Any]:
    document: dict[str, Any] = as_json(run("pay", "show", str(journal), "--json"))
    return document


def test_pay_new_and_show_follow_the_contract(demo: Cli) -> None:
    created = as_json(demo("pay", "new", "--bank", "BANK-EUR", "--statement", "1", "--json"))
    assert created == {
        "journal": 1,
        "bank": "BANK-EUR",
        "statement": 1,
        "lines": 3,
        "skipped": 0,
        "skipped_lines": [],
        "currency": "EUR",
        "total_amount": "8002.50",
    }
    document = show(demo, 1)
    assert (document["journal"], document["bank"], document["status"]) == (1, "BANK-EUR", "open")
    first = document["lines"][0]
    assert {key: first[key] for key in ("line", "date", "amount", "text", "counterparty")} == {
        "line": 1,
        "date": "2026-11-02",
        "amount": "12865.00",
        "text": "SI-102004 NWL-PO-77120",
        "counterparty": "Nordwind Logistik GmbH",
    }
    assert (first["confidence"], first["status"], first["difference"]) == (
        "none",
        "not_applied",
        "12865.00",
    )
    assert (first["details"], first["applications"]) == ([], [])
    assert [line["amount"] for line in document["lines"]] == ["12865.00", "-12.50", "-4850.00"]

    human = ok(demo("pay", "show", "1")).stdout
    assert "Payment journal 1: bank BANK-EUR (EUR), open, statement 1" in human
    assert "Nordwind Logistik GmbH" in human
    assert "total 8002.50, applied 0.00, difference 8002.50 EUR" in human
    listed = as_json(demo("pay", "list", "--json"))["journals"]
    assert [(j["journal"], j["lines"], j["status"]) for j in listed] == [(1, 3, "open")]


def test_pay_new_refusals_write_nothing(demo: Cli) -> None:
    ok(demo("pay", "new", "--bank", "BANK-EUR", "--statement", "1"))
    refused(
        demo("pay", "new", "--bank", "BANK-EUR", "--statement", "1"),
        "statement 1 of bank BANK-EUR has no lines",
        "already in open payment journal 1",
    )
    refused(
        demo("pay", "new", "--bank", "BANK-SAV", "--statement", "2"),
        "statement 2 belongs to bank BANK-EUR, not BANK-SAV",
    )
    refused(demo("pay", "new", "--bank", "BANK-SAV"), "bank BANK-SAV has no imported")
    refused(demo("pay", "new", "--bank", "NOPE"), "bank account NOPE does not exist")
    assert len(as_json(demo("pay", "list", "--json"))["journals"]) == 1
    refused(demo("pay", "show", "7"), "payment journal 7 does not exist")


def test_working_a_journal_by_hand(demo: Cli) -> None:
    created = as_json(demo("pay", "new", "--bank", "BANK-EUR", "--json"))
    assert created["lines"] == 16
    document = show(demo, created["journal"])
    nordwind = line_with(document, "SI-102004")
    fee = line_with(document, "Kontoführungsgebühr")
    alpenblick = line_with(document, "SI-102023")
    eclair = line_with(document, "102006 and 102019")
    van_der_berg = line_with(document, "SI-102002")

    refused(
        demo("pay", "apply-manual", "1", str(nordwind), "--entry", "4"),
        "entry 4 is open in the customer and vendor ledgers",
        "--ledger customer|vendor",
    )
    applied = as_json(
        demo(
            "pay",
            "apply-manual",
            "1",
            str(nordwind),
            "--entry",
            "4",
            "--ledger",
            "customer",
            "--json",
        )
    )
    assert applied["application"]["document_no"] == "SI-102004"
    assert (applied["application"]["applied_amount"], applied["difference"]) == (
        "12865.00",
        "0.00",
    )

    # Paid within the discount period: 1,250.00 less 37.50 closes SI-102023.
    discounted = as_json(
        demo("pay", "apply-manual", "1", str(alpenblick), "--entry", "23", "--json")
    )
    assert (discounted["application"]["applied_amount"], discounted["application"]["discount"]) == (
        "1250.00",
        "37.50",
    )
    assert discounted["difference"] == "0.00"

    # One payment for two invoices of one customer.
    ok(demo("pay", "apply-manual", "1", str(eclair), "--entry", "6", "--ledger", "customer"))
    message = ok(
        demo("pay", "apply-manual", "1", str(eclair), "--entry", "19", "--ledger", "customer")
    ).stdout
    assert "difference now 0.00" in message

    ok(demo("pay", "transfer-diff", "1", str(fee), "--account-type", "gl", "--account", "6800"))
    part = [str(van_der_berg), "--entry", "2", "--ledger", "customer", "--amount", "4000"]
    ok(demo("pay", "apply-manual", "1", *part))
    split = as_json(
        demo(
            "pay",
            "transfer-diff",
            "1",
            str(van_der_berg),
            "--account-type",
            "customer",
            "--account",
            "C10040",
            "--text",
            "Rest on account",
            "--json",
        )
    )
    assert (split["split"], split["new_line"], split["amount"]) == (True, 17, "760.00")

    accepted = as_json(demo("pay", "accept", "1", "--min-confidence", "low", "--json"))
    assert sorted(accepted["accepted"]) == sorted(
        [nordwind, alpenblick, eclair, fee, van_der_berg, 17]
    )
    document = show(demo, 1)
    done = [line for line in document["lines"] if line["confidence"] == "accepted"]
    assert len(done) == 6
    assert all(line["difference"] == "0.00" for line in done)
    child = next(line for line in document["lines"] if line["line"] == 17)
    assert (child["parent_line"], child["text"], child["amount"]) == (
        van_der_berg,
        "Rest on account",
        "760.00",
    )

    rejected = as_json(demo("pay", "reject", "1", str(nordwind), "--json"))
    assert rejected["rejected"] == [nordwind]
    line = next(line for line in show(demo, 1)["lines"] if line["line"] == nordwind)
    assert (line["status"], line["applications"]) == ("rejected", [])
    refused(
        demo("pay", "accept", "1", str(nordwind)),
        f"line {nordwind} has no application to accept",
    )


def test_pay_delete_asks_for_yes_when_not_on_a_terminal(demo: Cli) -> None:
    ok(demo("pay", "new", "--bank", "BANK-EUR", "--statement", "1"))
    refused(demo("pay", "delete", "1"), "use --yes")
    assert as_json(demo("pay", "delete", "1", "--yes", "--json")) == {
        "journal": 1,
        "bank": "BANK-EUR",
        "lines": 3,
    }
    assert as_json(demo("pay", "list", "--json")) == {"journals": []}
    assert (
        as_json(demo("pay", "new", "--bank", "BANK-EUR", "--statement", "1", "--json"))["lines"]
        == 3
    )


@pytest.mark.parametrize("group", ["pay", "rules", "map"])
def test_every_option_has_help(group: str) -> None:
    command = cli.commands[group]
    assert isinstance(command, click.Group)
    for name, sub in command.commands.items():
        assert sub.help, f"{group} {name} has no help"
        for param in sub.params:
            if isinstance(param, click.Option):
                assert param.help, f"{group} {name} {param.opts} has no help"
