"""Paying vendors: suggest what is due, accept it, export a pain.001 file, and post the payments
when the bank statement reports them by their end-to-end ids, without anyone reviewing them.

The book: Landlord KG (V1, net 30) sends two rent invoices of 1000.00 each and one of 700.00 due
later; Supplier Ltd (V2, 2 % discount within 10 days, net 30) one of 500.00 still in its discount
period and an old one of 300.00 whose discount expired; No Bank GmbH (V3) has no IBAN on file.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from sqlalchemy import func, select

from bankrec.db.models import (
    BankAccount,
    PaymentExport,
    PaymentProposal,
    Vendor,
    VendorBankAccount,
)
from bankrec.errors import InputError
from bankrec.services.database import Database
from bankrec.services.payables import (
    ExportRequest,
    ProposalList,
    SuggestRequest,
    accept_proposals,
    export_payments,
    list_proposals,
    reject_proposals,
    suggest_payments,
)
from tests.conftest import Cli
from tests.factories import post, vendor_invoice

BANK_IBAN = "DE02120300000000202051"
BANK_BIC = "BYLADEM1001"
IBAN_V1 = "DE89370400440532013000"
IBAN_V2 = "FR1420041010050500013M02606"
NS = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"
PAYMENT_DAY = date(2026, 3, 4)
DUE_BY = date(2026, 3, 5)


def pain_schema() -> xmlschema.XMLSchema:
    import sepaxml

    return xmlschema.XMLSchema(str(Path(sepaxml.__file__).parent / "schemas/pain.001.001.03.xsd"))


def vendors_and_invoices(ledger: Database, with_v3: bool = False) -> None:
    with ledger.transaction() as session:
        bank = session.get_one(BankAccount, "BANK")
        bank.iban, bank.bic = BANK_IBAN, BANK_BIC
        session.add(VendorBankAccount(party_no="V1", iban=IBAN_V1))
        session.add(VendorBankAccount(party_no="V2", iban=IBAN_V2))
        session.add(Vendor(no="V3", name="No Bank GmbH"))
    post(
        ledger,
        vendor_invoice("PI-101", "V1", "1000.00", "2026-02-01", external_document_no="RENT-0226"),
        vendor_invoice("PI-102", "V1", "1000.00", "2026-02-02", external_document_no="RENT-0227"),
        vendor_invoice("PI-103", "V1", "700.00", "2026-03-01", external_document_no="RENT-0301"),
        vendor_invoice("PI-201", "V2", "500.00", "2026-02-25", external_document_no="SUP-9001"),
        vendor_invoice("PI-202", "V2", "300.00", "2026-01-20"),
    )
    if with_v3:
        post(ledger, vendor_invoice("PI-301", "V3", "250.00", "2026-02-01", due_date="2026-03-01"))


def suggest(ledger: Database, take_discounts: bool = False, accept: bool = False) -> ProposalList:
    request = SuggestRequest(DUE_BY, PAYMENT_DAY, take_discounts, accept=accept)
    return suggest_payments(ledger, request)


def summary(found: ProposalList) -> list[tuple[str, str, str, str, str]]:
    return [
        (p.document_no, p.remaining_amount, p.discount, p.amount, p.status) for p in found.proposals
    ]


def test_suggest_pays_what_is_due_by_the_date_in_full(ledger: Database) -> None:
    vendors_and_invoices(ledger)
    found = suggest(ledger)
    # PI-103 falls due on 2026-03-31 and PI-201 on 2026-03-27: not yet. PI-202's discount ended
    # on 2026-01-30, so it is paid in full.
    assert summary(found) == [
        ("PI-101", "1000.00", "0.00", "1000.00", "proposed"),
        ("PI-102", "1000.00", "0.00", "1000.00", "proposed"),
        ("PI-202", "300.00", "0.00", "300.00", "proposed"),
    ]
    assert found.total == {"EUR": "2300.00"}
    first = found.proposals[0].as_json()
    assert first["vendor_no"] == "V1"
    assert first["vendor_name"] == "Landlord KG"
    assert first["external_document_no"] == "RENT-0226"
    assert (first["due_date"], first["payment_date"]) == ("2026-03-03", "2026-03-04")
    assert first["warnings"] == []


def test_take_discounts_pays_an_invoice_not_yet_due_at_its_discounted_amount(
    ledger: Database,
) -> None:
    vendors_and_invoices(ledger)
    found = suggest(ledger, take_discounts=True)
    assert summary(found) == [
        ("PI-101", "1000.00", "0.00", "1000.00", "proposed"),
        ("PI-102", "1000.00", "0.00", "1000.00", "proposed"),
        ("PI-201", "500.00", "10.00", "490.00", "proposed"),
        ("PI-202", "300.00", "0.00", "300.00", "proposed"),
    ]
    discounted = found.proposals[2].as_json()
    assert (discounted["due_date"], discounted["pmt_discount_date"]) == (
        "2026-03-27",
        "2026-03-07",
    )
    assert found.total == {"EUR": "2790.00"}


def test_a_discount_that_ends_before_the_payment_date_is_not_taken(ledger: Database) -> None:
    vendors_and_invoices(ledger)
    late = SuggestRequest(date(2026, 3, 31), date(2026, 3, 8), take_discounts=True, vendors=("V2",))
    assert summary(suggest_payments(ledger, late)) == [
        ("PI-201", "500.00", "0.00", "500.00", "proposed"),
        ("PI-202", "300.00", "0.00", "300.00", "proposed"),
    ]


def test_an_invoice_already_proposed_is_not_proposed_again_until_rejected(
    ledger: Database,
) -> None:
    vendors_and_invoices(ledger)
    first = suggest(ledger)
    assert [p.id for p in first.proposals] == [1, 2, 3]
    assert suggest(ledger).proposals == ()
    accepted = accept_proposals(ledger, [1])
    assert summary(accepted) == [("PI-101", "1000.00", "0.00", "1000.00", "accepted")]
    rejected = reject_proposals(ledger, [2])
    assert summary(rejected) == [("PI-102", "1000.00", "0.00", "1000.00", "rejected")]
    again = suggest(ledger)
    assert [(p.id, p.document_no) for p in again.proposals] == [(4, "PI-102")]
    statuses = [(p.id, p.status) for p in list_proposals(ledger).proposals]
    assert statuses == [(1, "accepted"), (2, "rejected"), (3, "proposed"), (4, "proposed")]
    assert list_proposals(ledger).total == {"EUR": "2300.00"}  # the rejected one pays nothing
    assert [p.id for p in accept_proposals(ledger, [], accept_all=True).proposals] == [3, 4]
    assert [p.id for p in list_proposals(ledger, "accepted").proposals] == [1, 3, 4]


def test_an_exported_proposal_cannot_be_rejected(ledger: Database, tmp_path: Path) -> None:
    vendors_and_invoices(ledger)
    suggest(ledger, accept=True)
    export_payments(ledger, ExportRequest("BANK", tmp_path / "pay.xml", PAYMENT_DAY))
    with pytest.raises(InputError, match=r"proposal 1 .* is exported and cannot be rejected"):
        reject_proposals(ledger, [1])


def test_export_writes_a_schema_valid_pain_001_with_every_accepted_payment(
    ledger: Database, tmp_path: Path
) -> None:
    vendors_and_invoices(ledger)
    suggest(ledger, take_discounts=True, accept=True)
    target = tmp_path / "payments.xml"
    result = export_payments(ledger, ExportRequest("BANK", target, PAYMENT_DAY, user="tester"))
    assert result.end_to_end_ids == ("BR-1-P1", "BR-1-P2", "BR-1-P3", "BR-1-P4")
    assert (result.export_id, result.payments, result.total) == (1, 4, "2790.00")
    assert (result.bank, result.currency, result.file) == ("BANK", "EUR", str(target))

    content = target.read_text(encoding="utf-8")
    pain_schema().validate(content)  # raises on any schema violation
    root = ET.fromstring(content)
    header = root.find(f"{NS}CstmrCdtTrfInitn/{NS}GrpHdr")
    assert header is not None
    assert header.findtext(f"{NS}MsgId") == result.message_id
    assert (header.findtext(f"{NS}NbOfTxs"), header.findtext(f"{NS}CtrlSum")) == ("4", "2790.00")
    info = root.find(f"{NS}CstmrCdtTrfInitn/{NS}PmtInf")
    assert info is not None
    assert info.findtext(f"{NS}ReqdExctnDt") == "2026-03-04"
    assert info.findtext(f"{NS}DbtrAcct/{NS}Id/{NS}IBAN") == BANK_IBAN
    assert info.findtext(f"{NS}DbtrAgt/{NS}FinInstnId/{NS}BIC") == BANK_BIC
    payments = [
        (
            tx.findtext(f"{NS}PmtId/{NS}EndToEndId"),
            tx.findtext(f"{NS}Amt/{NS}InstdAmt"),
            tx.findtext(f"{NS}Cdtr/{NS}Nm"),
            tx.findtext(f"{NS}CdtrAcct/{NS}Id/{NS}IBAN"),
            tx.findtext(f"{NS}RmtInf/{NS}Ustrd"),
        )
        for tx in info.iter(f"{NS}CdtTrfTxInf")
    ]
    assert payments == [
        ("BR-1-P1", "1000.00", "Landlord KG", IBAN_V1, "RENT-0226"),
        ("BR-1-P2", "1000.00", "Landlord KG", IBAN_V1, "RENT-0227"),
        ("BR-1-P3", "490.00", "Supplier Ltd", IBAN_V2, "SUP-9001"),
        ("BR-1-P4", "300.00", "Supplier Ltd", IBAN_V2, "PI-202"),
    ]
    exported = list_proposals(ledger, "exported").proposals
    assert [(p.id, p.end_to_end_id, p.export_id) for p in exported] == [
        (1, "BR-1-P1", 1),
        (2, "BR-1-P2", 1),
        (3, "BR-1-P3", 1),
        (4, "BR-1-P4", 1),
    ]
    with ledger.reading() as session:
        export = session.get_one(PaymentExport, 1)
        assert (export.payment_count, export.total_minor, export.execution_date) == (
            4,
            279000,
            PAYMENT_DAY,
        )
        assert (export.file_name, export.created_by) == (str(target), "tester")


def test_export_refuses_a_vendor_without_iban_and_writes_nothing(
    ledger: Database, tmp_path: Path
) -> None:
    vendors_and_invoices(ledger, with_v3=True)
    found = suggest(ledger, accept=True)
    assert [p.warnings for p in found.proposals if p.vendor_no == "V3"] == [
        (
            "vendor V3 has no IBAN; add one with "
            '`bankrec vendor add V3 --name "No Bank GmbH" --iban IBAN`',
        )
    ]
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InputError, match="vendor V3 has no IBAN") as refused:
        export_payments(ledger, ExportRequest("BANK", folder / "payments.xml", PAYMENT_DAY))
    assert "bankrec payables reject" in refused.value.message
    assert list(folder.iterdir()) == []  # no file, no temporary file
    assert {p.status for p in list_proposals(ledger).proposals} == {"accepted"}
    with ledger.reading() as session:
        assert session.scalar(select(func.count()).select_from(PaymentExport)) == 0
        assert (
            session.scalar(select(func.count()).where(PaymentProposal.end_to_end_id.is_not(None)))
            == 0
        )


def test_a_failed_write_marks_nothing(ledger: Database, tmp_path: Path) -> None:
    vendors_and_invoices(ledger)
    suggest(ledger, accept=True)
    missing_folder = tmp_path / "no such folder" / "payments.xml"
    with pytest.raises(InputError, match="cannot write"):
        export_payments(ledger, ExportRequest("BANK", missing_folder, PAYMENT_DAY))
    assert {p.status for p in list_proposals(ledger).proposals} == {"accepted"}
    with ledger.reading() as session:
        assert session.scalar(select(func.count()).select_from(PaymentExport)) == 0


def test_a_discount_cannot_be_exported_for_execution_after_its_date(
    ledger: Database, tmp_path: Path
) -> None:
    vendors_and_invoices(ledger)
    suggest(ledger, take_discounts=True, accept=True)
    request = ExportRequest("BANK", tmp_path / "late.xml", date(2026, 3, 8))
    with pytest.raises(InputError, match="ends on 2026-03-07, but the execution date"):
        export_payments(ledger, request)
    assert not (tmp_path / "late.xml").exists()


# -- the statement comes back ---------------------------------------------------------------


def camt_statement(booked: str, payments: list[tuple[str, str, str]]) -> str:
    """A camt.053.001.02 statement of the bank with one debit per (end-to-end id, amount, name).
    The remittance text is the bank's generic one: it names no invoice."""
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>{booked}</Dt></BookgDt><ValDt><Dt>{booked}</Dt></ValDt>"
        f"<AcctSvcrRef>BANKREF-{e2e}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly>"
        "<Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls>"
        f"<Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
        f"<RltdPties><Cdtr><Nm>{name}</Nm></Cdtr></RltdPties>"
        "<RmtInf><Ustrd>SEPA credit transfer</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for e2e, amount, name in payments
    )
    closing = -sum(Decimal(amount) for _, amount, _ in payments)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>STMT-{booked}</MsgId><CreDtTm>{booked}T18:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>S-{booked}</Id><CreDtTm>{booked}T18:00:00</CreDtTm><Acct><Id>"
        f"<IBAN>{BANK_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{booked}</Dt></Dt></Bal>"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{-closing}</Amt>'
        f"<CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>{booked}</Dt></Dt></Bal>"
        f"{entries}</Stmt></BkToCstmrStmt></Document>"
    )


