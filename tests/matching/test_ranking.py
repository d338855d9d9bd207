"""Ranking the candidates of one line for manual application, and foreign-currency entries."""

from __future__ import annotations

from datetime import date

from bankrec.matching import DEFAULT_RULES, OpenEntry, rank_candidates
from tests.matching.factories import (
    ENTRIES,
    IBAN_C1,
    MAPPINGS,
    PARTIES,
    SETTINGS,
    invoice,
    line,
    run,
)


def test_ranking_lists_every_relevant_entry_best_first() -> None:
    probe = line(1, 100000, account=IBAN_C1, text="103001")
    ranked = rank_candidates(probe, PARTIES, ENTRIES, [], MAPPINGS, DEFAULT_RULES, SETTINGS)
    assert ranked[0].entry_nos == (1,)
    assert (ranked[0].score, ranked[0].confidence) == (3996, "high")
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert {c.entry_nos for c in ranked} >= {(1,), (2,)}
    assert any("IBAN" in d for d in ranked[0].details)


def test_ranking_shows_gated_entries_with_the_reason() -> None:
    late = (*ENTRIES, invoice(7, "C1", 30000, "106001", posted=date(2026, 3, 25)))
    probe = line(1, 30000, account=IBAN_C1, text="106001")
    ranked = rank_candidates(probe, PARTIES, late, [], MAPPINGS, DEFAULT_RULES, SETTINGS)
    top = next(c for c in ranked if c.entry_nos == (7,))
    assert top.blocked.startswith("invoice 106001 posted after the payment")
    gated = rank_candidates(probe, PARTIES, late, [], MAPPINGS, DEFAULT_RULES, SETTINGS, gates=True)
    assert all(c.entry_nos != (7,) for c in gated)


def test_ranking_is_limited() -> None:
    many = tuple(invoice(100 + i, "C1", 1000 + i, f"SI-{7000 + i}") for i in range(30))
    probe = line(1, 555, account=IBAN_C1)
    ranked = rank_candidates(probe, PARTIES, many, [], (), DEFAULT_RULES, SETTINGS, limit=5)
    assert len(ranked) == 5


def test_foreign_invoice_is_valued_at_the_payment_date() -> None:
    """A USD invoice of 1,000.00 paid from a EUR bank: worth 920.00 on 20 March."""
    usd = OpenEntry(
        entry_no=1,
        ledger="customer",
        party_no="C1",
        posting_date=date(2026, 3, 1),
        remaining=100000,
        remaining_bank=90000,
        document_no="103001",
        currency="USD",
    )

    def converter(amount: int, currency: str, day: date) -> int:
        assert currency == "USD"
        rate = 92 if day >= date(2026, 3, 15) else 90
        return amount * rate // 100

    lines = [line(1, 92000, account=IBAN_C1, text="103001")]
    from bankrec.matching import match_journal

    result = match_journal(lines, PARTIES, [usd], [], (), DEFAULT_RULES, SETTINGS, converter)
    match = result.line(1)
    assert match.evidence.amount_match == "one"
    assert match.applications[0].applied_amount == 92000
    assert match.difference == 0
    without = run(lines, [usd]).line(1)  # no converter: remaining_bank (900.00) is used
    assert without.evidence.amount_match == "none"
    assert without.difference == 2000


def test_near_misses_explain_an_unknown_account_and_the_nearest_amount() -> None:
    result = run([line(1, 100050, account="GB29NWBK60161331926819", text="103001")]).line(1)
    assert result.applied  # No / Yes / none: Medium 9 on the document alone
    assert result.confidence == "medium"
    lonely = run([line(2, 100050, account="GB29NWBK60161331926819", text="HELLO")]).line(2)
    assert not lonely.applied
    assert lonely.near_misses[0].reason == "no customer or vendor has IBAN GB29NWBK60161331926819"
    nearest = lonely.near_misses[1]
    assert (nearest.entry_no, nearest.document_no) == (1, "103001")
    assert nearest.reason.startswith("amount differs by 0.50")


def test_ranking_offers_the_nearest_amounts() -> None:
    probe = line(1, 100050, text="HELLO")
    ranked = rank_candidates(probe, PARTIES, ENTRIES, [], MAPPINGS, DEFAULT_RULES, SETTINGS)
    assert ranked[0].entry_nos == (1,)
    assert ranked[0].score == 0
