"""Use cases for master data: companies, currencies, rates, accounts, parties, banks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bankrec.db.ledgers import party_ledger
from bankrec.db.models import (
    BankAccount,
    BankLedgerEntry,
    Company,
    Currency,
    ExchangeRate,
    GLAccount,
    GLEntry,
    NumberSeries,
    PaymentTerms,
)
from bankrec.db.setup_repo import get_company
from bankrec.domain.currency import iso_decimals, normalise_code
from bankrec.domain.money import from_minor, to_minor
from bankrec.errors import InputError, NotFoundError, SetupError
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
    parse_tolerance,
)

# -- writes on a session (shared by the add commands and `load`) --------------------------------


def upsert_currency(
    session: Session, code: str, decimals: int | None = None, name: str = ""
) -> Currency:
    code = normalise_code(code)
    places = decimals if decimals is not None else iso_decimals(code)
    if places is None:
        raise InputError(f"{code} is not an ISO 4217 currency; give its decimals with --decimals")
    if not 0 <= places <= 4:
        raise InputError(f"decimals {places} must be from 0 to 4")
    currency = session.get(Currency, code)
    if currency is None:
        currency = Currency(code=code, name=name, decimals=places)
        session.add(currency)
    elif currency.decimals != places:
        used = session.scalar(
            select(func.count()).select_from(GLEntry).where(GLEntry.currency_code == code)
        )
        if used:
            raise InputError(f"{code} already has postings; its decimals cannot change")
        currency.decimals = places
    if name:
        currency.name = name
    session.flush()
    return currency


def _require(session: Session, model: type[Any], key: str, what: str, hint: str) -> Any:
    found = session.get(model, key)
    if found is None:
        raise NotFoundError(f"{what} {key} does not exist; {hint}")
    return found


def upsert_gl_account(session: Session, data: GLAccountInput) -> GLAccount:
    account = session.get(GLAccount, data.no) or GLAccount(no=data.no)
    account.name = data.name
    account.account_type = data.account_type.value
    account.direct_posting = data.direct_posting
    account.blocked = data.blocked
    session.add(account)
    session.flush()
    return account


def upsert_payment_terms(session: Session, data: PaymentTermsInput) -> PaymentTerms:
    terms = session.get(PaymentTerms, data.code) or PaymentTerms(code=data.code)
    terms.description = data.description
    terms.due_date_formula = data.due
    terms.discount_date_formula = data.discount_date
    terms.discount_pct = data.discount_pct
    session.add(terms)
    session.flush()
    return terms


def upsert_party(session: Session, kind: str, data: PartyInput) -> Any:
    ledger = party_ledger(kind)
    if data.payment_terms:
        _require(session, PaymentTerms, data.payment_terms, "payment terms", "add them first")
    party = session.get(ledger.party, data.no) or ledger.party(no=data.no)
    party.name, party.address, party.city = data.name, data.address, data.city
    party.country, party.payment_terms_code, party.blocked = (
        data.country,
        data.payment_terms,
        data.blocked,
    )
    session.add(party)
    session.flush()
    _replace_bank_accounts(session, kind, data)
    return party


def _replace_bank_accounts(session: Session, kind: str, data: PartyInput) -> None:
    model = party_ledger(kind).bank_account
    if not data.ibans and not data.account_nos:
        return
    session.execute(delete(model).where(model.party_no == data.no))
    for iban in dict.fromkeys(data.ibans):
        session.add(model(party_no=data.no, iban=iban))
    for account_no in dict.fromkeys(data.account_nos):
        session.add(model(party_no=data.no, account_no=account_no))
    session.flush()


def upsert_bank(session: Session, data: BankInput) -> BankAccount:
    _require(session, Currency, data.currency, "currency", "add it with `bankrec currency add`")
    _require(session, GLAccount, data.gl_account, "G/L account", "add it with `bankrec gl add`")
    bank = session.get(BankAccount, data.no)
    if bank is None:
        bank = BankAccount(
            no=data.no,
            last_statement_no=0,
            balance_last_statement_minor=0,
            match_tolerance_type="amount",
            match_tolerance_value=Decimal(0),
        )
    elif bank.currency_code != data.currency and _bank_has_entries(session, data.no):
        raise InputError(f"bank account {data.no} has ledger entries; its currency cannot change")
    bank.name, bank.currency_code, bank.gl_account_no = data.name, data.currency, data.gl_account
    bank.iban, bank.account_no, bank.bic, bank.blocked = (
        data.iban,
        data.account_no,
        data.bic,
        data.blocked,
    )
    session.add(bank)
    session.flush()
    set_bank_fields(
        session, bank, data.last_statement_no, data.balance_last_statement, data.match_tolerance
    )
    return bank


def _bank_has_entries(session: Session, no: str) -> bool:
    return bool(
        session.scalar(
            select(func.count()).select_from(BankLedgerEntry).where(BankLedgerEntry.bank_no == no)
        )
    )


def set_bank_fields(
    session: Session,
    bank: BankAccount,
    last_statement_no: int | None,
    balance_last_statement: Decimal | None,
    match_tolerance: str | None,
) -> None:
    if last_statement_no is not None:
        if last_statement_no < 0:
            raise InputError("the last statement no. must not be negative")
        bank.last_statement_no = last_statement_no
    if balance_last_statement is not None:
        places = session.get_one(Currency, bank.currency_code).decimals
        try:
            bank.balance_last_statement_minor = to_minor(balance_last_statement, places)
        except ValueError:
            raise InputError(
                f"balance {balance_last_statement} has more decimals than "
                f"{bank.currency_code} allows"
            ) from None
    if match_tolerance is not None:
        try:
            kind, value = parse_tolerance(match_tolerance)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        bank.match_tolerance_type, bank.match_tolerance_value = kind.value, value
    session.flush()


def upsert_rate(session: Session, data: RateInput) -> ExchangeRate:
    _require(session, Currency, data.currency, "currency", "add it with `bankrec currency add`")
    company = session.get(Company, 1)
    if company is not None and company.lcy_code == data.currency:
        raise InputError(f"{data.currency} is the local currency; it needs no exchange rate")
    rate = session.scalars(
        select(ExchangeRate).where(
            ExchangeRate.currency_code == data.currency,
            ExchangeRate.starting_date == data.starting_date,
        )
    ).first() or ExchangeRate(currency_code=data.currency, starting_date=data.starting_date)
    rate.rate = data.rate
    session.add(rate)
    session.flush()
    return rate


def upsert_number_series(session: Session, data: NumberSeriesInput) -> NumberSeries:
    series = session.get(NumberSeries, data.code) or NumberSeries(code=data.code, last_no_used=None)
    series.starting_no, series.description = data.starting_no, data.description
    session.add(series)
    session.flush()
    return series


def ensure_company(session: Session, local_currency: str) -> Company:
    code = normalise_code(local_currency)
    company = session.get(Company, 1)
    if company is None:
        upsert_currency(session, code)
        company = Company(
            id=1,
            name="",
            lcy_code=code,
            payment_tolerance_pct=Decimal(0),
            max_payment_tolerance_minor=0,
        )
        session.add(company)
        session.flush()
    elif company.lcy_code != code:
        raise SetupError(
            f"the company's local currency is {company.lcy_code}, not {code}; it cannot change"
        )
    return company


def update_company(session: Session, data: CompanyInput) -> Company:
    company = (
        ensure_company(session, data.local_currency)
        if data.local_currency
        else get_company(session)
    )
    if data.name is not None:
        company.name = data.name
    for field_name, account in data.accounts.items():
        if field_name not in COMPANY_ACCOUNT_FIELDS:
            raise InputError(f"unknown company account setting {field_name}")
        _require(
            session, GLAccount, account, "G/L account", f"add it before naming it as {field_name}"
        )
        setattr(company, field_name, account)
    if data.payment_tolerance_pct is not None:
        if not Decimal(0) <= data.payment_tolerance_pct < 100:
            raise InputError("payment_tolerance_pct must be from 0 to below 100")
        company.payment_tolerance_pct = data.payment_tolerance_pct
    if data.max_payment_tolerance is not None:
        places = session.get_one(Currency, company.lcy_code).decimals
        company.max_payment_tolerance_minor = to_minor(data.max_payment_tolerance, places)
    if data.journal_series is not None:
        _require(session, NumberSeries, data.journal_series, "number series", "add it first")
        company.journal_series = data.journal_series
    session.flush()
    return company


# -- views -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A master record for display: ordered fields, JSON-ready values."""

    kind: str
    key: str
    fields: dict[str, Any]


