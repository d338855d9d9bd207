from __future__ import annotations

from datetime import date
from decimal import Decimal

from bankrec.domain.dedupe import dedupe_keys
from bankrec.domain.statement import StatementLine


def line(amount: str, ref: str = "", text: str = "", day: int = 2) -> StatementLine:
    return StatementLine(
        booking_date=date(2026, 3, day),
        amount=Decimal(amount),
        currency="EUR",
        bank_reference=ref,
        remittance=text,
    )


def test_identical_lines_get_distinct_keys_that_repeat_across_files() -> None:
    first = dedupe_keys([line("5.00", text="Coffee"), line("5.00", text="Coffee")])
    assert len(set(first)) == 2
    assert dedupe_keys([line("5.00", text="Coffee"), line("5.00", text="Coffee")]) == first


def test_bank_id_wins_over_content_and_placeholders_do_not_count() -> None:
    assert dedupe_keys([line("5.00", "FIT1", "a")]) == dedupe_keys([line("5.00", "FIT1", "b")])
    assert dedupe_keys([line("5.00", "NONREF", "a")]) != dedupe_keys([line("5.00", "NONREF", "b")])


def test_amount_precision_and_whitespace_do_not_change_the_key() -> None:
    assert dedupe_keys([line("5.00", text="A  b")]) == dedupe_keys([line("5.000", text="a b")])


def test_batch_lines_sharing_a_bank_id_stay_apart() -> None:
    keys = dedupe_keys([line("5.00", "BATCH-1"), line("7.00", "BATCH-1"), line("5.00", "BATCH-1")])
    assert len(set(keys)) == 3
