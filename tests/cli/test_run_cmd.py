"""`bankrec run` end to end on the standard company: import, apply, post what needs no decision,
leave the rest open for review, and post nothing twice when run again on the same files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from bankrec.db.models import BankAccount
from bankrec.services.database import Database
from tests.conftest import Cli
from tests.factories import invoice, post, row_counts

IBAN_C1 = "DE89370400440532013000"
SURE = ("1000.00", "CRDT", "R1", "Invoice SI-501", "Alpha GmbH", IBAN_C1)
"""Pays C1's invoice SI-501 in full, by IBAN and invoice number: High confidence."""
UNKNOWN = ("500.00", "CRDT", "R2", "thank you", "", "")
"""Nothing explains it: it needs a decision."""


def camt(entries: list[tuple[str, str, str, str, str, str]], opening: str = "0.00") -> str:
    """A camt.053.001.02 statement; entries are (amount, CRDT|DBIT, ref, text, name, iban)."""
    body = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>2026-03-10</Dt></BookgDt><ValDt><Dt>2026-03-10</Dt></ValDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls>"
        + (
            f"<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id>"
            "</DbtrAcct></RltdPties>"
            if name
            else ""
        )
        + f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for amount, side, ref, text, name, iban in entries
    )
    total = sum(Decimal(e[0]) * (1 if e[1] == "CRDT" else -1) for e in entries)
    closing = Decimal(opening) + total
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-10T18:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>S1</Id><CreDtTm>2026-03-10T18:00:00</CreDtTm><Acct><Id>"
        "<IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-09</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>'
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-10</Dt></Dt></Bal>"
        f"{body}</Stmt></BkToCstmrStmt></Document>"
    )


def statement_file(folder: Path, *entries: tuple[str, str, str, str, str, str]) -> str:
    path = folder / "march.xml"
    path.write_text(camt(list(entries)), encoding="utf-8")
    return str(path)


def with_invoice(ledger: Database) -> Database:
    post(ledger, invoice("SI-501", "C1", "1000.00", date="2026-03-01"))
    return ledger


def run_json(run: Cli, *args: str) -> tuple[int, dict[str, Any]]:
    result = run("run", *args, "--bank", "BANK", "--json")
    return result.exit_code, json.loads(result.stdout)


def journals(run: Cli) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(run("pay", "list", "--json").stdout)["journals"]
    return found


def test_run_twice_on_the_same_file_posts_once(ledger: Database, run: Cli, tmp_path: Path) -> None:
    path = statement_file(tmp_path, SURE)
    before = row_counts(with_invoice(ledger))
    code, first = run_json(run, path)
    assert code == 0, first
    assert set(first) == {"bank", "auto_post", "outcome", "files", "journals"}
    assert (first["outcome"], first["files"][0]["lines_new"]) == ("posted", 1)
    (journal,) = first["journals"]
    assert set(journal) == {
        "journal", "bank", "created", "lines", "confidence_counts", "accepted", "posted",
        "transaction_no", "document_no", "reconciled", "review", "error",
    }  # fmt: skip
    assert journal["created"]
    assert journal["posted"]
    assert journal["transaction_no"]
    # The statement opens at the bank's balance last statement and the journal holds all of
    # it: posted in reconcile mode.
    assert (journal["bank"], journal["reconciled"]) == ("BANK", True)
    assert (journal["lines"], journal["confidence_counts"], journal["review"]) == (
        1,
        {"high": 1},
        [],
    )
    posted = row_counts(ledger)
    assert posted["customer_ledger_entry"] == before["customer_ledger_entry"] + 1

    code, second = run_json(run, path)
    assert code == 0, second
    assert (second["files"][0]["lines_new"], second["files"][0]["lines_skipped_duplicate"]) == (
        0,
        1,
    )
    assert (second["outcome"], second["journals"]) == ("posted", [])
    assert row_counts(ledger) == posted
    assert [j["status"] for j in journals(run)] == ["posted"]


