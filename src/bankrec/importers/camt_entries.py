"""The statement lines of one camt entry (``Ntry``): amounts, parties, remittance and references."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from bankrec.domain.statement import StatementLine
from bankrec.importers.camt_fields import (
    SEP,
    FieldError,
    Flat,
    compact,
    date_choice,
    ident,
    parse_amount,
    signed_amount,
    text_of,
    texts_of,
    words,
)
from bankrec.importers.camt_raw import RawEntry
from bankrec.importers.camt_statement import Statement

_TRUE = frozenset({"true", "1"})
_SWISS_STATUS = re.compile(r"\?(REJECT|ERROR)\?\d*")


class _Entry(NamedTuple):
    """What every line of one entry shares."""

    flat: Flat
    amount: Decimal
    currency: str
    account_currency: str
    booking_date: date
    value_date: date | None
    reversal: bool
    batch_reference: str


def entry_lines(
    flat: Flat, details: list[Flat], statement: Statement, raw: RawEntry, path: str
) -> list[StatementLine]:
    """The statement lines of one ``Ntry``: none if not booked, one, or one per TxDtls."""
    if not statement.currency:  # no Acct/Ccy nor balance: the first entry's currency
        statement.currency = flat.get("Amt@Ccy", "")
    status = flat.get("Sts") or flat.get("Sts/Cd") or flat.get("Sts/Prtry")
    # camt-to-coda LT export: no Sts at all (mandatory in the schema); a statement books it.
    if status and status.upper() != "BOOK":
        return []
    entry = _entry(flat, details, statement)
    if len(details) >= 2 and all("Amt" in tx or "AmtDtls/TxAmt/Amt" in tx for tx in details):
        amounts = _split(entry, details)
        return [
            _line(entry, tx, amounts[i], f"{path}/TxDtls[{i + 1}]", raw.detail(i), split=True)
            for i, tx in enumerate(details)
        ]
    first = details[0] if details else {}
    return [_line(entry, first, entry.amount, path, raw.whole(), split=False)]


def _entry(flat: Flat, details: list[Flat], statement: Statement) -> _Entry:
    amount = signed_amount(flat, "")
    currency = flat.get("Amt@Ccy")
    if not currency:
        raise FieldError("Amt has no Ccy attribute (the currency code)", "Amt")
    value_date = date_choice(flat, "ValDt/")
    booking_date = date_choice(flat, "BookgDt/") or value_date or statement.fallback_date
    if booking_date is None:
        raise FieldError("the entry has no booking date (BookgDt) nor value date", "BookgDt")
    return _Entry(
        flat=flat,
        amount=amount,
        currency=currency,
        account_currency=statement.currency,
        booking_date=booking_date,
        value_date=value_date,
        reversal=flat.get("RvslInd", "").lower() in _TRUE,
        batch_reference=_batch_reference(flat, len(details)),
    )


def _batch_reference(flat: Flat, details: int) -> str:
    """The entry's own reference when it books a batch (``Btch/NbOfTxs`` or TxDtls above 1)."""
    if details < 2 and flat.get("NtryDtls/Btch/NbOfTxs", "") in ("", "0", "1"):
        return ""
    return (
        ident(text_of(flat, "AcctSvcrRef"))
        or text_of(flat, "NtryDtls/Btch/PmtInfId")
        or text_of(flat, "NtryDtls/Btch/MsgId")
        or ident(text_of(flat, "NtryRef"))
    )


def _split(entry: _Entry, details: list[Flat]) -> list[Decimal]:
    """Each TxDtls's signed amount; together they must make up the entry, so splitting a batch
    neither invents nor loses money."""
    amounts: list[Decimal] = []
    for number, tx in enumerate(details, start=1):
        where = f"TxDtls[{number}]/" + ("" if "Amt" in tx else "AmtDtls/TxAmt/")
        key = "Amt" if "Amt" in tx else "AmtDtls/TxAmt/Amt"
        value = parse_amount(text_of(tx, key), where + "Amt")
        currency = text_of(tx, key + "@Ccy")
        if currency and currency != entry.currency:
            raise FieldError(
                f"TxDtls[{number}] is in {currency} but its entry in {entry.currency}; the "
                "batch cannot be split into lines",
                where + "Amt",
            )
        indicator = text_of(tx, "CdtDbtInd")
        negative = indicator == "DBIT" or (not indicator and entry.amount < 0)
        amounts.append(-value if negative else value)
    total = sum(amounts, Decimal(0))
    if total != entry.amount:
        raise FieldError(
            f"the {len(details)} TxDtls amounts add up to {total} but the entry amount is "
            f"{entry.amount} {entry.currency}; the file is inconsistent: ask the bank for a "
            "corrected statement",
            "Amt",
        )
    return amounts


