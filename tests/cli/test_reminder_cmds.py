"""`bankrec reminder ...` and `bankrec hold` through click, against a real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select

from bankrec.db.models import CollectionDocument, CollectionLine, CustomerEntryHold
from bankrec.services.database import Database
from tests.conftest import Cli
from tests.factories import invoice, post, row_counts
from tests.scenarios.test_reminders import add_terms, entry_no, setup_collections


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def all_rows(db: Database) -> dict[str, int]:
    """Ledger rows plus the reminder tables."""
    counts = row_counts(db)
    with db.reading() as session:
        for table in (CollectionDocument, CollectionLine, CustomerEntryHold):
            counts[table.__tablename__] = (
                session.scalar(select(func.count()).select_from(table)) or 0
            )
    return counts


@pytest.fixture
def books(ledger: Database) -> Database:
    setup_collections(ledger)
    add_terms(ledger)
    post(ledger, invoice("INV-1", "C1", "1000.00"), invoice("INV-2", "C1", "250.00"))
    return ledger


def test_create_issue_list_show_cancel_json(books: Database, run: Cli, tmp_path: Path) -> None:
    assert as_json(run("reminder", "create", "--date", "2026-03-09", "--json")) == {
        "created": [
            {
                "no": "RM-000001",
                "customer_no": "C1",
                "currency": "EUR",
                "level": 1,
                "document_date": "2026-03-09",
                "due_date": "2026-03-19",
                "remaining": "1250.00",
                "interest": "0.00",
                "fee": "7.00",
                "total": "1257.00",
                "lines": 5,
            }
        ],
        "skipped": [],
    }
    out = tmp_path / "docs"
    issued = as_json(run("reminder", "issue", "--all", "--output", str(out), "--json"))
    (item,) = issued["issued"]
    assert item["no"] == "RM-000001"
    assert isinstance(item["transaction_no"], int)
    assert item["files"] == [str(out / "RM-000001.md"), str(out / "RM-000001.pdf")]
    (listed,) = as_json(run("reminder", "list", "--status", "issued", "--json"))["documents"]
    assert listed == {
        "no": "RM-000001",
        "customer_no": "C1",
        "currency": "EUR",
        "status": "issued",
        "level": 1,
        "terms": "STD",
        "document_date": "2026-03-09",
        "posting_date": "2026-03-09",
        "due_date": "2026-03-19",
        "remaining": "1250.00",
        "interest": "0.00",
        "fee": "7.00",
        "total": "1257.00",
        "issued_transaction_no": item["transaction_no"],
        "canceled_transaction_no": None,
        "lines": 5,
    }
    shown = as_json(run("reminder", "show", "RM-000001", "--json"))
    assert [
        (line["line_type"], line["document_no"], line["amount"]) for line in shown["lines"]
    ] == [
        ("overdue", "INV-1", "0.00"),
        ("overdue", "INV-2", "0.00"),
        ("line-fee", "INV-1", "1.00"),
        ("line-fee", "INV-2", "1.00"),
        ("additional-fee", "", "5.00"),
    ]
    canceled = as_json(run("reminder", "cancel", "RM-000001", "--json"))
    assert canceled["canceled"][0]["no"] == "RM-000001"
    assert canceled["canceled"][0]["transaction_no"] > item["transaction_no"]
    assert as_json(run("reminder", "list", "--status", "issued", "--json")) == {"documents": []}


def test_human_output(books: Database, run: Cli, tmp_path: Path) -> None:
    created = ok(run("reminder", "create", "--date", "2026-03-09"))
    assert created.stdout == (
        "RM-000001: customer C1, level 1, due 2026-03-19: remaining 1250.00, interest 0.00, "
        "fee 7.00, total 1257.00 EUR (5 lines)\n"
    )
    again = ok(run("reminder", "create", "--date", "2026-03-09"))
    assert again.stdout == "no reminders due on 2026-03-09\n"
    listed = ok(run("reminder", "list"))
    assert "RM-000001" in listed.stdout
    assert "1257.00" in listed.stdout
    shown = ok(run("reminder", "show", "RM-000001"))
    assert shown.stdout.startswith(
        "reminder RM-000001 (draft), customer C1, level 1, 2026-03-09, due 2026-03-19: "
        "total 1257.00 EUR\n"
    )
    issued = ok(run("reminder", "issue", "RM-000001", "--output", str(tmp_path / "d")))
    assert issued.stdout.startswith("issued RM-000001: transaction ")
    terms = ok(run("reminder", "terms-list"))
    assert terms.stdout.startswith(
        "STD STD terms: max reminders no limit, minimum amount 0.00, post interest yes, "
        "additional fee yes, line fee yes\n"
    )


def test_hold_and_release(books: Database, run: Cli) -> None:
    first = entry_no(books, "INV-1")
    held = as_json(run("hold", str(first), "--reason", "disputed", "--json"))
    assert held == {
        "held": [
            {"entry_no": first, "customer_no": "C1", "document_no": "INV-1", "reason": "disputed"}
        ]
    }
    created = as_json(run("reminder", "create", "--date", "2026-03-09", "--json"))["created"]
    assert [d["remaining"] for d in created] == ["250.00"]
    released = ok(run("hold", str(first), "--release"))
    assert released.stdout == f"released entry {first} (INV-1)\n"


def test_terms_list_json(books: Database, run: Cli) -> None:
    (terms,) = as_json(run("reminder", "terms-list", "--json"))["terms"]
    assert terms["code"] == "STD"
    assert terms["levels"][1] == {
        "level": 2,
        "grace_period": "3D",
        "due_date_formula": "7D",
        "calculate_interest": False,
        "fee_calculation": "fixed",
        "additional_fee": "10.00",
        "line_fee": "2.00",
        "fee_tiers": [],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("reminder", "issue", "RM-000009"), "reminder RM-000009 does not exist"),
        (("reminder", "issue"), "name the reminders to issue, or give --all"),
        (("reminder", "cancel", "RM-000009"), "reminder RM-000009 does not exist"),
        (("reminder", "show", "RM-000009"), "reminder RM-000009 does not exist"),
        (("reminder", "create", "--date", "2026-03-09", "--customer", "NOPE"), "customer NOPE"),
        (
            ("reminder", "create", "--date", "2026-03-09", "--posting-date", "2026-03-01"),
            "--posting-date 2026-03-01 is before --date 2026-03-09",
        ),
        (("hold", "999"), "customer entry 999 does not exist"),
        (("hold", "1", "--release"), "customer entry 1 is not on hold"),
    ],
)
def test_refusals_exit_1_and_write_nothing(
    books: Database, run: Cli, args: tuple[str, ...], message: str
) -> None:
    before = all_rows(books)
    result = run(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert message in result.stderr
    assert all_rows(books) == before


def test_a_refusal_after_the_first_reminder_keeps_none(books: Database, run: Cli) -> None:
    add_terms(books, code="BAD", customer="C3", levels=({"grace_period": "5X"},))
    before = all_rows(books)
    result = run("reminder", "create", "--date", "2026-03-09")
    assert result.exit_code == 1
    assert result.stderr == (
        'error: reminder terms BAD, level 1: grace period "5X" is not a date formula at '
        '"5X" (examples: 30D, 2W, 1M, CM, CM+10D); correct it and load the terms again\n'
    )
    assert all_rows(books) == before


def test_issued_reminder_cannot_be_issued_again(books: Database, run: Cli, tmp_path: Path) -> None:
    ok(run("reminder", "create", "--date", "2026-03-09"))
    ok(run("reminder", "issue", "RM-000001", "--output", str(tmp_path / "d")))
    result = run("reminder", "issue", "RM-000001", "--output", str(tmp_path / "d"))
    assert result.exit_code == 1
    assert "reminder RM-000001 is issued; only a draft can be issued" in result.stderr


@pytest.mark.parametrize(
    "path",
    [
        ("reminder",),
        ("reminder", "create"),
        ("reminder", "issue"),
        ("reminder", "cancel"),
        ("reminder", "list"),
        ("reminder", "show"),
        ("reminder", "terms-list"),
        ("hold",),
    ],
)
def test_help(run: Cli, path: tuple[str, ...]) -> None:
    result = ok(run(*path, "--help"))
    assert "Usage:" in result.stdout
