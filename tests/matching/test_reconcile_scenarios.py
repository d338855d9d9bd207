"""Bank reconciliation matching, worked scenarios: reference 13.5, deposits, payment runs,
ties, near misses, hand-matched entries and the manual ranking."""

from __future__ import annotations

from datetime import date, timedelta

from bankrec.matching.reconcile import (
    LedgerEntry,
    RecLine,
    RecMatch,
    RecResult,
    RecSettings,
    RecUnmatched,
    rank_entries,
    reconcile,
)

SETTINGS = RecSettings()
MARCH = date(2026, 3, 1)


def day(n: int) -> date:
    return MARCH + timedelta(days=n - 1)


def line(no: int, on: int | None, amount: int, text: str = "", **fields: str) -> RecLine:
    return RecLine(no, f"L{no:04d}", None if on is None else day(on), amount, text, **fields)


def entry(no: int, on: int, amount: int, document: str = "", **fields: str) -> LedgerEntry:
    return LedgerEntry(no, day(on), amount, document, **fields)


# Reference 13.5: E1 01-03 -250.00 doc "1857" "Check 1857 Fabrikam"; E2 02-03 -250.00 doc "1858".
E1 = entry(1, 1, -25000, "1857", description="Check 1857 Fabrikam")
E2 = entry(2, 2, -25000, "1858")


def only_match(result: RecResult, line_no: int) -> RecMatch:
    match = result.match_of(line_no)
    assert match is not None, result.unmatched_line(line_no)
    return match


def unmatched(result: RecResult, line_no: int) -> RecUnmatched:
    found = result.unmatched_line(line_no)
    assert found is not None, result.match_of(line_no)
    return found


# -- reference 13.5 ----------------------------------------------------------------------------


def test_check_numbers_pair_each_line_with_its_own_check() -> None:
    lines = [line(1, 5, -25000, "CHECK 1857"), line(2, 6, -25000, "CHECK 1858")]
    result = reconcile(lines, [E1, E2], SETTINGS)
    first, second = only_match(result, 1), only_match(result, 2)
    assert (first.entry_nos, first.confidence, first.kind) == ((1,), "high", "one_to_one")
    assert (second.entry_nos, second.confidence) == ((2,), "high")
    assert first.details[:3] == (
        "check number 1857 on the line and the entry",
        "amount -250.00 equal",
        "posted 4 days before the line",
    )
    assert "document 1858 found in the text" in second.details
    assert (first.difference, second.difference) == (0, 0)
    assert result.ties == ()
    assert result.unmatched == ()


def test_same_amount_checks_without_numbers_are_flagged_never_crossed() -> None:
    lines = [line(1, 5, -25000), line(2, 6, -25000)]
    result = reconcile(lines, [E1, E2], SETTINGS)
    assert result.matches == ()
    (tie,) = result.ties
    assert (tie.line_nos, tie.entry_nos) == ((1, 2), (1, 2))
    assert "-250.00" in tie.reason
    assert "none is matched" in tie.reason
    assert [u.line_no for u in result.unmatched] == [1, 2]
    assert unmatched(result, 1).reason == tie.reason
    assert {n.entry_no for n in unmatched(result, 1).near} == {1, 2}
    assert all(n.reason.startswith("tied: ") for n in unmatched(result, 2).near)


def test_reference_with_a_close_amount_is_low_with_the_difference() -> None:
    result = reconcile([line(1, 5, -23000, "CHECK 1857")], [E1], SETTINGS)
    match = only_match(result, 1)
    assert (match.entry_nos, match.confidence, match.difference) == ((1,), "low", 2000)
    assert "amount -230.00 close to the entry's -250.00: difference 20.00" in match.details


def test_fee_posted_ten_days_away_is_unmatched_with_the_date_reason() -> None:
    fee = entry(3, 1, -10000, description="Bank charge")
    result = reconcile([line(1, 11, -10000, "FEE")], [fee], SETTINGS)
    assert result.matches == ()
    missed = unmatched(result, 1)
    assert missed.near[0].entry_no == 3
    assert missed.near[0].reason == "posted 10 days before the line (tolerance 5)"
    assert missed.reason.startswith("no open entry of -100.00 within 5 days")


# -- one-to-many and many-to-one ---------------------------------------------------------------