def _gl_balance(session: Session, account_no: str) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(GLEntry.amount_minor), 0)).where(
                GLEntry.gl_account_no == account_no
            )
        )
        or 0
    )


def gl_record(session: Session, account: GLAccount, with_balance: bool = False) -> Record:
    fields: dict[str, Any] = {
        "no": account.no,
        "name": account.name,
        "type": account.account_type,
        "direct_posting": account.direct_posting,
        "blocked": account.blocked,
    }
    if with_balance:
        company = get_company(session)
        places = session.get_one(Currency, company.lcy_code).decimals
        fields["balance"] = str(from_minor(_gl_balance(session, account.no), places))
    return Record("gl", account.no, fields)


def party_record(session: Session, kind: str, party: Any, with_balance: bool = False) -> Record:
    ledger = party_ledger(kind)
    accounts = session.scalars(
        select(ledger.bank_account)
        .where(ledger.bank_account.party_no == party.no)
        .order_by(ledger.bank_account.id)
    ).all()
    fields: dict[str, Any] = {
        "no": party.no,
        "name": party.name,
        "address": party.address,
        "city": party.city,
        "country": party.country,
        "ibans": [a.iban for a in accounts if a.iban],
        "account_nos": [a.account_no for a in accounts if a.account_no],
        "payment_terms": party.payment_terms_code,
        "blocked": party.blocked,
    }
    if with_balance:
        company = get_company(session)
        places = session.get_one(Currency, company.lcy_code).decimals
        d, e = ledger.detailed, ledger.entry
        balance = session.scalar(
            select(func.coalesce(func.sum(d.amount_lcy_minor), 0))
            .join(e, e.entry_no == d.entry_no)
            .where(e.party_no == party.no)
        )
        open_count = session.scalar(
            select(func.count()).select_from(
                select(d.entry_no)
                .join(e, e.entry_no == d.entry_no)
                .where(e.party_no == party.no)
                .group_by(d.entry_no)
                .having(func.sum(d.amount_minor) != 0)
                .subquery()
            )
        )
        fields["balance_lcy"] = str(from_minor(int(balance or 0), places))
        fields["open_entries"] = int(open_count or 0)
    return Record(kind, party.no, fields)


