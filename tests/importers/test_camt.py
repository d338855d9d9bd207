"""The ISO 20022 camt.052/053/054 importer: golden files, refusals, and the shared corpus."""

from __future__ import annotations

import gc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.domain.statement import Balance, ParsedFile, StatementLine
from bankrec.errors import InputError, Location
from bankrec.importers.camt import CamtImporter
from tests.corpus_support import DATA, benchmark_generator, corpus_dir, expectations

GOLDEN = DATA / "camt"
CORPUS = expectations("camt")


def parse(name: str) -> ParsedFile:
    return CamtImporter().parse((GOLDEN / name).read_bytes(), name)


def refusal(name: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse(name)
    return caught.value


def line_of(name: str, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle`` in golden file ``name``."""
    text = (GOLDEN / name).read_bytes().decode("utf-8")
    return text[: text.index(needle)].count("\n") + 1


def fields(line: StatementLine) -> dict[str, object]:
    """The line's fields that are set, without ``raw``."""
    values = {name: getattr(line, name) for name in StatementLine.__dataclass_fields__}
    return {k: v for k, v in values.items() if k != "raw" and not _unset(v)}


def _unset(value: object) -> bool:
    return value is None or value is False or value == ""


# --- camt.053.001.02 ---------------------------------------------------------------------------


def test_v02_statement_header_and_balances() -> None:
    (statement,) = parse("statement_v02.xml").statements
    assert statement.currency == "EUR"
    assert statement.account_iban == "NL91ABNA0417164300"
    assert statement.account_no == ""
    assert statement.statement_id == "STMT-2024-02"
    assert statement.opening == Balance(Decimal("1000.00"), date(2024, 1, 31))
    assert statement.closing == Balance(Decimal("1344.25"), date(2024, 2, 29))
    assert statement.period_start == date(2024, 2, 1)
    assert statement.period_end == date(2024, 2, 29)
    assert statement.position == "Stmt[1]"
    total = sum((line.amount for line in statement.lines), Decimal(0))
    assert statement.opening.amount + total == statement.closing.amount


def test_v02_credit_takes_the_debtor_and_compacts_the_iban() -> None:
    line = parse("statement_v02.xml").statements[0].lines[0]
    assert fields(line) == {
        "booking_date": date(2024, 2, 5),
        "amount": Decimal("250.00"),
        "currency": "EUR",
        "value_date": date(2024, 2, 6),
        "counterparty_name": "Jan de Vries",
        "counterparty_account": "NL02RABO0123456789",
        "counterparty_bic": "RABONL2U",
        "counterparty_address": "Dorpsstraat 12",
        "counterparty_city": "1234 AB Utrecht",
        "remittance": "Invoice 2024-017 and 2024-018",
        "end_to_end_id": "E2E-1",
        "bank_reference": "BANKREF-1",
        "transaction_code": "PMNT/RCDT/ESCT",
        "position": "Stmt[1]/Ntry[1]",
    }


def test_v02_debit_with_reference_cheque_charges_and_foreign_amount() -> None:
    line = parse("statement_v02.xml").statements[0].lines[1]
    assert fields(line) == {
        "booking_date": date(2024, 2, 7),
        "amount": Decimal("-100.50"),
        "currency": "EUR",
        "value_date": date(2024, 2, 7),
        "counterparty_name": "Stadtwerke Musterstadt",
        "counterparty_account": "12345678",
        "counterparty_bic": "DEUTDEFF",
        "structured_reference": "RF18539007547034",
        "bank_reference": "FI-42",  # AcctSvcrRef is NONREF: the DK Refs/Prtry id stands in
        "transaction_code": "NTRF+020",
        "check_no": "000123",
        "original_amount": Decimal("-110.00"),
        "original_currency": "USD",
        "charges": Decimal("1.75"),
        "position": "Stmt[1]/Ntry[2]",
    }
    assert line.end_to_end_id == ""  # NOTPROVIDED


def test_v02_reversal_keeps_its_sign_and_names_the_original_debtor() -> None:
    line = parse("statement_v02.xml").statements[0].lines[2]
    assert line.amount == Decimal("-30.00")
    assert line.reversal is True
    assert line.counterparty_name == "Anna Schmidt"
    assert line.counterparty_account == "DE89370400440532013000"
    assert line.remittance == "Direct debit 77; return reason MD06: Refund request"


def test_pending_entries_are_not_lines() -> None:
    lines = parse("statement_v02.xml").statements[0].lines
    assert [line.position for line in lines] == [
        "Stmt[1]/Ntry[1]",
        "Stmt[1]/Ntry[2]",
        "Stmt[1]/Ntry[3]",
        "Stmt[1]/Ntry[5]/TxDtls[1]",
        "Stmt[1]/Ntry[5]/TxDtls[2]",
        "Stmt[1]/Ntry[6]",
    ]
    assert all(line.bank_reference != "PENDING-1" for line in lines)


def test_batch_with_amounts_is_split_per_transaction() -> None:
    first, second = parse("statement_v02.xml").statements[0].lines[3:5]
    assert (first.amount, second.amount) == (Decimal("120.00"), Decimal("180.00"))
    assert (first.counterparty_name, second.counterparty_name) == ("Payer A", "Payer B")
    assert (first.end_to_end_id, second.end_to_end_id) == ("E2E-A", "E2E-B")
    assert (first.bank_reference, second.bank_reference) == ("BATCH-9", "TX-2")
    assert first.batch_reference == second.batch_reference == "BATCH-9"
    assert second.remittance == "Second part of the batch"
    assert first.booking_date == second.booking_date == date(2024, 2, 15)


def test_batch_without_amounts_is_one_line_with_the_first_details() -> None:
    line = parse("statement_v02.xml").statements[0].lines[5]
    assert fields(line) == {
        "booking_date": date(2024, 2, 20),
        "amount": Decimal("-75.25"),
        "currency": "EUR",
        "value_date": date(2024, 2, 20),
        "counterparty_name": "First payee",
        "remittance": "Collective payment",
        "batch_reference": "MSG-7",
        "position": "Stmt[1]/Ntry[6]",
    }


def test_raw_is_the_files_own_text() -> None:
    text = (GOLDEN / "statement_v02.xml").read_text(encoding="utf-8")
    lines = parse("statement_v02.xml").statements[0].lines
    assert lines[0].raw.startswith('<Ntry>\n        <Amt Ccy="EUR">250.00</Amt>')
    assert lines[0].raw.endswith("</Ntry>")
    assert lines[0].raw in text
    assert lines[3].raw.startswith("<TxDtls>")
    assert "Payer A" in lines[3].raw
    assert lines[4].raw.startswith("<TxDtls>")
    assert "Payer B" in lines[4].raw
    assert lines[4].raw in text


def test_namespaced_and_plain_readings_agree() -> None:
    """A second namespace declaration anywhere makes the reader keep lxml's qualified names
    (the slower path); the result must not differ."""
    data = (GOLDEN / "statement_v02.xml").read_bytes()
    redeclared = data.replace(b"<Stmt>", b'<Stmt xmlns:x="urn:example:unused">', 1)
    plain = CamtImporter().parse(data, "statement_v02.xml")
    qualified = CamtImporter().parse(redeclared, "statement_v02.xml")
    assert qualified == plain


def test_entry_redeclaring_the_default_namespace() -> None:
    text = (GOLDEN / "report_v02.xml").read_text(encoding="utf-8")
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"
    data = text.replace("<Ntry>", f'<Ntry xmlns="{ns}">').encode("utf-8")
    (line,) = CamtImporter().parse(data, "report.xml").statements[0].lines
    assert (line.amount, line.bank_reference) == (Decimal("30.00"), "R-2")


def test_parse_leaves_garbage_collection_as_it_was() -> None:
    assert gc.isenabled()
    parse("statement_v02.xml")
    assert gc.isenabled()
    refusal("bad_amount.xml")
    assert gc.isenabled()


# --- camt.053.001.08, camt.052, camt.054 -------------------------------------------------------


def test_v08_party_in_pty_bicfi_datetime_and_total_charges() -> None:
    first, second = parse("statement_v08.xml").statements
    assert (first.account_iban, first.account_no, first.currency) == ("", "12-3456-7", "CHF")
    assert first.opening == Balance(Decimal("500.00"), date(2024, 5, 1))  # no CdtDbtInd
    assert first.closing == Balance(Decimal("-20.00"), date(2024, 5, 2))  # overdrawn
    (line,) = first.lines
    assert fields(line) == {
        "booking_date": date(2024, 5, 2),
        "amount": Decimal("-520.00"),
        "currency": "CHF",
        "value_date": date(2024, 5, 2),
        "counterparty_name": "Müller AG",
        "counterparty_account": "CH9300762011623852957",
        "counterparty_bic": "UBSWCHZH80A",
        "counterparty_address": "Bahnhofstrasse 1, 8001 Zürich",
        "structured_reference": "210000000003139471430009017",
        "end_to_end_id": "E2E-V8",
        "bank_reference": "V8-1",
        "transaction_code": "PMNT/ICDT/DMCT",
        "charges": Decimal("2.50"),
        "position": "Stmt[1]/Ntry[1]",
    }
    assert (second.account_iban, second.statement_id) == ("CH9300762011623852957", "V08-2")
    assert second.opening is None
    assert second.closing is None


def test_v08_split_uses_each_transactions_own_direction() -> None:
    credit, debit = parse("statement_v08.xml").statements[1].lines
    assert (credit.amount, credit.counterparty_name) == (Decimal("15.00"), "Payer One")
    assert (debit.amount, debit.counterparty_name) == (Decimal("-5.00"), "Payee Two")
    assert credit.batch_reference == debit.batch_reference == "NR-5"
    assert debit.position == "Stmt[2]/Ntry[1]/TxDtls[2]"


def test_report_closes_with_the_interim_balance_and_skips_info_entries() -> None:
    (report,) = parse("report_v02.xml").statements
    assert report.position == "Rpt[1]"
    assert report.currency == "EUR"  # no Acct/Ccy: the balances say it
    assert report.opening == Balance(Decimal("50.00"), date(2024, 6, 2))  # PRCD
    assert report.closing == Balance(Decimal("80.00"), date(2024, 6, 3))  # ITBD
    (line,) = report.lines
    assert (line.position, line.amount, line.remittance) == (
        "Rpt[1]/Ntry[2]",
        Decimal("30.00"),
        "GUTSCHRIFT",
    )


def test_notification_has_no_balances_and_books_on_the_value_date() -> None:
    (notification,) = parse("notification_v04.xml").statements
    assert (notification.position, notification.currency) == ("Ntfctn[1]", "CHF")
    assert notification.opening is None
    assert notification.closing is None
    (line,) = notification.lines
    assert line.booking_date == line.value_date == date(2024, 7, 1)
    assert line.structured_reference == "000000000000000000000000003"
    # PostFinance's ?REJECT?0 status is no remittance text: the entry's own text is.
    assert line.remittance == "Credit QR-bill"
    assert (line.counterparty_name, line.counterparty_bic) == ("Ada Lovelace", "POFICHBEXXX")


def test_prefixed_latin1_document() -> None:
    (line,) = parse("prefixed_latin1.xml").statements[0].lines
    assert line.counterparty_name == "Jürgen Müller & Söhne"
    assert line.remittance == "Grüße"
    assert line.raw.startswith("<c:Ntry><c:Amt")
    assert "Jürgen Müller &amp; Söhne" in line.raw


def test_comment_and_cdata_fall_back_to_serialised_raw() -> None:
    line = parse("with_comment.xml").statements[0].lines[1]
    assert line.remittance == "Fish & <Chips>"
    assert '<Amt Ccy="EUR">2.00</Amt>' in line.raw


def test_utf16_file_is_claimed_and_read() -> None:
    text = (GOLDEN / "report_v02.xml").read_text(encoding="utf-8")
    data = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    importer = CamtImporter()
    assert importer.claims(data[:8192])
    (line,) = importer.parse(data, "report16.xml").statements[0].lines
    assert line.amount == Decimal("30.00")
    assert '<Amt Ccy="EUR">30.00</Amt>' in line.raw


def test_claims_by_content() -> None:
    importer = CamtImporter()
    assert importer.claims((GOLDEN / "statement_v02.xml").read_bytes()[:8192])
    assert importer.claims((GOLDEN / "prefixed_latin1.xml").read_bytes()[:8192])
    assert not importer.claims(b"OFXHEADER:100\r\nDATA:OFXSGML\r\n<OFX><SIGNONMSGSRSV1>")
    assert not importer.claims(b":20:STARTUMSE\r\n:25:10020030/1234567\r\n:28C:00001/001\r\n")
    assert not importer.claims(b"date,amount,description\n2024-01-01,1.00,x\n")


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message", "element", "needle"),
    [
        ("bad_amount.xml", 'amount "12,50" is not a number', "Stmt[1]/Ntry[2]/Amt", "12,50"),
        (
            "signed_amount.xml",
            'amount "-5.00" carries a sign; camt amounts are unsigned',
            "Stmt[1]/Ntry[2]/Amt",
            "-5.00",
        ),
        (
            "bad_date.xml",
            'date "2024-02-30" is not a valid ISO date (YYYY-MM-DD)',
            "Stmt[1]/Ntry[2]/BookgDt/Dt",
            "2024-02-30",
        ),
        (
            "bad_indicator.xml",
            'CdtDbtInd "CRED" must be CRDT or DBIT',
            "Stmt[1]/Ntry[2]/CdtDbtInd",
            "CRED",
        ),
        (
            "no_currency.xml",
            "Amt has no Ccy attribute (the currency code)",
            "Stmt[1]/Ntry[2]/Amt",
            "<Amt>",
        ),
        (
            "batch_mismatch.xml",
            "the 2 TxDtls amounts add up to 90.00 but the entry amount is 100.00 EUR",
            "Stmt[1]/Ntry[2]/Amt",
            "100.00",
        ),
        (
            "balance_currency.xml",
            "the balance is in USD but the account is in EUR",
            "Stmt[1]/Bal[2]/Amt",
            "USD",
        ),
    ],
)
def test_refused_with_the_element_and_its_line(
    name: str, message: str, element: str, needle: str
) -> None:
    error = refusal(name)
    assert message in error.message
    assert error.location == Location(name, line=line_of(name, needle), element=element)


def test_entry_without_any_date_is_refused() -> None:
    error = refusal("no_date.xml")
    assert error.message == "the entry has no booking date (BookgDt) nor value date"
    assert error.location == Location(
        "no_date.xml",
        line=line_of("no_date.xml", '<Ntry>\n        <Amt Ccy="EUR">5.00'),
        element="Stmt[1]/Ntry[2]/BookgDt",
    )


def test_truncated_file_is_refused_with_lxmls_line() -> None:
    error = refusal("truncated.xml")
    assert error.message.startswith("not well-formed XML (Premature end of data")
    assert error.message.endswith("the file is damaged or truncated: download it again")
    assert error.location == Location("truncated.xml", line=98)


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_entity_declarations_are_refused_not_expanded(name: str) -> None:
    error = refusal(name)
    assert error.message.startswith("the file declares XML entities in a DOCTYPE")
    assert error.location == Location(name, line=3)
    assert "root:" not in str(error)  # /etc/passwd was not read


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "unknown_namespace.xml",
            "not an ISO 20022 camt.052/053/054 document: its root element is in namespace "
            '"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"',
        ),
        (
            "unsupported_version.xml",
            "camt.053.001.99 is not a version bankrec reads (001.01 to 001.13)",
        ),
        (
            "wrong_root.xml",
            "the root element is BkToCstmrStmt; an ISO 20022 message starts with Document",
        ),
    ],
)
def test_documents_that_are_not_camt_are_refused(name: str, message: str) -> None:
    error = refusal(name)
    assert error.message.startswith(message)
    assert error.location == Location(name, line=2)


