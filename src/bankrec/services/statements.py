"""Use cases that read imported statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bankrec.db.models import BankStatement, BankStatementLine, Currency
from bankrec.domain.money import format_minor
from bankrec.errors import NotFoundError
from bankrec.services.database import Database


@dataclass(frozen=True)
class StatementView:
    header: dict[str, Any]
    lines: list[dict[str, Any]]


def _money(minor: int | None, places: int) -> str | None:
    return None if minor is None else format_minor(minor, places)


def _header(row: BankStatement, places: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "bank": row.bank_no,
        "format": row.format,
        "profile": row.profile,
        "source": row.source_name,
        "statement_ref": row.statement_ref,
        "currency": row.currency_code,
        "account_iban": row.account_iban,
        "account_no": row.account_no,
        "opening_balance": _money(row.opening_minor, places),
        "opening_date": row.opening_date,
        "closing_balance": _money(row.closing_minor, places),
        "closing_date": row.closing_date,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "lines_in_file": row.lines_in_file,
        "lines_new": row.lines_new,
        "gap": _money(row.gap_minor, places),
        "imported_at": row.imported_at.isoformat(timespec="seconds"),
        "imported_by": row.imported_by,
        "file_sha256": row.file_sha256,
    }


def _line(row: BankStatementLine, places: int) -> dict[str, Any]:
    return {
        "line": row.line_no,
        "id": row.id,
        "booking_date": row.booking_date,
        "value_date": row.value_date,
        "amount": format_minor(row.amount_minor, places),
        "currency": row.currency_code,
        "counterparty_name": row.counterparty_name,
        "counterparty_account": row.counterparty_account,
        "counterparty_bic": row.counterparty_bic,
        "counterparty_address": row.counterparty_address,
        "counterparty_city": row.counterparty_city,
        "remittance": row.remittance,
        "structured_reference": row.structured_reference,
        "end_to_end_id": row.end_to_end_id,
        "bank_reference": row.bank_reference,
        "transaction_code": row.transaction_code,
        "check_no": row.check_no,
        "original_amount": None if row.original_amount is None else str(row.original_amount),
        "original_currency": row.original_currency,
        "charges": None if row.charges is None else str(row.charges),
        "batch_reference": row.batch_reference,
        "reversal": row.reversal,
        "position": row.position,
        "raw": row.raw,
    }


def list_statements(db: Database, bank: str | None = None) -> list[dict[str, Any]]:
    with db.reading() as session:
        places = dict(session.execute(select(Currency.code, Currency.decimals)).all())
        query = select(BankStatement).order_by(BankStatement.id)
        if bank:
            query = query.where(BankStatement.bank_no == bank)
        return [_header(row, places[row.currency_code]) for row in session.scalars(query)]


def show_statement(db: Database, statement_id: int) -> StatementView:
    with db.reading() as session:
        row = session.get(BankStatement, statement_id)
        if row is None:
            raise NotFoundError(
                f"statement {statement_id} does not exist; see `bankrec statement list`"
            )
        places = session.get_one(Currency, row.currency_code).decimals
        lines = session.scalars(
            select(BankStatementLine)
            .where(BankStatementLine.statement_id == statement_id)
            .order_by(BankStatementLine.line_no)
        )
        return StatementView(_header(row, places), [_line(line, places) for line in lines])
