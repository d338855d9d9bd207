"""The open entries a journal line can be applied to by hand, and what is left of them.

Entry numbers are per ledger table: ``find_target`` looks in the ledger named, or among the open
customer, vendor and bank entries, refusing when a number is open in more than one. Amounts of
an entry are in its own currency; ``Conversion`` brings them into the bank's (BC 5.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bankrec.db import ledger_repo, payment_repo
from bankrec.db.ledgers import party_ledger
from bankrec.db.models import PaymentJournal, PaymentJournalLine
from bankrec.db.setup_repo import LedgerSetup
from bankrec.errors import MissingExchangeRateError, NotFoundError, PaymentJournalError

LEDGERS = ("customer", "vendor", "bank")


def sign(value: int) -> int:
    return (value > 0) - (value < 0)


@dataclass(frozen=True)
class Target:
    """An open entry as a manual application sees it; amounts in the entry's currency."""

    ledger: str
    entry_no: int
    account_no: str
    document_no: str
    document_type: str
    currency: str
    remaining: int
    discount: int
    """The payment discount still possible (signed like ``remaining``), 0 when none."""
    discount_date: date | None

    @property
    def label(self) -> str:
        return f"{self.ledger} entry {self.entry_no} ({self.document_no or 'no document'})"


Found = tuple[Target | None, str | None]
"""A target, or why the entry cannot be applied, or (None, None) when it does not exist."""


def _party_target(session: Session, kind: str, entry_no: int) -> Found:
    state = ledger_repo.entry_states(session, party_ledger(kind), [entry_no], lock=True).get(
        entry_no
    )
    if state is None:
        return None, None
    entry = state.entry
    if not state.open:
        return None, f"{kind} entry {entry_no} ({entry.document_no}) is closed"
    target = Target(
        kind,
        entry_no,
        entry.party_no,
        entry.document_no,
        entry.document_type or "",
        entry.currency_code,
        state.remaining,
        state.discount_remaining,
        entry.pmt_discount_date,
    )
    return target, None


def _bank_target(session: Session, journal: PaymentJournal, entry_no: int) -> Found:
    state = payment_repo.bank_entry_state(session, entry_no, lock=True)
    if state is None:
        return None, None
    entry = state.entry
    label = f"bank entry {entry_no} ({entry.document_no})"
    if entry.bank_no != journal.bank_no:
        return None, f"{label} belongs to bank {entry.bank_no}, not {journal.bank_no}"
    if state.reversed:
        return None, f"{label} is reversed"
    if state.status == "closed":
        return None, f"{label} is already reconciled (closed)"
    if state.status == "applied":
        return None, f"{label} is matched in a bank reconciliation; unmatch it there first"
    target = Target(
        "bank",
        entry_no,
        entry.bank_no,
        entry.document_no,
        entry.document_type or "",
        entry.currency_code,
        entry.amount_minor,
        0,
        None,
    )
    return target, None


def find_target(
    session: Session, journal: PaymentJournal, entry_no: int, ledger: str | None = None
) -> Target:
    """The open entry ``entry_no`` of ``ledger``, or of the one ledger where it is open."""
    kinds = (ledger,) if ledger else LEDGERS
    found: list[Target] = []
    problems: list[str] = []
    for kind in kinds:
        if kind == "bank":
            target, problem = _bank_target(session, journal, entry_no)
        else:
            target, problem = _party_target(session, kind, entry_no)
        if target is not None:
            found.append(target)
        elif problem:
            problems.append(problem)
    if len(found) > 1:
        names = [t.ledger for t in found]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        raise PaymentJournalError(
            f"entry {entry_no} is open in the {listed} ledgers; say which one with "
            f"--ledger {'|'.join(names)}"
        )
    if found:
        return found[0]
    if problems:
        raise PaymentJournalError("; ".join(problems) + "; choose an open entry")
    raise NotFoundError(
        f"there is no {' or '.join(kinds)} entry {entry_no}; see `bankrec entries --ledger "
        f"{kinds[0]} --open`"
    )


class Conversion:
    """From the entry's currency to the bank's: identity, or a local-currency bank paying a
    foreign-currency entry at the rate of the line's date (BC 5.8)."""

    def __init__(
        self, setup: LedgerSetup | None = None, currency: str = "", rate: Decimal | None = None
    ) -> None:
        self.setup, self.currency, self.rate = setup, currency, rate

    @property
    def same_currency(self) -> bool:
        return self.setup is None

    def to_bank(self, entry_minor: int) -> int:
        if self.setup is None or self.rate is None:
            return entry_minor
        return self.setup.to_lcy(entry_minor, self.currency, self.rate)

    def to_entry(self, bank_minor: int) -> int:
        if self.setup is None or self.rate is None:
            return bank_minor
        return self.setup.from_lcy(bank_minor, self.currency, self.rate)


def conversion_for(
    setup: LedgerSetup, bank_no: str, bank_currency: str, target: Target, on: date
) -> Conversion:
    if target.currency == bank_currency:
        return Conversion()
    if bank_currency != setup.lcy:
        raise PaymentJournalError(
            f"bank account {bank_no} is in {bank_currency} but {target.label} is in "
            f"{target.currency}; a foreign-currency bank pays entries in its own currency only"
        )
    rate = setup.rate(target.currency, on)
    if rate is None:
        raise MissingExchangeRateError(
            f"no {target.currency} exchange rate on or before {on} to compare {target.label} "
            f"with the line; add one with `bankrec rate add {target.currency} --date {on} "
            "--rate RATE`"
        )
    return Conversion(setup, target.currency, rate)


@dataclass(frozen=True)
class Claims:
    """What other lines of this journal and other open journals claim of the target."""

    here: int
    elsewhere: int
    discount_taken: bool

    @property
    def total(self) -> int:
        return self.here + self.elsewhere


def claims_on(
    session: Session, journal: PaymentJournal, line: PaymentJournalLine, target: Target
) -> Claims:
    key = (target.ledger, target.entry_no)
    here = [
        application
        for other in journal.lines
        if other is not line
        for application in other.applications
        if (application.account_type, application.entry_no) == key
    ]
    amount_here = sum(
        a.applied_minor if a.applied_entry_minor is None else a.applied_entry_minor for a in here
    )
    elsewhere = payment_repo.reserved_amounts(session, journal.id, [key]).get(key)
    return Claims(
        amount_here,
        elsewhere.amount if elsewhere else 0,
        any(a.discount_minor for a in here) or bool(elsewhere and elsewhere.discount_taken),
    )
