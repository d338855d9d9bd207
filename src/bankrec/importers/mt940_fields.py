"""MT940 field contents: dates, amounts, balances (60a/62a/64/65) and the ``:61:`` statement
line with the ``:86:`` fields that follow it, made into one ``StatementLine``."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bankrec.domain.statement import Balance, StatementLine
from bankrec.importers.mt940_details import parse_details
from bankrec.importers.mt940_text import Field
from bankrec.importers.mt940_values import (
    Details,
    compact_account,
    looks_like_iban,
    meaningful,
    squeeze,
    supplementary,
    swift_amount,
)

_RAW_LIMIT = 2000


class Refused(ValueError):
    """A field's content is wrong; the statement reader adds where the field is."""


# -- dates and amounts ----------------------------------------------------------------------


def _year(yy: str) -> int:
    return 2000 + int(yy) if int(yy) < 80 else 1900 + int(yy)


def calendar_date(yymmdd: str, what: str) -> date:
    try:
        return date(_year(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        raise Refused(f'{what} "{yymmdd}" is not a calendar date (YYMMDD)') from None


@functools.lru_cache(maxsize=4096)  # a statement's lines share a few dates
def _value_date(yymmdd: str) -> date:
    year, month, day = _year(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    try:
        return date(year, month, day)
    except ValueError:
        pass
    # Fix-up, German banks: with the 30/360 day count of interest and fee settlement
    # (Rechnungsabschluss), the value date of a period-end booking in February is "30
    # February", meaning the last day of February.
    if month == 2 and day in (29, 30):
        return date(year, 2, calendar.monthrange(year, 2)[1])
    raise Refused(f'value date "{yymmdd}" is not a calendar date (YYMMDD)')


@functools.lru_cache(maxsize=4096)
def _entry_date(value_date: date, mmdd: str) -> date:
    """The booking date MMDD lies in the value date's year or the next or previous one
    (booked on 2 January with value date 31 December): the one within half a year."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    years = (value_date.year, value_date.year + 1, value_date.year - 1)
    found = []
    for year in years:
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue  # 29 February of another year, or no date at all
        if abs((found[-1] - value_date).days) <= 183:
            return found[-1]
    if not found:
        raise Refused(f'entry date "{mmdd}" is not a calendar date (MMDD)')
    return found[0]


def field_amount(text: str) -> Decimal:
    try:
        return swift_amount(text)
    except ValueError as exc:
        raise Refused(f"amount {exc}") from None


# Fields 60a/62a/64/65: 1!a6!n3!a15d - D/C mark, date, currency, amount.
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})(\d[\d,.]*)")


def balance(item: Field) -> tuple[Balance, str]:
    """Fields 60a/62a/64/65: D/C mark, YYMMDD, currency, amount; returns it and its currency."""
    found = _BALANCE.fullmatch(item.value)
    if not found:
        raise Refused(
            f':{item.tag}: "{item.value}" is not a balance (C or D, YYMMDD, currency, amount, '
            "like C240131EUR1234,56)"
        )
    mark, day, currency, amount = found.groups()
    signed = field_amount(amount)
    return Balance(-signed if mark == "D" else signed, calendar_date(day, "balance date")), currency


# -- field 61 ---------------------------------------------------------------------------------

# Field 61: 6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][CrLf34x] - value date, entry date, D/C mark,
# funds code, amount, transaction type, owner's and bank's references, supplementary details.
_STATEMENT_LINE = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d[\d,.]*)"
    # Fix-up, Deutsche Bank (DE): a space between the amount and the transaction type.
    r" ?(?P<type>[NFS][A-Z0-9 ]{3})?"  # fix-up, Zenith Bank (NG): no transaction type at all
    r"(?P<refs>.*)"
)
_NEGATIVE = frozenset({"D", "RC"})
"""Debits, and reversals of credits (RC), lower the balance; C and RD raise it."""
_KEYWORD_REFERENCE = re.compile(r"(EREF|KREF|MREF|NONREF)\+?")
_RABOBANK_ACCOUNT = re.compile(r"P?\d{7,10}")


@dataclass(slots=True)
class _Entry:
    """The standard subfields of one ``:61:`` field."""

    value_date: date
    booking_date: date
    amount: Decimal
    reversal: bool
    transaction_code: str
    customer_reference: str
    bank_reference: str
    legacy: Details | None


def _entry(item: Field) -> _Entry:
    found = _STATEMENT_LINE.fullmatch(item.lines[0].rstrip())
    if not found:
        raise Refused(
            f':61: "{item.value}" is not a statement line (YYMMDD[MMDD], C/D/RC/RD, amount '
            "with a decimal comma, transaction type, reference)"
        )
    value, entry, mark, _, amount_text, kind, refs = found.groups()
    value_date = _value_date(value)
    customer, _, bank = refs.partition("//")
    legacy = _rabobank_legacy(refs) if len(refs) > 16 and refs[15] == " " else None
    amount = field_amount(amount_text)
    return _Entry(
        value_date=value_date,
        booking_date=_entry_date(value_date, entry) if entry else value_date,
        amount=-amount if mark in _NEGATIVE else amount,
        reversal=mark[0] == "R",
        transaction_code=kind.strip() if kind else "",
        customer_reference="" if legacy else customer.strip(),
        bank_reference=bank.strip(),
        legacy=legacy,
    )


def _rabobank_legacy(refs: str) -> Details | None:
    """Fix-up, Rabobank (NL) pre-SEPA MT940: the 16-character reference holds the counter
    account (or NONREF), padded with spaces, and the counterparty's name follows on the line."""
    if len(refs) <= 16 or refs[15] != " " or "//" in refs or not refs[16:].strip():
        return None
    account = refs[:16].strip()
    return Details(
        account=account if _RABOBANK_ACCOUNT.fullmatch(account) else "", name=squeeze(refs[16:])
    )


def _customer_reference(reference: str, account: str) -> str:
    """The account owner's reference (subfield 7), unless it is no reference at all."""
    value = meaningful(reference)
    if not value:
        return ""
    # Fix-up, German banks and Rabobank/ING (NL): "KREF+", "EREF" say "see :86:".
    if _KEYWORD_REFERENCE.fullmatch(value.upper()):
        return ""
    # Fix-up, ASN Bank and Van Lanschot (NL): the counter account in place of a reference.
    compact = compact_account(value)
    if looks_like_iban(compact) or (account and len(compact) >= 7 and account.endswith(compact)):
        return ""
    return value


# -- one transaction --------------------------------------------------------------------------


@dataclass(slots=True)
class Pending:
    """A ``:61:`` and the ``:86:`` (or Sberbank ``:NS:``) fields that follow it."""

    entry: Field
    info: list[Field]


def _signed_like(value: Decimal | None, amount: Decimal) -> Decimal | None:
    """:86: states original amounts unsigned; the model signs them like the booking."""
    if value is None:
        return None
    return -abs(value) if amount < 0 else abs(value)


def statement_line(pending: Pending, currency: str) -> StatementLine:
    entry = _entry(pending.entry)
    details = _details(pending)
    if entry.legacy:
        details.account = details.account or entry.legacy.account
        details.name = details.name or entry.legacy.name
    reference = _customer_reference(entry.customer_reference, details.account)
    cheque = reference if entry.transaction_code[1:] == "CHK" else ""
    if details.original_amount is not None and not details.original_currency:
        details.original_currency = currency  # DK OAMT+ has no currency: the account's
    return StatementLine(
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount=entry.amount,
        currency=currency,
        counterparty_name=details.name,
        counterparty_account=details.account,
        counterparty_bic=details.bic,
        counterparty_address=details.address,
        counterparty_city=details.city,
        remittance=details.remittance,
        structured_reference=details.structured_reference,
        end_to_end_id=details.end_to_end_id or ("" if cheque else reference),
        bank_reference=meaningful(entry.bank_reference) or details.bank_reference,
        transaction_code=entry.transaction_code,
        check_no=cheque,
        original_amount=_signed_like(details.original_amount, entry.amount),
        original_currency=details.original_currency,
        charges=details.charges,
        batch_reference=details.batch_reference,
        reversal=entry.reversal,
        position=f"line {pending.entry.line_no}",
        raw=_raw(pending),
    )


def _details(pending: Pending) -> Details:
    """The ``:86:`` details, completed from the ``:61:`` supplementary details line."""
    info = pending.info
    lines = info[0].lines if len(info) == 1 else [x for item in info for x in item.lines]
    details = parse_details(lines, non_standard=bool(info) and info[0].tag == "NS")
    if len(pending.entry.lines) > 1:
        try:
            extra, text = supplementary(" ".join(pending.entry.lines[1:]))
        except ValueError as exc:
            raise Refused(f"supplementary details: amount {exc}") from None
        details.account = details.account or extra.account
        details.remittance = details.remittance or text
        if extra.original_amount is not None:  # /OCMT/ names its currency; OAMT+ does not
            details.original_amount = extra.original_amount
            details.original_currency = extra.original_currency
        if extra.charges is not None:
            details.charges = extra.charges
    return details


def _raw(pending: Pending) -> str:
    parts = [":61:" + "\n".join(pending.entry.lines)]
    parts.extend(f":{info.tag}:" + "\n".join(info.lines) for info in pending.info)
    return "\n".join(parts).rstrip()[:_RAW_LIMIT]
