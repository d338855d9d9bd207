"""One payment for several open entries of a party: the bounded subset-sum search."""

from __future__ import annotations

from datetime import date, timedelta

from bankrec.matching import Settings
from bankrec.matching.subsets import StepBudget, find_subsets
from tests.matching.factories import IBAN_C1, customer, invoice, line, run

PARTIES = (customer("C1", "Contoso Ltd", IBAN_C1), customer("C2", "Fabrikam"))
AMOUNTS = (12000, 34500, 7800, 91000, 15550, 22000, 64300, 5025)


def _eight_invoices() -> tuple:  # type: ignore[type-arg]
    return tuple(
        invoice(10 + i, "C1", amount, f"SI-{500 + i}", due=date(2026, 3, 1) + timedelta(days=i))
        for i, amount in enumerate(AMOUNTS)
    )


def test_payment_of_three_of_eight_invoices_is_found() -> None:
    total = AMOUNTS[1] + AMOUNTS[4] + AMOUNTS[7]
    result = run([line(1, total, account=IBAN_C1, text="THANKS")], _eight_invoices(), PARTIES).line(
        1
    )
    assert [a.entry_no for a in result.applications] == [11, 14, 17]
    assert result.difference == 0
    assert (result.confidence, result.score) == ("high", 3991)  # Fully / No / One
    assert result.evidence.doc_match == "no"
    assert (
        "amount 550.75 equals the sum of 3 open entries of customer C1 (SI-501, SI-504, SI-507)"
        in (result.details)
    )


def test_named_subset_counts_as_yes_multiple() -> None:
    total = AMOUNTS[0] + AMOUNTS[2]
    text = "SI-500 SI-502 SI-503"  # three named, only two paid
    result = run([line(1, total, account=IBAN_C1, text=text)], _eight_invoices(), PARTIES).line(1)
    assert [a.entry_no for a in result.applications] == [10, 12]
    assert result.evidence.doc_match == "yes_multiple"
    assert result.score == 3998


def test_two_fitting_subsets_are_flagged_not_applied() -> None:
    entries = (
        invoice(1, "C1", 10000, "A-1"),
        invoice(2, "C1", 20000, "A-2"),
        invoice(3, "C1", 30000, "A-3"),
        invoice(4, "C1", 40000, "A-4"),
    )
    # 500.00 is A-1 + A-4 and also A-2 + A-3: which invoices were paid cannot be told.
    result = run([line(1, 50000, account=IBAN_C1)], entries, PARTIES).line(1)
    assert result.applications == ()
    assert any("two different sets" in d for d in result.details)


def test_search_budget_exhaustion_is_deterministic() -> None:
    amounts = [2 * (1000 + 37 * i) for i in range(20)]
    odd = sum(amounts) // 2 + 1  # even amounts never sum to an odd total: search everything
    first = find_subsets(amounts, odd, odd, StepBudget(5000))
    second = find_subsets(amounts, odd, odd, StepBudget(5000))
    assert first == second
    assert not first.complete
    assert first.steps == 5000
    empty = StepBudget(0)
    assert not find_subsets([1, 2], 3, 3, empty).complete


def test_search_finds_and_stops_at_two() -> None:
    budget = StepBudget(10_000)
    result = find_subsets([4, 3, 2, 1], 5, 5, budget)
    assert result.complete
    assert len(result.subsets) == 2
    assert result.unique is None
    single = find_subsets([4, 3, 9], 7, 7, StepBudget(100))
    assert single.unique == (0, 1)
    assert budget.left == 10_000 - result.steps


def test_no_budget_means_no_subset_proposal() -> None:
    total = AMOUNTS[1] + AMOUNTS[4]
    settings = Settings(subset_sum_budget_ms=0)
    result = run(
        [line(1, total, account=IBAN_C1)], _eight_invoices(), PARTIES, settings=settings
    ).line(1)
    assert result.applications == ()
    assert any("search budget" in d for d in result.details)
