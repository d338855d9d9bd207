"""Every real bank file of the corpus through the whole import: stored, or refused cleanly.

The importer tests check each parser against the stored expectations; this test sends the same
files through `import_files`, so detection, account matching, exact amounts, the balance checks
and the database all meet real data. Banks are created from the expected account ids.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bankrec.db.models import BankAccount, BankStatementLine, GLAccount
from bankrec.domain.accounts import account_keys
from bankrec.domain.currency import iso_decimals
from bankrec.services.database import Database
from bankrec.services.masterdata import ensure_company, upsert_currency
from bankrec.services.statement_import import ImportOptions, import_files
from tests.corpus_support import corpus_dir, expectations


def _balanced(statement: dict[str, Any]) -> bool:
    opening, closing = statement["opening"], statement["closing"]
    if opening is None or closing is None:
        return True
    return Decimal(opening) + Decimal(statement["sum"]) == Decimal(closing)


def _excess_decimals(statement: dict[str, Any]) -> bool:
    values = [statement["sum"], statement["opening"] or "0", statement["closing"] or "0"]
    return any(Decimal(v) != Decimal(v).quantize(Decimal("0.01")) for v in values)


class Banks:
    """Creates one bank account per (account id, currency) the corpus names, once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.known: dict[tuple[str, str], str] = {}
        with db.transaction() as session:
            ensure_company(session, "EUR")
            session.add(
                GLAccount(
                    no="1000",
                    name="Bank",
                    account_type="balance",
                    direct_posting=False,
                    blocked=False,
                )
            )

    def for_statement(self, account: str, currency: str) -> str:
        key = (account, currency)
        if key not in self.known:
            no = f"B{len(self.known) + 1}"
            compact = next(iter(sorted(account_keys(account))), "") if account else ""
            with self.db.transaction() as session:
                # Withdrawn (LTL) and test (XXX) codes have no ISO exponent any more.
                upsert_currency(
                    session, currency, None if iso_decimals(currency) is not None else 2
                )
                is_iban = len(compact) > 14 and compact[:2].isalpha()
                session.add(
                    BankAccount(
                        no=no,
                        name=f"{account} {currency}",
                        currency_code=currency,
                        iban=compact if is_iban else None,
                        account_no=None if is_iban else (account or None),
                        gl_account_no="1000",
                        last_statement_no=0,
                        balance_last_statement_minor=0,
                        match_tolerance_type="amount",
                        match_tolerance_value=Decimal(0),
                        blocked=False,
                    )
                )
            self.known[key] = no
        return self.known[key]


def _lines(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(BankStatementLine)) or 0


@pytest.mark.parametrize("fmt", ["ofx", "camt", "mt940", "csv"])
def test_every_corpus_file_is_stored_or_refused_cleanly(db: Database, fmt: str) -> None:
    folder = corpus_dir() / fmt
    banks = Banks(db)
    problems: list[str] = []
    for name, expected in sorted(expectations(fmt).items()):
        problem = _import_one(db, banks, folder / name, expected)
        if problem:
            problems.append(f"{name}: {problem}")
    assert problems == []


def _import_one(db: Database, banks: Banks, path: Path, expected: dict[str, Any]) -> str:
    statements = expected.get("statements", [])
    named: list[str] = []
    for statement in statements:
        bank_no = banks.for_statement(statement["account"], statement["currency"])
        if not statement["account"]:
            named.append(bank_no)
    profile = expected.get("profile")
    before = _lines(db)
    report = import_files(
        db, [str(path)], ImportOptions(banks=tuple(named), profile=profile, allow_gap=True)
    )[0]
    if "error" in expected or not statements:
        if not report.errors:
            return "was stored, but the file should be refused"
        return "" if _lines(db) == before else "refused, yet lines were stored"
    if not all(_balanced(s) for s in statements) or any(_excess_decimals(s) for s in statements):
        refused = report.errors and any(
            word in report.errors[0] for word in ("closing balance", "more decimals")
        )
        return "" if refused and _lines(db) == before else f"expected a refusal: {report.errors}"
    if report.errors:
        return f"refused: {report.errors[0]}"
    seen = sum(s.lines for s in report.statements)
    want = sum(s["lines"] for s in statements)
    return "" if seen == want else f"{seen} lines seen, {want} expected"
