"""Use case: create draft reminders (Business Central's Reminder-Make, cu 392).

For each customer with reminder terms, one draft per currency of its open entries, when an
open positive entry that is not on hold is overdue for its next level (see
``domain.reminder_levels``). No reminder is made, and the pair is reported as skipped, when the
customer is blocked, a draft already exists for it, or the overdue total converted to local
currency on the posting date is below the terms' minimum amount. The lines, fees, interest and
texts are built by ``reminder_lines``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bankrec.db import reminders_repo
from bankrec.db.models import Customer
from bankrec.db.reminders_repo import RemindedAt
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.money import format_minor
from bankrec.domain.reminder_levels import ReminderHistory, next_level
from bankrec.errors import ConflictError, InputError, MissingExchangeRateError, NotFoundError
from bankrec.services.collections.reminder_lines import (
    CurrencyPlan,
    ReminderDraft,
    build_reminder,
)
from bankrec.services.collections.reminder_setup import TermsSetup, load_terms
from bankrec.services.database import Database


@dataclass(frozen=True)
class CreateRequest:
    """Remind on ``document_date``; post on ``posting_date`` (default: the document date)."""

    document_date: date
    posting_date: date | None = None
    customer_nos: tuple[str, ...] = ()
    """Only these customers; empty: every customer with reminder terms."""


@dataclass(frozen=True)
class Skipped:
    customer_no: str
    currency: str | None
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"customer_no": self.customer_no, "currency": self.currency, "reason": self.reason}


@dataclass(frozen=True)
class CreateResult:
    created: tuple[ReminderDraft, ...]
    skipped: tuple[Skipped, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "created": [draft.as_json() for draft in self.created],
            "skipped": [skipped.as_json() for skipped in self.skipped],
        }


def create_reminders(db: Database, request: CreateRequest, user: str) -> CreateResult:
    """Make the draft reminders due on the document date, all in one transaction."""
    posting_date = request.posting_date or request.document_date
    if posting_date < request.document_date:
        raise InputError(
            f"--posting-date {posting_date} is before --date {request.document_date}; a "
            "reminder is posted on or after its document date"
        )
    with db.transaction() as session:
        try:
            result = _make_all(session, request, posting_date, user)
            session.flush()
        except IntegrityError:
            # The unique draft per customer and currency, or the unique number, was taken.
            raise ConflictError(
                "another user created reminders at the same time; run `bankrec reminder create` "
                "again"
            ) from None
        return result


def _make_all(
    session: Session, request: CreateRequest, posting_date: date, user: str
) -> CreateResult:
    setup = LedgerSetup(session)
    created: list[ReminderDraft] = []
    skipped: list[Skipped] = []
    terms_by_code: dict[str, TermsSetup] = {}
    for customer in _customers(session, request.customer_nos, skipped):
        code = customer.reminder_terms_code
        assert code is not None, "_customers returns customers with reminder terms only"
        if code not in terms_by_code:
            terms_by_code[code] = load_terms(session, code)
        terms = terms_by_code[code]
        for plan in plan_customer(session, terms, customer.no, request.document_date):
            reason = _refusal(setup, terms, customer, plan, posting_date)
            if reason:
                skipped.append(Skipped(customer.no, plan.currency, reason))
                continue
            created.append(
                build_reminder(
                    setup, terms, customer, plan, request.document_date, posting_date, user
                )
            )
    return CreateResult(tuple(created), tuple(skipped))


def plan_customer(
    session: Session, terms: TermsSetup, customer_no: str, document_date: date
) -> list[CurrencyPlan]:
    """Sort the customer's open entries per currency; only currencies with overdue entries."""
    entries = reminders_repo.open_entries(session, customer_no)
    entry_nos = [open_entry.entry.entry_no for open_entry in entries]
    held = reminders_repo.held_entry_nos(session, entry_nos)
    histories = histories_of(reminders_repo.reminded_at(session, entry_nos))
    plans: dict[str, CurrencyPlan] = {}
    for open_entry in entries:
        entry = open_entry.entry
        plan = plans.setdefault(entry.currency_code, CurrencyPlan(entry.currency_code))
        due = entry.due_date or entry.posting_date
        if open_entry.remaining < 0:
            plan.not_due.append(open_entry)  # payments and credit memos: for information
        elif entry.entry_no in held:
            plan.on_hold.append(open_entry)
        else:
            decision = next_level(
                terms.rules,
                histories.get(entry.entry_no, ReminderHistory()),
                due,
                document_date,
                terms.terms.max_reminders,
            )
            if decision.overdue and decision.level_no is not None:
                plan.overdue.append((open_entry, decision.level_no))
            elif due >= document_date:
                plan.not_due.append(open_entry)
    return [plans[c] for c in sorted(plans) if plans[c].overdue]


def histories_of(rows: Iterable[RemindedAt]) -> dict[int, ReminderHistory]:
    """Each entry's reminder history from its reminder lines (in document order)."""
    by_entry: dict[int, list[RemindedAt]] = defaultdict(list)
    for row in rows:
        by_entry[row.entry_no].append(row)
    histories: dict[int, ReminderHistory] = {}
    for entry_no, group in by_entry.items():
        issued = [row for row in group if row.status == "issued"]
        last = issued[-1] if issued else None
        histories[entry_no] = ReminderHistory(
            last_level=last.level_no if last else 0,
            last_due_date=last.due_date if last else None,
            reminders=len(issued),
            reminded_on=frozenset(row.document_date for row in group),
        )
    return histories


def _customers(
    session: Session, customer_nos: Sequence[str], skipped: list[Skipped]
) -> list[Customer]:
    if not customer_nos:
        return reminders_repo.customers_with_reminder_terms(session)
    customers: list[Customer] = []
    for no in dict.fromkeys(customer_nos):
        customer = session.get(Customer, no)
        if customer is None:
            raise NotFoundError(f"customer {no} does not exist; check --customer")
        if customer.reminder_terms_code is None:
            skipped.append(Skipped(no, None, "the customer has no reminder terms"))
        else:
            customers.append(customer)
    return customers


def _refusal(
    setup: LedgerSetup,
    terms: TermsSetup,
    customer: Customer,
    plan: CurrencyPlan,
    posting_date: date,
) -> str | None:
    """Why no reminder is made for this customer and currency, or None."""
    if customer.blocked:
        return f"customer {customer.no} is blocked"
    draft = reminders_repo.draft_no(setup.session, customer.no, plan.currency)
    if draft is not None:
        return f"draft reminder {draft} exists; issue or cancel it first"
    overdue = sum(open_entry.remaining for open_entry, _ in plan.overdue)
    minimum = terms.terms.minimum_amount_minor
    if minimum and _to_lcy(setup, overdue, plan.currency, posting_date) < minimum:
        return (
            f"overdue amount {format_minor(overdue, setup.decimals[plan.currency])} "
            f"{plan.currency} is below the minimum amount "
            f"{format_minor(minimum, setup.lcy_decimals)} {setup.lcy} of reminder terms "
            f"{terms.terms.code}"
        )
    return None


def _to_lcy(setup: LedgerSetup, amount: int, currency: str, on: date) -> int:
    rate = setup.rate(currency, on)
    if rate is None:
        raise MissingExchangeRateError(
            f"no {currency} exchange rate on or before {on}; add one with "
            f"`bankrec rate add {currency} --date {on} --rate RATE`"
        )
    return setup.to_lcy(amount, currency, rate)
