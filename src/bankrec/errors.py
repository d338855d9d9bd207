"""One error hierarchy. Every class states the rule whose breach it reports.

A ``BankrecError`` is an expected refusal: the command line prints its message on one line and
exits with status 1. Messages say what happened, where, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in the input a problem sits: a file, and a line or an element in it."""

    source: str
    line: int | None = None
    line_end: int | None = None
    element: str | None = None

    def __str__(self) -> str:
        parts = [self.source]
        if self.line is not None:
            if self.line_end is not None and self.line_end != self.line:
                parts.append(f"lines {self.line}-{self.line_end}")
            else:
                parts.append(f"line {self.line}")
        if self.element:
            parts.append(self.element)
        return ": ".join(parts)


class BankrecError(Exception):
    """Base class: an operation was refused; nothing was written."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class InputError(BankrecError):
    """Input (a file, an option, a field) is malformed: fix the input and run again."""


class NotFoundError(BankrecError):
    """A referenced record (account, customer, entry, transaction) does not exist."""


class BlockedError(BankrecError):
    """A blocked account, customer, vendor or bank cannot be posted to."""


class UnbalancedError(BankrecError):
    """Every document must balance: its debits equal its credits in the local currency."""


class DuplicateDocumentError(BankrecError):
    """A document number may be posted once; a second posting with it is refused."""


class MissingExchangeRateError(BankrecError):
    """A foreign-currency amount needs an exchange rate dated on or before its posting date."""


class ApplicationError(BankrecError):
    """An application must pair open entries of one party, opposite signs and one currency."""


class ReversalError(BankrecError):
    """Only an unreversed journal transaction whose entries are not applied elsewhere reverses."""


class ConflictError(BankrecError):
    """Another writer changed what this operation depended on; run it again."""


class SetupError(BankrecError):
    """Company setup lacks something this operation needs (an account, a currency)."""


class DatabaseError(BankrecError):
    """The database cannot be opened, or its schema is not at the version this bankrec needs."""


class PaymentJournalError(BankrecError):
    """A payment reconciliation journal changes only while open and stays consistent: each line
    applies to one account, never beyond the line's amount or an entry's unreserved remainder."""


class ReconciliationError(BankrecError):
    """A bank reconciliation changes only while open, matches each line and each bank entry at
    most once (never several lines to several entries), and posts only when every line is
    matched exactly and the statement ties to the bank's balance last statement."""


class CheckError(BankrecError):
    """Only an unreversed check that the bank has not paid yet (not closed on a statement) and
    that no open reconciliation matches can be voided."""


class RunLockBusy(BankrecError):
    """One `bankrec run` at a time per database: another run holds the lock (and this one was
    told not to wait, or waited long enough)."""