CHECKS = [
    entry(12, 3, 10000, check_no="1001", description="Customer check"),
    entry(13, 3, 25000, check_no="1002", description="Customer check"),
    entry(14, 4, 40000, check_no="1003", description="Customer check"),
    entry(15, 1, 99900, "RCPT-0099", description="Other receipt"),
]


def test_deposit_line_matches_three_check_entries() -> None:
    result = reconcile([line(1, 5, 75000, "DEPOSIT")], CHECKS, SETTINGS)
    match = only_match(result, 1)
    assert (match.kind, match.entry_nos, match.difference) == ("one_to_many", (12, 13, 14), 0)
    assert match.confidence == "medium"
    assert match.details[0] == "deposit equals the sum of entries 12, 13, 14 (3 checks)"


def test_deposit_slip_listing_the_checks_is_high() -> None:
    text = "DEPOSIT CHECKS 1001, 1002 AND 1003"
    match = only_match(reconcile([line(1, 5, 75000, text)], CHECKS, SETTINGS), 1)
    assert (match.kind, match.entry_nos, match.confidence) == ("one_to_many", (12, 13, 14), "high")
    assert "entry 13: check number 1002 on the line and the entry" in match.details


def test_deposit_slip_naming_two_checks_is_a_group_not_a_close_amount() -> None:
    """Check 1002 alone is 25000 / 27000 of the slip: close, but the slip names two checks."""
    checks = [entry(13, 3, 25000, check_no="1002"), entry(16, 3, 2000, check_no="1004")]
    match = only_match(
        reconcile([line(1, 5, 27000, "DEPOSIT CHECKS 1002 1004")], checks, SETTINGS), 1
    )
    assert (match.kind, match.entry_nos, match.confidence) == ("one_to_many", (13, 16), "high")


def test_two_statement_lines_match_one_entry() -> None:
    run = entry(20, 4, -150000, "RUN-0001", description="Payment run")
    lines = [line(1, 5, -60000, "SUPPLIER A"), line(2, 5, -90000, "SUPPLIER B")]
    result = reconcile(lines, [run], SETTINGS)
    match = only_match(result, 2)
    assert (match.kind, match.line_nos, match.entry_nos) == ("many_to_one", (1, 2), (20,))
    assert (match.confidence, match.difference) == ("medium", 0)
    assert match.details[0] == "lines 1, 2 add up to entry 20 (2 lines)"
    assert result.match_of(1) is match
    assert result.by_line() == {1: match, 2: match}


def test_two_sets_adding_up_are_a_tie() -> None:
    entries = [entry(1, 3, 10000), entry(2, 3, 20000), entry(3, 3, 15000), entry(4, 3, 15000)]
    result = reconcile([line(1, 5, 30000, "DEPOSIT")], entries, SETTINGS)
    assert result.matches == ()
    (tie,) = result.ties
    assert tie.line_nos == (1,)
    assert set(tie.entry_nos) == {1, 2, 3, 4}


def test_a_set_among_many_small_amounts_is_not_proposed_as_chance() -> None:
    entries = [entry(10 + i, 3, 101 + i) for i in range(12)]  # 1.01 .. 1.12
    result = reconcile([line(1, 3, 101 + 102 + 103 + 104 + 105, "DEPOSIT")], entries, SETTINGS)
    assert result.matches == ()
    assert "may be chance" in unmatched(result, 1).reason


# -- evidence, uniqueness, ties ----------------------------------------------------------------


def test_conflicting_check_numbers_never_match_even_with_the_amount() -> None:
    result = reconcile([line(1, 5, -25000, "CHECK 1858")], [E1], SETTINGS)
    assert result.matches == ()
    assert unmatched(result, 1).near[0].reason == "check 1858 on the line, the entry is check 1857"


def test_unique_amount_is_medium() -> None:
    result = reconcile(
        [line(1, 5, -4321, "CARD")], [entry(7, 3, -4321), entry(8, 3, -5000)], SETTINGS
    )
    match = only_match(result, 1)
    assert (match.entry_nos, match.confidence) == ((7,), "medium")
    assert "the only entry and the only line of -43.21 within the date tolerance" in match.details


