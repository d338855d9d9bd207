"""Existing bank entries (no double posting) and text-to-account mappings (reference 6)."""

from __future__ import annotations

from datetime import date

from bankrec.matching import BankEntry, TextMapping
from tests.matching.factories import IBAN_C1, PARTIES, invoice, line, run, vendor

VENDORS = (*PARTIES, vendor("V1", "Northwind Traders", "GB29NWBK60161331926819"))


def test_line_prefers_the_bank_entry_of_a_payment_already_posted() -> None:
    """The vendor payment was posted from a payment journal (on account): the invoice is still
    open, but applying the bank line to it again would pay it twice."""
    entries = (invoice(9, "V1", -70000, "PI-7001", ledger="vendor"),)
    posted = BankEntry(
        entry_no=55,
        posting_date=date(2026, 3, 18),
        remaining=-70000,
        document_no="PAY-0042",
        bal_ledger="vendor",
        bal_account_no="V1",
    )
    result = run(
        [line(1, -70000, account="GB29 NWBK 6016 1331 9268 19", text="PI-7001")],
        entries,
        VENDORS,
        bank=[posted],
    ).line(1)
    assert result.target == "bank_entry"
    assert (result.account_type, result.account_no) == ("vendor", "V1")
    assert [(a.ledger, a.entry_no, a.applied_amount) for a in result.applications] == [
        ("bank", 55, -70000)
    ]
    assert result.confidence == "high"
    assert result.evidence.alternatives_same_score == 0
    assert any("instead of posting it twice" in d for d in result.details)


def test_check_number_and_end_to_end_id_find_bank_entries() -> None:
    bank = [
        BankEntry(1, date(2026, 3, 1), -25000, document_no="1857", check_no="1857"),
        BankEntry(2, date(2026, 3, 2), -25000, document_no="1858", check_no="1858"),
    ]
    result = run(
        [line(1, -25000, text="CHECK 1857"), line(2, -25000, text="CHECK 1858")], (), bank=bank
    )
    assert [a.entry_no for a in result.line(1).applications] == [1]
    assert [a.entry_no for a in result.line(2).applications] == [2]
    assert result.line(1).confidence == "medium"  # No / Yes / Multiple: Medium 9
    by_id = [BankEntry(3, date(2026, 3, 1), -9900, end_to_end_id="E2E-77812")]
    match = run([line(3, -9900, end_to_end_id="E2E-77812")], (), bank=by_id).line(3)
    assert match.evidence.reference_match == "yes"
    assert match.score == 3999


def test_same_amount_checks_without_numbers_are_not_crossed() -> None:
    """Reference 13.5: two equal checks and no check numbers in the text. BC pairs them by date
    and can cross them; bankrec refuses to guess on the amount alone."""
    bank = [
        BankEntry(1, date(2026, 3, 1), -25000, document_no="1857"),
        BankEntry(2, date(2026, 3, 2), -25000, document_no="1858"),
    ]
    result = run([line(1, -25000, text="CHECK"), line(2, -25000, text="CHECK")], (), bank=bank)
    assert not result.line(1).applied
    assert not result.line(2).applied
    assert any("an amount alone does not identify" in d for d in result.line(1).details)


def test_longest_mapping_wins_and_targets_follow_the_sign() -> None:
    mappings = (
        TextMapping(1, "FEE", "gl", debit_account="40100", credit_account="60400"),
        TextMapping(2, "CARD FEE", "gl", debit_account="40200", credit_account="60500"),
        TextMapping(3, "RENT", "vendor", party_no="V1"),
    )
    result = run(
        [
            line(1, -500, text="monthly card fee"),
            line(2, 700, text="FEE refund"),
            line(3, -120000, text="RENT MARCH"),
        ],
        (),
        VENDORS,
        mappings=mappings,
    )
    assert (result.line(1).account_type, result.line(1).account_no) == ("gl", "60500")
    assert (result.line(2).account_type, result.line(2).account_no) == ("gl", "40100")
    assert (result.line(3).account_type, result.line(3).account_no) == ("vendor", "V1")


def test_mapping_guard_matches_an_existing_posting() -> None:
    mappings = (TextMapping(1, "MYBANK", "gl", credit_account="60400"),)
    posted = BankEntry(
        8, date(2026, 3, 19), -1250, document_no="G-1", bal_ledger="gl", bal_account_no="60400"
    )
    result = run([line(1, -1250, text="FEE MYBANK")], (), mappings=mappings, bank=[posted]).line(1)
    assert result.target == "bank_entry"
    assert result.applications[0].entry_no == 8
    assert result.score == 3000


def test_high_match_overrides_a_mapping_and_says_so() -> None:
    mappings = (TextMapping(1, "CONTOSO", "gl", debit_account="49000"),)
    entries = (invoice(1, "C1", 100000, "103001"),)
    result = run(
        [line(1, 100000, account=IBAN_C1, text="CONTOSO 103001")], entries, mappings=mappings
    ).line(1)
    assert result.target == "entries"
    assert any("text mapping 'CONTOSO' also fits" in d for d in result.details)


def test_mapping_beats_a_medium_match() -> None:
    mappings = (TextMapping(1, "CONTOSO", "gl", debit_account="49000"),)
    entries = (invoice(1, "C1", 100000, "103001"),)
    result = run(
        [line(1, 40000, account=IBAN_C1, text="CONTOSO 103001")], entries, mappings=mappings
    )
    assert result.line(1).target == "mapping"


def test_mapping_without_an_account_for_the_sign_is_explained() -> None:
    mappings = (TextMapping(1, "MYBANK", "gl", credit_account="60400"),)
    result = run([line(1, 1250, text="MYBANK BONUS")], (), mappings=mappings).line(1)
    assert not result.applied
    assert any("has no debit account" in d for d in result.details)
