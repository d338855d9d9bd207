"""SWIFT MT940/MT942: golden files, the ``:86:`` layouts, errors, and the corpus of real files."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649

from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import InputError, Location
from bankrec.importers.base import SNIFF_BYTES
from bankrec.importers.mt940 import Mt940Importer, decode
from bankrec.importers.mt940_details import (
    join_wrapped,
    national_reference,
    parse_details,
    rf_reference,
    style_of,
)
from tests.corpus_support import DATA, corpus_dir, expectations, statement_summary

MT940 = DATA / "mt940"
IMPORTER = Mt940Importer()


def _parse(name: str) -> ParsedFile:
    return IMPORTER.parse((MT940 / name).read_bytes(), name)


def _only(name: str) -> ParsedStatement:
    parsed = _parse(name)
    assert len(parsed.statements) == 1
    return parsed.statements[0]


def _fields(line: StatementLine) -> dict[str, Any]:
    """The line's filled fields, without raw (tested apart)."""
    return {k: v for k, v in asdict(line).items() if v not in ("", None, False) and k != "raw"}


# --- golden files ----------------------------------------------------------------------------


def test_german_statement_header() -> None:
    statement = _only("german_sepa.sta")
    assert statement.currency == "EUR"
    assert (statement.account_iban, statement.account_no) == ("", "10020030/1234567890")
    assert statement.statement_id == "00042"
    assert statement.opening == Balance(Decimal("-1000.00"), date(2024, 12, 30))
    assert statement.closing == Balance(Decimal("405.51"), date(2025, 1, 3))
    assert (statement.period_start, statement.period_end) == (date(2025, 1, 2), date(2025, 1, 3))
    assert statement.position == "line 1"
    assert sum(line.amount for line in statement.lines) == Decimal("1405.51")


def test_german_structured_details_with_sepa_keywords() -> None:
    line = _only("german_sepa.sta").lines[0]
    assert _fields(line) == {
        "booking_date": date(2025, 1, 2),  # entry date 0102 after value date 31 December 2024
        "value_date": date(2024, 12, 31),
        "amount": Decimal("1500.50"),  # "CR": credit, funds code R (third letter of EUR)
        "currency": "EUR",
        "counterparty_name": "Müller & Söhne Handelsgesellschaft mbH",  # ?32 full, ?33 goes on
        "counterparty_account": "DE89370400440532013000",
        "counterparty_bic": "COBADEFFXXX",
        "remittance": "RF18 5390 0754 7034 Rechnung 815 vom 20.12.2024",
        "structured_reference": "RF18539007547034",
        "end_to_end_id": "INV-2024-0815",
        "bank_reference": "BANKREF0001",
        "transaction_code": "NTRF",
        "position": "line 5",
    }
    assert line.raw.startswith(":61:2412310102CR1500,50NTRFNONREF//BANKREF0001\n:86:166?00")
    assert line.raw.endswith("?33lschaft mbH?3400\n0")


def test_german_bank_code_account_and_identifiers_ending_short() -> None:
    line = _only("german_sepa.sta").lines[1]
    assert line.amount == Decimal("-250.00")
    # ?30 holds a bank code (BLZ), not a BIC: account kept as BLZ/account, as :25: writes it.
    assert (line.counterparty_account, line.counterparty_bic) == ("50010517/0648489890", "")
    assert line.counterparty_name == "STADTWERKE MUSTERSTADT"  # ?32 wins over ABWA+
    assert line.end_to_end_id == "DD-77-0001"  # EREF+ in :86: over the :61: reference
    assert line.remittance == "Strom Januar 2025"  # MREF+, CRED+ and ABWA+ stay out


def test_reversal_of_debit_with_original_amount_and_charges() -> None:
    line = _only("german_sepa.sta").lines[2]
    assert (line.amount, line.reversal) == (Decimal("250.00"), True)  # RD raises the balance
    assert (line.original_amount, line.original_currency) == (Decimal("245.00"), "EUR")
    assert line.charges == Decimal("5.00")
    assert line.batch_reference == "BATCH-0042"  # KREF+
    assert line.end_to_end_id == "DD-77-0001"  # "KREF+" in :61: is a pointer, not a reference
    assert line.transaction_code == "NRTI"
    assert line.raw.splitlines()[1] == "/OCMT/EUR245,00//CHGS/EUR5,00/"


