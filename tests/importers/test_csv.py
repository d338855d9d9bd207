"""CSV statements read through profiles: golden files, profile checks, errors, the corpus."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import InputError
from bankrec.importers.base import SNIFF_BYTES
from bankrec.importers.csv_profile import (
    TEXT_FIELDS,
    TOP_LEVEL_KEYS,
    VALUE_FIELDS,
    AccountSource,
    AmountRules,
    CsvProfile,
    Exclude,
    Extract,
    Layout,
    RecordKinds,
    builtin_profiles,
    load_profile,
    parse_profile,
)
from bankrec.importers.csv_statement import CsvImporter
from bankrec.importers.registry import choose
from tests.corpus_support import DATA, corpus_dir, expectations, statement_summary

CSV = DATA / "csv"
PROFILES = {p.name: p for p in builtin_profiles()}
# Which built-in profile reads which of the small files written for these tests.
OWN_FILES = {
    "asn.csv": "asn",
    "danske-lt.csv": "danske-lt",
    "easybank-giro.csv": "easybank-giro",
    "ing-de.csv": "ing-de",
    "knab.csv": "knab",
    "lloyds.csv": "lloyds",
    "paypal.csv": "paypal",
    "revolut.csv": "revolut",
    "schwab.csv": "schwab-checking",
    "swedbank-lt.csv": "swedbank-lt",
}


def read(name: str, profile: str | CsvProfile, data: bytes | None = None) -> ParsedFile:
    chosen = PROFILES[profile] if isinstance(profile, str) else profile
    raw = (CSV / name).read_bytes() if data is None else data
    return CsvImporter(chosen).parse(raw, name)


def only(parsed: ParsedFile) -> ParsedStatement:
    assert len(parsed.statements) == 1
    return parsed.statements[0]


def refused(name: str, profile: str | CsvProfile, data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        read(name, profile, data)
    return str(caught.value)


def edited(name: str, old: bytes, new: bytes) -> bytes:
    data = (CSV / name).read_bytes()
    assert old in data
    return data.replace(old, new)


# --- golden files ----------------------------------------------------------------------------


def test_ing_de_takes_iban_from_preamble_and_checks_the_running_balance() -> None:
    statement = only(read("ing-de.csv", "ing-de"))
    assert statement.account_iban == "DE89370400440532013000"
    assert statement.currency == "EUR"
    assert statement.opening == Balance(Decimal("2150.11"), date(2024, 3, 1))
    assert statement.closing == Balance(Decimal("2345.67"), date(2024, 3, 28))
    assert (statement.period_start, statement.period_end) == (date(2024, 3, 1), date(2024, 3, 28))
    # newest first in the file, oldest first in the statement
    assert [line.position for line in statement.lines] == ["line 16", "line 15", "line 14"]
    assert statement.lines[1] == StatementLine(
        booking_date=date(2024, 3, 15),
        value_date=date(2024, 3, 15),
        amount=Decimal("1234.56"),
        currency="EUR",
        counterparty_name="Müller & Söhne KG",
        transaction_code="Gutschrift",
        remittance="RE-2024-0117 Danke für Ihren Auftrag",
        position="line 15",
        raw="15.03.2024;15.03.2024;Müller & Söhne KG;Gutschrift;"
        "RE-2024-0117 Danke für Ihren Auftrag;2.434,67;EUR;1.234,56;EUR",
    )


def test_knab_signs_amounts_by_the_credit_debit_column() -> None:
    statement = only(read("knab.csv", "knab"))
    assert statement.account_iban == "NL02KNAB0123456789"
    first, second = statement.lines  # the file is newest first
    assert second == StatementLine(
        booking_date=date(2024, 3, 5),
        value_date=date(2024, 3, 5),
        amount=Decimal("1250.00"),
        currency="EUR",
        counterparty_name="Jansen B.V.",
        counterparty_account="NL91ABNA0417164300",
        counterparty_address="Dorpsstraat 1 Utrecht",
        remittance="Factuur 2024-031",
        transaction_code="Ontvangen betaling",
        bank_reference="C4C05PGA1234ABCD",
        position="line 3",
        raw=(CSV / "knab.csv").read_text().splitlines()[2],
    )
    assert first.amount == Decimal("-45.5")
    assert first.booking_date == date(2024, 3, 5)  # Boekdatum, not Transactiedatum
    assert statement.opening is None
    assert statement.closing is None


def test_lloyds_debit_and_credit_columns_and_the_sort_code() -> None:
    statement = only(read("lloyds.csv", "lloyds"))
    assert statement.account_no == "30-94-57 12345678"
    assert statement.currency == "GBP"
    assert [line.amount for line in statement.lines] == [
        Decimal("-125.00"),
        Decimal("1500.00"),
        Decimal("-42.17"),
    ]
    assert statement.opening == Balance(Decimal("625.00"), date(2024, 3, 1))
    assert statement.closing == Balance(Decimal("1957.83"), date(2024, 3, 15))
    assert statement.lines[0].transaction_code == "DD"


def test_paypal_gives_one_statement_per_currency_and_keeps_the_fee() -> None:
    usd, eur = read("paypal.csv", "paypal").statements
    assert (usd.currency, eur.currency) == ("USD", "EUR")
    assert usd.opening == Balance(Decimal("1000.00"), date(2024, 3, 2))
    assert usd.closing == Balance(Decimal("1465.80"), date(2024, 3, 3))
    assert eur.opening == Balance(Decimal("100.00"), date(2024, 3, 3))
    payment = usd.lines[0]
    assert payment.amount == Decimal("965.80")
    assert payment.charges == Decimal("34.20")
    assert payment.counterparty_name == "Acme GmbH"
    assert payment.remittance == "Payment for invoice 88 thanks"
    assert payment.bank_reference == "7AB12345CD678901E"
    assert payment.transaction_code == "Website Payment"
    assert usd.lines[1].charges is None  # a 0.00 fee is no charge
    assert [line.position for line in eur.lines] == ["line 4"]


def test_swedbank_balance_rows_and_unescaped_quotes() -> None:
    statement = only(read("swedbank-lt.csv", "swedbank-lt"))
    assert statement.account_iban == "LT601010012345678901"
    assert statement.opening == Balance(Decimal("100.00"), date(2024, 3, 1))
    assert statement.closing == Balance(Decimal("1074.50"), date(2024, 3, 31))
    water, salary = statement.lines
    assert water.counterparty_name == 'UAB "Vilniaus vandenys"'
    assert water.remittance == 'Sąskaita Nr. 123 UAB "Vilniaus vandenys"'
    assert water.amount == Decimal("-25.50")
    assert water.bank_reference == "2024030200012345"
    assert salary.structured_reference == "RF18539007547034"
    assert salary.transaction_code == "MK"
    assert (statement.period_start, statement.period_end) == (date(2024, 3, 1), date(2024, 3, 31))


def test_danske_record_spanning_two_lines_keeps_its_line_numbers() -> None:
    statement = only(read("danske-lt.csv", "danske-lt"))
    fee, credit = statement.lines
    assert fee.position == "lines 2-3"
    assert fee.raw == (
        '2024:03:01,,"",",Vilnius08500,LT","UAB Šviesa","Sąskaita 12\n'
        'antra eilutė",,"Mokėjimo operacija",-12.5,'
    )
    assert fee.remittance == "Sąskaita 12 antra eilutė Mokėjimo operacija"
    assert fee.counterparty_name == "UAB Šviesa"
    assert fee.amount == Decimal("-12.5")
    assert credit.amount == Decimal(".75")
    assert credit.position == "line 4"
    assert statement.currency == "LTL"


def test_schwab_title_line_sections_dollar_signs_and_check_numbers() -> None:
    statement = only(read("schwab.csv", "schwab-checking"))
    assert statement.account_no == "XXXXXX-1234"
    assert statement.opening == Balance(Decimal("1000.00"), date(2024, 3, 1))
    assert statement.closing == Balance(Decimal("3750.25"), date(2024, 3, 28))
    check = statement.lines[-1]
    assert check.check_no == "1043"
    assert check.amount == Decimal("-1250.00")
    assert check.position == "line 5"


def test_easybank_splits_its_text_column_into_fields() -> None:
    statement = only(read("easybank-giro.csv", "easybank-giro"))
    rent, interest = statement.lines
    assert rent == StatementLine(
        booking_date=date(2024, 3, 4),
        value_date=date(2024, 3, 4),
        amount=Decimal("-1200.00"),
        currency="EUR",
        remittance="Miete März",
        transaction_code="FE",
        bank_reference="000000101",
        counterparty_bic="BKAUATWW",
        counterparty_account="AT483200000012345864",
        counterparty_name="Hausverwaltung Gruber",
        position="line 1",
        raw="AT611904300234573201;Miete März                                   FE/000000101 "
        "BKAUATWW AT483200000012345864 Hausverwaltung Gruber    ;04.03.2024;04.03.2024;"
        "-1.200,00;EUR",
    )
    assert interest.remittance == "Zinsen HABEN"
    assert interest.counterparty_name == ""
    assert interest.amount == Decimal("0.87")


def test_easybank_card_foreign_amount_takes_the_sign_of_the_line() -> None:
    data = (
        b"12345678901;Hotel Bristol|GBP 1.022,89|34567890987654321234567;"
        b"19.02.2024;09.02.2024;-1.190,69;EUR\r\n"
    )
    line = only(read("card.csv", "easybank-creditcard", data)).lines[0]
    assert line.counterparty_name == "Hotel Bristol"
    assert (line.original_amount, line.original_currency) == (Decimal("-1022.89"), "GBP")
    assert line.bank_reference == "34567890987654321234567"
    assert line.amount == Decimal("-1190.69")


def test_ing_nl_value_date_comes_from_the_text_in_its_own_format() -> None:
    data = (
        b'"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij",'
        b'"Bedrag (EUR)","MutatieSoort","Mededelingen"\n'
        b'"20240305","Jansen","NL99INGB0001234567","NL91ABNA0417164300","OV","Bij","1250,00",'
        b'"Overschrijving","Naam: Jansen Omschrijving: factuur 17 Valutadatum: 04-03-2024"\n'
    )
    line = only(read("ing.csv", "ing-nl", data)).lines[0]
    assert line.booking_date == date(2024, 3, 5)
    assert line.value_date == date(2024, 3, 4)
    assert line.amount == Decimal("1250.00")
    assert line.counterparty_account == "NL91ABNA0417164300"


def test_revolut_leaves_out_pending_rows_and_deducts_the_fee() -> None:
    statement = only(read("revolut.csv", "revolut"))
    assert [line.amount for line in statement.lines] == [Decimal("200.00"), Decimal("-51.00")]
    assert statement.lines[1].charges == Decimal("1.00")
    assert statement.lines[1].booking_date == date(2024, 3, 2)


def test_asn_balance_before_each_line() -> None:
    statement = only(read("asn.csv", "asn"))
    assert statement.opening == Balance(Decimal("100.00"), date(2024, 3, 1))
    assert statement.closing == Balance(Decimal("147.80"), date(2024, 3, 2))
    first = statement.lines[0]
    assert first.remittance == "Factuur 17"  # ASN's single quotes are gone
    assert first.counterparty_address == "Dorpsstraat 1 1234 AB"
    assert first.counterparty_city == "Utrecht"
    assert first.transaction_code == "OVB"


def test_a_users_profile_with_footer_negative_debits_and_two_date_formats() -> None:
    profile = load_profile(CSV / "profiles" / "my-bank.toml")
    statement = only(read("my-bank.csv", profile))
    assert statement.account_iban == "DE44500105175407324931"
    customer, supplier = statement.lines
    assert customer.amount == Decimal("1500.00")
    assert customer.remittance == "RE 1001 Teilzahlung"
    assert customer.counterparty_account == "DE02120300000000202051"
    assert supplier.amount == Decimal("-250.40")
    assert supplier.booking_date == date(2024, 3, 5)
    assert supplier.value_date == date(2024, 3, 6)
    assert supplier.check_no == "000123"
    assert supplier.position == "line 6"


def test_a_byte_order_mark_is_not_part_of_the_header() -> None:
    data = b"\xef\xbb\xbf" + (CSV / "revolut.csv").read_bytes()
    assert CsvImporter(PROFILES["revolut"]).claims(data)
    assert len(only(read("revolut.csv", "revolut", data)).lines) == 2


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_grouped_amounts_read_back_exactly(amount: Decimal) -> None:
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    row = f"01.01.2024;01.01.2024;X;Lastschrift;Y;{text};EUR;{text};EUR\n"
    data = (CSV / "ing-de.csv").read_bytes().split(b"28.03.2024")[0] + row.encode("latin-1")
    line = only(read("x.csv", "ing-de", data)).lines[0]
    assert line.amount == amount


# --- errors in a file ------------------------------------------------------------------------


def test_an_amount_that_is_no_number_names_line_column_and_the_profile_key() -> None:
    data = edited("ing-de.csv", b"1.234,56", b"1.234,5x")
    assert refused("march.csv", "ing-de", data) == (
        'march.csv: line 15: column Betrag: amount "1.234,5x" is not a number; '
        "check decimal_separator in profile ing-de"
    )


def test_a_misgrouped_amount_is_refused_rather_than_guessed() -> None:
    data = edited("ing-de.csv", b";-89,00;", b";-8.9;")
    assert 'line 14: column Betrag: amount "-8.9" is not a number' in refused("x", "ing-de", data)


def test_an_impossible_date_names_line_and_column() -> None:
    data = edited("ing-de.csv", b"15.03.2024;15.03.2024", b"31.02.2024;15.03.2024")
    assert refused("x.csv", "ing-de", data) == (
        'x.csv: line 15: column Buchung: date "31.02.2024" does not exist'
    )


def test_a_date_in_another_format_points_at_date_formats() -> None:
    data = edited("ing-de.csv", b"01.03.2024;04.03.2024", b"2024-03-01;04.03.2024")
    assert refused("x.csv", "ing-de", data) == (
        'x.csv: line 16: column Buchung: date "2024-03-01" is not written as %d.%m.%Y; '
        "check date_formats in profile ing-de"
    )


def test_a_break_in_the_running_balance_names_the_line() -> None:
    data = edited("ing-de.csv", b"2.434,67", b"2.434,76")
    message = refused("x.csv", "ing-de", data)
    assert message == (
        "x.csv: line 15: the balance after this line is 2434.76, but line 16 leaves 1200.11 and "
        "the amount 1234.56 makes 2434.67; the file is inconsistent, or check order "
        "(newest_first) and balance (after) in profile ing-de"
    )


def test_a_file_cut_short_in_its_last_line() -> None:
    data = (CSV / "ing-de.csv").read_bytes()
    cut = data[: data.index(b"Vermieter GbR") + 5]
    assert refused("x.csv", "ing-de", cut) == (
        "x.csv: line 16: the line has 3 fields, but profile ing-de reads column Währung "
        "(field 9); is the line cut short?"
    )


def test_a_quote_that_never_closes() -> None:
    data = (CSV / "knab.csv").read_bytes()
    cut = data[: data.rindex(b"Termijn")]
    message = refused("x.csv", "knab", cut)
    assert message.startswith("x.csv: line 4: not valid CSV (a quote is not closed)")


def test_a_header_without_transactions_is_not_a_statement() -> None:
    data = (CSV / "lloyds.csv").read_bytes().splitlines(keepends=True)[0]
    assert refused("x.csv", "lloyds", data) == (
        "x.csv: no transactions after line 1; the file holds no statement"
    )


def test_bytes_in_another_encoding() -> None:
    data = edited("revolut.csv", b"Top-Up", b"Aufladung \xe4")
    assert refused("x.csv", "revolut", data).startswith(
        "x.csv: line 2: byte 0xe4 is not utf-8 text"
    )


def test_an_unknown_credit_debit_indicator() -> None:
    data = edited("knab.csv", b'"D";"45,5"', b'"X";"45,5"')
    assert refused("x.csv", "knab", data) == (
        'x.csv: line 4: column CreditDebet: "x" is neither a credit (c) nor a debit (d) '
        "indicator; check amount.credit_values and debit_values in profile knab"
    )


def test_a_signed_amount_beside_an_indicator() -> None:
    data = edited("knab.csv", b'"45,5"', b'"-45,5"')
    assert "column Bedrag: amount -45.5 carries a sign, but column CreditDebet gives it" in (
        refused("x.csv", "knab", data)
    )


def test_debit_and_credit_on_one_line() -> None:
    data = edited("lloyds.csv", b"42.17,,", b"42.17,1.00,")
    assert refused("x.csv", "lloyds", data) == (
        "x.csv: line 2: column Debit Amount: both debit 42.17 and credit 1.00 are given"
    )


def test_a_debit_with_the_sign_the_profile_does_not_expect() -> None:
    data = edited("lloyds.csv", b"42.17,,", b"-42.17,,")
    assert "debit -42.17 has the wrong sign; check amount.debit_sign" in (
        refused("x.csv", "lloyds", data)
    )


def test_a_line_with_neither_debit_nor_credit() -> None:
    data = edited("lloyds.csv", b"42.17,,", b",,")
    assert "line 2: column Debit Amount: neither the debit nor the credit column holds" in (
        refused("x.csv", "lloyds", data)
    )


def test_a_column_the_header_lacks() -> None:
    profile = load_profile(CSV / "profiles" / "my-bank.toml")
    data = (CSV / "my-bank.csv").read_bytes().replace(b";Scheck;", b";Check;")
    assert refused("x.csv", profile, data) == (
        'x.csv: line 3: column "Scheck" is not in the header (Datum, Valuta, Name, IBAN, Zweck, '
        "Zweck 2, Check, Soll, Haben); check columns.check_no in profile my-bank"
    )


def test_a_column_name_the_header_has_twice() -> None:
    text = (CSV / "profiles" / "my-bank.toml").read_text().replace('date = "Datum"', 'date = "X"')
    profile = parse_profile(text, "profile mine.toml")
    data = (CSV / "my-bank.csv").read_bytes().replace(b"Datum;Valuta", b"X;X")
    assert 'column "X" appears 2 times in the header (columns 1 and 2)' in (
        refused("x.csv", profile, data)
    )


def test_an_unknown_record_type() -> None:
    data = edited("swedbank-lt.csv", b'"82"', b'"83"')
    assert refused("x.csv", "swedbank-lt", data).startswith(
        'x.csv: line 5: column 2: record type "83" is none of those profile swedbank-lt knows'
    )


def test_a_file_of_pending_rows_only() -> None:
    lines = (CSV / "revolut.csv").read_bytes().splitlines(keepends=True)
    data = lines[0] + lines[3]
    assert "all 1 rows are left out by the exclude rules of profile revolut" in (
        refused("x.csv", "revolut", data)
    )


def test_an_account_the_preamble_does_not_give() -> None:
    data = edited("ing-de.csv", b"IBAN;DE89", b"Konto;DE89")
    assert "the account number is not where profile ing-de looks for it" in (
        refused("x.csv", "ing-de", data)
    )


def test_a_file_shorter_than_its_preamble() -> None:
    assert refused("x.csv", "schwab-checking", b"Transactions  for Checking\n") == (
        "x.csv: the file ends before line 2, where profile schwab-checking expects the header "
        "or first record (layout.skip_lines)"
    )


# --- recognising files -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "profile"), sorted(OWN_FILES.items()))
def test_exactly_the_right_profile_claims_each_test_file(name: str, profile: str) -> None:
    head = (CSV / name).read_bytes()[:SNIFF_BYTES]
    assert [p.name for p in PROFILES.values() if CsvImporter(p).claims(head)] == [profile]


def test_claims_needs_only_the_head_of_a_long_file() -> None:
    data = (CSV / "ing-de.csv").read_bytes()
    body = data.splitlines(keepends=True)[-1] * 2000
    assert CsvImporter(PROFILES["ing-de"]).claims((data + body)[:SNIFF_BYTES])


@pytest.mark.parametrize("head", [b"", b"\x00\x01\x02garbage", b"<?xml version='1.0'?><Document>"])
def test_no_profile_claims_what_is_no_bank_csv(head: bytes) -> None:
    assert not [p.name for p in PROFILES.values() if CsvImporter(p).claims(head)]


def test_every_builtin_profile_has_a_test_file() -> None:
    tested = set(OWN_FILES.values()) | {
        entry["profile"] for entry in expectations("csv").values() if "profile" in entry
    }
    assert tested == set(PROFILES)


# --- checking profiles -----------------------------------------------------------------------

MINIMAL = """
name = "mine"
description = "a test profile"
date_formats = ["%d.%m.%Y"]
currency = "EUR"
[recognise]
header = ["Datum", "Betrag"]
[columns]
date = "Datum"
amount = "Betrag"
"""


def profile_error(text: str, tmp_path: Path) -> str:
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_profile(path)
    return str(caught.value).replace(str(tmp_path) + "/", "")


def test_a_minimal_profile_loads(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    profile = load_profile(path)
    assert profile.name == "mine"
    assert profile.amount_shape == "signed"
    assert profile.origin == f"profile {path}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'amount = "Betrag"',
            'amont = "Betrag"',
            "columns.amont: unknown key; did you mean amount?",
        ),
        (
            'amount = "Betrag"',
            "amount = 0",
            "columns.amount: must be a header name (text) or a "
            "position (whole number from 1), not 0",
        ),
        (
            'date_formats = ["%d.%m.%Y"]',
            'date_formats = ["%d.%m"]',
            'date_formats: "%d.%m" cannot read a full date (day, month and year)',
        ),
        ('date_formats = ["%d.%m.%Y"]', "", "date_formats: missing; give the strptime formats"),
        ('date = "Datum"', "", "columns.date: missing; name the column with the booking date"),
        ('amount = "Betrag"', "", "columns.amount: missing; give amount, or debit and credit"),
        ('amount = "Betrag"', 'debit = "Soll"', "columns.debit: debit and credit columns come as"),
        (
            'amount = "Betrag"',
            'amount = "Betrag"\nindicator = "S/H"',
            "amount.credit_values: columns.indicator needs credit_values and debit_values",
        ),
        ('currency = "EUR"', 'currency = "euro"', 'currency: "euro" is not a three-letter ISO'),
        ('currency = "EUR"', "", "currency: missing; give a fixed currency or columns.currency"),
        ('name = "mine"', 'name = "My Bank"', 'name: "My Bank": use lower-case letters'),
        (
            'currency = "EUR"',
            'currency = "EUR"\nencoding = "klingon"',
            'encoding: "klingon" is not an encoding Python knows',
        ),
        (
            'currency = "EUR"',
            'currency = "EUR"\ndelimiter = ";;"',
            'delimiter: must be one punctuation character, not ";;"',
        ),
        (
            'header = ["Datum", "Betrag"]',
            "pattern = '(unclosed'",
            "recognise.pattern: not a valid regular expression",
        ),
        ('header = ["Datum", "Betrag"]', "", "recognise.header: missing; give the header names"),
        (
            'amount = "Betrag"',
            'amount = "Betrag"\nstrip_chars = "\'"',
            "columns.strip_chars: unknown key; it belongs at the top, above the first [section]",
        ),
        (
            'currency = "EUR"',
            'currency = "EUR"\norder = "random"',
            'order: "random" is not one of oldest_first, newest_first',
        ),
        (
            'currency = "EUR"',
            'currency = "EUR"\n[layout]\nheader = false',
            "recognise.header: the file has no header row (layout.header = false)",
        ),
        (
            "[columns]",
            "[[extract]]\ncolumn = 2\npattern = '(?P<amount>.*)'\n[columns]",
            "extract[1].pattern: group amount is not one of",
        ),
        (
            "[columns]",
            "[[extract]]\ncolumn = 2\npattern = '(?P<remittance>.*)'\n[columns]\n"
            'remittance = "Text"',
            "extract[1].pattern: group remittance is also read from columns",
        ),
        (
            'currency = "EUR"',
            'currency = "EUR"\ndecimal_separator = ","\nthousands_separator = ","',
            "thousands_separator: must differ from decimal_separator",
        ),
        (
            'currency = "EUR"',
            'currency = "EUR"\n[account]\npattern = "IBAN;.*"',
            "account.pattern: needs a group (...) around the account number",
        ),
        ("name = ", "name = = ", "not valid TOML"),
    ],
)
def test_profile_mistakes_name_the_file_and_the_key(
    old: str, new: str, message: str, tmp_path: Path
) -> None:
    assert old in MINIMAL
    error = profile_error(MINIMAL.replace(old, new, 1), tmp_path)
    assert error.startswith("profile my.toml: ")
    assert message in error


def test_a_headerless_profile_must_give_positions(tmp_path: Path) -> None:
    text = MINIMAL.replace('header = ["Datum", "Betrag"]', "pattern = '^x'").replace(
        "[columns]", "[layout]\nheader = false\n[columns]"
    )
    assert profile_error(text, tmp_path) == (
        "profile my.toml: columns.date: the file has no header row: give the position (from 1)"
    )


def test_a_profile_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_bytes(MINIMAL.replace("a test", "ein Prüf").encode("latin-1"))
    with pytest.raises(InputError, match="the profile is not UTF-8 text"):
        load_profile(path)


def test_builtin_profiles_load_with_unique_names() -> None:
    profiles = builtin_profiles()
    assert len(profiles) == len(PROFILES) >= 8
    assert all(p.description and p.origin.endswith(f"{p.name}.toml") for p in profiles)


def test_a_profile_that_does_not_fit_the_file() -> None:
    data = (CSV / "knab.csv").read_bytes()
    with pytest.raises(
        InputError, match=r"x\.csv: line 2: column \"Buchung\" is not in the header"
    ):
        CsvImporter(replace(PROFILES["ing-de"], layout=PROFILES["knab"].layout)).parse(
            data, "x.csv"
        )


DOCS = Path(__file__).resolve().parents[2] / "docs" / "csv-profiles.md"


def _documented_keys() -> set[str]:
    sections: list[type[Any]] = [Layout, AmountRules, AccountSource, RecordKinds, Exclude, Extract]
    names = {f.name for section in sections for f in fields(section)} - {"columns"}
    return names | {"column"} | set(TOP_LEVEL_KEYS) | set(VALUE_FIELDS) | set(TEXT_FIELDS)


@pytest.mark.parametrize("key", sorted(_documented_keys()))
def test_every_profile_key_is_documented(key: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"`{key}`" in text or re.search(rf"^{key} = ", text, re.MULTILINE)


def test_the_documented_example_profile_loads() -> None:
    example = DOCS.read_text(encoding="utf-8").split("```toml\n")[1].split("```")[0]
    assert parse_profile(example, "docs").name == "musterbank"


# --- the corpus of real bank files -----------------------------------------------------------


def _corpus_files() -> list[str]:
    return sorted(expectations("csv"))


@pytest.mark.parametrize("name", _corpus_files())
def test_corpus_file(name: str) -> None:
    expected: dict[str, Any] = expectations("csv")[name]
    data = (corpus_dir() / "csv" / name).read_bytes()
    if "error" in expected:
        with pytest.raises(InputError) as caught:
            _import(data, name)
        assert expected["error"] in str(caught.value)
        return
    choice = choose(data[:SNIFF_BYTES], name, "csv")
    assert choice.label == f"csv:{expected['profile']}"
    parsed = choice.importer.parse(data, name)
    assert [statement_summary(s) for s in parsed.statements] == [
        _normalised(s) for s in expected["statements"]
    ]


def test_every_corpus_csv_file_has_an_expectation() -> None:
    present = {path.name for path in (corpus_dir() / "csv").iterdir() if path.is_file()}
    assert present == set(expectations("csv"))


def test_no_profile_claims_a_statement_of_another_format() -> None:
    """Auto-detection asks every profile too, so OFX, CAMT, MT940 and QIF files must not match."""
    others = [p for p in sorted(corpus_dir().rglob("*")) if p.is_file() and p.parent.name != "csv"]
    claimed = [
        f"{path.name}: {profile.name}"
        for path in others
        for profile in PROFILES.values()
        if CsvImporter(profile).claims(path.read_bytes()[:SNIFF_BYTES])
    ]
    assert others
    assert claimed == []


def _import(data: bytes, name: str) -> ParsedFile:
    """What ``bankrec import`` does with a CSV file: choose a profile by content, then parse."""
    return choose(data[:SNIFF_BYTES], name, "csv").importer.parse(data, name)


def _normalised(expected: dict[str, Any]) -> dict[str, Any]:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return {
        "lines": expected["lines"],
        "sum": Decimal(expected["sum"]),
        "opening": number(expected["opening"]),
        "closing": number(expected["closing"]),
        "currency": expected["currency"],
        "account": expected["account"],
    }
