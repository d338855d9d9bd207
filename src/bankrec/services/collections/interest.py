"""Interest on customer entries under finance charge terms, read from the ledger in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from bankrec.db import collections_repo
from bankrec.db.models_collections import FinanceChargeTerms
from bankrec.domain.interest import InterestLine, InterestRate, Movement, entry_interest


def terms_rates(session: Session, terms: FinanceChargeTerms) -> list[InterestRate]:
    return [
        InterestRate(r.start_date, r.interest_rate, r.interest_period_days)
        for r in collections_repo.finance_charge_rates(session, terms.code)
    ]


def entry_interest_lines(
    session: Session,
    terms: FinanceChargeTerms,
    entry_nos: Sequence[int],
    document_date: date,
    decimals: int,
) -> dict[int, list[InterestLine]]:
    """Interest lines per customer entry on ``document_date`` under ``terms``.

    Entries on hold, entries without a due date and entries with nothing to charge are left
    out. Interest already charged by an issued memo or reminder is not charged again: the
    average daily balance counts from that document's date on.
    """
    held = collections_repo.held_entry_nos(session, entry_nos)
    wanted = [no for no in entry_nos if no not in held]
    if not wanted:
        return {}
    history = collections_repo.movements(session, wanted, document_date)
    floors = collections_repo.interest_charged_until(session, wanted)
    rates = terms_rates(session, terms)
    entries = collections_repo.customer_entries(session, wanted)
    result: dict[int, list[InterestLine]] = {}
    for entry_no in wanted:
        entry = entries.get(entry_no)
        if entry is None or entry.due_date is None:
            continue
        moves = [Movement(day, amount) for day, amount in history.get(entry_no, [])]
        lines = entry_interest(
            terms.method,
            terms.interest_rate,
            terms.interest_period_days,
            rates,
            entry.due_date,
            moves,
            sum(m.amount for m in moves),
            document_date,
            floors.get(entry_no),
            decimals,
        )
        if lines:
            result[entry_no] = lines
    return result
