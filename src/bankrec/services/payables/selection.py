"""Which open vendor invoices to pay, and how much: the rules of "suggest vendor payments".

Pure: the service passes the open entries in. Amounts are integer minor units of the entry's
currency; an owed invoice has a negative remaining amount (reference 0.2), a proposal a positive
amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bankrec.db.payables_repo import OpenPayable


@dataclass(frozen=True)
class Criteria:
    """``due_by``: pay what falls due by then. ``take_discounts``: also pay, early, invoices
    whose payment discount is still open on ``payment_date``."""

    due_by: date
    payment_date: date
    take_discounts: bool = False


@dataclass(frozen=True)
class Choice:
    """Pay ``amount`` (positive) and take ``discount`` (positive, 0 when none)."""

    amount: int
    discount: int


def discount_open(payable: OpenPayable, payment_date: date) -> bool:
    """The invoice's discount can still be taken by a payment made on ``payment_date``."""
    return (
        payable.discount_remaining < 0
        and payable.discount_date is not None
        and payment_date <= payable.discount_date
        and payable.discount_remaining > payable.remaining
    )


def choose(payable: OpenPayable, criteria: Criteria) -> Choice | None:
    """The payment for ``payable``, or None when it is not to be paid yet.

    An entry without a due date is due on its posting date (as in Business Central, where the
    due date defaults to the document date). A due invoice whose discount is still open on the
    payment date is paid discounted too: the payment posted on that date would take the
    discount anyway, and paying the full amount would leave an overpayment on the statement
    line.
    """
    if payable.remaining >= 0:
        return None
    due = (payable.due_date or payable.posting_date) <= criteria.due_by
    discounted = discount_open(payable, criteria.payment_date)
    if not due and not (criteria.take_discounts and discounted):
        return None
    owed = -payable.remaining
    if discounted:
        discount = -payable.discount_remaining
        return Choice(owed - discount, discount)
    return Choice(owed, 0)
