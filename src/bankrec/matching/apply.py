"""How much a line pays towards each entry of its option (reference 5.7 and 5.8).

A line closes an entry when it covers what the entry needs on the line's date (less a payment
discount still open); otherwise it pays what it has and the entry stays open. Money left over is
the line's difference, for the user to accept on account or transfer. A group is paid in due-date
order while money lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bankrec.domain.money import format_minor
from bankrec.matching.book import BankBook, EntryBook
from bankrec.matching.model import EntryKey, PaymentLine
from bankrec.matching.options import Option, entry_label
from bankrec.matching.result import ProposedApplication


class Demand(NamedTuple):
    """Capacity an application uses: ``closes`` takes the whole (untouched) entry."""

    key: EntryKey
    amount: int
    closes: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """The applications of one option, what they use, and the line's difference."""

    applications: tuple[ProposedApplication, ...]
    demands: tuple[Demand, ...]
    difference: int
    notes: tuple[str, ...]


def plan_option(
    option: Option, line: PaymentLine, book: EntryBook, bank: BankBook, decimals: int
) -> Plan:
    if option.kind == "mapping":
        application = ProposedApplication(
            None, option.account_type, option.account_no, "", line.amount, 0
        )
        return Plan((application,), (), 0, ())
    if option.kind == "bank_entry":
        return _plan_bank(option, line, bank)
    return _plan_entries(option, line, book, decimals)


def _sign(amount: int) -> int:
    return -1 if amount < 0 else 1


def _plan_bank(option: Option, line: PaymentLine, bank: BankBook) -> Plan:
    index = option.members[0]
    entry, available = bank.entries[index], abs(bank.available[index])
    applied = min(abs(line.amount), available)
    sign = _sign(line.amount)
    application = ProposedApplication(
        entry.entry_no, "bank", entry.bal_account_no, entry.document_no, sign * applied, 0
    )
    demand = Demand(("bank", entry.entry_no), applied, applied == available)
    return Plan((application,), (demand,), line.amount - sign * applied, ())


def _plan_entries(option: Option, line: PaymentLine, book: EntryBook, decimals: int) -> Plan:
    sign = _sign(line.amount)
    money = abs(line.amount)
    applications: list[ProposedApplication] = []
    demands: list[Demand] = []
    notes: list[str] = []
    for index in option.members:
        entry = book.entries[index]
        worth = book.worth(index, line.date)
        full, needed = abs(worth.full), abs(worth.applicable)
        label = entry_label(book, index)
        if money == 0:
            notes.append(f"{label} was not applied: the payment amount was insufficient")
            continue
        if money >= needed:
            applied, discount, closes = full, full - needed, True
            money -= needed
        else:
            applied, discount, closes = money, 0, False
            left = format_minor(full - money, decimals)
            if full - money <= abs(entry.max_tolerance) and entry.remaining == entry.remaining_bank:
                notes.append(f"{label} closes within its payment tolerance: {left} short")
            else:
                notes.append(f"partial payment: {label} keeps {left} open")
            money = 0
        if discount:
            notes.append(f"payment discount {format_minor(discount, decimals)} taken on {label}")
        applications.append(
            ProposedApplication(
                entry.entry_no,
                entry.ledger,
                entry.party_no,
                entry.document_no,
                sign * applied,
                sign * discount,
            )
        )
        demands.append(Demand(book.key(index), applied, closes))
    if money:
        notes.append(
            f"overpayment: {format_minor(sign * money, decimals)} is left as the line's difference"
        )
    return Plan(tuple(applications), tuple(demands), sign * money, tuple(notes))