class _Party(NamedTuple):
    name: str
    account: str
    bic: str
    address: str
    city: str


_NOBODY = _Party("", "", "", "", "")


class _Keys(NamedTuple):
    """The flat keys of one party: debtor or creditor, named directly or (v08+) in ``Pty``."""

    name: str
    street: str
    building: str
    postcode: str
    town: str
    lines: str
    iban: str
    other: str
    bicfi: str
    bic: str


def _keys(role: str, person: str) -> _Keys:
    party = f"RltdPties/{role}/{person}"
    address = party + "PstlAdr/"
    agent = f"RltdAgts/{role}Agt/FinInstnId/"
    return _Keys(
        name=party + "Nm",
        street=address + "StrtNm",
        building=address + "BldgNb",
        postcode=address + "PstCd",
        town=address + "TwnNm",
        lines=address + "AdrLine",
        iban=f"RltdPties/{role}Acct/Id/IBAN",
        other=f"RltdPties/{role}Acct/Id/Othr/Id",
        bicfi=agent + "BICFI",
        bic=agent + "BIC",
    )


_ROLES = {role: (_keys(role, ""), _keys(role, "Pty/")) for role in ("Dbtr", "Cdtr")}


def _party(tx: Flat, role: str) -> _Party:
    """Debtor or creditor with account, address and agent BIC."""
    direct, wrapped = _ROLES[role]
    keys = wrapped if wrapped.name in tx else direct
    get = tx.get
    name = get(keys.name, "")
    account = get(keys.iban) or get(keys.other) or ""
    if not name and not account:
        return _NOBODY
    street, town, lines = get(keys.street), get(keys.town), get(keys.lines)
    address = city = ""
    if street or town or lines:
        street = " ".join(filter(None, (street, get(keys.building))))
        address = ", ".join(filter(None, (street, *texts_of(tx, keys.lines))))
        city = " ".join(filter(None, (get(keys.postcode), town)))
    return _Party(
        words(name),
        compact(account),
        compact(get(keys.bicfi) or get(keys.bic) or ""),
        address,
        city,
    )


def _counterparty(tx: Flat, credit: bool, reversal: bool) -> _Party:
    """The debtor pays a credit and the creditor receives a debit; a reversal undoes the
    original, whose parties it repeats (PostFinance refunds name the debtor on a DBIT)."""
    first, second = ("Dbtr", "Cdtr") if credit != reversal else ("Cdtr", "Dbtr")
    found = _party(tx, first)
    # ABN AMRO reversals and some samples name only the other side: take it rather than none.
    return found if found is not _NOBODY else _party(tx, second)


def _remittance(entry: Flat, tx: Flat) -> str:
    ustrd = tx.get("RmtInf/Ustrd", "")
    if ustrd and "RtrInf/Rsn/Cd" not in tx and SEP not in ustrd and ident(ustrd):
        return words(ustrd)  # the common case, one Ustrd
    parts = [words(text) for text in texts_of(tx, "RmtInf/Ustrd") if ident(text)]
    if not parts:
        # PostFinance (CH) writes ?REJECT?0 / ?ERROR?000 status codes into AddtlRmtInf.
        strd = texts_of(tx, "RmtInf/Strd/AddtlRmtInf")
        parts = [words(text) for text in strd if not _SWISS_STATUS.fullmatch(text)]
    if not parts:
        extra = words(tx.get("AddtlTxInf") or entry.get("AddtlNtryInf") or "")
        parts = [extra] if extra else []
    text = " ".join(parts)
    reason = tx.get("RtrInf/Rsn/Cd", "")
    if reason:
        detail = words(tx.get("RtrInf/AddtlInf", ""))
        reason = f"return reason {reason}" + (f": {detail}" if detail else "")
        text = f"{text}; {reason}" if text else reason
    return text