def test_cheque_reversal_of_credit_and_no_entry_date() -> None:
    cheque, storno, interest = _only("german_sepa.sta").lines[3:]
    assert (cheque.check_no, cheque.end_to_end_id, cheque.amount) == ("4711", "", Decimal("-75"))
    assert cheque.remittance == "Scheck Nr. 4711"
    assert (storno.amount, storno.reversal) == (Decimal("-20.00"), True)  # RC lowers it
    assert storno.remittance == "Storno Gutschrift vom 02.01.2025"
    assert interest.booking_date == interest.value_date == date(2025, 1, 3)
    assert (interest.amount, interest.bank_reference, interest.remittance) == (
        Decimal("0.01"),
        "",
        "Zinsen",
    )


def test_dutch_envelope_pages_are_one_statement() -> None:
    statement = _only("dutch_envelope.sta")
    assert statement.account_iban == "NL91ABNA0417164300"  # ING appends the currency
    assert statement.statement_id == "00001"
    assert statement.opening == Balance(Decimal("100.00"), date(2024, 1, 1))  # page 1 :60F:
    assert statement.closing == Balance(Decimal("107.25"), date(2024, 1, 3))  # page 2 :62F:
    assert [line.position for line in statement.lines] == ["line 6", "line 16", "line 21"]
    assert statement.position == "line 2"


def test_dutch_structured_details() -> None:
    first, second, third = _only("dutch_envelope.sta").lines
    assert _fields(first) == {
        "booking_date": date(2024, 1, 2),
        "value_date": date(2024, 1, 2),
        "amount": Decimal("50.00"),
        "currency": "EUR",
        "counterparty_name": "Jansen Installatietechniek B.V.",
        "counterparty_account": "NL69INGB0123456789",
        "counterparty_bic": "INGBNL2A",
        "counterparty_address": "Kerkstraat 1 1234 AB Utrecht",
        "remittance": "Factuur 2024-001 betaald",
        "end_to_end_id": "E2E-0001",
        "bank_reference": "20240102000001",
        "transaction_code": "NTRF",
        "position": "line 6",
    }
    # ING: /CNTP/account/BIC/name/city/, /REMI/STRD/CUR/ wrapped across two full lines.
    assert (second.counterparty_account, second.counterparty_bic) == (
        "NL20INGB0001234567",
        "INGBNL2A",
    )
    assert (second.counterparty_name, second.counterparty_city) == ("KPN B.V.", "AMSTERDAM")
    assert (second.structured_reference, second.remittance) == ("1234567890123456", "")
    assert second.end_to_end_id == "MANDATE-2024-0001"  # "EREF" in :61: points to :86:
    assert (third.structured_reference, third.batch_reference) == ("RF712348231", "BATCH-2024-01")
    assert third.remittance == "RF712348231 order 77"


def test_mt942_interim_report() -> None:
    statement = _only("mt942.sta")
    assert (statement.currency, statement.account_iban) == ("PLN", "PL61109010140000071219812874")
    assert statement.opening is None
    assert statement.closing is None
    assert statement.period_start == statement.period_end == date(2024, 1, 15)
    credit, debit = statement.lines
    assert _fields(credit) == {
        "booking_date": date(2024, 1, 15),
        "value_date": date(2024, 1, 15),
        "amount": Decimal("100.00"),
        "currency": "PLN",
        "counterparty_name": "JAN KOWALSKI",
        "counterparty_address": "UL. DLUGA 1 00-001 WARSZAWA",
        "counterparty_account": "PL27114020040000300201355387",  # mBank's NRB with PL
        "remittance": "FAKTURA 7/2024",
        "bank_reference": "MB0001",
        "transaction_code": "NTRF",
        "position": "line 6",
    }
    assert debit.amount == Decimal("-40.00")


@pytest.mark.parametrize(
    ("name", "remittance"),
    [
        ("cp1252.sta", "Gebühr 1,00 € Kontoführung"),  # not UTF-8: Windows-1252
        ("latin1.sta", "Gebühr \x81"),  # 0x81 is not Windows-1252 either: ISO 8859-1
        ("cr_only.sta", "Gebühr"),  # UTF-8 with bare CR line ends
    ],
)
def test_encodings_and_line_ends(name: str, remittance: str) -> None:
    statement = _only(name)
    assert [line.remittance for line in statement.lines] == [remittance]
    assert statement.lines[0].position == "line 5"
    assert statement.closing == Balance(Decimal("9.00"), date(2024, 1, 2))


def test_decode_prefers_strict_utf8() -> None:
    assert decode("Müller".encode()) == "Müller"
    assert decode("Müller €".encode("cp1252")) == "Müller €"
    assert decode(b"\xef\xbb\xbf:20:X") == ":20:X"


