"""The commands of the CLI contract (/work/shared/CLI.md) through click, against a real database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from bankrec.cli.main import cli
from bankrec.services.database import Database
from tests.conftest import Cli
from tests.factories import invoice, journal_csv, payment, row_counts


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


# -- init -------------------------------------------------------------------------------------


def test_init_on_a_migrated_database_is_idempotent(run: Cli) -> None:
    first = as_json(run("init", "--json"))
    second = as_json(run("init", "--json"))
    assert first["local_currency"] == second["local_currency"] == "EUR"
    assert first["schema"] == second["schema"]
    assert second["demo"] is None
    human = ok(run("init"))
    assert "local currency EUR" in human.stdout
    company = as_json(run("company", "show", "--json"))
    assert company["local_currency"] == "EUR"


def test_init_demo_balances_and_does_not_post_twice(run: Cli) -> None:
    first = as_json(run("init", "--demo", "--json"))
    assert first["demo"]["customers"] > 0
    assert first["demo_journal"]["transaction_no"] == 1

    balance = as_json(run("trial-balance", "--json"))
    assert balance["total"] == "0.00"
    assert balance["lines"]
    for line in balance["lines"]:
        assert {"account_no", "debit", "credit", "balance"} <= set(line)
    customers = as_json(run("entries", "--ledger", "customer", "--json"))["entries"]
    gl = as_json(run("entries", "--ledger", "gl", "--json"))["entries"]

    again = as_json(run("init", "--demo", "--json"))
    assert again["demo_journal"] is None
    assert any("not posted again" in note for note in again["notes"])
    assert as_json(run("trial-balance", "--json")) == balance
    assert as_json(run("entries", "--ledger", "customer", "--json"))["entries"] == customers
    assert len(as_json(run("entries", "--ledger", "gl", "--json"))["entries"]) == len(gl)
    assert (
        len(as_json(run("customer", "list", "--json"))["customers"]) == first["demo"]["customers"]
    )


ENTRY_KEYS = {
    "entry_no",
    "posting_date",
    "document_type",
    "document_no",
    "external_document_no",
    "account_no",
    "description",
    "amount",
    "remaining_amount",
    "currency",
    "open",
}


def test_entries_json_keys(run: Cli) -> None:
    ok(run("init", "--demo"))

    customer = as_json(run("entries", "--ledger", "customer", "--open", "--json"))
    assert customer["entries"]
    for entry in customer["entries"]:
        assert ENTRY_KEYS | {"due_date"} <= set(entry)
        assert entry["open"] is True
        assert entry["remaining_amount"] != "0.00"
    first = customer["entries"][0]
    assert len(first["posting_date"]) == 10
    assert "." in first["amount"]
    assert isinstance(first["amount"], str)

    bank = as_json(run("entries", "--ledger", "bank", "--json"))
    assert bank["entries"]
    for entry in bank["entries"]:
        assert ENTRY_KEYS | {"statement_status", "statement_no"} <= set(entry)

    vendor = as_json(run("entries", "--ledger", "vendor", "--json"))
    assert vendor["entries"]
    assert ENTRY_KEYS | {"due_date"} <= set(vendor["entries"][0])

    account = customer["entries"][0]["account_no"]
    only = as_json(run("entries", "--ledger", "customer", "--account", account, "--json"))
    assert only["entries"]
    assert {e["account_no"] for e in only["entries"]} == {account}

    human = ok(run("entries", "--ledger", "customer", "--open"))
    assert first["document_no"] in human.stdout


# -- master data ------------------------------------------------------------------------------


def test_gl_add_list_show(run: Cli) -> None:
    ok(run("init"))
    added = as_json(run("gl", "add", "1000", "--name", "Cash", "--type", "balance", "--json"))
    assert added == {
        "no": "1000",
        "name": "Cash",
        "type": "balance",
        "direct_posting": True,
        "blocked": False,
    }
    human = ok(
        run("gl", "add", "1100", "--name", "Bank", "--type", "balance", "--no-direct-posting")
    )
    assert "1100" in human.stdout
    ok(run("gl", "add", "1000", "--name", "Cash box", "--type", "balance"))  # update, not a copy

    listed = as_json(run("gl", "list", "--json"))["gl_accounts"]
    assert [(a["no"], a["name"], a["direct_posting"]) for a in listed] == [
        ("1000", "Cash box", True),
        ("1100", "Bank", False),
    ]
    shown = as_json(run("gl", "show", "1000", "--json"))
    assert shown["name"] == "Cash box"
    assert shown["balance"] == "0.00"
    assert "Cash box" in ok(run("gl", "list")).stdout
    assert "Cash box" in ok(run("gl", "show", "1000")).stdout

    missing = run("gl", "show", "4711")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error:")
    assert "4711" in missing.stderr


def test_customer_add_with_two_ibans_list_and_show(run: Cli) -> None:
    ok(run("init"))
    added = as_json(
        run(
            "customer", "add", "C1", "--name", "Alpha GmbH",
            "--iban", "de89 3704 0044 0532 0130 00",
            "--iban", "GB82 WEST 1234 5698 7654 32",
            "--address", "Hauptstr. 1", "--city", "Berlin", "--country", "de",
            "--json",
        )
    )  # fmt: skip
    ibans = ["DE89370400440532013000", "GB82WEST12345698765432"]
    assert added["ibans"] == ibans
    assert added["country"] == "DE"

    listed = as_json(run("customer", "list", "--json"))["customers"]
    assert [(c["no"], c["name"], c["ibans"]) for c in listed] == [("C1", "Alpha GmbH", ibans)]
    shown = as_json(run("customer", "show", "C1", "--json"))
    assert shown["ibans"] == ibans
    assert shown["city"] == "Berlin"
    assert shown["balance_lcy"] == "0.00"
    assert "Alpha GmbH" in ok(run("customer", "show", "C1")).stdout
    assert "Alpha GmbH" in ok(run("customer", "list")).stdout

    bad = run("customer", "add", "C2", "--name", "Typo", "--iban", "DE89370400440532013001")
    assert bad.exit_code == 1
    assert "IBAN" in bad.stderr
    assert len(as_json(run("customer", "list", "--json"))["customers"]) == 1


def test_vendor_add_and_show(run: Cli) -> None:
    ok(run("init"))
    added = as_json(
        run("vendor", "add", "V1", "--name", "Landlord KG", "--city", "Munich", "--json")
    )
    assert added["no"] == "V1"
    shown = as_json(run("vendor", "show", "V1", "--json"))
    assert shown["name"] == "Landlord KG"
    assert shown["city"] == "Munich"
    assert shown["ibans"] == []
    assert [v["no"] for v in as_json(run("vendor", "list", "--json"))["vendors"]] == ["V1"]


def test_bank_add_set_list_show(run: Cli) -> None:
    ok(run("init"))
    ok(run("gl", "add", "1100", "--name", "Bank", "--type", "balance", "--no-direct-posting"))
    added = as_json(
        run(
            "bank", "add", "B1", "--name", "Main bank", "--currency", "eur",
            "--gl-account", "1100", "--iban", "DE89 3704 0044 0532 0130 00",
            "--match-tolerance", "2%", "--json",
        )
    )  # fmt: skip
    assert added["currency"] == "EUR"
    assert added["iban"] == "DE89370400440532013000"
    assert added["match_tolerance"] == "2%"

    changed = as_json(
        run(
            "bank", "set", "B1", "--match-tolerance", "0.50", "--last-statement-no", "3",
            "--balance-last-statement", "100.5", "--json",
        )
    )  # fmt: skip
    assert changed["match_tolerance"] == "0.50"
    assert changed["last_statement_no"] == 3
    assert changed["balance_last_statement"] == "100.50"

    listed = as_json(run("bank", "list", "--json"))["banks"]
    assert [(b["no"], b["gl_account"], b["balance"]) for b in listed] == [("B1", "1100", "0.00")]
    shown = as_json(run("bank", "show", "B1", "--json"))
    assert shown["match_tolerance"] == "0.50"
    assert shown["balance_last_statement"] == "100.50"
    assert "Main bank" in ok(run("bank", "show", "B1")).stdout
    assert "Main bank" in ok(run("bank", "list")).stdout

    bad = run("bank", "set", "B1", "--match-tolerance", "lots")
    assert bad.exit_code == 1, (bad.stdout, bad.stderr)
    assert bad.stderr.startswith("error:")
    assert as_json(run("bank", "show", "B1", "--json"))["match_tolerance"] == "0.50"


def test_currency_and_rates(run: Cli) -> None:
    ok(run("init"))
    jpy = as_json(run("currency", "add", "JPY", "--json"))
    assert jpy["code"] == "JPY"
    assert jpy["decimals"] == 0
    assert "2 decimals" in ok(run("currency", "add", "usd")).stdout
    codes = {
        c["code"]: c["decimals"] for c in as_json(run("currency", "list", "--json"))["currencies"]
    }
    assert codes == {"EUR": 2, "JPY": 0, "USD": 2}

    rate = as_json(run("rate", "add", "usd", "--date", "2026-01-01", "--rate", "0.90", "--json"))
    assert rate == {"currency": "USD", "date": "2026-01-01", "rate": "0.90"}
    ok(run("rate", "add", "USD", "--date", "2026-03-01", "--rate", "0.95"))
    ok(run("rate", "add", "USD", "--date", "2026-03-01", "--rate", "0.96"))  # replaces
    rates = as_json(run("rate", "list", "--json"))["rates"]
    assert [(r["date"], r["rate"]) for r in rates] == [
        ("2026-01-01", "0.90"),
        ("2026-03-01", "0.96"),
    ]
    early = as_json(run("rate", "list", "--currency", "USD", "--at", "2026-02-01", "--json"))
    assert [r["date"] for r in early["rates"]] == ["2026-01-01"]

    unknown = run("rate", "add", "CHF", "--date", "2026-01-01", "--rate", "0.9")
    assert unknown.exit_code == 1
    assert "CHF" in unknown.stderr
    assert run("rate", "add", "USD", "--date", "2026-01-01", "--rate", "9e-1").exit_code == 2


def test_company_show_and_set(run: Cli) -> None:
    ok(run("init"))
    ok(run("gl", "add", "1300", "--name", "Receivables", "--type", "balance"))
    shown = as_json(run("company", "show", "--json"))
    assert shown["local_currency"] == "EUR"
    assert shown["amount_decimals"] == 2

    changed = as_json(
        run(
            "company", "set", "--name", "Test GmbH", "--receivables-account", "1300",
            "--payment-tolerance-pct", "0.5", "--json",
        )
    )  # fmt: skip
    assert changed["name"] == "Test GmbH"
    assert changed["receivables_account"] == "1300"
    assert changed["payment_tolerance_pct"] == "0.5"
    again = as_json(run("company", "set", "--max-payment-tolerance", "5", "--json"))
    assert again["name"] == "Test GmbH"  # untouched fields stay
    assert again["max_payment_tolerance"] == "5.00"
    assert as_json(run("company", "show", "--json")) == again
    assert "Test GmbH" in ok(run("company", "show")).stdout

    missing = run("company", "set", "--payables-account", "2300")
    assert missing.exit_code == 1
    assert "2300" in missing.stderr


def test_load_updates_without_duplicating(ledger: Database, run: Cli, tmp_path: Path) -> None:
    document = {
        "gl_accounts": [{"no": "4100", "name": "Hardware revenue", "type": "income"}],
        "customers": [
            {
                "no": "C1",
                "name": "Alpha Renamed GmbH",
                "city": "Hamburg",
                "ibans": ["GB82 WEST 1234 5698 7654 32"],
            },
            {"no": "C70", "name": "New Customer", "country": "nl"},
        ],
    }
    path = tmp_path / "master.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = as_json(run("customer", "list", "--json"))["customers"]

    loaded = as_json(run("load", str(path), "--json"))
    assert loaded["loaded"] == {"gl_accounts": 1, "customers": 2}
    human = ok(run("load", str(path)))  # a second load changes nothing
    assert "2 customers" in human.stdout

    after = as_json(run("customer", "list", "--json"))["customers"]
    assert len(after) == len(before) + 1
    by_no = {c["no"]: c for c in after}
    assert by_no["C1"]["name"] == "Alpha Renamed GmbH"
    assert by_no["C1"]["city"] == "Hamburg"
    assert by_no["C1"]["ibans"] == ["GB82WEST12345698765432"]
    assert by_no["C70"]["country"] == "NL"
    assert [a["no"] for a in as_json(run("gl", "list", "--json"))["gl_accounts"]].count("4100") == 1


# -- ledger -----------------------------------------------------------------------------------


def test_journal_post_reverse_and_unapply(ledger: Database, run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "journal.csv"
    path.write_text(
        journal_csv(
            invoice("SI-1", "C1", "100.00"),
            invoice("SI-2", "C2", "40.00"),
            payment("PAY-1", "C1", "100.00", applies_to="SI-1"),
        ),
        encoding="utf-8",
    )
    posted = as_json(run("journal", "post", str(path), "--json"))
    assert posted["dry_run"] is False
    assert posted["lines"] == 3
    assert posted["applications"] == 1
    assert posted["entries"]["customer"] == 3
    transaction_no = posted["transaction_no"]

    open_entries = as_json(run("entries", "--ledger", "customer", "--open", "--json"))["entries"]
    assert [e["document_no"] for e in open_entries] == ["SI-2"]

    payment_entry = next(
        e
        for e in as_json(run("entries", "--ledger", "customer", "--json"))["entries"]
        if e["document_no"] == "PAY-1"
    )
    unapplied = as_json(run("unapply", str(payment_entry["entry_no"]), "--json"))
    assert unapplied["transaction_no"] > transaction_no
    assert unapplied["applications_undone"] == [unapplied["unapplied_application"]]
    open_entries = as_json(run("entries", "--ledger", "customer", "--open", "--json"))["entries"]
    assert sorted(e["document_no"] for e in open_entries) == ["PAY-1", "SI-1", "SI-2"]

    nothing = run("unapply", str(payment_entry["entry_no"]))
    assert nothing.exit_code == 1
    assert "no application" in nothing.stderr

    counts = row_counts(ledger)
    reversed_ = as_json(run("reverse", str(transaction_no), "--yes", "--json"))
    assert reversed_["reversed_transaction_no"] == transaction_no
    assert reversed_["transaction_no"] > unapplied["transaction_no"]
    assert reversed_["entries"]["customer"] == 3
    assert row_counts(ledger)["reversal"] == counts["reversal"] + 1
    assert as_json(run("entries", "--ledger", "customer", "--open", "--json"))["entries"] == []
    assert as_json(run("trial-balance", "--json"))["total"] == "0.00"

    twice = run("reverse", str(transaction_no), "--yes")
    assert twice.exit_code == 1
    assert twice.stderr.startswith("error:")
    assert run("reverse", "9999", "--yes").exit_code == 1


def test_trial_balance_at_a_date(ledger: Database, run: Cli) -> None:
    ok(run("journal", "post", "-", input=journal_csv(invoice("SI-1", "C1", "100.00"))))
    now = as_json(run("trial-balance", "--json"))
    before = as_json(run("trial-balance", "--at", "2026-01-31", "--json"))
    assert now["total"] == before["total"] == "0.00"
    balances = {line["account_no"]: line["balance"] for line in now["lines"]}
    assert balances["1300"] == "100.00"
    assert balances["4000"] == "-100.00"
    assert all(line["balance"] == "0.00" for line in before["lines"])
    assert "4000" in ok(run("trial-balance")).stdout


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("nonsense",), id="unknown-command"),
        pytest.param(("gl", "add", "1000"), id="missing-option"),
        pytest.param(("gl", "add", "1000", "--name", "X", "--type", "asset"), id="bad-choice"),
        pytest.param(("entries", "--ledger", "stock"), id="bad-ledger"),
        pytest.param(("reverse", "abc"), id="not-a-number"),
        pytest.param(("reverse", "0"), id="out-of-range"),
        pytest.param(("trial-balance", "--at", "2026-02-30"), id="bad-date"),
        pytest.param(("journal", "post"), id="missing-file"),
        pytest.param(("bank", "set", "B1", "--balance-last-statement", "1e3"), id="bad-amount"),
    ],
)
def test_usage_errors_exit_2(run: Cli, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    assert "Usage:" in result.stderr


def test_an_uninitialised_database_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    for args in (("gl", "list"), ("trial-balance", "--json"), ("journal", "post", "-")):
        journal = journal_csv(invoice("SI-1", "C1", "100.00"))
        result = CliRunner().invoke(cli, ["--db", url, *args], input=journal)
        assert result.exit_code == 1, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error:")
        assert "not initialised" in lines[0]
        assert "bankrec init" in lines[0]
        assert result.stdout == ""


# -- help -------------------------------------------------------------------------------------


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        yield path
        if isinstance(command, click.Group):
            yield from _command_paths(command, path)


COMMAND_PATHS = [(), *_command_paths(cli)]


def test_the_contract_commands_exist() -> None:
    names = {" ".join(path) for path in COMMAND_PATHS}
    for expected in (
        "init", "db upgrade", "db current", "db check", "gl add", "gl list", "gl show",
        "customer add", "customer list", "customer show", "vendor add", "vendor list",
        "vendor show", "bank add", "bank list", "bank show", "bank set", "rate add", "rate list",
        "load", "journal post", "entries", "trial-balance", "reverse", "unapply",
    ):  # fmt: skip
        assert expected in names


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "bankrec")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stdout.startswith("Usage: ")
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    summary = command.get_short_help_str(limit=200)
    assert summary.strip(), f"bankrec {' '.join(path)} has no help text"
    assert summary.split()[0] in result.stdout