def test_amount_shared_by_two_lines_is_not_unique_for_the_entry() -> None:
    result = reconcile([line(1, 5, -4321), line(2, 6, -4321)], [entry(7, 3, -4321)], SETTINGS)
    assert result.matches == ()
    (tie,) = result.ties
    assert (tie.line_nos, tie.entry_nos) == ((1, 2), (7,))


def test_description_decides_between_same_amounts() -> None:
    entries = [
        entry(1, 3, -9900, description="Contoso rent"),
        entry(2, 3, -9900, description="Litware licence"),
    ]
    result = reconcile([line(1, 4, -9900, "LITWARE LICENCE MARCH")], entries, SETTINGS)
    match = only_match(result, 1)
    assert (match.entry_nos, match.confidence) == ((2,), "medium")
    assert "description 'Litware licence' found in the line text" in match.details


def test_party_name_is_evidence() -> None:
    entries = [
        entry(1, 3, -9900, party_name="Fabrikam Inc."),
        entry(2, 3, -9900, party_name="Contoso Ltd"),
    ]
    lines = [line(1, 4, -9900, "SEPA", counterparty_name="CONTOSO LIMITED")]
    match = only_match(reconcile(lines, entries, SETTINGS), 1)
    assert match.entry_nos == (2,)
    assert "counterparty name 100% similar to the entry's Contoso Ltd" in match.details


def test_equal_descriptions_in_the_same_order_tie() -> None:
    """Same amount, same description: pairing 1-1/2-2 and 1-2/2-1 score alike (13.5 crossed)."""
    entries = [
        entry(1, 1, -25000, description="Fabrikam"),
        entry(2, 2, -25000, description="Fabrikam"),
    ]
    lines = [line(1, 5, -25000, "FABRIKAM"), line(2, 6, -25000, "FABRIKAM")]
    result = reconcile(lines, entries, SETTINGS)
    assert result.matches == ()
    assert [(t.line_nos, t.entry_nos) for t in result.ties] == [((1, 2), (1, 2))]


def test_only_the_dates_decide_lowers_the_confidence() -> None:
    entries = [
        entry(1, 1, -9900, description="Bank fee"),
        entry(2, 4, -9900, description="Bank fee"),
    ]
    match = only_match(reconcile([line(1, 4, -9900, "BANK FEE")], entries, SETTINGS), 1)
    assert (match.entry_nos, match.confidence) == ((2,), "low")
    assert any("only the posting dates decided" in d for d in match.details)


def test_daily_fees_pair_by_date() -> None:
    entries = [entry(n, n, -500, description="Card fee") for n in range(1, 11)]
    lines = [line(n, n, -500, "CARD FEE") for n in range(1, 11)]
    result = reconcile(lines, entries, SETTINGS)
    assert [(m.line_nos, m.entry_nos) for m in result.matches] == [
        ((n,), (n,)) for n in range(1, 11)
    ]
    assert {m.confidence for m in result.matches} == {"low"}


def test_reference_beats_any_number_of_amount_matches() -> None:
    """Giving entry 1 to line 2 and entry 2 to line 1 would make two medium matches."""
    entries = [
        entry(1, 3, -25000, check_no="1857", description="Fabrikam"),
        entry(2, 3, -25000, description="Fabrikam"),
    ]
    lines = [line(1, 4, -25000, "CHECK 1857 FABRIKAM"), line(2, 4, -25000, "FABRIKAM")]
    result = reconcile(lines, entries, SETTINGS)
    assert only_match(result, 1).entry_nos == (1,)
    assert only_match(result, 1).confidence == "high"
    assert only_match(result, 2).entry_nos == (2,)


def test_once_the_reference_is_matched_the_other_amount_is_left_alone() -> None:
    lines = [line(1, 5, -25000, "CHECK 1857"), line(2, 6, -25000)]
    result = reconcile(lines, [E1, E2], SETTINGS)
    assert only_match(result, 1).entry_nos == (1,)
    second = only_match(result, 2)
    assert (second.entry_nos, second.confidence) == ((2,), "medium")
    assert any("once the others were matched" in d for d in second.details)


