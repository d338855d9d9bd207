"""Which reminder level an open entry reaches next, and whether it is overdue for it.

Business Central's Reminder-Make (cu 392): an entry's next level is its last issued level
plus one; when it has had more reminders than there are levels, the highest level's conditions
apply again. The grace period of that level counts from the due date of the last issued,
non-canceled reminder that reminded the entry, or from the entry's own due date when none has.
The entry is overdue when that date lies before the reminder's document date. Max. No. of
Reminders (0: no limit) stops further reminders; an entry already reminded on the document
date is not reminded again that day, so running ``create`` twice makes no duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bankrec.domain.dateformula import DateFormula


@dataclass(frozen=True)
class LevelRule:
    """One level of reminder terms, as far as choosing it goes."""

    level_no: int
    grace_period: DateFormula


@dataclass(frozen=True)
class ReminderHistory:
    """What issued, non-canceled reminders did to one entry."""

    last_level: int = 0
    """The highest level it was reminded at; 0 when never."""
    last_due_date: date | None = None
    """The due date of the last such reminder."""
    reminders: int = 0
    """How many such reminders reminded it."""
    reminded_on: frozenset[date] = frozenset()
    """Document dates of the draft and issued reminders that list it as overdue."""


@dataclass(frozen=True)
class LevelDecision:
    """The level an entry is at next and whether the reminder of ``document_date`` covers it.

    ``level_no`` is None when the terms define no level or the entry had its maximum number of
    reminders.
    """

    level_no: int | None
    overdue: bool
    base_date: date | None


def next_level(
    levels: Sequence[LevelRule],
    history: ReminderHistory,
    entry_due_date: date,
    document_date: date,
    max_reminders: int,
) -> LevelDecision:
    """Decide for one open entry; ``levels`` may come in any order."""
    if not levels or (max_reminders and history.reminders >= max_reminders):
        return LevelDecision(None, False, None)
    rule = applicable_level(levels, history.last_level + 1)
    base = history.last_due_date if history.last_due_date is not None else entry_due_date
    overdue = (
        rule.grace_period.apply(base) < document_date and document_date not in history.reminded_on
    )
    return LevelDecision(rule.level_no, overdue, base)


def applicable_level(levels: Sequence[LevelRule], wanted: int) -> LevelRule:
    """The level numbered ``wanted``, or the highest defined level below it."""
    candidates = [level for level in levels if level.level_no <= wanted]
    if not candidates:
        return min(levels, key=lambda level: level.level_no)
    return max(candidates, key=lambda level: level.level_no)
