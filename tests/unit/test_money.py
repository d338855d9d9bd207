from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bankrec.domain.money import (
    allocate,
    format_minor,
    from_minor,
    parse_amount,
    quantize,
    round_div,
    to_decimal,
    to_minor,
)


@pytest.mark.parametrize(
    "text", ["12,3,4", "1e3", "1E3", "NaN", "inf", "", " ", "1.2.3", "1,000.00", "--1", "€5"]
)
def test_parse_amount_refuses_what_is_not_a_plain_decimal(text: str) -> None:
    with pytest.raises(ValueError, match="plain decimal"):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "value"), [("1250.50", "1250.50"), ("-0.01", "-0.01"), ("+7", "7"), (".5", "0.5")]
)
def test_parse_amount_reads_plain_decimals_exactly(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_decimal(0.1)  # type: ignore[arg-type]  # the point: a float must not get through
    with pytest.raises(TypeError):
        to_decimal(True)  # bool is an int subclass, and still refused


def test_minor_units_are_exact_and_refuse_extra_decimals() -> None:
    assert to_minor(Decimal("1250.05"), 2) == 125005
    assert to_minor(Decimal("-3"), 0) == -3
    assert to_minor(Decimal("1.234"), 3) == 1234
    with pytest.raises(ValueError, match="more than 2 decimals"):
        to_minor(Decimal("1.005"), 2)
    assert str(from_minor(125005, 2)) == "1250.05"
    assert format_minor(-5, 2) == "-0.05"
    assert format_minor(7, 0) == "7"


def test_rounding_is_half_away_from_zero() -> None:
    assert quantize(Decimal("0.125"), 2) == Decimal("0.13")
    assert quantize(Decimal("-0.125"), 2) == Decimal("-0.13")
    assert round_div(5, 2) == 3
    assert round_div(-5, 2) == -3


def test_allocate_largest_remainder() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(10, [0, 5, 5]) == [0, 5, 5]


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=12),
)
def test_allocate_keeps_the_total_and_stays_within_a_unit(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(total) * weight / sum(weights)
        assert abs(Decimal(part) - exact) < 1


@given(cents=st.integers(min_value=-(10**15), max_value=10**15), places=st.integers(0, 4))
def test_minor_round_trip(cents: int, places: int) -> None:
    assert to_minor(from_minor(cents, places), places) == cents
