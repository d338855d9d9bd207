"""`bankrec import` end to end: detection, idempotency, all-or-nothing files, clear errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.db.models import BankAccount
from bankrec.services.database import Database
from bankrec.services.masterdata import set_bank
from tests.conftest import Cli
from tests.factories import row_counts

IBAN = "DE89370400440532013000"


def camt(entries: list[tuple[str, str, str]], opening: str, closing: str) -> str:
    """A minimal camt.053.001.02 statement for IBAN; entries are (amount, CRDT|DBIT, ref)."""
    body = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>Invoice {ref}</Ustrd>"
        f"</RmtInf></TxDtls></NtryDtls></Ntry>"
        for amount, side, ref in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T18:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>S1</Id><CreDtTm>2026-03-02T18:00:00</CreDtTm><Acct><Id><IBAN>{IBAN}</IBAN>"
        "</Id><Ccy>EUR</Ccy></Acct>"
        f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>"
        f"{body}</Stmt></BkToCstmrStmt></Document>"
    )


@pytest.fixture
def banked(ledger: Database) -> Database:
    """The standard company with its EUR bank on IBAN, its chain starting at 1000.00."""
    with ledger.transaction() as session:
        session.get_one(BankAccount, "BANK").iban = IBAN
    set_bank(ledger, "BANK", None, Decimal("1000.00"), None)
    return ledger


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def lines_stored(run: Cli) -> int:
    result = run("statement", "list", "--json")
    return sum(s["lines_new"] for s in json.loads(result.stdout)["statements"])


GOOD = camt([("100.00", "CRDT", "R1"), ("30.50", "DBIT", "R2")], "1000.00", "1069.50")


def test_import_detects_camt_finds_the_bank_and_reimport_adds_nothing(
    banked: Database, run: Cli, tmp_path: Path
) -> None:
    path = write(tmp_path, "march.xml", GOOD)
    first = run("import", str(path), "--json")
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)["files"][0]
    assert (report["format"], report["lines_new"], report["errors"]) == ("camt", 2, [])
    assert report["statements"][0]["bank"] == "BANK"
    again = json.loads(run("import", str(path), "--json").stdout)["files"][0]
    assert (again["lines_new"], again["lines_skipped_duplicate"]) == (0, 2)
    assert lines_stored(run) == 2


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("truncated.xml", GOOD[: len(GOOD) // 2], "truncated.xml"),
        (
            "bomb.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&c;</Document>',
            "bomb.xml",
        ),
        (
            "xxe.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>',
            "xxe.xml",
        ),
        ("bad-amount.xml", GOOD.replace("30.50", "30,5x"), "bad-amount.xml"),
        ("unknown.txt", "hello, world\n", "not a statement format"),
    ],
)
def test_a_bad_file_exits_1_naming_it_and_stores_nothing(
    banked: Database, run: Cli, tmp_path: Path, name: str, text: str, expected: str
) -> None:
    before = row_counts(banked)
    path = write(tmp_path, name, text)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert lines_stored(run) == 0
    assert row_counts(banked) == before


def test_with_several_files_the_good_ones_land_and_the_exit_status_is_1(
    banked: Database, run: Cli, tmp_path: Path
) -> None:
    good = write(tmp_path, "good.xml", GOOD)
    bad = write(tmp_path, "bad.xml", GOOD.replace("1069.50", "1069.60"))
    result = run("import", str(bad), str(good), "--json")
    assert result.exit_code == 1
    files = json.loads(result.stdout)["files"]
    assert files[0]["errors"]
    assert "closing balance 1069.60 is not the opening balance" in files[0]["errors"][0]
    assert (files[1]["lines_new"], files[1]["errors"]) == (2, [])


def test_a_gap_is_named_and_allow_gap_records_it(
    banked: Database, run: Cli, tmp_path: Path
) -> None:
    gap = write(tmp_path, "gap.xml", camt([("1.00", "CRDT", "G1")], "900.00", "901.00"))
    refused = run("import", str(gap))
    assert refused.exit_code == 1
    assert "a gap of -100.00 EUR" in refused.stderr
    allowed = run("import", str(gap), "--allow-gap", "--json")
    assert allowed.exit_code == 0, allowed.stderr
    assert json.loads(allowed.stdout)["files"][0]["statements"][0]["gap"] == "-100.00"


def test_statement_show_gives_lines_with_raw_records(
    banked: Database, run: Cli, tmp_path: Path
) -> None:
    run("import", str(write(tmp_path, "march.xml", GOOD)))
    listed = json.loads(run("statement", "list", "--json").stdout)["statements"]
    shown = json.loads(run("statement", "show", str(listed[0]["id"]), "--json").stdout)
    assert [line["amount"] for line in shown["lines"]] == ["100.00", "-30.50"]
    assert shown["closing_balance"] == "1069.50"
    assert "<Ntry>" in shown["lines"][0]["raw"] or "Ntry" in shown["lines"][0]["position"]


def test_dry_run_stores_nothing(banked: Database, run: Cli, tmp_path: Path) -> None:
    result = run("import", str(write(tmp_path, "march.xml", GOOD)), "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["files"][0]["lines_new"] == 2
    assert lines_stored(run) == 0


DATA = Path(__file__).resolve().parent.parent / "data" / "csv"


def test_a_csv_with_a_bad_amount_names_line_and_column_and_stores_nothing(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    text = (DATA / "my-bank.csv").read_text(encoding="utf-8").replace("-250,40;", "-250,4x;", 1)
    path = write(tmp_path, "musterbank.csv", text)
    profile = str(DATA / "profiles" / "my-bank.toml")
    before = row_counts(ledger)
    result = run("import", str(path), "--bank", "BANK", "--profile", profile)
    assert result.exit_code == 1
    assert "musterbank.csv: line 6" in result.stderr
    assert "Soll" in result.stderr
    assert lines_stored(run) == 0
    assert row_counts(ledger) == before
    fixed = run(
        "import",
        str(write(tmp_path, "ok.csv", text.replace("-250,4x;", "-250,40;"))),
        "--bank",
        "BANK",
        "--profile",
        profile,
        "--allow-gap",
    )
    assert fixed.exit_code == 0, fixed.stderr
    assert lines_stored(run) == 2
