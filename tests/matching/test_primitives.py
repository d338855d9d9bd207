"""String, document-token and tolerance primitives (reference 13.1, 13.2, 13.3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.matching import Settings
from bankrec.matching.amounts import tolerance_window
from bankrec.matching.documents import DocIndex, LineRefs
from bankrec.matching.names import similarity
from bankrec.matching.text import (
    contains_token,
    doc_number_core,
    fold,
    line_number_core,
    name_key,
    rf_payload,
)


def _found(document_no: str, text: str, creditor_reference: str = "") -> str | None:
    """How ``document_no`` is found in ``text`` (the hit's kind), or None."""
    index = DocIndex()
    index.add(0, "document_no", document_no)
    hit = index.find(LineRefs(text.upper(), creditor_reference)).get(0)
    return hit.how if hit else None


# -- 13.1: names --------------------------------------------------------------------------------


def test_legal_form_variants_are_the_same_name() -> None:
    """BC's nearness gives 75 and misses this pair; the fuzzy matcher must not."""
    assert similarity("ACME LTD", "ACME LIMITED") == 100
    assert similarity("Contoso GmbH", "CONTOSO") == 100
    assert similarity("Baz Inc.", "BAZ INCORPORATED") == 100
    assert similarity("Foo S.A.R.L.", "FOO SARL") == 100
    assert similarity("Bar B.V.", "bar bv") == 100


def test_word_order_case_and_diacritics_do_not_matter() -> None:
    assert similarity("Smith John", "JOHN SMITH") == 100
    assert similarity("Müller GmbH", "MUELLER") == 100
    assert similarity("Müller", "Muller") == 100
    assert similarity("Mueller", "Muller") == 100
    assert fold("Société Générale") == "societe generale"


def test_different_companies_stay_apart() -> None:
    assert similarity("Contoso Pharma", "Contoso Trading") < 85
    assert similarity("Northwind", "Southwind") < 85
    assert similarity("", "X") == 0


def test_a_typo_still_scores_high() -> None:
    assert similarity("Contoso Trading", "Contosso Trading") >= 85


def test_name_key_strips_trailing_legal_forms_only() -> None:
    assert name_key("Mueller GmbH & Co. KG") == "muller"
    assert name_key("XY Sp. z o.o.") == "xy"
    assert name_key("GmbH") == "gmbh"


# -- 13.2: document tokens ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "document_no", "expected"),
    [
        ("PAYMENT INV-1001, ACME", "1001", True),
        ("PAYMENT INV10012 ACME", "1001", False),
        ("1001", "1001", True),
        ("REF 101", "101", False),
        ("X1001Y 1001", "1001", True),  # BC tests only the first occurrence and misses it
        ("CHECK 1857", "1858", False),
    ],
)
def test_doc_no_matching(text: str, document_no: str, expected: bool) -> None:
    assert (_found(document_no, text) is not None) is expected


def test_contains_token_scans_every_occurrence() -> None:
    assert contains_token("A1001 B1001C 1001", "1001")
    assert not contains_token("A1001 B1001C", "1001")
    assert not contains_token("anything", "")


def test_prefix_dropped_and_padding_variants() -> None:
    assert _found("SI-102001", "PAYMENT SI-102001") == "token"
    assert _found("SI-102001", "PAYMENT 102001 THANKS") == "number"
    assert _found("SI-102001", "RE102001") == "number"
    assert _found("INV-000123", "INVOICE 000123") == "number"
    assert _found("INV-000123", "INVOICE 00123") == "number"


def test_short_numbers_and_years_are_not_document_numbers() -> None:
    assert _found("INV-000123", "INVOICE 123") is None
    assert _found("INV-0123", "INVOICE 0123") is None
    assert _found("SI-2026", "PAYMENT FOR 2026") is None
    assert _found("2026-0001", "MARCH 2026 RENT 0001") is None


def test_number_core_rules() -> None:
    assert doc_number_core("SI-000123") == "123"
    assert doc_number_core("INV-A") == ""
    assert line_number_core("RE102001") == "102001"
    assert line_number_core("2026") == ""
    assert line_number_core("12A345678") == ""


def test_structured_creditor_references() -> None:
    assert rf_payload("RF18 5390 0754 7034") == "539007547034"
    assert rf_payload("RF19 5390 0754 7034") == ""  # wrong check digits
    assert _found("539007547034", "", "RF18539007547034") == "rf_reference"
    assert _found("INV-4711", "", "INV4711") == "creditor_reference"
    assert _found("SI-102001", "PAID RF01000000102001 THX") == "rf_reference"
    assert _found("SI-102001", "", "NOTPROVIDED") is None


# -- 13.3: the tolerance window -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "amount", "window"),
    [
        ("amount", 0, 100000, (100000, 100000)),
        ("percent", Decimal(2), 100000, (98000, 102000)),
        ("percent", Decimal(2), -50000, (-51000, -49000)),
        ("amount", 500, 300, (0, 800)),
        ("amount", 500, -300, (-800, 0)),
    ],
)
def test_tolerance_window(
    kind: str, value: int | Decimal, amount: int, window: tuple[int, int]
) -> None:
    settings = Settings(tolerance_kind=kind, tolerance_value=value)  # type: ignore[arg-type]
    assert tolerance_window(amount, settings) == window