def bank_record(session: Session, bank: BankAccount, with_balance: bool = False) -> Record:
    places = session.get_one(Currency, bank.currency_code).decimals
    tolerance = (
        f"{bank.match_tolerance_value}%"
        if bank.match_tolerance_type == "percent"
        else str(bank.match_tolerance_value)
    )
    fields: dict[str, Any] = {
        "no": bank.no,
        "name": bank.name,
        "currency": bank.currency_code,
        "iban": bank.iban,
        "account_no": bank.account_no,
        "bic": bank.bic,
        "gl_account": bank.gl_account_no,
        "last_statement_no": bank.last_statement_no,
        "balance_last_statement": str(from_minor(bank.balance_last_statement_minor, places)),
        "match_tolerance": tolerance,
        "blocked": bank.blocked,
    }
    if with_balance:
        balance = session.scalar(
            select(func.coalesce(func.sum(BankLedgerEntry.amount_minor), 0)).where(
                BankLedgerEntry.bank_no == bank.no
            )
        )
        fields["balance"] = str(from_minor(int(balance or 0), places))
    return Record("bank", bank.no, fields)


def rate_record(rate: ExchangeRate) -> Record:
    return Record(
        "rate",
        f"{rate.currency_code} {rate.starting_date}",
        {
            "currency": rate.currency_code,
            "date": rate.starting_date.isoformat(),
            "rate": str(rate.rate),
        },
    )