def test_end_to_end_id_is_a_reference() -> None:
    payment = entry(5, 3, -120000, "PMT-7", external_document_no="E2E-2026-0042")
    lines = [line(1, 4, -120000, "SEPA CT", end_to_end_id="E2E-2026-0042")]
    match = only_match(reconcile(lines, [payment, entry(6, 3, -120000)], SETTINGS), 1)
    assert (match.entry_nos, match.confidence) == ((5,), "high")
    assert "end-to-end id E2E-2026-0042 is the entry's external document number" in match.details


def test_line_without_a_date_may_match_any_date() -> None:
    result = reconcile([line(1, None, -25000, "CHECK 1857")], [E1], SETTINGS)
    match = only_match(result, 1)
    assert match.entry_nos == (1,)
    assert "the line has no date" in match.details


# -- gates and near misses ---------------------------------------------------------------------


def test_near_misses_say_why() -> None:
    entries = [
        entry(1, 4, -20000, "INV-7788"),  # named, amount far off
        entry(2, 4, 10000),  # opposite sign
        entry(3, 4, -10020),  # 0.20 away
    ]
    result = reconcile([line(1, 5, -10000, "PAYMENT INV-7788")], entries, SETTINGS)
    reasons = {n.entry_no: n.reason for n in unmatched(result, 1).near}
    assert reasons[1] == "document INV-7788 found in the text; amount differs by 100.00"
    assert reasons[3] == "amount differs by 0.20"


def test_opposite_sign_is_never_matched() -> None:
    result = reconcile(
        [line(1, 5, 10000, "CHECK 1857")], [entry(1, 5, -10000, check_no="1857")], SETTINGS
    )
    assert result.matches == ()
    assert (
        unmatched(result, 1)
        .near[0]
        .reason.startswith("sign differs: money in cannot match money out")
    )


def test_taken_entry_names_its_holder() -> None:
    lines = [line(4, 5, -25000, "CHECK 1857"), line(5, 5, -23000, "CHECK 1857 PART")]
    result = reconcile(lines, [E1], SETTINGS)
    assert only_match(result, 4).entry_nos == (1,)
    assert unmatched(result, 5).near[0].reason == "taken by line 4 with a check-number match"


def test_fixed_entries_are_not_candidates() -> None:
    result = reconcile([line(1, 5, -25000, "CHECK 1857")], [E1], SETTINGS, fixed_entries={1})
    assert result.matches == ()
    assert unmatched(result, 1).near[0].reason == "matched manually to another line"


def test_zero_amount_line_is_unmatched() -> None:
    assert (
        unmatched(reconcile([line(1, 5, 0)], [E1], SETTINGS), 1).reason == "the line amount is zero"
    )


def test_date_tolerance_zero_means_the_same_day() -> None:
    result = reconcile([line(1, 2, -25000, "CHECK 1858")], [E2], RecSettings(days=0))
    assert only_match(result, 1).entry_nos == (2,)
    result = reconcile([line(1, 3, -25000, "CHECK 1858")], [E2], RecSettings(days=0))
    assert unmatched(result, 1).near[0].reason == "posted 1 day before the line (tolerance 0)"


# -- manual ranking ----------------------------------------------------------------------------


def test_rank_entries_is_best_first_with_the_gates_off() -> None:
    far = entry(9, 20, -25000, check_no="1857")  # posted after the tolerance
    ranked = rank_entries(line(1, 5, -25000, "CHECK 1857"), [E1, E2, far], SETTINGS)
    assert [c.entry_nos for c in ranked][:2] == [(1,), (9,)]
    assert (ranked[0].confidence, ranked[0].blocked_reason) == ("high", "")
    assert ranked[1].blocked_reason == "posted 15 days after the line (tolerance 5)"
    assert ranked[2].entry_nos == (2,)
    assert ranked[2].blocked_reason.startswith("2 entries have")


def test_rank_entries_offers_a_set_of_entries() -> None:
    ranked = rank_entries(line(1, 5, 75000, "DEPOSIT CHECKS 1001 1002 1003"), CHECKS, SETTINGS)
    assert ranked[0].entry_nos == (12, 13, 14)
    assert ranked[0].confidence == "high"


def test_rank_entries_limit() -> None:
    entries = [entry(n, 3, -1000 * n) for n in range(1, 30)]
    assert len(rank_entries(line(1, 5, -5000), entries, SETTINGS, limit=4)) == 4
    assert rank_entries(line(1, 5, 0), entries, SETTINGS) == ()