def test_thirtieth_of_february_is_the_last_day_of_february() -> None:
    """German banks settle fees and interest on a 30/360 day count and date the February
    settlement "30 February": it means the month end (28th, or 29th in a leap year)."""
    first, second = _only("month_end.sta").lines
    assert (first.value_date, first.booking_date) == (date(2023, 2, 28), date(2023, 3, 1))
    assert (second.value_date, second.booking_date) == (date(2024, 2, 29), date(2024, 3, 1))


def _inline(*fields: str) -> ParsedStatement:
    data = "\n".join([":20:X", ":25:DE02120300000000202051", *fields, "-", ""]).encode()
    parsed = IMPORTER.parse(data, "inline.sta")
    assert len(parsed.statements) == 1
    return parsed.statements[0]


@pytest.mark.parametrize(
    ("entry", "value_date", "booking_date"),
    [
        ("2412310102", date(2024, 12, 31), date(2025, 1, 2)),  # booked in the next year
        ("2501021231", date(2025, 1, 2), date(2024, 12, 31)),  # booked in the year before
        ("2402290301", date(2024, 2, 29), date(2024, 3, 1)),
    ],
)
def test_entry_date_takes_the_year_nearest_the_value_date(
    entry: str, value_date: date, booking_date: date
) -> None:
    statement = _inline(":60F:C241230EUR1,00", f":61:{entry}C1,00NTRFNONREF", ":62F:C250102EUR2,")
    line = statement.lines[0]
    assert (line.value_date, line.booking_date) == (value_date, booking_date)


def test_damaged_forward_balance_is_let_through() -> None:
    """Oldenburgische Landesbank: ":65F:Dnullnull7414,3", and no :62F: before it."""
    statement = _inline(":60F:C200904EUR0,", ":61:2009040904C230,00N051NONREF", ":65F:Dnull")
    assert (statement.opening, statement.closing) == (Balance(Decimal("0"), date(2020, 9, 4)), None)
    assert [line.amount for line in statement.lines] == [Decimal("230.00")]


def test_missing_transaction_type_and_empty_statement_number() -> None:
    """Zenith Bank: ":28C: /1" and ":61:" without its N/F/S type code."""
    statement = _inline(
        ":28C: /1",
        ":60F:C201130NGN10,00",
        ":61:2011301130CN2,00//19239782213",
        ":62F:C201130NGN12,",
    )
    assert statement.statement_id == "X"  # no statement number: the :20: reference
    line = statement.lines[0]
    assert (line.amount, line.transaction_code, line.bank_reference) == (
        Decimal("2.00"),
        "",
        "19239782213",
    )


def test_last_page_missing_keeps_the_intermediate_balance() -> None:
    statement = _inline(
        ":28C:5/1", ":60F:C240101EUR10,00", ":61:2401020102C1,00NTRF", ":62M:C240102EUR11,00"
    )
    assert statement.closing == Balance(Decimal("11.00"), date(2024, 1, 2))


