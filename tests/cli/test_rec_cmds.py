"""`rec` and `check` from the command line: the JSON contract, refusals with exit code 1 and
nothing written, the review driven through its prompts (quit and resume), undo confirmation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bankrec.services.database import Database
from tests.conftest import Cli
from tests.factories import row_counts
from tests.services.test_reconciliation_support import (
    Tx,
    add_statement,
    bank_post,
    bank_state,
    entry_states,
)

CONTRACT_KEYS = {
    "reconciliation",
    "bank",
    "statement_no",
    "statement_date",
    "balance_last_statement",
    "ending_balance",
    "difference",
    "lines",
    "outstanding_entries",
}
LINE_KEYS = {
    "line",
    "date",
    "amount",
    "text",
    "status",
    "applied_amount",
    "difference",
    "entries",
    "details",
}


def ok(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture
def books(ledger: Database) -> dict[str, int]:
    """A check, a deposit in transit and a statement of the check, a late deposit and a fee."""
    return {
        "check": bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857", "1857"),
        "deposit": bank_post(ledger, "2026-03-02", "500.00", "D-1", "Deposit", account="4000"),
        "transit": bank_post(ledger, "2026-03-05", "80.00", "D-2", "Deposit", account="4000"),
        "statement": add_statement(
            ledger,
            "BANK",
            [
                Tx("2026-03-04", "-250.00", "CHECK 1857"),
                Tx("2026-03-20", "500.00", "Cash deposit"),
                Tx("2026-03-31", "-4.90", "KONTOFUEHRUNG"),
            ],
        ),
    }


def test_new_and_show_give_the_contract_shape(run: Cli, books: dict[str, int]) -> None:
    created = ok(
        run("rec", "new", "--bank", "BANK", "--statement", str(books["statement"]), "--json")
    )
    assert set(created) >= CONTRACT_KEYS
    assert all(set(line) >= LINE_KEYS for line in created["lines"])
    assert (created["statement_no"], created["statement_date"]) == (1, "2026-03-31")
    assert (created["balance_last_statement"], created["ending_balance"]) == ("0.00", "245.10")
    rec = str(created["reconciliation"])
    ok(run("rec", "match-auto", rec, "--json"))
    shown = ok(run("rec", "show", rec, "--json"))
    assert set(shown) >= CONTRACT_KEYS
    first = shown["lines"][0]
    assert (first["line"], first["status"], first["entries"]) == (1, "matched", [books["check"]])
    assert first["details"]
    assert first["applied_amount"] == "-250.00"
    assert shown["outstanding_entries"] == [books["deposit"], books["transit"]]
    table = run("rec", "show", rec)
    assert table.exit_code == 0, table.output
    assert "Bank reconciliation" in table.stdout
    assert "CHECK 1857" in table.stdout
    listed = ok(run("rec", "list", "--json"))
    assert [r["reconciliation"] for r in listed["reconciliations"]] == [int(rec)]


def test_match_refuses_many_to_many_and_post_refuses_naming_lines(
    run: Cli, books: dict[str, int], ledger: Database
) -> None:
    rec = str(
        ok(run("rec", "new", "--bank", "BANK", "--statement", str(books["statement"]), "--json"))[
            "reconciliation"
        ]
    )
    refused = run(
        "rec", "match", rec, "--line", "1", "--line", "2",
        "--entry", str(books["check"]), "--entry", str(books["deposit"]),
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "many-to-many matches are not supported" in refused.stderr
    ok(run("rec", "match", rec, "--line", "1", "--entry", str(books["check"]), "--json"))
    before = row_counts(ledger), bank_state(ledger), entry_states(ledger)
    posted = run("rec", "post", rec)
    assert posted.exit_code == 1
    assert "line 2 (2026-03-20, 500.00, 'Cash deposit') is not matched" in posted.stderr
    assert "line 3" in posted.stderr
    assert "total difference 495.10" in posted.stderr
    assert (row_counts(ledger), bank_state(ledger), entry_states(ledger)) == before


def test_review_decides_quits_and_resumes_where_it_stopped(
    run: Cli, books: dict[str, int], ledger: Database
) -> None:
    rec = str(
        ok(run("rec", "new", "--bank", "BANK", "--statement", str(books["statement"]), "--json"))[
            "reconciliation"
        ]
    )
    run("rec", "match-auto", rec)
    refused = run("rec", "review", rec)
    assert refused.exit_code == 1
    assert "not a terminal" in refused.stderr
    # Line 1: accept the check. Line 2: the deposit is 18 days late for automatic matching;
    # choose it as candidate 1. Line 3: quit before deciding.
    candidates = ok(run("rec", "candidates", rec, "--line", "2", "--json"))
    assert candidates["candidates"][0]["entry_nos"] == [books["deposit"]]
    first = run("rec", "review", rec, "--prompt-anyway", input="a\n1\nq\n")
    assert first.exit_code == 0, first.output
    assert "continue where you left off" in first.stdout
    shown = ok(run("rec", "show", rec, "--json"))
    assert [(x["status"], x["match"] and x["match"]["origin"]) for x in shown["lines"]] == [
        ("matched", "auto"),
        ("matched", "manual"),
        ("unmatched", None),
    ]
    assert shown["lines"][0]["match"]["accepted"] is True
    # Resume: only line 3 is left; a wrong key, then post the fee to the bank fee account.
    second = run("rec", "review", rec, "--prompt-anyway", input="7\nt\n6800\n")
    assert second.exit_code == 0, second.output
    assert "line 3 (1 of 1)" in second.stdout
    assert "there is no candidate 7" in second.stderr
    assert "every line reviewed" in second.stdout
    assert ok(run("rec", "show", rec, "--json"))["difference"] == "0.00"
    posted = ok(run("rec", "post", rec, "--json"))
    assert (posted["statement_no"], posted["outstanding_entries"]) == (1, [books["transit"]])
    report = run("rec", "report", "--bank", "BANK")
    assert report.exit_code == 0
    assert "deposits in transit" in report.stdout
    assert "80.00" in report.stdout


def test_undo_of_an_earlier_statement_asks_for_yes_off_a_terminal(
    run: Cli, books: dict[str, int], ledger: Database
) -> None:
    before = bank_state(ledger), entry_states(ledger)
    first = ok(run("rec", "new", "--bank", "BANK", "--statement-date", "2026-03-01", "--json"))
    ok(run("rec", "post", str(first["reconciliation"]), "--json"))
    second = ok(run("rec", "new", "--bank", "BANK", "--statement-date", "2026-03-02", "--json"))
    ok(run("rec", "post", str(second["reconciliation"]), "--json"))
    refused = run("rec", "undo", "--bank", "BANK", "--statement-no", "1")
    assert refused.exit_code == 1
    assert "also undoes the later statement(s) 2" in refused.stderr
    assert "--yes" in refused.stderr
    undone = ok(run("rec", "undo", "--bank", "BANK", "--statement-no", "1", "--yes", "--json"))
    assert undone["undone"] == [2, 1]
    assert bank_state(ledger) == before[0]
    missing = run("rec", "undo", "--bank", "BANK", "--statement-no", "9")
    assert missing.exit_code == 1
    assert "no posted statement 9" in missing.stderr
    deleted = run("rec", "delete", str(second["reconciliation"]))
    assert deleted.exit_code == 1
    assert "--yes" in deleted.stderr
    ok(run("rec", "delete", str(second["reconciliation"]), "--yes", "--json"))
    assert entry_states(ledger)[books["deposit"]].status == "open"


def test_check_list_and_void(run: Cli, books: dict[str, int]) -> None:
    listed = ok(run("check", "list", "--bank", "BANK", "--open", "--json"))
    assert [(c["entry_no"], c["check_no"], c["status"]) for c in listed["checks"]] == [
        (books["check"], "1857", "open")
    ]
    voided = ok(run("check", "void", str(books["check"]), "--date", "2026-03-10", "--json"))
    assert (voided["check_no"], voided["date"]) == ("1857", "2026-03-10")
    assert ok(run("check", "list", "--open", "--json"))["checks"] == []
    table = run("check", "list")
    assert table.exit_code == 0
    assert "voided" in table.stdout
    again = run("check", "void", str(books["check"]))
    assert again.exit_code == 1
    assert "already voided" in again.stderr
