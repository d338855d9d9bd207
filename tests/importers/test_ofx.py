"""OFX, QFX and QBO statements: golden files, every refusal with its place, and the corpus."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bankrec.domain.statement import Balance, ParsedFile, StatementLine
from bankrec.errors import InputError
from bankrec.importers.base import SNIFF_BYTES
from bankrec.importers.ofx import OfxImporter
from bankrec.importers.registry import choose
from tests.corpus_support import (
    DATA,
    benchmark_generator,
    corpus_dir,
    expectations,
    statement_summary,
)

OFX = DATA / "ofx"
FEATURES = "sgml_v1_features.ofx"


def read(name: str, data: bytes | None = None) -> ParsedFile:
    return OfxImporter().parse((OFX / name).read_bytes() if data is None else data, name)


def refused(name: str, data: bytes | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read(name, data)
    return str(caught.value)


def edited(old: str, new: str, name: str = FEATURES) -> bytes:
    """The golden file with one piece of text replaced (the SGML file is in 1252 with CRLF)."""
    data = (OFX / name).read_bytes()
    encoding = "cp1252" if name == FEATURES else "utf-8"
    old_bytes = old.replace("\n", "\r\n").encode(encoding)
    assert data.count(old_bytes) == 1, old
    return data.replace(old_bytes, new.replace("\n", "\r\n").encode(encoding))


# --- recognising a file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        pytest.param(b"OFXHEADER:100\r\nDATA:OFXSGML\r\n", True, id="sgml-header"),
        pytest.param(b"\r\n\r\nOFXHEADER:100\nDATA:OFXSGML", True, id="blank-lines-first"),
        pytest.param(b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200"?>\n<OFX>', True, id="xml"),
        pytest.param(b"<OFX>\n <SIGNONMSGSRSV1>", True, id="no-header"),
        pytest.param('\ufeff<?OFX OFXHEADER="200"?>'.encode("utf-16"), True, id="utf-16"),
        pytest.param(b'<?xml version="1.0"?><Document xmlns="urn:iso:std">', False, id="camt"),
        pytest.param(b":20:STARTUMS\r\n:25:10020030/1234567\r\n", False, id="mt940"),
        pytest.param(b"Date,Amount,Description\n2024-01-01,1.00,x\n", False, id="csv"),
    ],
)
def test_claims_by_content(head: bytes, claimed: bool) -> None:
    assert OfxImporter().claims(head) is claimed


# --- golden files ----------------------------------------------------------------------------


def test_sgml_statement_frame() -> None:
    bank, card = read(FEATURES).statements
    assert (bank.currency, bank.account_no, bank.account_iban) == (
        "EUR",
        "FR76 3000 1007 9412 3456 7890 185",
        "FR7630001007941234567890185",
    )
    assert bank.opening is None  # OFX states no opening balance
    assert bank.closing == Balance(Decimal("2158.00"), date(2024, 1, 31))
    assert (bank.period_start, bank.period_end) == (date(2024, 1, 1), date(2024, 1, 31))
    assert (bank.position, card.position) == ("STMTRS 1", "CCSTMTRS 1")
    assert (card.account_no, card.account_iban, card.currency) == ("4970100000000000", "", "EUR")
    assert card.closing == Balance(Decimal("-845.90"), date(2024, 1, 31))


def test_payee_counterparty_account_and_creditor_reference() -> None:
    line = read(FEATURES).statements[0].lines[0]
    assert line == StatementLine(
        booking_date=date(2024, 1, 5),  # midnight CET stays the 5th: no conversion to UTC
        value_date=date(2024, 1, 6),  # DTAVAIL
        amount=Decimal("1250.50"),  # written 1250,50
        currency="EUR",
        counterparty_name="Müller & Söhne GmbH",
        counterparty_account="DE89370400440532013000",
        counterparty_address="Hauptstraße 1, Hinterhaus",
        counterparty_city="10115 Berlin BE DEU",
        remittance="Rechnung 2024-001 RF18539007547034",
        structured_reference="RF18539007547034",
        bank_reference="2024010500001",
        transaction_code="CREDIT",
        position="STMTTRN 1",
        raw=line.raw,
    )
    assert line.raw.startswith("<STMTTRN>\n<TRNTYPE>CREDIT\n")
    assert line.raw.endswith("<MEMO>Rechnung 2024-001 RF18539007547034\n</STMTTRN>")


def test_check_in_windows_1252() -> None:
    line = read(FEATURES).statements[0].lines[1]
    assert (line.booking_date, line.value_date) == (date(2024, 1, 10), date(2024, 1, 8))
    assert (line.amount, line.check_no, line.transaction_code) == (
        Decimal("-80.00"),
        "1042",
        "CHECK",
    )
    assert line.counterparty_name == "Café Olé"
    assert line.remittance == "Café Olé Chèque n° 1042 — loyer"


def test_foreign_currency_lines() -> None:
    bank, card = read(FEATURES).statements
    dollars = bank.lines[2]  # CURRENCY: TRNAMT is in USD, CURRATE 0.9 EUR for one USD
    assert (dollars.amount, dollars.original_amount, dollars.original_currency) == (
        Decimal("-9.00"),
        Decimal("-10.00"),
        "USD",
    )
    francs = card.lines[0]  # ORIGCURRENCY: already converted; OFX gives no original amount
    assert (francs.amount, francs.original_amount, francs.original_currency) == (
        Decimal("-45.90"),
        None,
        "CHF",
    )


def test_comment_stays_in_raw_text() -> None:
    line = read(FEATURES).statements[0].lines[2]
    assert line.raw.startswith("<STMTTRN>                          <!-- a card payment in US")


def test_extended_name_lower_case_type_and_plus_sign() -> None:
    bank, card = read(FEATURES).statements
    fee = bank.lines[3]
    assert fee.transaction_code == "FEE"  # written "fee"
    assert fee.remittance == "FRAIS TENUE DE COMPTE Frais de tenue de compte, janvier"
    assert fee.counterparty_name == "FRAIS"
    payment = card.lines[1]  # a payment to the card is positive from the holder's view
    assert (payment.amount, payment.position) == (Decimal("300.00"), "STMTTRN 6")


def test_xml_statement() -> None:
    (statement,) = read("xml_v2_features.ofx").statements
    assert statement.closing is None  # <BALAMT/> <DTASOF/>
    assert (statement.account_no, statement.currency) == ("999988", "USD")
    payroll, transfer = statement.lines
    assert payroll.counterparty_name == "José's Café & Bar"
    assert payroll.remittance == "José's Café & Bar Payroll <January> & bonus"  # CDATA
    assert payroll.booking_date == date(2024, 1, 2)
    assert transfer.counterparty_account == "123456"
    assert transfer.remittance == "Transfer to savings Monthly savings €"  # &#8364;
    assert transfer.raw.splitlines()[-1].strip() == "</STMTTRN>"


def test_bare_cr_latin1_leading_blank_lines_and_trailing_nul() -> None:
    (statement,) = read("bare_cr_latin1.qfx").statements
    assert [(line.amount, line.counterparty_name) for line in statement.lines] == [
        (Decimal("-12.34"), "Épicerie Fine"),
        (Decimal("100"), "Dépôt"),
    ]
    assert statement.closing == Balance(Decimal("187.66"), date(2024, 2, 29))
    assert statement.lines[0].transaction_code == "DEBIT"


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("-1.234,56", Decimal("-1234.56")),
        ("-1,234.56", Decimal("-1234.56")),
        ("+5", Decimal("5")),
        ("- 7,5", Decimal("-7.5")),
        ("-.5", Decimal("-0.5")),
    ],
)
def test_amount_notations(written: str, read_as: Decimal) -> None:
    data = edited("<TRNAMT>-80.00", f"<TRNAMT>{written}")
    assert read(FEATURES, data).statements[0].lines[1].amount == read_as


def test_name_escaped_twice() -> None:
    data = edited("<NAME>Café Olé", "<NAME>TPAY &amp;lt;DEFTPYMT&amp;gt;")
    assert read(FEATURES, data).statements[0].lines[1].counterparty_name == "TPAY <DEFTPYMT>"


def test_unescaped_ampersand_stays() -> None:
    data = edited("<NAME>Café Olé", "<NAME>R&center & Co")
    assert read(FEATURES, data).statements[0].lines[1].counterparty_name == "R&center & Co"


def test_correction_of_itself_is_an_ordinary_line() -> None:
    data = edited("<FITID>CC002", "<FITID>CC002\n<CORRECTFITID>CC002\n<CORRECTACTION>REPLACE")
    assert read(FEATURES, data).statements[1].lines[1].bank_reference == "CC002"


def test_empty_curdef_takes_the_one_currency_of_the_lines() -> None:
    text = (OFX / "xml_v2_features.ofx").read_text(encoding="utf-8")
    text = text.replace("<CURDEF>USD</CURDEF>", "<CURDEF></CURDEF>")
    text = text.replace(
        "</STMTTRN>", "<CURRENCY><CURRATE>1.0</CURRATE><CURSYM>CAD</CURSYM></CURRENCY></STMTTRN>"
    )
    (statement,) = read("xml_v2_features.ofx", text.encode()).statements
    assert statement.currency == "CAD"
    assert [line.original_currency for line in statement.lines] == ["", ""]


def test_tags_in_lower_case() -> None:
    text = (OFX / "xml_v2_features.ofx").read_text(encoding="utf-8")
    lower = re.sub(r"</?[A-Z][A-Z0-9.]*", lambda tag: tag.group().lower(), text)
    (statement,) = read("lower.ofx", lower.encode()).statements
    assert (statement.currency, statement.account_no) == ("USD", "999988")
    assert [line.counterparty_account for line in statement.lines] == ["", "123456"]


# --- refusals, each with its place -----------------------------------------------------------

PLACE = f"{FEATURES}: line"
AMOUNT_HINT = "OFX writes amounts as plain numbers like -1234.50, without a currency sign"
DATE_HINT = "OFX dates begin YYYYMMDD, like 20240131 or 20240131120000[-5:EST]"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "<TRNAMT>-80.00",
            "<TRNAMT>$80",
            f'{PLACE} 67: STMTTRN 2 (FITID 2024011000002): TRNAMT "$80" is not a number; '
            f"{AMOUNT_HINT}",
            id="bad-amount",
        ),
        pytest.param(
            "<DTPOSTED>20240110",
            "<DTPOSTED>20240231",
            f'{PLACE} 65: STMTTRN 2 (FITID 2024011000002): DTPOSTED "20240231" is not a date; '
            f"{DATE_HINT}",
            id="impossible-date",
        ),
        pytest.param(
            "<DTPOSTED>20240110\n",
            "",
            f"{PLACE} 63: STMTTRN 2 (FITID 2024011000002): DTPOSTED is missing: every STMTTRN "
            "needs its posting date",
            id="no-date",
        ),
        pytest.param(
            "<TRNAMT>-80.00\n",
            "",
            f"{PLACE} 63: STMTTRN 2 (FITID 2024011000002): TRNAMT is missing: every STMTTRN "
            "needs its amount",
            id="no-amount",
        ),
        pytest.param(
            "<DTUSER>20240108",
            "<DTUSER>2024-01-08",
            f'{PLACE} 66: STMTTRN 2 (FITID 2024011000002): DTUSER "2024-01-08" is not a date; '
            f"{DATE_HINT}",
            id="bad-user-date",
        ),
        pytest.param(
            "<CURRATE>0.9",
            "<CURRATE>0",
            f'{PLACE} 81: STMTTRN 3 (FITID 2024011500003): CURRATE "0" is not an exchange '
            f"rate; {AMOUNT_HINT}",
            id="zero-rate",
        ),
        pytest.param(
            "<NAME>Café Olé",
            "<NAME>Café < Olé",
            f'{PLACE} 70: STMTTRN 2: "< Olé" is not inside an element (in a text, write "<" '
            "as &lt;)",
            id="stray-less-than",
        ),
        pytest.param(
            "<MEMO>FRAIS TENUE DE COMPTE",
            "<MEMO>FRAIS TENUE DE COMPTE</MEMO> en trop",
            f'{PLACE} 91: STMTTRN 4: "en trop" is not inside an element (in a text, write "<" '
            "as &lt;)",
            id="text-after-end-tag",
        ),
        pytest.param(
            "<TRNAMT>-2.50",
            "<TRNAMT>-2.50\n</STMTTRN>",
            f'{PLACE} 90: STMTTRN 4: "<FITID>" after the end of the record belongs to no '
            "record; check the </STMTTRN> before it",
            id="early-end-tag",
        ),
        pytest.param(
            "<CURSYM>USD",
            "<CURSYM>US DOLLAR",
            f'{PLACE} 82: STMTTRN 3 (FITID 2024011500003): CURRENCY CURSYM: "US DOLLAR" is '
            "not a three-letter ISO 4217 currency code",
            id="bad-currency-symbol",
        ),
        pytest.param(
            "<FITID>2024013100004",
            "<FITID>2024013100004\n<SIC/>5411",
            f'{PLACE} 90: STMTTRN 4: "5411" is not inside an element (in a text, write "<" as '
            "&lt;)",
            id="text-after-empty-element",
        ),
        pytest.param(
            "<FITID>CC002",
            "<FITID>CC002\n<CORRECTFITID>CC001\n<CORRECTACTION>DELETE",
            f"{PLACE} 138: STMTTRN 6 (FITID CC002): CORRECTACTION DELETE corrects the earlier "
            "transaction FITID CC001, and bankrec does not change imported statements; correct "
            "that line by hand and remove this record from the file",
            id="correction",
        ),
        pytest.param(
            "<LEDGERBAL>\n<BALAMT>-845.90",
            "<STMTTRN foo>\n<LEDGERBAL>\n<BALAMT>-845.90",
            f"{FEATURES}: the file has 7 STMTTRN start tags but 6 well-formed records; correct "
            "the malformed <STMTTRN> tag",
            id="malformed-start-tag",
        ),
        pytest.param(
            "</CCSTMTTRNRS>",
            "</CCSTMTTRNRS>\n<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240101<TRNAMT>1<FITID>Z</STMTTRN>",
            f"{PLACE} 146: STMTTRN 7: a STMTTRN outside every STMTRS and CCSTMTRS belongs to no "
            "statement; move it into its statement's BANKTRANLIST",
            id="outside-statements",
        ),
        pytest.param(
            "<CURDEF>EUR\n<BANKACCTFROM>",
            "<BANKACCTFROM>",
            f"{PLACE} 29: STMTRS 1: CURDEF is missing or empty, so the statement's currency is "
            "unknown; add <CURDEF> with the account's ISO 4217 currency code",
            id="no-currency",
        ),
        pytest.param(
            "<CURDEF>EUR\n<BANKACCTFROM>",
            "<CURDEF>EURO\n<BANKACCTFROM>",
            f'{PLACE} 30: STMTRS 1: CURDEF: "EURO" is not a three-letter ISO 4217 currency code',
            id="bad-currency",
        ),
        pytest.param(
            "<BALAMT>2158.00",
            "<BALAMT>2158.00 EUR",
            f'{PLACE} 95: STMTRS 1/LEDGERBAL/BALAMT: BALAMT "2158.00 EUR" is not a number; '
            f"{AMOUNT_HINT}",
            id="bad-balance",
        ),
        pytest.param(
            "<DTSTART>20240101000000[+1:CET]",
            "<DTSTART>20241301",
            f'{PLACE} 38: STMTRS 1/DTSTART: DTSTART "20241301" is not a date; {DATE_HINT}',
            id="bad-period",
        ),
        pytest.param(
            "CHARSET:1252",
            "CHARSET:KOI8",
            f"{FEATURES}: the header's CHARSET:KOI8 is not a character set bankrec reads "
            "(1252, ISO-8859-1, UTF-8); correct the header",
            id="unknown-charset",
        ),
        pytest.param(
            "<STMTTRN>                          <!-- a card payment in US dollars -->",
            "<STMTTRN>                          <!-- a card payment in US dollars",
            f"{PLACE} 73: a comment opened with <!-- is never closed with -->; the file looks "
            "truncated",
            id="open-comment",
        ),
    ],
)
def test_refusal(old: str, new: str, message: str) -> None:
    assert refused(FEATURES, edited(old, new)) == message


def test_byte_outside_the_declared_character_set() -> None:
    data = (OFX / FEATURES).read_bytes()
    assert data.count(b"<NAME>FRAIS") == 1
    data = data.replace(b"<NAME>FRAIS", b"<NAME>FRAIS\x81")  # 0x81 is unassigned in 1252
    assert refused(FEATURES, data) == (
        f"{PLACE} 90: byte 0x81 is not valid cp1252; check the character set the file's "
        "header (CHARSET) or XML declaration (encoding) names"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param(
            "error_truncated.ofx",
            "error_truncated.ofx: line 63: STMTTRN 2: no </STMTTRN> before the next <STMTTRN> "
            "or the end of the file; the file looks truncated",
            id="truncated",
        ),
        pytest.param(
            "error_empty.ofx",
            "error_empty.ofx: the file holds no bank or credit-card statement (no STMTRS or "
            "CCSTMTRS); download the statement again",
            id="empty",
        ),
        pytest.param(
            "error_status.ofx",
            "error_status.ofx: line 23: STMTTRNRS 1: the response holds no statement: the bank "
            'answered STATUS 2003 ERROR "Account not found"; download the statement again',
            id="error-status",
        ),
        pytest.param(
            "error_signon.ofx",
            "error_signon.ofx: the file holds no bank or credit-card statement (no STMTRS or "
            'CCSTMTRS): the bank answered STATUS 15500 ERROR "Signon invalid"; download the '
            "statement again",
            id="refused-signon",
        ),
        pytest.param(
            "error_investment.ofx",
            "error_investment.ofx: line 29: INVSTMTRS 1: an investment statement (account "
            "556677) is not a bank statement; bankrec imports bank (STMTRS) and credit-card "
            "(CCSTMTRS) statements only",
            id="investment",
        ),
    ],
)
def test_refused_file(name: str, message: str) -> None:
    assert refused(name) == message


def test_a_failure_inside_ofxparse_names_the_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    import ofxparse

    def fail(*args: object) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(ofxparse.OfxParser, "parse", fail)
    assert refused(FEATURES) == (
        f"{PLACE} 29: STMTRS 1: the statement cannot be read (IndexError: list index out of range)"
    )


def test_not_ofx_at_all() -> None:
    assert refused("x.csv", b"Date,Amount\n2024-01-01,1.00\n") == (
        "x.csv: line 1: no <OFX> element: not an OFX file, or an empty one"
    )


# --- the benchmark generator -----------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_generated_statement_reads_back(version: int, tmp_path: Path) -> None:
    path = tmp_path / f"v{version}.ofx"
    benchmark_generator("gen_ofx").generate(path, 300, seed=7, version=version)
    (statement,) = read(path.name, path.read_bytes()).statements
    assert len(statement.lines) == 300
    assert [line.position for line in statement.lines[:2]] == ["STMTTRN 1", "STMTTRN 2"]
    assert statement.closing is not None
    assert all(line.remittance.endswith("& DETAILS") for line in statement.lines)


# --- the corpus of real bank files -----------------------------------------------------------


def _expected(entry: dict[str, Any]) -> dict[str, Any]:
    money = ("sum", "opening", "closing")
    return {key: Decimal(v) if key in money and v is not None else v for key, v in entry.items()}


@pytest.mark.parametrize("name", sorted(expectations("ofx")))
def test_corpus_file(name: str) -> None:
    expected = expectations("ofx")[name]
    data = (corpus_dir() / "ofx" / name).read_bytes()
    assert choose(data[:SNIFF_BYTES], name).label == "ofx"
    if "error" in expected:
        with pytest.raises(InputError) as caught:
            OfxImporter().parse(data, name)
        assert expected["error"] in str(caught.value)
        return
    parsed = OfxImporter().parse(data, name)
    assert [statement_summary(s) for s in parsed.statements] == [
        _expected(s) for s in expected["statements"]
    ]
    raw_count = data.upper().count(b"<STMTTRN>")
    assert parsed.line_count == raw_count


def test_every_corpus_file_has_an_expectation() -> None:
    files = {path.name for path in (corpus_dir() / "ofx").iterdir() if path.is_file()}
    assert files == set(expectations("ofx"))
