"""Use case: apply posted open entries to each other (BC Apply Entries, Post Application).

A payment posted on account applied later to an invoice, a credit memo applied to an invoice,
and the same for vendors. The application posts as its own transaction on the latest posting
date of the entries involved unless a date is given, under the applying entry's document no.;
``bankrec unapply`` undoes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bankrec.db import ledger_repo
from bankrec.db.ledger_repo import EntryState
from bankrec.db.ledgers import CUSTOMERS, VENDORS, PartyLedger
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import TransactionSource
from bankrec.domain.money import from_minor, to_minor
from bankrec.errors import ApplicationError, InputError, NotFoundError
from bankrec.services.database import Database
from bankrec.services.posting.applications import apply_entries
from bankrec.services.posting.writer import TransactionWriter
from bankrec.services.receivables.common import AppliedEntry, report_application


@dataclass(frozen=True)
class ApplyRequest:
    """``amount`` caps the money applied from the applying entry (absolute)."""

    applying_entry_no: int
    target_entry_nos: tuple[int, ...]
    ledger: str | None = None
    posting_date: date | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class ApplyResult:
    transaction_no: int
    ledger: str
    applying_entry_no: int
    posting_date: date
    applied: list[AppliedEntry]
    applying_remaining_after: Decimal

    def as_json(self) -> dict[str, object]:
        return {
            "transaction_no": self.transaction_no,
            "ledger": self.ledger,
            "applying_entry_no": self.applying_entry_no,
            "posting_date": self.posting_date.isoformat(),
            "applied": [a.as_json() for a in self.applied],
            "applying_remaining_after": str(self.applying_remaining_after),
        }


def apply_posted(db: Database, request: ApplyRequest, user: str) -> ApplyResult:
    """Check the entries, then post the application as one transaction."""
    _check_request(request)
    with db.transaction() as session:
        ledger = _ledger(session, request)
        states = ledger_repo.entry_states(
            session, ledger, [request.applying_entry_no, *request.target_entry_nos]
        )
        applying = _state(ledger, states, request.applying_entry_no)
        targets = [_state(ledger, states, no) for no in request.target_entry_nos]
        _check_entries(ledger, applying, targets)
        on = _posting_date(ledger, request.posting_date, [applying, *targets])
        setup = LedgerSetup(session)
        decimals = setup.decimals[applying.entry.currency_code]
        limit = _limit(request.amount, applying, decimals)
        writer = TransactionWriter(
            session,
            setup,
            TransactionSource.APPLICATION,
            user,
            f"application of {ledger.kind} entry {applying.entry.entry_no}",
            posting_date=on,
        )
        application = apply_entries(
            writer, ledger, applying.entry.entry_no, request.target_entry_nos, on, limit
        )
        writer.flush()
        report = report_application(
            session, ledger, application, decimals, request.target_entry_nos
        )
        return ApplyResult(
            transaction_no=writer.transaction_no,
            ledger=ledger.kind.value,
            applying_entry_no=applying.entry.entry_no,
            posting_date=on,
            applied=report.applied,
            applying_remaining_after=from_minor(report.applying_remaining, decimals),
        )


def _check_request(request: ApplyRequest) -> None:
    if not request.target_entry_nos:
        raise InputError("name the entries to apply to with --to ENTRY")
    if len(set(request.target_entry_nos)) != len(request.target_entry_nos):
        raise InputError("--to names an entry twice; name each entry once")
    if request.applying_entry_no in request.target_entry_nos:
        raise InputError(
            f"entry {request.applying_entry_no} cannot be applied to itself; remove it from --to"
        )
    if request.amount is not None and request.amount <= 0:
        raise InputError(f"--amount {request.amount} must be greater than 0")


def _ledger(session: Session, request: ApplyRequest) -> PartyLedger:
    """The ledger holding the applying entry; ``--ledger`` decides when both hold the number."""
    no = request.applying_entry_no
    ledgers = [lg for lg in (CUSTOMERS, VENDORS) if request.ledger in (None, lg.kind.value)]
    found = [lg for lg in ledgers if session.get(lg.entry, no) is not None]
    if not found:
        where = f"{request.ledger} " if request.ledger else "customer or vendor "
        raise NotFoundError(f"{where}entry {no} does not exist")
    if len(found) > 1:
        raise InputError(
            f"customer entry {no} and vendor entry {no} both exist; choose one with "
            "--ledger customer or --ledger vendor"
        )
    return found[0]


def _describe(ledger: PartyLedger, state: EntryState) -> str:
    entry = state.entry
    kind = entry.document_type or "entry"
    return f"{ledger.kind} entry {entry.entry_no} ({kind} {entry.document_no})"


def _state(ledger: PartyLedger, states: dict[int, EntryState], no: int) -> EntryState:
    state = states.get(no)
    if state is None:
        raise NotFoundError(
            f"{ledger.kind} entry {no} does not exist; list open entries with "
            f"`bankrec entries --ledger {ledger.kind} --open`"
        )
    return state


def _check_entries(ledger: PartyLedger, applying: EntryState, targets: list[EntryState]) -> None:
    party = applying.entry.party_no
    open_list = f"`bankrec entries --ledger {ledger.kind} --account {party} --open`"
    for state in (applying, *targets):
        if not state.open:
            raise ApplicationError(
                f"{_describe(ledger, state)} is closed; apply open entries only (list them with "
                f"{open_list}), or unapply it first with `bankrec unapply {state.entry.entry_no} "
                f"--ledger {ledger.kind}`"
            )
    for target in targets:
        entry = target.entry
        if entry.party_no != party:
            raise ApplicationError(
                f"{_describe(ledger, target)} belongs to {ledger.kind} {entry.party_no}, not "
                f"{party}; apply entries of one {ledger.kind} only (list {party}'s with "
                f"{open_list})"
            )
        if entry.currency_code != applying.entry.currency_code:
            raise ApplicationError(
                f"{_describe(ledger, target)} is in {entry.currency_code} but "
                f"{_describe(ledger, applying)} is in {applying.entry.currency_code}; apply "
                f"entries in one currency (post a {entry.currency_code} payment for it)"
            )
        if (target.remaining > 0) == (applying.remaining > 0):
            raise ApplicationError(
                f"{_describe(ledger, target)} and {_describe(ledger, applying)} have the same "
                "sign; apply a payment or credit memo to an invoice, or a refund to a payment "
                "or credit memo"
            )


def _posting_date(ledger: PartyLedger, given: date | None, states: Sequence[EntryState]) -> date:
    """BC posts an application on the latest posting date of its entries; never before it."""
    latest = max(states, key=lambda s: s.entry.posting_date)
    if given is None:
        return latest.entry.posting_date
    if given < latest.entry.posting_date:
        raise InputError(
            f"--date {given} is before the posting date {latest.entry.posting_date} of "
            f"{_describe(ledger, latest)}; use that date or a later one"
        )
    return given


def _limit(amount: Decimal | None, applying: EntryState, decimals: int) -> int | None:
    if amount is None:
        return None
    try:
        limit = to_minor(amount, decimals)
    except ValueError:
        raise InputError(f"--amount {amount} has more than {decimals} decimals") from None
    if limit > abs(applying.remaining):
        remaining = from_minor(abs(applying.remaining), decimals)
        raise InputError(
            f"--amount {amount} is more than the {remaining} entry {applying.entry.entry_no} "
            "has left to apply; lower it"
        )
    return limit
