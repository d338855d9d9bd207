"""`bankrec payables`: suggest, list, accept, reject and export, as scripts and people see them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bankrec.cli.main import cli
from bankrec.db.models import BankAccount, Vendor
from bankrec.services.database import Database
from tests.conftest import Cli
from tests.scenarios.test_vendor_payments import vendors_and_invoices

SUGGEST = ("payables", "suggest", "--due-by", "2026-03-05", "--payment-date", "2026-03-04")
PROPOSAL_KEYS = {
    "id", "vendor_no", "vendor_name", "entry_no", "document_no", "external_document_no",
    "due_date", "pmt_discount_date", "currency", "remaining_amount", "discount", "amount",
    "payment_date", "status", "warnings", "end_to_end_id", "export_id",
}  # fmt: skip


def ok_json(run: Cli, *args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refused(run: Cli, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return result.stderr.strip()


@pytest.fixture
def book(ledger: Database) -> Database:
    vendors_and_invoices(ledger, with_v3=True)
    return ledger


@pytest.mark.parametrize("verb", ["suggest", "list", "accept", "reject", "export"])
def test_every_payables_command_explains_itself(verb: str) -> None:
    result = CliRunner().invoke(cli, ["payables", verb, "--help"])
    assert result.exit_code == 0
    assert "--json" in result.output


def test_suggest_json_lists_each_proposal_with_the_contract_keys(book: Database, run: Cli) -> None:
    document = ok_json(run, *SUGGEST, "--take-discounts")
    assert set(document) == {"proposals", "total"}
    assert all(set(p) == PROPOSAL_KEYS for p in document["proposals"])
    assert [
        (p["id"], p["vendor_no"], p["document_no"], p["remaining_amount"], p["discount"],
         p["amount"], p["status"])
        for p in document["proposals"]
    ] == [
        (1, "V1", "PI-101", "1000.00", "0.00", "1000.00", "proposed"),
        (2, "V1", "PI-102", "1000.00", "0.00", "1000.00", "proposed"),
        (3, "V2", "PI-201", "500.00", "10.00", "490.00", "proposed"),
        (4, "V2", "PI-202", "300.00", "0.00", "300.00", "proposed"),
        (5, "V3", "PI-301", "250.00", "0.00", "250.00", "proposed"),
    ]  # fmt: skip
    assert document["total"] == {"EUR": "3040.00"}
    assert document["proposals"][4]["warnings"] == [
        'vendor V3 has no IBAN; add one with `bankrec vendor add V3 --name "No Bank GmbH" '
        "--iban IBAN`"
    ]
    assert document["proposals"][2]["pmt_discount_date"] == "2026-03-07"


def test_suggest_for_one_vendor_skips_blocked_vendors_and_can_accept_at_once(
    book: Database, run: Cli
) -> None:
    with book.transaction() as session:
        session.get_one(Vendor, "V2").blocked = True
    assert ok_json(run, *SUGGEST, "--vendor", "V2")["proposals"] == []
    document = ok_json(run, *SUGGEST, "--vendor", "V1", "--accept")
    assert [(p["document_no"], p["status"]) for p in document["proposals"]] == [
        ("PI-101", "accepted"),
        ("PI-102", "accepted"),
    ]
    assert refused(run, *SUGGEST, "--vendor", "V9") == (
        "error: vendor V9 does not exist; see `bankrec vendor list`"
    )


def test_suggest_shows_a_table_a_total_and_the_missing_iban(book: Database, run: Cli) -> None:
    result = run(*SUGGEST)
    assert result.exit_code == 0, result.output
    assert "Suggested vendor payments" in result.stdout
    assert "PI-101" in result.stdout
    assert "RENT-0226" in result.stdout
    assert "total 2550.00 EUR" in result.stdout
    assert (
        'warning: vendor V3 has no IBAN; add one with `bankrec vendor add V3 --name "No Bank '
        'GmbH" --iban IBAN`'
    ) in result.stdout
    assert "(none)" in run(*SUGGEST).stdout  # everything is proposed already


def test_accept_reject_and_list_by_status(book: Database, run: Cli) -> None:
    ok_json(run, *SUGGEST)
    accepted = ok_json(run, "payables", "accept", "1", "2")
    assert [(p["id"], p["status"]) for p in accepted["proposals"]] == [
        (1, "accepted"),
        (2, "accepted"),
    ]
    assert accepted["total"] == {"EUR": "2000.00"}
    rejected = ok_json(run, "payables", "reject", "4")
    assert [(p["id"], p["status"]) for p in rejected["proposals"]] == [(4, "rejected")]
    listed = ok_json(run, "payables", "list", "--status", "proposed")
    assert [p["id"] for p in listed["proposals"]] == [3]
    assert [p["id"] for p in ok_json(run, "payables", "accept", "--all")["proposals"]] == [3]
    assert [p["id"] for p in ok_json(run, "payables", "list")["proposals"]] == [1, 2, 3, 4]
    assert refused(run, "payables", "accept", "4") == (
        "error: payment proposal 4 (V3 PI-301) is rejected and cannot be accepted; run "
        "`bankrec payables suggest` to propose the invoice again"
    )
    assert refused(run, "payables", "reject", "99") == (
        "error: payment proposal 99 does not exist; see `bankrec payables list`"
    )
    assert refused(run, "payables", "accept") == (
        "error: name the proposals to accept (IDs), or give --all"
    )
    listing = run("payables", "list", "--status", "rejected")
    assert listing.exit_code == 0
    assert "PI-301" in listing.stdout
    assert "rejected" in listing.stdout


def test_export_json_and_the_refusals_that_write_nothing(
    book: Database, run: Cli, tmp_path: Path
) -> None:
    ok_json(run, *SUGGEST, "--vendor", "V1", "--vendor", "V3", "--accept")
    target = tmp_path / "out.xml"
    export = ("payables", "export", "--bank", "BANK", str(target), "--execution-date", "2026-03-04")
    assert refused(run, *export) == (
        "error: cannot export: vendor V3 has no IBAN; add one with `bankrec vendor add V3 --name "
        '"No Bank GmbH" --iban IBAN` (or reject its proposals with `bankrec payables reject`)'
    )
    assert not target.exists()
    ok_json(run, "payables", "reject", "3")
    document = ok_json(run, *export)
    assert set(document) == {
        "export_id", "file", "message_id", "bank", "currency", "execution_date", "payments",
        "total", "end_to_end_ids",
    }  # fmt: skip
    assert (document["export_id"], document["bank"], document["currency"]) == (1, "BANK", "EUR")
    assert (document["payments"], document["total"]) == (2, "2000.00")
    assert document["execution_date"] == "2026-03-04"
    assert document["end_to_end_ids"] == ["BR-1-P1", "BR-1-P2"]
    assert document["file"] == str(target)
    assert document["message_id"] == "BR-000001-20260304"
    written = target.read_bytes()
    assert b"<EndToEndId>BR-1-P2</EndToEndId>" in written

    assert refused(run, *export) == (
        f"error: {target} exists already; give another file name, or --force to replace it"
    )
    assert refused(run, *export, "--force") == (
        "error: there are no accepted payment proposals in EUR for bank BANK; run `bankrec "
        "payables suggest` and `bankrec payables accept` first"
    )
    assert target.read_bytes() == written


def test_export_names_the_bank_problem(book: Database, run: Cli, tmp_path: Path) -> None:
    ok_json(run, *SUGGEST, "--vendor", "V1", "--accept")
    target = str(tmp_path / "out.xml")
    assert refused(run, "payables", "export", "--bank", "USDBANK", target) == (
        "error: bank account USDBANK is in USD; a pain.001 SEPA credit transfer file pays in "
        "EUR only: export from a EUR bank"
    )
    assert refused(run, "payables", "export", "--bank", "NOPE", target) == (
        "error: bank account NOPE does not exist; see `bankrec bank list`"
    )
    with book.transaction() as session:
        session.get_one(BankAccount, "BANK").iban = None
    assert refused(run, "payables", "export", "--bank", "BANK", target) == (
        "error: bank account BANK has no IBAN, which the payment file needs as the debtor "
        "account; add it with `bankrec bank add BANK --name ... --currency EUR --gl-account "
        "1100 --iban IBAN`"
    )
    assert not Path(target).exists()


def test_export_says_what_it_wrote(book: Database, run: Cli, tmp_path: Path) -> None:
    ok_json(run, *SUGGEST, "--vendor", "V2", "--take-discounts", "--accept")
    target = tmp_path / "v2.xml"
    result = run(
        "payables", "export", "--bank", "BANK", str(target), "--execution-date", "2026-03-04"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "export 1: 2 payment(s), 790.00 EUR from BANK, execution date 2026-03-04, message BR-"
    )
    assert result.stdout.rstrip().endswith(f"written to {target}")