def cli_json(run: Cli, *args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def vendor_entries(run: Cli) -> dict[str, tuple[str, bool]]:
    found = cli_json(run, "entries", "--ledger", "vendor")["entries"]
    return {
        e["document_no"]: (e["remaining_amount"], e["open"])
        for e in found
        if e["document_type"] == "invoice"
    }


def gl_balance(run: Cli, account: str) -> str:
    lines = cli_json(run, "trial-balance")["lines"]
    return next(str(line["balance"]) for line in lines if line["account_no"] == account)


def test_the_returned_statement_posts_every_exported_payment_without_review(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    vendors_and_invoices(ledger)
    suggested = cli_json(
        run,
        "payables", "suggest", "--due-by", "2026-03-05", "--payment-date", "2026-03-04",
        "--take-discounts", "--accept",
    )  # fmt: skip
    assert [(p["document_no"], p["amount"], p["status"]) for p in suggested["proposals"]] == [
        ("PI-101", "1000.00", "accepted"),
        ("PI-102", "1000.00", "accepted"),
        ("PI-201", "490.00", "accepted"),
        ("PI-202", "300.00", "accepted"),
    ]
    exported = cli_json(
        run, "payables", "export", "--bank", "BANK", str(tmp_path / "pay.xml"),
        "--execution-date", "2026-03-04",
    )  # fmt: skip
    e2e = exported["end_to_end_ids"]
    assert e2e == ["BR-1-P1", "BR-1-P2", "BR-1-P3", "BR-1-P4"]
    # The bank books them in another order; the two rent payments have the same amount and
    # payee, so only the end-to-end id tells which invoice each one pays.
    statement = tmp_path / "statement.xml"
    statement.write_text(
        camt_statement(
            "2026-03-05",
            [
                (e2e[1], "1000.00", "Landlord KG"),
                (e2e[3], "300.00", "Supplier Ltd"),
                (e2e[0], "1000.00", "Landlord KG"),
                (e2e[2], "490.00", "Supplier Ltd"),
            ],
        ),
        encoding="utf-8",
    )
    imported = cli_json(run, "import", str(statement), "--bank", "BANK")
    assert imported["files"][0]["lines_new"] == 4
    created = cli_json(run, "pay", "new", "--bank", "BANK")
    journal = str(created["journal"])
    assert run("pay", "apply", journal).exit_code == 0
    shown = cli_json(run, "pay", "show", journal)
    applied = [
        (
            line["confidence"],
            line["status"],
            line["difference"],
            [(a["document_no"], a["applied_amount"], a["discount"]) for a in line["applications"]],
        )
        for line in shown["lines"]
    ]
    assert applied == [
        ("high", "matched_auto", "0.00", [("PI-102", "-1000.00", "0.00")]),
        ("high", "matched_auto", "0.00", [("PI-202", "-300.00", "0.00")]),
        ("high", "matched_auto", "0.00", [("PI-101", "-1000.00", "0.00")]),
        ("high", "matched_auto", "0.00", [("PI-201", "-500.00", "-10.00")]),
    ]
    assert [line["score"] for line in shown["lines"]] == [3999, 3999, 3999, 3999]
    details = shown["lines"][0]["details"]
    assert details[1:] == [
        "invoice PI-102: open amount -1000.00 fits, as do 1 other(s)",
        "the line's end-to-end id BR-1-P2 is the entry's payment reference",
        "rule High 1 (score 3999): related party fully, document no, amount multiple, "
        "reference yes",
    ]
    posted = run("pay", "post", journal)
    assert posted.exit_code == 0, posted.output
    assert vendor_entries(run) == {
        "PI-101": ("0.00", False),
        "PI-102": ("0.00", False),
        "PI-103": ("-700.00", True),
        "PI-201": ("0.00", False),
        "PI-202": ("0.00", False),
    }
    assert gl_balance(run, "7910") == "-10.00"  # discount received
    assert gl_balance(run, "1100") == "-2790.00"
    assert cli_json(run, "trial-balance")["total"] == "0.00"


def test_run_posts_a_payment_booked_after_the_discount_date_with_its_discount(
    ledger: Database, run: Cli, tmp_path: Path
) -> None:
    """The export asked for execution on 2026-03-04, within the discount period (until
    2026-03-07); the bank booked it on 2026-03-09. The discount stays: the payment was
    instructed in time, as a Business Central payment journal posted on its own date."""
    vendors_and_invoices(ledger)
    request = SuggestRequest(DUE_BY, PAYMENT_DAY, True, vendors=("V2",), accept=True)
    suggest_payments(ledger, request)
    export = export_payments(ledger, ExportRequest("BANK", tmp_path / "pay.xml", PAYMENT_DAY))
    assert export.end_to_end_ids == ("BR-1-P1", "BR-1-P2")
    statement = tmp_path / "statement.xml"
    statement.write_text(
        camt_statement(
            "2026-03-09", [("BR-1-P1", "490.00", "Supplier Ltd"), ("BR-1-P2", "300.00", "")]
        ),
        encoding="utf-8",
    )
    result = run("run", str(statement), "--bank", "BANK", "--json")
    assert result.exit_code == 0, result.output
    (journal,) = json.loads(result.stdout)["journals"]
    assert (journal["posted"], journal["review"]) == (True, [])
    assert journal["confidence_counts"] == {"high": 2}
    assert vendor_entries(run)["PI-201"] == ("0.00", False)
    assert vendor_entries(run)["PI-202"] == ("0.00", False)
    assert gl_balance(run, "7910") == "-10.00"
    assert gl_balance(run, "2300") == "-2700.00"  # PI-101, PI-102 and PI-103 still owed
    assert cli_json(run, "trial-balance")["total"] == "0.00"
