"""Transfers between our own banks in a payment journal: what the transfer matcher
(``bankrec.matching.transfers``) needs, read from the database, and its result as line matches.

A statement line of another bank is a possible other leg while no posting has taken it: its own
journal is not posted, and no posted transfer names it as its other leg. Legs another open
journal already pairs are left to that journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bankrec.db.models import (
    BankAccount,
    BankStatement,
    BankStatementLine,
    PaymentApplication,
    PaymentJournal,
    PaymentJournalLine,
)
from bankrec.db.setup_repo import LedgerSetup
from bankrec.matching.model import BankEntry, PaymentLine
from bankrec.matching.result import Evidence, LineMatch, ProposedApplication
from bankrec.matching.transfers import (
    Convert,
    OwnBank,
    TransferLeg,
    TransferMatch,
    TransferSettings,
    match_transfers,
)

TRANSFER_DAYS = 5
"""Days between the two legs of a transfer (banks book them a day or two apart)."""


def own_banks(session: Session, setup: LedgerSetup) -> list[OwnBank]:
    return [
        OwnBank(
            no=bank.no,
            currency=bank.currency_code,
            decimals=setup.decimals[bank.currency_code],
            accounts=tuple(a for a in (bank.iban, bank.account_no) if a),
        )
        for bank in session.scalars(select(BankAccount).order_by(BankAccount.no))
    ]


def transfer_matches(
    session: Session,
    journal: PaymentJournal,
    lines: Sequence[PaymentLine],
    bank_entries: Sequence[BankEntry],
    rate_spread: Decimal,
) -> dict[int, TransferMatch]:
    """The journal lines that are legs of a transfer between our banks, by line number."""
    if not lines:
        return {}
    setup = LedgerSetup(session)
    banks = own_banks(session, setup)
    this = next(b for b in banks if b.no == journal.bank_no)
    first = min(line.date for line in lines) - timedelta(days=TRANSFER_DAYS)
    last = max(line.date for line in lines) + timedelta(days=TRANSFER_DAYS)
    return match_transfers(
        lines,
        banks,
        _legs(session, journal, first, last),
        bank_entries,
        TransferSettings(this, days=TRANSFER_DAYS, rate_spread=rate_spread),
        books_converter(setup),
    )


def books_converter(setup: LedgerSetup) -> Convert:
    """Amounts from one currency to another through local currency, at the books' rates."""

    def convert(amount: int, source: str, target: str, on: date) -> int | None:
        source_rate, target_rate = setup.rate(source, on), setup.rate(target, on)
        if source_rate is None or target_rate is None:
            return None
        return setup.from_lcy(setup.to_lcy(amount, source, source_rate), target, target_rate)

    return convert


def _legs(session: Session, journal: PaymentJournal, first: date, last: date) -> list[TransferLeg]:
    line = BankStatementLine
    posted_line = (
        select(PaymentJournalLine.statement_line_id)
        .join(PaymentJournal, PaymentJournal.id == PaymentJournalLine.journal_id)
        .where(PaymentJournal.status == "posted", PaymentJournalLine.statement_line_id.is_not(None))
    )
    paired_elsewhere = (
        select(PaymentApplication.paired_line_id)
        .join(PaymentJournalLine, PaymentJournalLine.id == PaymentApplication.line_id)
        .join(PaymentJournal, PaymentJournal.id == PaymentJournalLine.journal_id)
        .where(
            PaymentApplication.paired_line_id.is_not(None),
            or_(
                PaymentJournal.status == "posted",
                PaymentJournal.id != journal.id,
                PaymentJournalLine.status.in_(("accepted", "manual")),
            ),
        )
    )
    rows = session.execute(
        select(line, BankStatement.id)
        .join(BankStatement, BankStatement.id == line.statement_id)
        .where(
            and_(line.bank_no != journal.bank_no, line.booking_date.between(first, last)),
            line.id.not_in(posted_line),
            line.id.not_in(paired_elsewhere),
        )
        .order_by(line.booking_date, line.id)
    )
    return [
        TransferLeg(
            statement_line_id=row.id,
            bank_no=row.bank_no,
            date=row.booking_date,
            amount=row.amount_minor,
            counterparty_account=row.counterparty_account,
            text=row.remittance,
            where=f"{row.bank_no} statement {statement_id} line {row.line_no}",
        )
        for row, statement_id in rows
    ]


def as_line_match(match: TransferMatch, line: PaymentLine) -> LineMatch:
    """The transfer matcher's result in the form the journal stores for every line."""
    application: ProposedApplication | None = None
    if match.entry is not None:
        entry = match.entry
        application = ProposedApplication(
            entry.entry_no, "bank", entry.bal_account_no, entry.document_no, line.amount
        )
    elif match.received is not None and match.confidence != "none":
        application = ProposedApplication(
            None,
            "bank",
            match.other_bank,
            "",
            line.amount,
            received=match.received,
            paired_line_id=match.leg.statement_line_id if match.leg else None,
        )
    return LineMatch(
        line_no=line.line_no,
        confidence=match.confidence if application else "none",
        score=0,
        rule=None,
        target=("bank_entry" if match.entry else "transfer") if application else None,
        account_type="bank" if application else None,
        account_no=match.other_bank if application else "",
        applications=(application,) if application else (),
        difference=0 if application else line.amount,
        evidence=Evidence(
            related_party="fully" if match.named else "no",
            amount_match="one" if application else "none",
        ),
        details=match.details,
        near_misses=(),
        review_required=match.review_required,
    )