def company_record(session: Session) -> Record:
    company = get_company(session)
    currency = session.get_one(Currency, company.lcy_code)
    fields: dict[str, Any] = {
        "name": company.name,
        "local_currency": company.lcy_code,
        "amount_decimals": currency.decimals,
        "rounding": "half-up",
    }
    fields.update({name: getattr(company, name) for name in COMPANY_ACCOUNT_FIELDS})
    fields["payment_tolerance_pct"] = str(company.payment_tolerance_pct)
    fields["max_payment_tolerance"] = str(
        from_minor(company.max_payment_tolerance_minor, currency.decimals)
    )
    fields["journal_series"] = company.journal_series
    return Record("company", "1", fields)


# -- use cases ---------------------------------------------------------------------------------

_MODELS: dict[str, Any] = {"gl": GLAccount, "bank": BankAccount}


def add_gl_account(db: Database, data: GLAccountInput) -> Record:
    with db.transaction() as session:
        return gl_record(session, upsert_gl_account(session, data))


def add_party(db: Database, kind: str, data: PartyInput) -> Record:
    with db.transaction() as session:
        return party_record(session, kind, upsert_party(session, kind, data))


def add_bank(db: Database, data: BankInput) -> Record:
    with db.transaction() as session:
        return bank_record(session, upsert_bank(session, data))


def set_bank(
    db: Database,
    no: str,
    last_statement_no: int | None,
    balance_last_statement: Decimal | None,
    match_tolerance: str | None,
) -> Record:
    with db.transaction() as session:
        bank = _require(session, BankAccount, no, "bank account", "see `bankrec bank list`")
        set_bank_fields(session, bank, last_statement_no, balance_last_statement, match_tolerance)
        return bank_record(session, bank)


def add_currency(db: Database, code: str, decimals: int | None, name: str) -> Record:
    with db.transaction() as session:
        currency = upsert_currency(session, code, decimals, name)
        return Record(
            "currency",
            currency.code,
            {"code": currency.code, "name": currency.name, "decimals": currency.decimals},
        )


def add_rate(db: Database, data: RateInput) -> Record:
    with db.transaction() as session:
        return rate_record(upsert_rate(session, data))


def set_company(db: Database, data: CompanyInput) -> Record:
    with db.transaction() as session:
        update_company(session, data)
        return company_record(session)


def show_company(db: Database) -> Record:
    with db.reading() as session:
        return company_record(session)


def list_records(db: Database, kind: str) -> list[Record]:
    with db.reading() as session:
        if kind == "gl":
            return [
                gl_record(session, a)
                for a in session.scalars(select(GLAccount).order_by(GLAccount.no))
            ]
        if kind == "bank":
            return [
                bank_record(session, b, True)
                for b in session.scalars(select(BankAccount).order_by(BankAccount.no))
            ]
        if kind in ("customer", "vendor"):
            model = party_ledger(kind).party
            return [
                party_record(session, kind, p)
                for p in session.scalars(select(model).order_by(model.no))
            ]
        if kind == "currency":
            return [
                Record("currency", c.code, {"code": c.code, "name": c.name, "decimals": c.decimals})
                for c in session.scalars(select(Currency).order_by(Currency.code))
            ]
        raise InputError(f"unknown record kind {kind}")


def list_rates(db: Database, currency: str | None = None, at: date | None = None) -> list[Record]:
    with db.reading() as session:
        query = select(ExchangeRate).order_by(
            ExchangeRate.currency_code, ExchangeRate.starting_date
        )
        if currency:
            query = query.where(ExchangeRate.currency_code == normalise_code(currency))
        if at:
            query = query.where(ExchangeRate.starting_date <= at)
        return [rate_record(r) for r in session.scalars(query)]


def show_record(db: Database, kind: str, key: str) -> Record:
    with db.reading() as session:
        if kind in ("customer", "vendor"):
            party = _require(
                session, party_ledger(kind).party, key, kind, f"see `bankrec {kind} list`"
            )
            return party_record(session, kind, party, with_balance=True)
        model = _MODELS[kind]
        record = _require(
            session,
            model,
            key,
            "G/L account" if kind == "gl" else "bank account",
            f"see `bankrec {kind} list`",
        )
        if kind == "gl":
            return gl_record(session, record, with_balance=True)
        return bank_record(session, record, with_balance=True)
