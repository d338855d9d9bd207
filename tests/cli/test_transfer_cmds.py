"""`bankrec transfer` and `bankrec rate import` through click, against a real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from bankrec.services.database import Database
from tests.conftest import Cli
from tests.factories import row_counts


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def test_transfer_json_and_trial_balance(ledger: Database, run: Cli) -> None:
    # 1000.00 EUR -> 1120.00 USD at the bank's 1.12; booked at 0.90: 1008.00 EUR, 8.00 gain.
    document = as_json(
        run(
            "transfer", "BANK", "USDBANK", "1000.00", "--date", "2026-02-10", "--rate", "1.12",
            "--document-no", "TR-7", "--json",
        )
    )  # fmt: skip
    assert document == {
        "transaction_no": document["transaction_no"],
        "document_no": "TR-7",
        "date": "2026-02-10",
        "from": {"bank": "BANK", "amount": "1000.00", "currency": "EUR"},
        "to": {"bank": "USDBANK", "amount": "1120.00", "currency": "USD"},
        "rate": "1.12",
        "fx_difference": "8.00",
        "fee": None,
    }
    balance = as_json(run("trial-balance", "--json"))
    assert balance["total"] == "0.00"
    by_account = {line["account_no"]: line["balance"] for line in balance["lines"]}
    assert by_account == {"1100": "-1000.00", "1110": "1008.00", "7800": "-8.00"}


def test_transfer_with_fee_human_output(ledger: Database, run: Cli) -> None:
    result = ok(
        run(
            "transfer", "USDBANK", "BANK", "100.00", "--date", "2026-03-02", "--to-amount",
            "94.00", "--fee", "2.50", "--fee-account", "6800", "--document-no", "TR-8",
        )
    )  # fmt: skip
    # 100.00 USD at 0.95 = 95.00 EUR sent, 94.00 received: a 1.00 loss.
    assert "document TR-8 of 2026-03-02: 100.00 USD from USDBANK to BANK" in result.stdout
    assert "received 94.00 EUR" in result.stdout
    assert "exchange difference -1.00 EUR" in result.stdout
    assert "fee 2.50 USD to 6800" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["BANK", "USDBANK", "10.00", "--date", "2025-12-31"],
            "no USD exchange rate on or before 2025-12-31; add one with `bankrec rate add USD",
            id="missing-rate",
        ),
        pytest.param(
            ["BANK", "USDBANK", "10.00", "--date", "2026-02-30"],
            '--date "2026-02-30" is not a date',
            id="bad-date",
        ),
        pytest.param(["BANK", "BANK", "10.00"], "to itself", id="same-bank"),
        pytest.param(["BANK", "USDBANK", "0"], "greater than 0", id="zero"),
        pytest.param(["BANK", "USDBANK", "1.234"], "more decimals than EUR", id="decimals"),
        pytest.param(
            ["BANK", "USDBANK", "10.00", "--fee", "1", "--fee-account", "1100"],
            "does not allow direct posting",
            id="fee-account",
        ),
    ],
)
def test_refusals_exit_1_with_one_line(
    ledger: Database, run: Cli, args: list[str], message: str
) -> None:
    before = row_counts(ledger)
    result = run("transfer", *args, "--document-no", "TR-9")
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert row_counts(ledger) == before


def test_rate_import_and_list(ledger: Database, run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "eurofxref.csv"
    path.write_text("Date, USD, GBP, \n22 May 2026, 1.25, 0.85, \n", encoding="utf-8")
    first = as_json(run("rate", "import", str(path), "--json"))
    assert (first["layout"], first["added"], first["skipped"]) == ("ecb", 1, {"GBP": 1})
    again = ok(run("rate", "import", str(path)))
    assert "added 0 rates, replaced 0, 1 unchanged" in again.stdout
    assert "skipped (currency not set up): GBP 1" in again.stdout
    rates = as_json(run("rate", "list", "--currency", "USD", "--json"))["rates"]
    assert rates[-1] == {"currency": "USD", "date": "2026-05-22", "rate": "0.8"}

    path.write_text("date,currency,rate\n2026-05-22,USD,0.81\n", encoding="utf-8")
    refused = run("rate", "import", str(path))
    assert refused.exit_code == 1
    assert "is stored as 0.8, the file has 0.81" in refused.stderr
    dry = as_json(run("rate", "import", str(path), "--replace", "--dry-run", "--json"))
    assert (dry["dry_run"], dry["replaced"]) == (True, 1)
    assert as_json(run("rate", "list", "--currency", "USD", "--json"))["rates"] == rates
    ok(run("rate", "import", str(path), "--replace"))
    latest = as_json(run("rate", "list", "--currency", "USD", "--json"))["rates"][-1]
    assert latest["rate"] == "0.81"
