"""What the receivables use cases share: open-amount arithmetic and the applied-entry report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bankrec.db import ledger_repo, receivables_repo
from bankrec.db.ledgers import PartyLedger
from bankrec.db.models import Application, BankAccount
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.money import from_minor
from bankrec.errors import BlockedError, NotFoundError, SetupError
from bankrec.services.numbering import next_number


def amount_after_discount(
    remaining: int, discount_remaining: int, discount_date: date | None, on: date
) -> int:
    """What settles an entry when paid on ``on``: less the discount up to its discount date."""
    if discount_date is None or on > discount_date:
        return remaining
    return remaining - discount_remaining


@dataclass(frozen=True)
class AppliedEntry:
    """What one application did to one entry, in the entry's own sign (an invoice's amounts are
    positive, a credit memo's negative)."""

    entry_no: int
    document_no: str
    applied_amount: Decimal
    discount: Decimal
    tolerance: Decimal
    remaining_after: Decimal

    def as_json(self) -> dict[str, object]:
        return {
            "entry_no": self.entry_no,
            "document_no": self.document_no,
            "applied_amount": str(self.applied_amount),
            "discount": str(self.discount),
            "tolerance": str(self.tolerance),
            "remaining_after": str(self.remaining_after),
        }


@dataclass(frozen=True)
class ApplicationReport:
    """The targets of one application in the order they were applied, and what the applying
    entry has left (in its own sign)."""

    applied: list[AppliedEntry]
    applying_remaining: int


def report_application(
    session: Session,
    ledger: PartyLedger,
    application: Application,
    decimals: int,
    order: Sequence[int] = (),
) -> ApplicationReport:
    """Read back what ``application`` posted; targets follow ``order`` (then entry order)."""
    rows = receivables_repo.application_rows(session, ledger, application.id)
    applying_no = application.applying_entry_no
    states = ledger_repo.entry_states(session, ledger, [applying_no, *(r.entry_no for r in rows)])
    position = {no: index for index, no in enumerate(order)}
    targets = sorted(
        (r for r in rows if r.entry_no != applying_no),
        key=lambda r: (position.get(r.entry_no, len(position)), r.entry_no),
    )

    def money(minor: int) -> Decimal:
        return from_minor(minor, decimals)

    applied = [
        AppliedEntry(
            entry_no=r.entry_no,
            document_no=r.document_no,
            applied_amount=money(-r.applied),
            discount=money(-r.discount),
            tolerance=money(-r.tolerance),
            remaining_after=money(states[r.entry_no].remaining),
        )
        for r in targets
    ]
    return ApplicationReport(applied, states[applying_no].remaining)


def journal_document_no(setup: LedgerSetup, given: str | None, option: str) -> str:
    """``given``, else the next number of the company's journal series, else a clear refusal."""
    if given:
        return given
    series = setup.company.journal_series
    if series:
        return next_number(setup.session, series)
    raise SetupError(
        f"no {option} given and the company has no journal number series; pass {option} or "
        "set a series with `bankrec company set --journal-series CODE`"
    )


def bank_account(setup: LedgerSetup, no: str) -> BankAccount:
    bank = setup.bank(no)
    if bank is None:
        raise NotFoundError(f"bank account {no} does not exist; list them with `bankrec bank list`")
    if bank.blocked:
        raise BlockedError(f"bank account {bank.no} ({bank.name}) is blocked")
    return bank
