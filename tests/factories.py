"""A small, fully known company for tests, and helpers to post journal lines."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import func, select

from bankrec.db import models
from bankrec.importers.journal_csv import COLUMNS
from bankrec.services.database import Database
from bankrec.services.journal import PostingSummary, post_journal
from bankrec.services.load import load_into
from bankrec.services.masterdata import ensure_company

STANDARD_COMPANY: dict[str, Any] = {
    "currencies": [{"code": "EUR"}, {"code": "USD"}, {"code": "JPY"}],
    "gl_accounts": [
        {"no": "1100", "name": "Bank EUR", "type": "balance", "direct_posting": False},
        {"no": "1110", "name": "Bank USD", "type": "balance", "direct_posting": False},
        {"no": "1300", "name": "Receivables", "type": "balance", "direct_posting": False},
        {"no": "2300", "name": "Payables", "type": "balance", "direct_posting": False},
        {"no": "2900", "name": "Equity", "type": "balance"},
        {"no": "4000", "name": "Revenue", "type": "income"},
        {"no": "6000", "name": "Expenses", "type": "income"},
        {"no": "6800", "name": "Bank fees", "type": "income"},
        {"no": "7800", "name": "Realized FX gains", "type": "income"},
        {"no": "7810", "name": "Realized FX losses", "type": "income"},
        {"no": "7900", "name": "Discounts granted", "type": "income"},
        {"no": "7910", "name": "Discounts received", "type": "income"},
        {"no": "7920", "name": "Tolerance expense", "type": "income"},
        {"no": "7930", "name": "Tolerance income", "type": "income"},
        {"no": "9999", "name": "Blocked account", "type": "income", "blocked": True},
    ],
    "number_series": [{"code": "GJNL", "starting_no": "GJ-0001"}],
    "company": {
        "name": "Test GmbH",
        "local_currency": "EUR",
        "receivables_account": "1300",
        "payables_account": "2300",
        "realized_gains_account": "7800",
        "realized_losses_account": "7810",
        "payment_discount_debit_account": "7900",
        "payment_discount_credit_account": "7910",
        "payment_tolerance_debit_account": "7920",
        "payment_tolerance_credit_account": "7930",
        "payment_tolerance_pct": "0",
        "max_payment_tolerance": "0",
    },
    "payment_terms": [
        {"code": "NET30", "due": "30D"},
        {"code": "2-10-NET30", "due": "30D", "discount_date": "10D", "discount_pct": "2"},
    ],
    "customers": [
        {
            "no": "C1",
            "name": "Alpha GmbH",
            "ibans": ["DE89370400440532013000"],
            "payment_terms": "NET30",
        },
        {"no": "C2", "name": "Beta B.V.", "payment_terms": "2-10-NET30"},
        {"no": "C3", "name": "Gamma Inc.", "payment_terms": "NET30"},
        {"no": "CX", "name": "Blocked Customer", "blocked": True},
    ],
    "vendors": [
        {"no": "V1", "name": "Landlord KG", "payment_terms": "NET30"},
        {"no": "V2", "name": "Supplier Ltd", "payment_terms": "2-10-NET30"},
    ],
    "banks": [
        {"no": "BANK", "name": "Main bank", "currency": "EUR", "gl_account": "1100"},
        {"no": "USDBANK", "name": "Dollar bank", "currency": "USD", "gl_account": "1110"},
    ],
    "exchange_rates": [
        {"currency": "USD", "date": "2026-01-01", "rate": "0.90"},
        {"currency": "USD", "date": "2026-03-01", "rate": "0.95"},
        {"currency": "USD", "date": "2026-04-01", "rate": "0.85"},
    ],
}


def load_standard_company(db: Database) -> None:
    with db.transaction() as session:
        ensure_company(session, "EUR")
        load_into(session, STANDARD_COMPANY, "standard-company")


def journal_csv(*rows: dict[str, str]) -> str:
    """Journal CSV text from rows given as column -> value (missing columns are empty)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return buffer.getvalue()


def post(db: Database, *rows: dict[str, str], source: str = "test.csv") -> PostingSummary:
    return post_journal(db, journal_csv(*rows), source, "tester")


def invoice(
    doc: str, customer: str, amount: str, date: str = "2026-02-01", **extra: str
) -> dict[str, str]:
    return {
        "date": date,
        "document_type": "invoice",
        "document_no": doc,
        "account_type": "customer",
        "account_no": customer,
        "amount": amount,
        "bal_account_type": "gl",
        "bal_account_no": "4000",
        "description": f"Invoice {doc}",
        **extra,
    }


def payment(
    doc: str,
    customer: str,
    amount: str,
    applies_to: str = "",
    date: str = "2026-02-10",
    bank: str = "BANK",
    **extra: str,
) -> dict[str, str]:
    """A customer payment received into ``bank``: ``amount`` is what the customer paid (> 0)."""
    return {
        "date": date,
        "document_type": "payment",
        "document_no": doc,
        "account_type": "customer",
        "account_no": customer,
        "amount": f"-{amount}",
        "bal_account_type": "bank",
        "bal_account_no": bank,
        "applies_to_doc_no": applies_to,
        "description": f"Payment {doc}",
        **extra,
    }


def row_counts(db: Database) -> dict[str, int]:
    """How many rows every ledger table holds: equal before and after a refused posting."""
    tables = [
        models.GLRegister,
        models.GLEntry,
        models.BankLedgerEntry,
        models.CustomerLedgerEntry,
        models.VendorLedgerEntry,
        models.DetailedCustomerLedgerEntry,
        models.DetailedVendorLedgerEntry,
        models.Application,
        models.Unapplication,
        models.Reversal,
        models.NumberSeries,
    ]
    with db.reading() as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
            for t in tables
        }


def vendor_invoice(
    doc: str, vendor: str, amount: str, date: str = "2026-02-01", **extra: str
) -> dict[str, str]:
    """A purchase invoice: ``amount`` (> 0) owed to ``vendor``, expensed to 6000."""
    return {
        "date": date,
        "document_type": "invoice",
        "document_no": doc,
        "account_type": "vendor",
        "account_no": vendor,
        "amount": f"-{amount}",
        "bal_account_type": "gl",
        "bal_account_no": "6000",
        "description": f"Purchase invoice {doc}",
        **extra,
    }


def vendor_payment(
    doc: str,
    vendor: str,
    amount: str,
    applies_to: str = "",
    date: str = "2026-02-10",
    bank: str = "BANK",
    **extra: str,
) -> dict[str, str]:
    """A payment made to ``vendor`` from ``bank``: ``amount`` is what was paid (> 0)."""
    return {
        "date": date,
        "document_type": "payment",
        "document_no": doc,
        "account_type": "vendor",
        "account_no": vendor,
        "amount": amount,
        "bal_account_type": "bank",
        "bal_account_no": bank,
        "applies_to_doc_no": applies_to,
        "description": f"Payment {doc}",
        **extra,
    }