def test_rabobank_legacy_counter_account_and_name_in_the_reference() -> None:
    statement = _inline(
        ":60F:C110614EUR000000000473,17",
        ":61:110527D000000001213,28N0440121470966      W.P. Jansen                      ",
        ":86:Terugboeking",
        ":62F:C110615EUR000000000395,82",
    )
    line = statement.lines[0]
    assert (line.counterparty_account, line.counterparty_name) == ("0121470966", "W.P. Jansen")
    assert (line.end_to_end_id, line.amount) == ("", Decimal("-1213.28"))


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "location", "message"),
    [
        ("error_bad_amount.sta", 5, 'amount "1.00" is not a SWIFT amount'),
        ("error_impossible_date.sta", 5, 'value date "240431" is not a calendar date'),
        ("error_bad_balance.sta", 7, ':62F: "C240102EUR" is not a balance'),
        ("error_unknown_field.sta", 6, "unknown field :99:"),
        ("error_currency.sta", 7, "the closing balance is in USD, the opening balance in EUR"),
        ("error_before_opening.sta", 4, ":61: comes before the opening balance :60F:"),
        ("error_after_closing.sta", 6, ":61: comes after the closing balance"),
        ("error_outside.sta", 1, "field :25: stands outside a statement (no :20: before it)"),
        ("error_page_gap.sta", 8, "this page opens with 8.00 EUR but the page before closed"),
        ("error_mt942_totals.sta", 13, ":90C: states 2 credit entries totalling 150.00, but"),
    ],
)
def test_errors_name_the_line(name: str, location: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        _parse(name)
    assert caught.value.location is not None
    assert (caught.value.location.source, caught.value.location.line) == (name, location)
    assert message in caught.value.message


def test_truncated_file_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        _parse("error_truncated.sta")
    assert caught.value.location == Location("error_truncated.sta", 1, 6)
    assert "ends without a closing balance :62F:; the file is truncated" in caught.value.message


def test_file_without_statement_is_refused() -> None:
    with pytest.raises(InputError, match="no MT940 statement in the file") as caught:
        _parse("error_no_statement.sta")
    assert caught.value.location == Location("error_no_statement.sta")


def test_missing_account_is_refused() -> None:
    data = b":20:X\n:28C:1\n:60F:C240101EUR1,00\n:62F:C240101EUR1,00\n-\n"
    with pytest.raises(InputError, match="no account identification :25:"):
        IMPORTER.parse(data, "x.sta")


# --- the :86: layouts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "style"),
    [
        (["166?00GUTSCHRIFT?20Text"], "german"),
        (["000>100555555555", ">20NAME"], "triodos"),
        (["/BENM/300000000000133", "/NAME", "/x//123", "/purpose"], "komercijalna"),
        (["/TRTP/SEPA OVERBOEKING/IBAN/NL69INGB0123456789/NAME/X"], "dutch"),
        (["NL47INGB9999999999 hr jansen", "Betaling"], "asn"),
        (["CAB18D1700041116", "109876543210000012345678", "NAME"], "raiffeisen-cmi"),
        (["911 TRANSAKCJA; TYT.: X"], "mbank"),
        (["SEPA IDEAL   IBAN: NL70ABNA0888888888", "NAAM: NS"], "abnamro-sepa"),
        (["54.49.42.108 ABC BOOM KK"], "abnamro-giro"),
        (["GIRO AUS ONLINE-SIC AUFTRAGGEBER: JANE DOE"], "postfinance"),
        (["/OCMT/USD2853,12/", "PAYMENT"], "coded-lines"),
        (["Just some words"], None),
    ],
)
def test_layout_is_chosen_by_a_cheap_look(lines: list[str], style: str | None) -> None:
    chosen = style_of(lines)
    assert (chosen.name if chosen else None) == style


def test_triodos_sepa_subfields() -> None:
    details = parse_details(
        ["000>100000000000", ">20ABNANL2A", ">21NL69INGB0123456789", ">22JANSEN>23 UTRECHT"]
    )
    assert (details.account, details.bic) == ("NL69INGB0123456789", "ABNANL2A")
    assert (details.name, details.remittance) == ("JANSEN", "JANSEN UTRECHT")


def test_komercijalna_lines() -> None:
    details = parse_details(
        ["/ORDP/300000000460495", "/IVOTEHNA DOOEL SKOPJE", "/747//747", "/Uplata po faktura 747"]
    )
    assert (details.account, details.name) == ("300000000460495", "IVOTEHNA DOOEL SKOPJE")
    assert (details.structured_reference, details.remittance) == ("747", "Uplata po faktura 747")


def test_abnamro_sepa_labels() -> None:
    details = parse_details(
        [
            "SEPA ACCEPTGIROBETALING          IBAN: NL86INGB0002445588",
            "BIC: INGBNL2A                    NAAM: BELASTINGDIENST",
            "BETALINGSKENM.: 1234567890098876 ID DEBITEUR: 777777777",
        ]
    )
    assert (details.account, details.bic, details.name) == (
        "NL86INGB0002445588",
        "INGBNL2A",
        "BELASTINGDIENST",
    )
    assert details.structured_reference == "1234567890098876"


def test_plain_text_falls_back_to_remittance() -> None:
    details = parse_details(["Betaalautomaat 14:23 pasnr. 065", "", "   "])
    assert details.remittance == "Betaalautomaat 14:23 pasnr. 065"
    assert parse_details([" "]).remittance == ""


def test_full_lines_continue_a_word_short_lines_end_a_phrase() -> None:
    full = "x" * 64 + "I"
    assert join_wrapped([full, "CS 9999", "next"]) == full + "CS 9999 next"
    assert join_wrapped(["a" * 27, "b", "c"], 27) == "a" * 27 + "b c"


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Rechnung RF18 5390 0754 7034 danke", "RF18539007547034"),
        ("RF18539007547034", "RF18539007547034"),
        ("RF19539007547034", ""),  # wrong check digits
        ("mededeling +++090/9337/55493+++", "090933755493"),  # Belgian OGM/VCS
        ("BETALINGSKENM.  0189827218201120", "0189827218201120"),  # Dutch acceptgiro
        ("Invoice 4711", ""),
    ],
)
def test_creditor_references(text: str, reference: str) -> None:
    assert national_reference(text) == reference


