"""Statements and journals for payment reconciliation scenarios, stored as an import would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from bankrec.db.models import BankAccount, BankStatement, BankStatementLine, Currency
from bankrec.services.database import Database
from bankrec.services.payjournal import new_journal


@dataclass(frozen=True)
class Tx:
    """One bank statement line: ``amount`` signed by its effect on the bank balance."""

    booked: str
    amount: str
    text: str = ""
    name: str = ""
    account: str = ""
    reference: str = ""


def add_statement(db: Database, bank: str, lines: list[Tx], closing: str | None = None) -> int:
    """A statement of ``bank`` whose opening balance is the bank's balance last statement and
    whose closing balance is opening plus the lines (or ``closing`` when given)."""
    with db.transaction() as session:
        account = session.get(BankAccount, bank)
        assert account is not None
        currency = session.get(Currency, account.currency_code)
        assert currency is not None
        places = currency.decimals
        opening = account.balance_last_statement_minor
        total = sum(int(Decimal(tx.amount).scaleb(places)) for tx in lines)
        statement = BankStatement(
            bank_no=bank,
            format="camt",
            profile=None,
            source_name="scenario.xml",
            file_sha256=uuid.uuid4().hex,
            statement_ref=uuid.uuid4().hex[:12],
            file_position="",
            currency_code=account.currency_code,
            account_iban="",
            account_no="",
            opening_minor=opening,
            closing_minor=int(Decimal(closing).scaleb(places)) if closing else opening + total,
            closing_date=date.fromisoformat(lines[-1].booked),
            lines_in_file=len(lines),
            lines_new=len(lines),
            imported_at=datetime.now(UTC),
            imported_by="tester",
        )
        session.add(statement)
        session.flush()
        for line_no, tx in enumerate(lines, start=1):
            session.add(
                BankStatementLine(
                    statement_id=statement.id,
                    line_no=line_no,
                    bank_no=bank,
                    dedupe_key=uuid.uuid4().hex,
                    booking_date=date.fromisoformat(tx.booked),
                    amount_minor=int(Decimal(tx.amount).scaleb(places)),
                    currency_code=account.currency_code,
                    remittance=tx.text,
                    counterparty_name=tx.name,
                    counterparty_account=tx.account,
                    structured_reference=tx.reference,
                    end_to_end_id=f"E2E-{line_no}",
                    bank_reference=f"REF-{line_no}-{uuid.uuid4().hex[:8]}",
                )
            )
        return statement.id


def journal_for(db: Database, bank: str, lines: list[Tx], closing: str | None = None) -> int:
    statement = add_statement(db, bank, lines, closing)
    journal: int = new_journal(db, bank, statement, "tester")["journal"]
    return journal


def balance_last_statement(db: Database, bank: str) -> int:
    with db.reading() as session:
        minor = session.scalar(
            select(BankAccount.balance_last_statement_minor).where(BankAccount.no == bank)
        )
        assert minor is not None
        return minor
