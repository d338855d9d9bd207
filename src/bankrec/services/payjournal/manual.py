"""Apply a journal line by hand to one open customer, vendor or bank ledger entry (BC 5.8):
the amount, the payment discount, and the checks that keep the line and the entry within
what they have left."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bankrec.db import payment_repo
from bankrec.db.models import PaymentJournal, PaymentJournalLine
from bankrec.db.payment_repo import NewApplication
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.money import to_minor
from bankrec.errors import InputError, PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.payjournal.common import (
    applied_net,
    get_line,
    journal_currency,
    line_difference,
    money,
    open_journal,
    where,
)
from bankrec.services.payjournal.targets import (
    LEDGERS,
    Claims,
    Conversion,
    Target,
    claims_on,
    conversion_for,
    find_target,
    sign,
)
from bankrec.services.payjournal.view import application_document


def _check_account(journal: PaymentJournal, line: PaymentJournalLine, target: Target) -> None:
    for application in line.applications:
        if (application.account_type, application.account_no) != (
            target.ledger,
            target.account_no,
        ):
            raise PaymentJournalError(
                f"{where(journal, line)}: cannot apply to {target.ledger} {target.account_no} "
                f"because the line already applies to {application.account_type} "
                f"{application.account_no}; one line pays one account (reject the line to start "
                "over)"
            )
        if (application.account_type, application.entry_no) == (target.ledger, target.entry_no):
            raise PaymentJournalError(
                f"{where(journal, line)} already applies {target.label}; reject the line to "
                "change the amount"
            )


@dataclass(frozen=True)
class Plan:
    applied: int
    discount: int
    applied_entry: int | None


class Planner:
    """Works out the applied amount and discount of one manual application (BC 5.8)."""

    def __init__(
        self,
        journal: PaymentJournal,
        line: PaymentJournalLine,
        target: Target,
        conversion: Conversion,
        places: tuple[int, int],
    ) -> None:
        self.journal, self.line, self.target = journal, line, target
        self.conversion = conversion
        self.places, self.entry_places = places

    def plan(self, claims: Claims, requested: int | None) -> Plan:
        available_entry = self.target.remaining - claims.total
        if available_entry == 0 or sign(available_entry) != sign(self.target.remaining):
            raise PaymentJournalError(
                f"{where(self.journal, self.line)}: {self.target.label} is fully claimed by "
                f"other lines ({self._claims_text(claims)}); reject those or choose another entry"
            )
        available = self.conversion.to_bank(available_entry)
        discount = self._discount(claims, available_entry)
        if sign(self.target.remaining) == sign(self.line.amount_minor):
            applied, discount = self._payment(available, discount, requested, claims)
        elif self.target.document_type == "credit-memo":
            # A credit memo netted inside a lump sum (BC 5.8 special case): it adds to what the
            # line can pay for the invoices of the same account.
            applied = available if requested is None else sign(available) * requested
            discount = 0
            self._check_entry(applied, available, claims)
        else:
            raise PaymentJournalError(
                f"{where(self.journal, self.line)}: {self.target.label} has remaining "
                f"{money(self.target.remaining, self.entry_places)} {self.target.currency}, the "
                f"opposite sign of the line's {money(self.line.amount_minor, self.places)}; money "
                "in pays invoices, money out pays bills (credit memos can be netted with them)"
            )
        applied_entry = None
        if not self.conversion.same_currency:
            converted = self.conversion.to_entry(applied)
            bounded = min(abs(converted), abs(available_entry)) * sign(available_entry)
            applied_entry = available_entry if applied == available else bounded
        return Plan(applied, discount, applied_entry)

    def _discount(self, claims: Claims, available_entry: int) -> int:
        target, on = self.target, self.line.transaction_date
        eligible = (
            target.discount != 0
            and sign(target.discount) == sign(target.remaining)
            and abs(target.discount) < abs(available_entry)
            and target.discount_date is not None
            and on <= target.discount_date
            and not claims.discount_taken
        )
        return self.conversion.to_bank(target.discount) if eligible else 0

    def _payment(
        self, available: int, discount: int, requested: int | None, claims: Claims
    ) -> tuple[int, int]:
        left = line_difference(self.line)
        if left == 0 or sign(left) != sign(self.line.amount_minor):
            raise PaymentJournalError(
                f"{where(self.journal, self.line)} is fully applied "
                f"({money(applied_net(self.line), self.places)}); nothing is left to apply"
            )
        if requested is None:
            if discount and abs(available - discount) <= abs(left):
                return available, discount
            return sign(available) * min(abs(available), abs(left)), 0
        applied = sign(available) * requested
        if not (discount and applied == available - discount):
            discount = 0
        else:
            applied = available
        self._check_entry(applied, available, claims)
        if abs(applied - discount) > abs(left):
            raise PaymentJournalError(
                f"{where(self.journal, self.line)}: {money(abs(applied - discount), self.places)} "
                f"is more than the line has left to apply ({money(left, self.places)})"
            )
        return applied, discount

    def _check_entry(self, applied: int, available: int, claims: Claims) -> None:
        if abs(applied) > abs(available):
            raise PaymentJournalError(
                f"{where(self.journal, self.line)}: {money(abs(applied), self.places)} is more "
                f"than {self.target.label} has left to apply ({money(available, self.places)}; "
                f"{self._claims_text(claims)})"
            )

    def _claims_text(self, claims: Claims) -> str:
        target, places = self.target, self.entry_places
        parts = [f"remaining {money(target.remaining, places)} {target.currency}"]
        if claims.here:
            parts.append(f"{money(claims.here, places)} claimed by other lines of this journal")
        if claims.elsewhere:
            parts.append(f"{money(claims.elsewhere, places)} claimed by other open journals")
        return ", ".join(parts)


def _requested_minor(amount: Decimal | None, currency: str, places: int) -> int | None:
    if amount is None:
        return None
    try:
        minor = abs(to_minor(amount, places))
    except ValueError:
        raise InputError(f"--amount {amount} has more decimals than {currency} allows") from None
    if minor == 0:
        raise InputError("--amount must not be zero")
    return minor


def apply_manual(
    db: Database,
    journal_id: int,
    line_no: int,
    entry_no: int,
    *,
    ledger: str | None = None,
    amount: Decimal | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Apply line ``line_no`` to open entry ``entry_no`` (of ``ledger``, or found among the open
    customer, vendor and bank entries). ``amount`` is what the line pays towards the entry, in
    the bank's currency, with or without sign; without it the entry's remainder is applied (with
    its payment discount when the line is dated within the discount period), capped by what
    the line has left.

    Returns ``{"journal", "line", "application", "applied_amount", "difference", "version"}``.
    """
    if ledger is not None and ledger not in LEDGERS:
        raise InputError(f'ledger "{ledger}" is not one of {", ".join(LEDGERS)}')
    with db.transaction() as session:
        journal = open_journal(session, journal_id, expected_version)
        line = get_line(journal, line_no)
        currency, places = journal_currency(session, journal)
        requested = _requested_minor(amount, currency, places)
        if line.amount_minor == 0:
            raise PaymentJournalError(f"{where(journal, line)} has amount 0; nothing to apply")
        target = find_target(session, journal, entry_no, ledger)
        _check_account(journal, line, target)
        setup = LedgerSetup(session)
        conversion = conversion_for(setup, journal.bank_no, currency, target, line.transaction_date)
        entry_places = setup.decimals[target.currency]
        plan = Planner(journal, line, target, conversion, (places, entry_places)).plan(
            claims_on(session, journal, line, target), requested
        )
        application = payment_repo.add_application(
            session,
            line,
            NewApplication(
                account_type=target.ledger,
                account_no=target.account_no,
                applied_minor=plan.applied,
                confidence="manual",
                origin="manual",
                entry_no=target.entry_no,
                document_no=target.document_no,
                discount_minor=plan.discount,
                applied_entry_minor=plan.applied_entry,
            ),
        )
        line.confidence, line.status, line.reviewed = "manual", "manual", True
        assert sign(line_difference(line)) in (0, sign(line.amount_minor))
        payment_repo.bump_version(journal)
        session.flush()
        return {
            "journal": journal.id,
            "line": line.line_no,
            "application": application_document(application, places),
            "applied_amount": money(applied_net(line), places),
            "difference": money(line_difference(line), places),
            "version": journal.version,
        }