def test_a_line_needing_review_exits_4_and_leaves_the_journal_open(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    path = statement_file(tmp_path, SURE, UNKNOWN)
    before = row_counts(with_invoice(ledger))
    result = run("run", path, "--bank", "BANK")
    assert result.exit_code == 4, result.output
    assert "1 line(s) need review (2): bankrec pay review 1" in result.stdout
    code, again = run_json(run, path)
    assert code == 4
    (journal,) = again["journals"]
    assert (journal["journal"], journal["created"], journal["posted"]) == (1, False, False)
    assert journal["review"] == [2]
    assert [j["status"] for j in journals(run)] == ["open"]
    assert row_counts(ledger)["customer_ledger_entry"] == before["customer_ledger_entry"]
    lines = json.loads(run("pay", "show", "1", "--json").stdout)["lines"]
    assert [line["status"] for line in lines] == ["accepted", "not_applied"]


def test_auto_post_none_imports_and_applies_but_posts_nothing(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    path = statement_file(tmp_path, SURE)
    with_invoice(ledger)
    code, document = run_json(run, path, "--auto-post", "none")
    assert code == 4, document
    (journal,) = document["journals"]
    assert (journal["posted"], journal["accepted"], journal["review"]) == (False, [], [1])
    assert journal["confidence_counts"] == {"high": 1}
    code, posted = run_json(run, path)
    assert code == 0, posted
    assert posted["journals"][0]["journal"] == journal["journal"]
    assert posted["journals"][0]["posted"]


def test_a_bad_file_fails_the_run_and_the_good_one_is_still_posted(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    good = statement_file(tmp_path, SURE)
    bad = tmp_path / "broken.xml"
    bad.write_text(camt([SURE])[:200], encoding="utf-8")
    with_invoice(ledger)
    code, document = run_json(run, str(bad), good)
    assert code == 1, document
    assert document["outcome"] == "failed"
    assert document["files"][0]["errors"]
    assert document["journals"][0]["posted"]


def test_unknown_bank_is_refused(ledger: Database, run: Cli, tmp_path: Path) -> None:
    result = run("run", statement_file(tmp_path, SURE), "--bank", "NOPE")
    assert result.exit_code == 1
    assert "NOPE" in result.stderr


def test_without_bank_the_statement_finds_its_bank_and_review_ok_exits_0(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    with ledger.transaction() as session:
        bank = session.get(BankAccount, "BANK")
        assert bank is not None
        bank.iban = "DE02120300000000202051"  # the account of the camt statements here
    path = statement_file(tmp_path, SURE, UNKNOWN)
    with_invoice(ledger)
    result = run("run", path, "--review-ok", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["bank"], document["outcome"]) == (None, "review")
    (journal,) = document["journals"]
    assert (journal["bank"], journal["created"], journal["review"]) == ("BANK", True, [2])
    assert run("run", path).exit_code == 4


def one_entry_statement(
    path: Path, account: str, currency: str, amount: str, side: str, other: str
) -> str:
    """A camt.053 statement of ``account`` with one entry, from or to the account ``other``."""
    role = "Dbtr" if side == "CRDT" else "Cdtr"
    signed = Decimal(amount) if side == "CRDT" else -Decimal(amount)
    balances = "".join(
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">'
        f"{abs(value)}</Amt><CdtDbtInd>{'CRDT' if value >= 0 else 'DBIT'}</CdtDbtInd>"
        "<Dt><Dt>2026-02-11</Dt></Dt></Bal>"
        for code, value in (("OPBD", Decimal(0)), ("CLBD", signed))
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-02-11T18:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{path.stem}</Id><CreDtTm>2026-02-11T18:00:00</CreDtTm><Acct><Id>"
        f"<IBAN>{account}</IBAN></Id><Ccy>{currency}</Ccy></Acct>{balances}"
        f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
        "<Sts>BOOK</Sts><BookgDt><Dt>2026-02-11</Dt></BookgDt><AcctSvcrRef>"
        f"{path.stem}-1</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><{role}><Nm>Us GmbH</Nm>"
        f"</{role}><{role}Acct><Id><IBAN>{other}</IBAN></Id></{role}Acct></RltdPties>"
        "<RmtInf><Ustrd>Own transfer</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        "</Stmt></BkToCstmrStmt></Document>",
        encoding="utf-8",
    )
    return str(path)


def test_one_run_pairs_the_legs_of_an_eur_to_usd_transfer_and_reconciles_both(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    eur_iban, usd_iban = "DE02120300000000202051", "DE02100100100006820101"
    with ledger.transaction() as session:
        for no, iban in (("BANK", eur_iban), ("USDBANK", usd_iban)):
            bank = session.get(BankAccount, no)
            assert bank is not None
            bank.iban = iban
    sent = one_entry_statement(tmp_path / "eur.xml", eur_iban, "EUR", "1000.00", "DBIT", usd_iban)
    got = one_entry_statement(tmp_path / "usd.xml", usd_iban, "USD", "1120.00", "CRDT", eur_iban)
    result = run("run", sent, got, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [(j["bank"], j["posted"], j["reconciled"]) for j in document["journals"]] == [
        ("BANK", True, True),
        ("USDBANK", True, True),
    ]
    # One transfer: 1,000.00 EUR out, 1,120.00 USD in at the books' 0.90 = 1,008.00, gain 8.00.
    balances = {
        line["account_no"]: line["balance"]
        for line in json.loads(run("trial-balance", "--json").stdout)["lines"]
    }
    assert (balances["1100"], balances["1110"], balances["7800"]) == (
        "-1000.00",
        "1008.00",
        "-8.00",
    )
    entries = json.loads(run("entries", "--ledger", "bank", "--json").stdout)["entries"]
    assert [(e["account_no"], e["amount"], e["statement_status"]) for e in entries] == [
        ("BANK", "-1000.00", "closed"),
        ("USDBANK", "1120.00", "closed"),
    ]
