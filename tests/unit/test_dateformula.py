from __future__ import annotations

from datetime import date

import pytest

from bankrec.domain.dateformula import parse_date_formula


@pytest.mark.parametrize(
    ("formula", "base", "expected"),
    [
        ("30D", date(2026, 1, 15), date(2026, 2, 14)),
        ("14D", date(2026, 12, 25), date(2027, 1, 8)),
        ("2W", date(2026, 3, 2), date(2026, 3, 16)),
        ("1M", date(2026, 1, 31), date(2026, 2, 28)),
        ("CM", date(2026, 2, 10), date(2026, 2, 28)),
        ("CM+15D", date(2026, 10, 3), date(2026, 11, 15)),
        ("CQ", date(2026, 5, 5), date(2026, 6, 30)),
        ("CY", date(2026, 5, 5), date(2026, 12, 31)),
        ("CW", date(2026, 11, 18), date(2026, 11, 22)),
        ("1Q", date(2026, 11, 30), date(2027, 2, 28)),
        ("-1Y", date(2024, 2, 29), date(2023, 2, 28)),
        ("cm + 1d", date(2026, 4, 10), date(2026, 5, 1)),
    ],
)
def test_date_formulas(formula: str, base: date, expected: date) -> None:
    assert parse_date_formula(formula).apply(base) == expected


@pytest.mark.parametrize("formula", ["", "30", "D30", "1X", "30D+", "CMX"])
def test_bad_formulas_name_the_problem(formula: str) -> None:
    with pytest.raises(ValueError, match="date formula"):
        parse_date_formula(formula)