def test_message_without_statement_is_refused() -> None:
    error = refusal("no_statement.xml")
    assert error.message == (
        "the camt.054.001.08 message holds no Ntfctn: there is no statement in this file"
    )
    assert error.location == Location("no_statement.xml")


def test_empty_file_is_refused() -> None:
    with pytest.raises(InputError, match="not well-formed XML"):
        CamtImporter().parse(b"", "empty.xml")


# --- a generated statement ---------------------------------------------------------------------


@pytest.mark.parametrize("version", [2, 8])
def test_generated_statement_balances(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"generated_v{version}.xml"
    benchmark_generator("gen_camt").generate(path, 2_000, seed=7, version=version)
    (statement,) = CamtImporter().parse(path.read_bytes(), path.name).statements
    assert len(statement.lines) == 2_000
    assert statement.opening is not None
    assert statement.closing is not None
    total = sum((line.amount for line in statement.lines), Decimal(0))
    assert statement.opening.amount + total == statement.closing.amount
    assert all(line.raw.startswith("<Ntry>") for line in statement.lines)
    assert statement.lines[-1].position == "Stmt[1]/Ntry[2000]"


# --- the shared corpus -------------------------------------------------------------------------


def test_every_corpus_file_has_an_expectation() -> None:
    present = {path.name for path in (corpus_dir() / "camt").iterdir() if path.is_file()}
    assert present == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file(name: str) -> None:
    expected = CORPUS[name]
    data = (corpus_dir() / "camt" / name).read_bytes()
    assert CamtImporter().claims(data[:8192])
    if "error" in expected:
        with pytest.raises(InputError) as caught:
            CamtImporter().parse(data, name)
        assert expected["error"] in str(caught.value)
        return
    parsed = CamtImporter().parse(data, name)
    found = [
        {
            "lines": len(statement.lines),
            "sum": str(sum((line.amount for line in statement.lines), Decimal(0))),
            "opening": str(statement.opening.amount) if statement.opening else None,
            "closing": str(statement.closing.amount) if statement.closing else None,
            "currency": statement.currency,
            "account": statement.account_iban or statement.account_no,
        }
        for statement in parsed.statements
    ]
    assert found == expected["statements"]
