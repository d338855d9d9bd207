"""Finding the related party: accounts, fuzzy names, and the upgrades to "fully"."""

from __future__ import annotations

from bankrec.matching.names import PartyBook
from tests.matching.factories import IBAN_C1, customer, invoice, line, run, vendor


def _related(
    book: PartyBook,
    name: str = "",
    account: str = "",
    text: str = "",
    address: str = "",
    city: str = "",
) -> dict[str, tuple[str, str]]:
    probe = line(
        1,
        100,
        name=name,
        account=account,
        text=text,
        counterparty_address=address,
        counterparty_city=city,
    )
    matched, _ = book.match(probe)
    return {key[1]: (m.related, m.how) for key, m in matched.items()}


def test_iban_with_spaces_and_lower_case_is_the_same_account() -> None:
    book = PartyBook([customer("C1", "Contoso", IBAN_C1)], 85)
    assert _related(book, account="de89 3704 0044 0532 0130 00") == {"C1": ("fully", "account")}


def test_german_bank_code_and_account_number_match_the_iban() -> None:
    book = PartyBook([customer("C1", "Contoso", "37040044/0532013000")], 85)
    assert _related(book, account=IBAN_C1) == {"C1": ("fully", "account")}
    plain = PartyBook([customer("C1", "Contoso", "0532013000")], 85)
    assert _related(plain, account=IBAN_C1) == {"C1": ("fully", "account")}


def test_unknown_account_is_reported() -> None:
    book = PartyBook([customer("C1", "Contoso", IBAN_C1)], 85)
    matched, known = book.match(line(1, 100, account="GB29NWBK60161331926819"))
    assert matched == {}
    assert not known


def test_unique_similar_name_is_upgraded_to_fully() -> None:
    book = PartyBook([customer("C1", "Contoso Ltd"), customer("C2", "Fabrikam")], 85)
    assert _related(book, name="CONTOSO LIMITED") == {"C1": ("fully", "unique_name")}


def test_two_similar_names_stay_partial() -> None:
    book = PartyBook([customer("C1", "Contoso Ltd"), customer("C2", "Contoso GmbH")], 85)
    assert _related(book, name="CONTOSO") == {
        "C1": ("partially", "name"),
        "C2": ("partially", "name"),
    }


def test_name_address_and_city_upgrade_a_shared_name() -> None:
    book = PartyBook(
        [
            customer("C1", "Contoso Ltd", address="Hauptstraße 5", city="München"),
            customer("C2", "Contoso GmbH", address="Ring 1", city="Berlin"),
        ],
        85,
    )
    found = _related(book, name="CONTOSO", address="HAUPTSTR. 5", city="MUENCHEN")
    assert found == {"C1": ("fully", "name_address"), "C2": ("partially", "name")}


def test_uniqueness_is_per_ledger() -> None:
    book = PartyBook([customer("C1", "Contoso"), vendor("V1", "Contoso")], 85)
    assert _related(book, name="Contoso") == {
        "C1": ("fully", "unique_name"),
        "V1": ("fully", "unique_name"),
    }


def test_name_in_text_needs_the_whole_name_as_words() -> None:
    book = PartyBook([customer("C1", "Tailspin Toys Ltd"), customer("C2", "Acme")], 85)
    assert _related(book, text="PAYMENT TOYS TAILSPIN INV 5") == {"C1": ("fully", "unique_name")}
    assert _related(book, text="TAILSPINNING TOYS") == {}
    assert _related(book, text="ACMEX") == {}


def test_short_names_are_not_searched_in_text() -> None:
    book = PartyBook([customer("C1", "AB Ltd")], 85)
    assert _related(book, text="PAYMENT AB 1234") == {}


def test_name_similarity_is_reported() -> None:
    parties = (customer("C1", "Contoso Trading"), customer("C2", "Fabrikam"))
    entries = (invoice(1, "C1", 100000, "103001"),)
    result = run([line(1, 100000, name="CONTOSSO TRADING", text="103001")], entries, parties).line(
        1
    )
    assert result.evidence.related_how == "unique_name"
    assert 85 <= result.evidence.name_similarity < 100
    assert any("similarity" in d for d in result.details)