def test_rf_reference_stops_at_a_word() -> None:
    assert rf_reference("RF18 5390 0754 7034 PAID") == "RF18539007547034"


@given(st.text(alphabet="0123456789ABCDEFXYZ", min_size=1, max_size=23), st.integers(0, 99))
def test_rf_check_agrees_with_stdnum(body: str, check: int) -> None:
    candidate = f"RF{check:02d}{body}"
    assert (rf_reference(candidate) == candidate) == iso11649.is_valid(candidate)


# --- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["german_sepa.sta", "dutch_envelope.sta", "mt942.sta"])
def test_claims_mt940_files(name: str) -> None:
    assert IMPORTER.claims((MT940 / name).read_bytes()[:SNIFF_BYTES])


def test_claims_no_other_text() -> None:
    assert not IMPORTER.claims(b"date,amount\n2024-01-02,:20:x\n")
    assert not IMPORTER.claims(b"<?xml version='1.0'?><Document/>")


# --- the corpus of real bank files -----------------------------------------------------------


def _corpus_files() -> list[str]:
    return sorted(expectations("mt940"))


def _expected(statement: dict[str, Any]) -> dict[str, Any]:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return {
        **statement,
        "sum": Decimal(statement["sum"]),
        "opening": number(statement["opening"]),
        "closing": number(statement["closing"]),
    }


@pytest.mark.parametrize("name", _corpus_files())
def test_corpus_file(name: str) -> None:
    expected: dict[str, Any] = expectations("mt940")[name]
    data = (corpus_dir() / "mt940" / name).read_bytes()
    assert IMPORTER.claims(data[:SNIFF_BYTES])
    if "error" in expected:
        with pytest.raises(InputError) as caught:
            IMPORTER.parse(data, name)
        assert expected["error"] in str(caught.value)
        return
    parsed = IMPORTER.parse(data, name)
    assert [statement_summary(s) for s in parsed.statements] == [
        _expected(s) for s in expected["statements"]
    ]
    for statement in parsed.statements:
        for line in statement.lines:
            assert line.position.startswith("line ")
            assert line.raw.startswith(":61:")


def test_every_corpus_mt940_file_has_an_expectation() -> None:
    present = {path.name for path in (corpus_dir() / "mt940").iterdir() if path.is_file()}
    assert present == set(expectations("mt940"))


def test_no_statement_of_another_format_is_claimed() -> None:
    others = [
        p for p in sorted(corpus_dir().rglob("*")) if p.is_file() and p.parent.name != "mt940"
    ]
    claimed = [p.name for p in others if IMPORTER.claims(p.read_bytes()[:SNIFF_BYTES])]
    assert claimed == []


def _corpus_line(name: str, statement: int, line: int) -> StatementLine:
    data = (corpus_dir() / "mt940" / name).read_bytes()
    return IMPORTER.parse(data, name).statements[statement].lines[line]


def test_corpus_february_30() -> None:
    line = _corpus_line("mt940__february_30.sta", 0, 0)
    assert (line.value_date, line.booking_date) == (date(2016, 2, 29), date(2016, 3, 1))


def test_corpus_asn_counterparty_line() -> None:
    """ASN Bank puts the counter IBAN in the :61: reference and the name on the next line."""
    line = _corpus_line("mt940__ASNB_0708271685_09022020.940.txt", 0, 0)
    assert (line.counterparty_account, line.counterparty_name) == (
        "NL47INGB9999999999",
        "hr gjlm paulissen",
    )
    assert (line.end_to_end_id, line.remittance) == ("", "Betaling sieraden")


def test_corpus_deutsche_bank_return() -> None:
    line = _corpus_line("jejik-mt940__deutschebank.txt", 0, 0)
    # A returned debit of 11.85 plus 0.50 return charges, booked as -12.35.
    assert (line.amount, line.original_amount, line.charges) == (
        Decimal("-12.35"),
        Decimal("-11.85"),
        Decimal("0.50"),
    )
    assert line.end_to_end_id == "A1.200080779.400143254.4961336"
    assert line.batch_reference == "SEPA-DA20200601221740-34972000-P1"


def test_corpus_rabobank_legacy_reference_and_name() -> None:
    line = _corpus_line("mt940__two_accounts.txt", 0, 0)
    assert (line.counterparty_account, line.counterparty_name) == (
        "P002445588",
        "Belastingdienst Apeldoor",
    )
    assert line.structured_reference == "0189827218201120"
