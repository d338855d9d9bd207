"""`pay apply`, `pay candidates`, `pay review` (driven through its prompts) and `pay post` from the
command line, on the standard company."""

from __future__ import annotations

import json

import pytest

from bankrec.services.database import Database
from tests.conftest import Cli
from tests.factories import invoice, post, row_counts
from tests.scenarios.pay_support import Tx, journal_for

IBAN_C1 = "DE89370400440532013000"


@pytest.fixture
def journal(ledger: Database) -> int:
    """Three lines: a sure match, a payment that only its amount could explain (two invoices of
    500.00 at two customers: not applied) and a bank fee nobody mapped yet."""
    post(
        ledger,
        invoice("SI-501", "C1", "1000.00", date="2026-03-01"),
        invoice("SI-502", "C2", "500.00", date="2026-03-01"),
        invoice("SI-503", "C3", "500.00", date="2026-03-01"),
    )
    return journal_for(
        ledger,
        "BANK",
        [
            Tx("2026-03-10", "1000.00", "Invoice SI-501", "Alpha GmbH", IBAN_C1),
            Tx("2026-03-20", "500.00", "thank you"),
            Tx("2026-03-21", "-4.90", "KONTOFUEHRUNG"),
        ],
    )


def show(run: Cli, journal: int) -> dict[str, object]:
    result = run("pay", "show", str(journal), "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.output)
    return document


def lines(run: Cli, journal: int) -> list[dict[str, object]]:
    found = show(run, journal)["lines"]
    assert isinstance(found, list)
    return found


def test_apply_then_show_gives_the_contract_shape(run: Cli, journal: int) -> None:
    result = run("pay", "apply", str(journal), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["matched"] == 1
    first, second, third = lines(run, journal)
    assert set(first) >= {
        "line", "date", "amount", "text", "counterparty", "confidence", "status",
        "difference", "details", "applications",
    }  # fmt: skip
    assert first["confidence"] == "high"
    assert second["confidence"] == third["confidence"] == "none"
    assert any("same" in str(detail) or "2 " in str(detail) for detail in second["details"])  # type: ignore[attr-defined]


def test_candidates_lists_both_equal_invoices_for_the_amount_only_line(
    run: Cli, journal: int
) -> None:
    result = run("pay", "candidates", str(journal), "2", "--json")
    assert result.exit_code == 0, result.output
    documents = {tuple(c["document_nos"]) for c in json.loads(result.output)["candidates"]}
    assert {("SI-502",), ("SI-503",)} <= documents


def test_review_decides_quits_and_resumes_where_it_stopped(
    run: Cli, journal: int, ledger: Database
) -> None:
    run("pay", "apply", str(journal))
    refused = run("pay", "review", str(journal))
    assert refused.exit_code == 1
    assert "not a terminal" in refused.output
    # Line 1: accept. Line 2: choose the candidate for SI-502 by hand (entry by number), then
    # finish; line 3: quit before deciding.
    candidates = json.loads(run("pay", "candidates", str(journal), "2", "--json").output)
    si502 = next(c for c in candidates["candidates"] if c["document_nos"] == ["SI-502"])
    entry = si502["entry_nos"][0]
    first = run(
        "pay", "review", str(journal), "--prompt-anyway", input=f"a\nm\ncustomer:{entry}\n\nq\n"
    )
    assert first.exit_code == 0, first.output
    assert "continue where you left off" in first.output
    statuses = [(x["line"], x["status"]) for x in lines(run, journal)]
    assert statuses == [(1, "accepted"), (2, "manual"), (3, "not_applied")]
    # Resume: only line 3 is left; map its text to the bank fee account.
    second = run(
        "pay", "review", str(journal), "--prompt-anyway", input="x\nKONTOFUEHRUNG\ngl\n6800\n"
    )
    assert second.exit_code == 0, second.output
    assert "line 3 (1 of 1)" in second.output
    assert "every line reviewed" in second.output
    assert [x["status"] for x in lines(run, journal)] == ["accepted", "manual", "accepted"]
    before = row_counts(ledger)
    posted = run("pay", "post", str(journal), "--json")
    assert posted.exit_code == 0, posted.output
    assert json.loads(posted.output)["reconciled"] is True
    assert row_counts(ledger)["gl_entry"] > before["gl_entry"]


def test_post_with_an_undecided_line_exits_1_and_posts_nothing(
    run: Cli, journal: int, ledger: Database
) -> None:
    run("pay", "apply", str(journal))
    before = row_counts(ledger)
    result = run("pay", "post", str(journal))
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "not applied" in result.output
    assert row_counts(ledger) == before
