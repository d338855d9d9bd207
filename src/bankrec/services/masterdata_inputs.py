"""Validated inputs for master data, shared by the ``add`` commands and ``bankrec load``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bankrec.domain.currency import normalise_code
from bankrec.domain.dateformula import parse_date_formula
from bankrec.domain.kinds import GLAccountType, ToleranceType
from bankrec.domain.money import parse_amount, to_decimal


def normalise_iban(text: str) -> str:
    """Compact and validate an IBAN (ISO 13616 check digits); raise ValueError when invalid."""
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        return str(iban.validate(text))
    except ValidationError as exc:
        raise ValueError(f'"{text}" is not a valid IBAN ({exc})') from None


def parse_tolerance(text: str) -> tuple[ToleranceType, Decimal]:
    """``2%`` is a percentage of the amount, ``0.50`` an absolute amount."""
    cleaned = text.strip()
    if cleaned.endswith("%"):
        value = parse_amount(cleaned[:-1])
        if not Decimal(0) <= value <= Decimal(99):
            raise ValueError(f'tolerance "{text}" must be between 0% and 99%')
        return ToleranceType.PERCENT, value
    value = parse_amount(cleaned)
    if value < 0:
        raise ValueError(f'tolerance "{text}" must not be negative')
    return ToleranceType.AMOUNT, value


@dataclass(frozen=True)
class GLAccountInput:
    no: str
    name: str
    account_type: GLAccountType
    direct_posting: bool = True
    blocked: bool = False


@dataclass(frozen=True)
class PartyInput:
    no: str
    name: str
    address: str = ""
    city: str = ""
    country: str = ""
    ibans: tuple[str, ...] = ()
    account_nos: tuple[str, ...] = ()
    payment_terms: str | None = None
    blocked: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "ibans", tuple(normalise_iban(i) for i in self.ibans))
        if self.country and (len(self.country) != 2 or not self.country.isalpha()):
            raise ValueError(f'country "{self.country}" must be a two-letter ISO code such as DE')
        object.__setattr__(self, "country", self.country.upper())


@dataclass(frozen=True)
class BankInput:
    no: str
    name: str
    currency: str
    gl_account: str
    iban: str | None = None
    account_no: str | None = None
    bic: str | None = None
    match_tolerance: str | None = None
    last_statement_no: int | None = None
    balance_last_statement: Decimal | None = None
    blocked: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", normalise_code(self.currency))
        if self.iban:
            object.__setattr__(self, "iban", normalise_iban(self.iban))
        if self.match_tolerance is not None:
            parse_tolerance(self.match_tolerance)


@dataclass(frozen=True)
class PaymentTermsInput:
    code: str
    due: str
    description: str = ""
    discount_date: str | None = None
    discount_pct: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        parse_date_formula(self.due)
        if self.discount_date:
            parse_date_formula(self.discount_date)
        pct = to_decimal(self.discount_pct)
        if not Decimal(0) <= pct < Decimal(100):
            raise ValueError(f"discount_pct {pct} must be from 0 to below 100")
        if pct and not self.discount_date:
            raise ValueError("a discount_pct needs a discount_date formula")


@dataclass(frozen=True)
class RateInput:
    currency: str
    starting_date: date
    rate: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", normalise_code(self.currency))
        if to_decimal(self.rate) <= 0:
            raise ValueError(f"rate {self.rate} must be greater than 0")


@dataclass(frozen=True)
class CompanyInput:
    """Company setup fields; None leaves a field as it is."""

    name: str | None = None
    local_currency: str | None = None
    accounts: dict[str, str] = field(default_factory=dict)
    payment_tolerance_pct: Decimal | None = None
    max_payment_tolerance: Decimal | None = None
    journal_series: str | None = None


COMPANY_ACCOUNT_FIELDS = (
    "receivables_account",
    "payables_account",
    "realized_gains_account",
    "realized_losses_account",
    "payment_discount_debit_account",
    "payment_discount_credit_account",
    "payment_tolerance_debit_account",
    "payment_tolerance_credit_account",
    "interest_account",
    "additional_fee_account",
)


@dataclass(frozen=True)
class NumberSeriesInput:
    code: str
    starting_no: str
    description: str = ""
