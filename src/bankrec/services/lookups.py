"""Look-ups several use cases share, with the errors that tell the user what to do."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bankrec.db.models import BankAccount, BankStatement
from bankrec.errors import InputError, NotFoundError


def statement_of_bank(session: Session, bank: BankAccount, statement_id: int) -> BankStatement:
    """An imported statement, which must belong to ``bank``."""
    statement = session.get(BankStatement, statement_id)
    if statement is None:
        raise NotFoundError(
            f"statement {statement_id} does not exist; see `bankrec statement list --bank "
            f"{bank.no}`"
        )
    if statement.bank_no != bank.no:
        raise InputError(
            f"statement {statement_id} belongs to bank {statement.bank_no}, not {bank.no}; use "
            f"--bank {statement.bank_no} or a statement of {bank.no}"
        )
    return statement
