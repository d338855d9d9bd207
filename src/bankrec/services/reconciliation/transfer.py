"""Post a line's difference to a G/L account and match the new bank entry (BC 4.7, done in one
step): a bank fee or interest the books did not have yet.

The posting is a real journal transaction: a bank ledger entry for the difference (with its G/L
on the bank's account) and the opposite amount on the chosen account.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bankrec.db import rec_repo
from bankrec.db.models import BankAccount, BankRecLine, BankReconciliation
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import TransactionSource
from bankrec.errors import BlockedError, MissingExchangeRateError, ReconciliationError
from bankrec.services.database import Database
from bankrec.services.payjournal.transfer import check_posting_account
from bankrec.services.posting.writer import DocumentInfo, TransactionWriter
from bankrec.services.reconciliation.common import (
    RecView,
    details_of,
    get_line,
    money,
    open_rec,
    places_of,
)
from bankrec.services.reconciliation.manual import replace_matches

DESCRIPTION_LENGTH = 250


def _document_no(rec: BankReconciliation, line: BankRecLine) -> str:
    return (line.document_no or f"{rec.bank_no}-ST{rec.statement_no}-{line.line_no}")[:35]


def _lcy(setup: LedgerSetup, bank: BankAccount, amount: int, line: BankRecLine) -> int:
    if bank.currency_code == setup.lcy:
        return amount
    rate = setup.rate(bank.currency_code, line.transaction_date)
    if rate is None:
        raise MissingExchangeRateError(
            f"no {bank.currency_code} exchange rate on or before {line.transaction_date}; add "
            f"one with `bankrec rate add {bank.currency_code} --date {line.transaction_date} "
            "--rate RATE`"
        )
    return setup.to_lcy(amount, bank.currency_code, rate)


def _post_difference(
    session: Session,
    rec: BankReconciliation,
    line: BankRecLine,
    difference: int,
    account_no: str,
    text: str,
    user: str,
) -> tuple[int, int]:
    """Post ``difference`` to the bank against ``account_no``; (transaction no., entry no.)."""
    setup = LedgerSetup(session)
    bank = session.get_one(BankAccount, rec.bank_no)
    if bank.blocked:
        raise BlockedError(f"bank account {bank.no} is blocked")
    writer = TransactionWriter(
        session,
        setup,
        TransactionSource.JOURNAL,
        user,
        f"bank reconciliation {rec.id} (statement {rec.statement_no}), line {line.line_no}",
    )
    doc = DocumentInfo(
        posting_date=line.transaction_date,
        document_no=_document_no(rec, line),
        external_document_no=(line.end_to_end_id or line.bank_reference)[:35],
        description=text[:DESCRIPTION_LENGTH],
    )
    amount_lcy = _lcy(setup, bank, difference, line)
    entry = writer.bank_entry(bank, doc, difference, amount_lcy, balancing=("gl", account_no))
    writer.gl(account_no, doc, -amount_lcy, currency=bank.currency_code, source_amount=-difference)
    writer.flush()
    return writer.transaction_no, entry.entry_no


def transfer_diff(
    db: Database,
    rec_id: int,
    line_no: int,
    account_no: str,
    text: str | None = None,
    user: str = "unknown",
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Post the line's difference against G/L ``account_no`` and match the new bank entry to the
    line, with the entries it already had, in one transaction.

    Returns ``{"reconciliation", "line", "amount", "account", "transaction_no", "entry_no",
    "entries", "difference", "version"}``."""
    with db.transaction() as session:
        rec = open_rec(session, rec_id, expected_version)
        line = get_line(rec, line_no)
        view = RecView(rec)
        state = view.state(line)
        where = f"bank reconciliation {rec.id}, line {line.line_no}"
        if state.match is not None and state.match.kind == "many_to_one":
            raise ReconciliationError(
                f"{where} is one of several lines matched to bank entry "
                f"{state.entry_nos[0]}; unmatch it (`bankrec rec unmatch {rec.id} --line "
                f"{line.line_no}`) before transferring its difference"
            )
        places = places_of(session, session.get_one(BankAccount, rec.bank_no).currency_code)
        if state.difference == 0:
            raise ReconciliationError(f"{where} has no difference to transfer")
        check_posting_account(session, "gl", account_no)
        posting_text = text or line.text or line.counterparty_name or "bank reconciliation"
        transaction_no, entry_no = _post_difference(
            session, rec, line, state.difference, account_no, posting_text, user
        )
        keep = state.entry_nos
        rows = rec_repo.entries_by_no(session, [*keep, entry_no], lock=True)
        origin = "transfer" if state.match is None else state.match.origin
        details = (
            [f"difference {money(state.difference, places)} posted to G/L {account_no}"]
            if state.match is None
            else [
                *details_of(state.match),
                f"difference {money(state.difference, places)} posted to G/L {account_no}",
            ]
        )
        match, _ = replace_matches(
            session,
            rec,
            [line],
            [rows[n] for n in [*keep, entry_no]],
            origin,
            details,
            confidence=state.match.confidence if state.match else "",
            score=state.match.score if state.match else 0,
        )
        match.accepted = True
        rec_repo.bump_version(rec)
        session.flush()
        after = RecView(rec).state(line)
        return {
            "reconciliation": rec.id,
            "line": line.line_no,
            "amount": money(state.difference, places),
            "account": account_no,
            "transaction_no": transaction_no,
            "entry_no": entry_no,
            "entries": after.entry_nos,
            "difference": money(after.difference, places),
            "version": rec.version,
        }
