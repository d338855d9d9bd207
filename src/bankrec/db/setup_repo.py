"""Company setup, currencies, rates and accounts as the posting engine reads them (cached)."""

from __future__ import annotations

import bisect
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db.ledgers import PartyLedger
from bankrec.db.models import BankAccount, Company, Currency, ExchangeRate, GLAccount
from bankrec.domain.money import quantize
from bankrec.errors import SetupError

M = TypeVar("M")


def get_company(session: Session) -> Company:
    company = session.get(Company, 1)
    if company is None:
        raise SetupError("the company is not set up; run `bankrec init` first")
    return company


class LedgerSetup:
    """Reads master data once per transaction and converts between currencies."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.company = get_company(session)
        self.decimals = {c.code: c.decimals for c in session.scalars(select(Currency))}
        self._rates: dict[str, tuple[list[date], list[Decimal]]] = {}
        self._records: dict[tuple[type[Any], str], object | None] = {}

    @property
    def lcy(self) -> str:
        return self.company.lcy_code

    @property
    def lcy_decimals(self) -> int:
        return self.decimals[self.lcy]

    def record(self, model: type[M], key: str) -> M | None:
        """A master record by primary key, read once."""
        cache_key = (model, key)
        if cache_key not in self._records:
            self._records[cache_key] = self.session.get(model, key)
        found = self._records[cache_key]
        assert found is None or isinstance(found, model)
        return found

    def gl_account(self, no: str) -> GLAccount | None:
        return self.record(GLAccount, no)

    def bank(self, no: str) -> BankAccount | None:
        return self.record(BankAccount, no)

    def rate(self, currency: str, on: date) -> Decimal | None:
        """Local currency per unit of ``currency`` on ``on``: the latest rate not after it."""
        if currency == self.lcy:
            return Decimal(1)
        if currency not in self._rates:
            rows = self.session.execute(
                select(ExchangeRate.starting_date, ExchangeRate.rate)
                .where(ExchangeRate.currency_code == currency)
                .order_by(ExchangeRate.starting_date)
            ).all()
            self._rates[currency] = ([r[0] for r in rows], [r[1] for r in rows])
        dates, rates = self._rates[currency]
        index = bisect.bisect_right(dates, on) - 1
        return rates[index] if index >= 0 else None

    def to_lcy(self, amount_minor: int, currency: str, rate: Decimal) -> int:
        """Convert minor units of ``currency`` at ``rate`` to local minor units, rounded once."""
        shift = self.lcy_decimals - self.decimals[currency]
        return int(quantize(Decimal(amount_minor) * rate * Decimal(10) ** shift, 0))

    def from_lcy(self, lcy_minor: int, currency: str, rate: Decimal) -> int:
        shift = self.decimals[currency] - self.lcy_decimals
        return int(quantize(Decimal(lcy_minor) / rate * Decimal(10) ** shift, 0))

    def account_setting(self, field: str, purpose: str) -> str:
        """A G/L account named in company setup; a clear error says which one is missing."""
        value = getattr(self.company, field)
        if not value:
            raise SetupError(
                f"company setup has no {field.replace('_', ' ')}, needed for {purpose}; "
                f"set it with `bankrec company set --{field.replace('_', '-')} GL_NO`"
            )
        assert isinstance(value, str)
        return value

    def control_account(self, ledger: PartyLedger) -> str:
        return self.account_setting(ledger.control_account_field, f"{ledger.kind} entries")
