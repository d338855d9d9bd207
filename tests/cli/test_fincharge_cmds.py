"""`bankrec fincharge` through click: create, issue, list, show, cancel, and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result

from bankrec.services.database import Database
from tests.conftest import Cli
from tests.scenarios.test_finance_charges import set_up


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def test_create_issue_list_show_cancel(ledger: Database, run: Cli, tmp_path: Path) -> None:
    set_up(ledger)  # interest 13.70 + fee 5.00 on 2026-03-31, worked in the scenario test
    created = ok(run("fincharge", "create", "--date", "2026-03-31"))
    assert created.stdout == (
        "created FC-000001 for C1: interest 13.70, fee 5.00, total 18.70 EUR (3 lines), due "
        "2026-04-14\n"
    )
    out = tmp_path / "docs"
    issued = as_json(run("fincharge", "issue", "--all", "--output", str(out), "--json"))
    [memo] = issued["issued"]
    assert memo["no"] == "FC-000001"
    assert memo["files"] == [str(out / "FC-000001.md"), str(out / "FC-000001.pdf")]
    listed = as_json(run("fincharge", "list", "--status", "issued", "--json"))
    assert [(d["no"], d["status"], d["total"]) for d in listed["documents"]] == [
        ("FC-000001", "issued", "18.70")
    ]
    shown = as_json(run("fincharge", "show", "FC-000001", "--json"))
    assert [(x["line_type"], x["amount"]) for x in shown["lines"]] == [
        ("interest", "6.50"),
        ("interest", "7.20"),
        ("additional-fee", "5.00"),
    ]
    refused = run("reverse", str(memo["transaction_no"]))
    assert refused.exit_code == 1
    assert "cancel it with `bankrec fincharge cancel FC-000001`" in refused.stderr
    canceled = as_json(run("fincharge", "cancel", "FC-000001", "--json"))
    assert canceled == {
        "canceled": [{"no": "FC-000001", "transaction_no": memo["transaction_no"] + 1}]
    }
    human = ok(run("fincharge", "list"))
    assert "FC-000001" in human.stdout
    assert "canceled" in human.stdout


def test_refusals(ledger: Database, run: Cli) -> None:
    set_up(ledger)
    bad_date = run("fincharge", "create", "--date", "2026-02-30")
    assert bad_date.exit_code == 1
    assert '--date "2026-02-30" is not a date' in bad_date.stderr
    missing = run("fincharge", "show", "FC-000009")
    assert missing.exit_code == 1
    assert "finance charge memo FC-000009 does not exist" in missing.stderr
    both = run("fincharge", "issue", "FC-000001", "--all")
    assert both.exit_code == 1
    assert "name the memos to issue, or give --all (not both)" in both.stderr


def test_every_command_has_help(run: Cli) -> None:
    for command in ("create", "issue", "cancel", "list", "show"):
        result = ok(run("fincharge", command, "--help"))
        assert "--json" in result.stdout
