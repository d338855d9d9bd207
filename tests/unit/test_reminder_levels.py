"""Next reminder level of an entry, its grace period, max reminders and level texts."""

from __future__ import annotations

from datetime import date

from bankrec.domain.dateformula import parse_date_formula
from bankrec.domain.reminder_levels import (
    LevelDecision,
    LevelRule,
    ReminderHistory,
    applicable_level,
    next_level,
)

LEVELS = (
    LevelRule(2, parse_date_formula("10D")),
    LevelRule(1, parse_date_formula("5D")),
    LevelRule(3, parse_date_formula("0D")),
)
DUE = date(2026, 3, 3)


def decide(history: ReminderHistory, on: date, max_reminders: int = 0) -> LevelDecision:
    return next_level(LEVELS, history, DUE, on, max_reminders)


def test_first_level_counts_grace_from_the_entry_due_date() -> None:
    # 2026-03-03 + 5D = 2026-03-08: overdue only after that day
    assert decide(ReminderHistory(), date(2026, 3, 8)) == LevelDecision(1, False, DUE)
    assert decide(ReminderHistory(), date(2026, 3, 9)) == LevelDecision(1, True, DUE)


def test_next_level_counts_grace_from_the_last_reminder_due_date() -> None:
    history = ReminderHistory(last_level=1, last_due_date=date(2026, 3, 20), reminders=1)
    # level 2: 2026-03-20 + 10D = 2026-03-30
    assert decide(history, date(2026, 3, 30)) == LevelDecision(2, False, date(2026, 3, 20))
    assert decide(history, date(2026, 3, 31)) == LevelDecision(2, True, date(2026, 3, 20))


def test_more_reminders_than_levels_repeat_the_highest_level() -> None:
    history = ReminderHistory(last_level=3, last_due_date=date(2026, 4, 10), reminders=3)
    assert decide(history, date(2026, 4, 11)) == LevelDecision(3, True, date(2026, 4, 10))
    assert decide(history, date(2026, 4, 10)) == LevelDecision(3, False, date(2026, 4, 10))


def test_max_reminders_stops_further_levels() -> None:
    history = ReminderHistory(last_level=2, last_due_date=date(2026, 3, 20), reminders=2)
    assert decide(history, date(2026, 5, 1), max_reminders=2) == LevelDecision(None, False, None)
    assert decide(history, date(2026, 5, 1), max_reminders=3) == LevelDecision(
        3, True, date(2026, 3, 20)
    )


def test_an_entry_reminded_on_the_document_date_is_not_reminded_again() -> None:
    history = ReminderHistory(reminded_on=frozenset({date(2026, 3, 9)}))
    assert decide(history, date(2026, 3, 9)) == LevelDecision(1, False, DUE)
    assert decide(history, date(2026, 3, 10)) == LevelDecision(1, True, DUE)


def test_terms_without_levels_never_remind() -> None:
    assert next_level((), ReminderHistory(), DUE, date(2027, 1, 1), 0) == LevelDecision(
        None, False, None
    )


def test_applicable_level_is_the_highest_defined_up_to_the_wanted_one() -> None:
    sparse = (LevelRule(1, parse_date_formula("0D")), LevelRule(4, parse_date_formula("1D")))
    assert applicable_level(sparse, 3).level_no == 1
    assert applicable_level(sparse, 9).level_no == 4
    assert applicable_level(sparse[1:], 1).level_no == 4
