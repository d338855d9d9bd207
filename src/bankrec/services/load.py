"""Use case: load master data from one JSON document, all of it or nothing.

Errors name the file and the element (``customers[3].ibans[0]``) so the fix is quick to find.
Existing records with the same number are updated, never duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bankrec.domain.kinds import GLAccountType
from bankrec.errors import BankrecError, InputError, Location
from bankrec.services import masterdata as md
from bankrec.services.database import Database
from bankrec.services.load_collections import (
    assign_customer_terms,
    load_finance_charge_terms,
    load_reminder_terms,
)
from bankrec.services.load_element import Element
from bankrec.services.masterdata_inputs import (
    COMPANY_ACCOUNT_FIELDS,
    BankInput,
    CompanyInput,
    GLAccountInput,
    NumberSeriesInput,
    PartyInput,
    PaymentTermsInput,
    RateInput,
)

SECTIONS = (
    "currencies",
    "gl_accounts",
    "number_series",
    "company",
    "payment_terms",
    "finance_charge_terms",
    "reminder_terms",
    "customers",
    "vendors",
    "banks",
    "exchange_rates",
)


@dataclass
class LoadSummary:
    source: str
    counts: dict[str, int] = field(default_factory=dict)


def load_master_data(db: Database, text: str, source: str) -> LoadSummary:
    document = _parse(text, source)
    with db.transaction() as session:
        return load_into(session, document, source)


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} (column {exc.colno})", Location(source, exc.lineno)
        ) from None
    if not isinstance(document, dict):
        raise InputError(
            "expected a JSON object with keys such as customers and banks", Location(source)
        )
    unknown = sorted(set(document) - set(SECTIONS))
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(unknown)}; the keys are {', '.join(SECTIONS)}",
            Location(source),
        )
    return document


def load_into(session: Session, document: dict[str, Any], source: str) -> LoadSummary:
    summary = LoadSummary(source)
    for section in SECTIONS:
        if section not in document:
            continue
        items = [document[section]] if section == "company" else document[section]
        if not isinstance(items, list):
            raise InputError("expected a list", Location(source, element=section))
        for index, item in enumerate(items):
            path = section if section == "company" else f"{section}[{index}]"
            element = Element(item, path, source)
            try:
                _LOADERS[section](session, element)
            except BankrecError as exc:
                if exc.location is not None:
                    raise
                raise InputError(exc.message, Location(source, element=path)) from None
        summary.counts[section] = len(items)
    return summary


def _currency(session: Session, e: Element) -> None:
    decimals = e.data.get("decimals")
    if decimals is not None and (not isinstance(decimals, int) or isinstance(decimals, bool)):
        raise e.fail("expected a whole number", "decimals")
    md.upsert_currency(session, e.text("code", required=True), decimals, e.text("name"))


def _gl_account(session: Session, e: Element) -> None:
    kind = e.text("type", required=True)
    if kind not in ("balance", "income"):
        raise e.fail(f'"{kind}" is not balance or income', "type")
    md.upsert_gl_account(
        session,
        GLAccountInput(
            e.text("no", required=True),
            e.text("name", required=True),
            GLAccountType(kind),
            e.flag("direct_posting", True),
            e.flag("blocked", False),
        ),
    )


def _company(session: Session, e: Element) -> None:
    accounts = {name: e.text(name) for name in COMPANY_ACCOUNT_FIELDS if e.text(name)}
    known = {
        "name",
        "local_currency",
        "payment_tolerance_pct",
        "max_payment_tolerance",
        "journal_series",
        *COMPANY_ACCOUNT_FIELDS,
    }
    unknown = sorted(set(e.data) - known)
    if unknown:
        raise e.fail(f"unknown field(s) {', '.join(unknown)}")
    local = e.text("local_currency")
    if local:
        md.ensure_company(session, local)
    md.update_company(
        session,
        CompanyInput(
            name=e.text("name") or None,
            local_currency=local or None,
            accounts=accounts,
            payment_tolerance_pct=e.decimal("payment_tolerance_pct"),
            max_payment_tolerance=e.decimal("max_payment_tolerance"),
            journal_series=e.optional_text("journal_series"),
        ),
    )


def _payment_terms(session: Session, e: Element) -> None:
    terms = e.build(
        lambda: PaymentTermsInput(
            e.text("code", required=True),
            e.text("due", required=True),
            e.text("description"),
            e.optional_text("discount_date"),
            e.decimal("discount_pct") or Decimal(0),
        )
    )
    md.upsert_payment_terms(session, terms)


def _party(kind: str) -> Callable[[Session, Element], None]:
    def load(session: Session, e: Element) -> None:
        party = e.build(
            lambda: PartyInput(
                e.text("no", required=True),
                e.text("name", required=True),
                e.text("address"),
                e.text("city"),
                e.text("country"),
                e.ibans("ibans"),
                e.strings("account_nos"),
                e.optional_text("payment_terms"),
                e.flag("blocked", False),
            )
        )
        md.upsert_party(session, kind, party)
        if kind == "customer":
            assign_customer_terms(session, e)

    return load


def _bank(session: Session, e: Element) -> None:
    last_no = e.data.get("last_statement_no")
    if last_no is not None and (not isinstance(last_no, int) or isinstance(last_no, bool)):
        raise e.fail("expected a whole number", "last_statement_no")
    bank = e.build(
        lambda: BankInput(
            e.text("no", required=True),
            e.text("name", required=True),
            e.text("currency", required=True),
            e.text("gl_account", required=True),
            e.iban("iban"),
            e.optional_text("account_no"),
            e.optional_text("bic"),
            e.optional_text("match_tolerance"),
            last_no,
            e.decimal("balance_last_statement"),
            e.flag("blocked", False),
        )
    )
    md.upsert_bank(session, bank)


def _rate(session: Session, e: Element) -> None:
    rate = e.decimal("rate")
    if rate is None:
        raise e.fail("is required", "rate")
    md.upsert_rate(
        session, e.build(lambda: RateInput(e.text("currency", required=True), e.day("date"), rate))
    )


def _series(session: Session, e: Element) -> None:
    md.upsert_number_series(
        session,
        NumberSeriesInput(
            e.text("code", required=True),
            e.text("starting_no", required=True),
            e.text("description"),
        ),
    )


_LOADERS: dict[str, Callable[[Session, Element], None]] = {
    "currencies": _currency,
    "gl_accounts": _gl_account,
    "number_series": _series,
    "company": _company,
    "payment_terms": _payment_terms,
    "finance_charge_terms": load_finance_charge_terms,
    "reminder_terms": load_reminder_terms,
    "customers": _party("customer"),
    "vendors": _party("vendor"),
    "banks": _bank,
    "exchange_rates": _rate,
}
