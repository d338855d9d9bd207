"""Master data: company setup, currencies and rates, G/L accounts, parties, banks, series."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from bankrec.db.base import Base
from bankrec.db.types import ExactDecimal

CODE = String(20)
NAME = String(100)


def _gl_fk(nullable: bool = True) -> Mapped[str | None]:
    return mapped_column(CODE, ForeignKey("gl_account.no"), nullable=nullable)


class Currency(Base):
    __tablename__ = "currency"
    __table_args__ = (CheckConstraint("decimals BETWEEN 0 AND 4", name="decimals_range"),)

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(NAME, default="")
    decimals: Mapped[int] = mapped_column(Integer)


class ExchangeRate(Base):
    """Units of local currency that one unit of ``currency_code`` buys from ``starting_date``."""

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency_code", "starting_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    starting_date: Mapped[date] = mapped_column(Date)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)


class GLAccount(Base):
    __tablename__ = "gl_account"
    __table_args__ = (
        CheckConstraint("account_type IN ('balance', 'income')", name="account_type"),
    )

    no: Mapped[str] = mapped_column(CODE, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    account_type: Mapped[str] = mapped_column(String(10))
    direct_posting: Mapped[bool] = mapped_column(Boolean, default=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)


class Company(Base):
    """The single company setup row (id 1)."""

    __tablename__ = "company"
    __table_args__ = (CheckConstraint("id = 1", name="singleton"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    name: Mapped[str] = mapped_column(NAME, default="")
    lcy_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    receivables_account: Mapped[str | None] = _gl_fk()
    payables_account: Mapped[str | None] = _gl_fk()
    realized_gains_account: Mapped[str | None] = _gl_fk()
    realized_losses_account: Mapped[str | None] = _gl_fk()
    payment_discount_debit_account: Mapped[str | None] = _gl_fk()
    payment_discount_credit_account: Mapped[str | None] = _gl_fk()
    payment_tolerance_debit_account: Mapped[str | None] = _gl_fk()
    payment_tolerance_credit_account: Mapped[str | None] = _gl_fk()
    payment_tolerance_pct: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))
    max_payment_tolerance_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    journal_series: Mapped[str | None] = mapped_column(CODE, ForeignKey("number_series.code"))
    interest_account: Mapped[str | None] = _gl_fk()
    """Income account for interest charged by reminders and finance charge memos."""
    additional_fee_account: Mapped[str | None] = _gl_fk()
    """Income account for reminder and finance charge fees."""


class PaymentTerms(Base):
    __tablename__ = "payment_terms"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    description: Mapped[str] = mapped_column(NAME, default="")
    due_date_formula: Mapped[str] = mapped_column(String(30))
    discount_date_formula: Mapped[str | None] = mapped_column(String(30))
    discount_pct: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))


class PartyMixin:
    """Fields shared by customers and vendors."""

    if TYPE_CHECKING:  # mapped subclasses accept their columns as keywords

        def __init__(self, **kw: Any) -> None: ...

    no: Mapped[str] = mapped_column(CODE, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    address: Mapped[str] = mapped_column(NAME, default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    payment_terms_code: Mapped[str | None] = mapped_column(ForeignKey("payment_terms.code"))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)


class Customer(PartyMixin, Base):
    __tablename__ = "customer"

    reminder_terms_code: Mapped[str | None] = mapped_column(ForeignKey("reminder_terms.code"))
    fin_charge_terms_code: Mapped[str | None] = mapped_column(
        ForeignKey("finance_charge_terms.code")
    )


class Vendor(PartyMixin, Base):
    __tablename__ = "vendor"


class PartyBankAccountMixin:
    """One of a party's bank accounts: an IBAN, or a domestic account number, or both."""

    if TYPE_CHECKING:  # mapped subclasses accept their columns as keywords

        def __init__(self, **kw: Any) -> None: ...

    party_table: str

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iban: Mapped[str | None] = mapped_column(String(34))
    account_no: Mapped[str | None] = mapped_column(String(40))

    @declared_attr
    def party_no(cls) -> Mapped[str]:
        return mapped_column(ForeignKey(f"{cls.party_table}.no"), index=True)


class CustomerBankAccount(PartyBankAccountMixin, Base):
    __tablename__ = "customer_bank_account"
    party_table = "customer"
    __table_args__ = (UniqueConstraint("party_no", "iban", "account_no"),)


class VendorBankAccount(PartyBankAccountMixin, Base):
    __tablename__ = "vendor_bank_account"
    party_table = "vendor"
    __table_args__ = (UniqueConstraint("party_no", "iban", "account_no"),)


class BankAccount(Base):
    __tablename__ = "bank_account"
    __table_args__ = (
        CheckConstraint("match_tolerance_type IN ('amount', 'percent')", name="tolerance_type"),
    )

    no: Mapped[str] = mapped_column(CODE, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    iban: Mapped[str | None] = mapped_column(String(34))
    account_no: Mapped[str | None] = mapped_column(String(40))
    bic: Mapped[str | None] = mapped_column(String(11))
    gl_account_no: Mapped[str] = mapped_column(ForeignKey("gl_account.no"))
    last_statement_no: Mapped[int] = mapped_column(Integer, default=0)
    balance_last_statement_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    match_tolerance_type: Mapped[str] = mapped_column(String(10), default="amount")
    match_tolerance_value: Mapped[Decimal] = mapped_column(ExactDecimal, default=Decimal(0))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)


class NumberSeries(Base):
    """Document numbers: the next is ``last_no_used`` with its trailing number incremented."""

    __tablename__ = "number_series"

    code: Mapped[str] = mapped_column(CODE, primary_key=True)
    description: Mapped[str] = mapped_column(NAME, default="")
    starting_no: Mapped[str] = mapped_column(CODE)
    last_no_used: Mapped[str | None] = mapped_column(CODE)
