"""The user's decisions on proposed applications: accept (BC 5.10, with the on-account rest of
an overpayment) and reject (remembering what was rejected so a re-apply does not propose it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bankrec.db import payment_repo
from bankrec.db.models import PaymentJournal, PaymentJournalLine
from bankrec.db.payment_repo import NewApplication
from bankrec.errors import InputError, PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.payjournal.common import (
    CONFIDENCE_RANK,
    get_line,
    journal_currency,
    line_difference,
    money,
    open_journal,
    rejected_targets,
)

MIN_CONFIDENCES = ("high", "medium", "low")


def _unique(numbers: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(numbers))


def _selected_for_accept(
    journal: PaymentJournal, line_nos: Sequence[int], min_confidence: str
) -> list[PaymentJournalLine]:
    if line_nos:
        return [get_line(journal, n) for n in _unique(line_nos)]
    floor = CONFIDENCE_RANK[min_confidence]
    return [
        line
        for line in journal.lines
        if line.applications
        and line.confidence != "accepted"
        and CONFIDENCE_RANK[line.confidence] >= floor
    ]


def _on_account_rest(
    journal: PaymentJournal, line: PaymentJournalLine, places: int
) -> NewApplication | None:
    """What an overpaid line puts on account of its customer or vendor (BC 5.10)."""
    difference = line_difference(line)
    if difference == 0:
        return None
    first = line.applications[0]
    if first.account_type == "bank":
        raise PaymentJournalError(
            f"payment journal {journal.id}, line {line.line_no}: the remaining amount to apply "
            f"is {money(difference, places)}; apply it manually or use `bankrec pay "
            f"transfer-diff {journal.id} {line.line_no}`"
        )
    return NewApplication(
        account_type=first.account_type,
        account_no=first.account_no,
        applied_minor=difference,
        confidence="accepted",
        origin="on_account",
    )


def accept(
    db: Database,
    journal_id: int,
    line_nos: Sequence[int] = (),
    min_confidence: str = "high",
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Accept the applications of the given lines, or of every line at or above
    ``min_confidence``; an overpaid line gets an on-account application of its difference.

    Returns ``{"journal", "accepted", "already_accepted", "on_account", "version"}``."""
    if min_confidence not in MIN_CONFIDENCES:
        raise InputError(
            f'minimum confidence "{min_confidence}" is not one of {", ".join(MIN_CONFIDENCES)}'
        )
    with db.transaction() as session:
        journal = open_journal(session, journal_id, expected_version)
        _, places = journal_currency(session, journal)
        accepted: list[int] = []
        already: list[int] = []
        on_account: list[dict[str, Any]] = []
        for line in _selected_for_accept(journal, line_nos, min_confidence):
            if not line.applications:
                raise PaymentJournalError(
                    f"payment journal {journal.id}, line {line.line_no} has no application to "
                    f"accept; apply it first (`bankrec pay apply-manual {journal.id} "
                    f"{line.line_no} --entry E` or `bankrec pay transfer-diff`)"
                )
            if line.confidence == "accepted" and line_difference(line) == 0:
                already.append(line.line_no)
                continue
            rest = _on_account_rest(journal, line, places)
            if rest is not None:
                payment_repo.add_application(session, line, rest)
                on_account.append(
                    {
                        "line": line.line_no,
                        "account_type": rest.account_type,
                        "account_no": rest.account_no,
                        "amount": money(rest.applied_minor, places),
                    }
                )
            for application in line.applications:
                application.confidence = "accepted"
            line.confidence, line.status, line.reviewed = "accepted", "accepted", True
            accepted.append(line.line_no)
        if accepted:
            payment_repo.bump_version(journal)
        session.flush()
        return {
            "journal": journal.id,
            "accepted": accepted,
            "already_accepted": already,
            "on_account": on_account,
            "version": journal.version,
        }


def _remember_rejected(line: PaymentJournalLine) -> None:
    targets = rejected_targets(line)
    for application in line.applications:
        target = {
            "account_type": application.account_type,
            "account_no": application.account_no,
            "entry_no": application.entry_no,
        }
        if target not in targets:
            targets.append(target)
    line.rejected_json = json.dumps(targets) if targets else ""


def reject(
    db: Database, journal_id: int, line_nos: Sequence[int], expected_version: int | None = None
) -> dict[str, Any]:
    """Remove the applications of the given lines and remember their targets as rejected.

    Returns ``{"journal", "rejected", "removed_applications", "version"}``."""
    if not line_nos:
        raise InputError("name the lines to reject, like `bankrec pay reject 3 2 5`")
    with db.transaction() as session:
        journal = open_journal(session, journal_id, expected_version)
        lines = [get_line(journal, n) for n in _unique(line_nos)]
        removed = 0
        for line in lines:
            _remember_rejected(line)
            removed += len(line.applications)
            payment_repo.replace_applications(session, line, [])
            line.confidence, line.score, line.status = "none", 0, "rejected"
            line.match_json, line.reviewed = "", True
        payment_repo.bump_version(journal)
        session.flush()
        return {
            "journal": journal.id,
            "rejected": [line.line_no for line in lines],
            "removed_applications": removed,
            "version": journal.version,
        }
