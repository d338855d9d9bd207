"""Use case: load master data from one JSON document, all of it or nothing.

Errors name the file and the element (``customers[3].ibans[0]``) so the fix is quick to find.
Existing records with the same number are updated, never duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bankrec.domain.kinds import GLAccountType
from bankrec.domain.money import parse_amount
from bankrec.errors import BankrecError, InputError, Location
from bankrec.services import masterdata as md
from bankrec.services.database import Database
from bankrec.services.masterdata_inputs import (
    COMPANY_ACCOUNT_FIELDS,
    BankInput,
    CompanyInput,
    GLAccountInput,
    NumberSeriesInput,
    PartyInput,
    PaymentTermsInput,
    RateInput,
    normalise_iban,
)

SECTIONS = (
    "currencies",
    "gl_accounts",
    "number_series",
    "company",
    "payment_terms",
    "customers",
    "vendors",
    "banks",
    "exchange_rates",
)


@dataclass
class LoadSummary:
    source: str
    counts: dict[str, int] = field(default_factory=dict)


class _Element:
    """Typed access to one JSON object, raising errors that name its path."""

    def __init__(self, data: Any, path: str, source: str) -> None:
        if not isinstance(data, dict):
            raise InputError("expected an object", Location(source, element=path))
        self.data, self.path, self.source = data, path, source

    def fail(self, message: str, key: str | None = None) -> InputError:
        element = f"{self.path}.{key}" if key else self.path
        return InputError(message, Location(self.source, element=element))

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.fail("is required", key)
            return default
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(f"expected text, got {json.dumps(value)}", key)
        return str(value)

    def optional_text(self, key: str) -> str | None:
        return self.text(key) or None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"expected true or false, got {json.dumps(value)}", key)
        return value

    def decimal(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, float):
            raise self.fail(
                f'write amounts and rates as strings ("{value}"), not JSON numbers', key
            )
        try:
            return parse_amount(str(value))
        except ValueError as exc:
            raise self.fail(str(exc), key) from None

    def day(self, key: str) -> date:
        raw = self.text(key, required=True)
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise self.fail(f'"{raw}" is not a date; write it as YYYY-MM-DD', key) from None

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("expected a list of strings", key)
        return tuple(value)

    def ibans(self, key: str) -> tuple[str, ...]:
        """A list of IBANs, each checked here so that an error names the bad one."""
        values = self.strings(key)
        for index, value in enumerate(values):
            try:
                normalise_iban(value)
            except ValueError as exc:
                raise self.fail(str(exc), f"{key}[{index}]") from None
        return values

    def iban(self, key: str) -> str | None:
        """One optional IBAN, checked here so that an error names its field."""
        value = self.optional_text(key)
        if value is not None:
            try:
                normalise_iban(value)
            except ValueError as exc:
                raise self.fail(str(exc), key) from None
        return value

    def build(self, make: Callable[[], Any]) -> Any:
        """Run a constructor that validates; its ValueError becomes an error at this element."""
        try:
            return make()
        except ValueError as exc:
            raise self.fail(str(exc)) from None


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
            element = _Element(item, path, source)
            try:
                _LOADERS[section](session, element)
            except BankrecError as exc:
                if exc.location is not None:
                    raise
                raise InputError(exc.message, Location(source, element=path)) from None
        summary.counts[section] = len(items)
    return summary


def _currency(session: Session, e: _Element) -> None:
    decimals = e.data.get("decimals")
    if decimals is not None and (not isinstance(decimals, int) or isinstance(decimals, bool)):
        raise e.fail("expected a whole number", "decimals")
    md.upsert_currency(session, e.text("code", required=True), decimals, e.text("name"))


def _gl_account(session: Session, e: _Element) -> None:
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


def _company(session: Session, e: _Element) -> None:
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


def _payment_terms(session: Session, e: _Element) -> None:
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


def _party(kind: str) -> Callable[[Session, _Element], None]:
    def load(session: Session, e: _Element) -> None:
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

    return load


def _bank(session: Session, e: _Element) -> None:
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


def _rate(session: Session, e: _Element) -> None:
    rate = e.decimal("rate")
    if rate is None:
        raise e.fail("is required", "rate")
    md.upsert_rate(
        session, e.build(lambda: RateInput(e.text("currency", required=True), e.day("date"), rate))
    )


def _series(session: Session, e: _Element) -> None:
    md.upsert_number_series(
        session,
        NumberSeriesInput(
            e.text("code", required=True),
            e.text("starting_no", required=True),
            e.text("description"),
        ),
    )


_LOADERS: dict[str, Callable[[Session, _Element], None]] = {
    "currencies": _currency,
    "gl_accounts": _gl_account,
    "number_series": _series,
    "company": _company,
    "payment_terms": _payment_terms,
    "customers": _party("customer"),
    "vendors": _party("vendor"),
    "banks": _bank,
    "exchange_rates": _rate,
}