def _bank_code(flat: Flat) -> str:
    """``BkTxCd``: ISO domain/family/sub-family (PMNT/RCDT/ESCT), else the proprietary code."""
    get = flat.get
    domain = get("BkTxCd/Domn/Cd")
    if domain:
        family = get("BkTxCd/Domn/Fmly/Cd")
        sub = get("BkTxCd/Domn/Fmly/SubFmlyCd")
        return "/".join(filter(None, (domain, family, sub)))
    return get("BkTxCd/Prtry/Cd", "")


def _original(flat: Flat, entry: _Entry, negative: bool) -> tuple[Decimal | None, str]:
    """The instructed (else transaction) amount when it is in another currency than the
    account, signed like the line."""
    for key in ("AmtDtls/InstdAmt/Amt", "AmtDtls/TxAmt/Amt"):
        currency = flat.get(key + "@Ccy")
        if currency and currency != entry.account_currency:
            value = parse_amount(text_of(flat, key), key)
            return (-value if negative else value), currency
    return None, ""


def _charges_text(flat: Flat) -> str:
    """``Chrgs``: the stated totals, else the records (v04+ ``Rcrd/Amt``, v02 one ``Chrgs/Amt``
    per charge)."""
    get = flat.get
    stated = get("Chrgs/TtlChrgsAndTaxAmt")
    if stated:
        return stated
    return SEP.join(filter(None, (get("Chrgs/Rcrd/Amt"), get("Chrgs/Amt"))))


def _charges(texts: str) -> Decimal:
    """What the bank charged for the transaction, added up; positive is a cost."""
    return sum((parse_amount(text, "Chrgs") for text in texts.split(SEP) if text), Decimal(0))


def _bank_reference(entry: Flat, tx: Flat, split: bool) -> str:
    """The bank's own id: the entry's ``AcctSvcrRef`` (a split line's own first)."""
    own = ident(entry.get("AcctSvcrRef", ""))
    if own and not split:
        return own
    return (
        ident(tx.get("Refs/AcctSvcrRef", ""))
        or ("" if split else ident(entry.get("NtryRef", "")))
        # German DK banks put their own id (FI-UMSATZ-ID) in Refs/Prtry, AcctSvcrRef is NONREF.
        or ident(text_of(tx, "Refs/Prtry/Ref"))
        or ident(tx.get("Refs/TxId", ""))
        or own
    )


def _line(
    entry: _Entry, tx: Flat, amount: Decimal, position: str, raw: str, *, split: bool
) -> StatementLine:
    top = entry.flat
    party = _counterparty(tx, amount > 0, entry.reversal)
    money = tx if split or "AmtDtls/InstdAmt/Amt" in tx or "AmtDtls/TxAmt/Amt" in tx else top
    original, original_currency = _original(money, entry, amount < 0)
    charged = _charges_text(tx) or ("" if split else _charges_text(top))
    reference = tx.get("RmtInf/Strd/CdtrRefInf/Ref")
    return StatementLine(
        booking_date=entry.booking_date,
        amount=amount,
        currency=entry.currency,
        value_date=entry.value_date,
        counterparty_name=party.name,
        counterparty_account=party.account,
        counterparty_bic=party.bic,
        counterparty_address=party.address,
        counterparty_city=party.city,
        remittance=_remittance(top, tx),
        structured_reference=compact(reference.partition(SEP)[0]) if reference else "",
        end_to_end_id=ident(tx.get("Refs/EndToEndId", "")),
        bank_reference=_bank_reference(top, tx, split),
        transaction_code=_bank_code(tx) or _bank_code(top),
        check_no=tx.get("Refs/ChqNb", ""),
        original_amount=original,
        original_currency=original_currency,
        charges=_charges(charged) if charged else None,
        batch_reference=entry.batch_reference,
        reversal=entry.reversal,
        position=position,
        raw=raw,
    )
