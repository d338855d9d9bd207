"""One camt statement (``Stmt``, ``Rpt`` or ``Ntfctn``): its header, balances and lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from lxml import etree

from bankrec.domain.statement import Balance, ParsedStatement, StatementLine
from bankrec.importers.camt_fields import (
    FieldError,
    Flat,
    compact,
    date_choice,
    flatten,
    parse_date,
    signed_amount,
    text_of,
)


@dataclass
class Statement:
    """One Stmt/Rpt/Ntfctn being read: its header, then its lines as they stream past."""

    path: str
    kind: str
    currency: str = ""
    iban: str = ""
    other_id: str = ""
    statement_id: str = ""
    opening: Balance | None = None
    closing: Balance | None = None
    period_start: date | None = None
    period_end: date | None = None
    fallback_date: date | None = None
    lines: list[StatementLine] = field(default_factory=list)

    def result(self) -> ParsedStatement:
        if not self.currency:
            raise FieldError(
                "the statement names no currency (no Acct/Ccy, balance or entry)", "Acct/Ccy"
            )
        return ParsedStatement(
            currency=self.currency,
            lines=tuple(self.lines),
            account_iban=self.iban,
            account_no=self.other_id,
            statement_id=self.statement_id,
            opening=self.opening,
            closing=self.closing,
            period_start=self.period_start,
            period_end=self.period_end,
            position=self.path,
        )

    def read_header(self, children: Iterable[etree._Element], cut: int) -> None:
        """Account, balances and period from the part of the statement before its entries."""
        flat: Flat = {}
        balances: list[Flat] = []
        for child in children:
            tag = child.tag
            if tag.__class__ is str and tag[cut:] == "Bal":
                balances.append({})
                flatten(child, cut, "", balances[-1], [])
            elif tag.__class__ is str:
                flatten(child, cut, tag[cut:] + "/", flat, [])
                flat.setdefault(tag[cut:], (child.text or "").strip())
        self.iban = compact(text_of(flat, "Acct/Id/IBAN"))
        self.other_id = text_of(flat, "Acct/Id/Othr/Id")
        self.statement_id = text_of(flat, "Id") or text_of(flat, "ElctrncSeqNb")
        self.period_start = parse_date(text_of(flat, "FrToDt/FrDtTm"), "FrToDt/FrDtTm")
        self.period_end = parse_date(text_of(flat, "FrToDt/ToDtTm"), "FrToDt/ToDtTm")
        found = _balances(balances)
        opening = found.get("OPBD") or found.get("PRCD")
        closing = found.get("CLBD") or (found.get("ITBD") if self.kind == "052" else None)
        stated = [b.currency for b in (opening, closing) if b and b.currency]
        self.currency = text_of(flat, "Acct/Ccy") or next(iter(stated), "")
        self.opening = opening.balance_in(self.currency) if opening else None
        self.closing = closing.balance_in(self.currency) if closing else None
        # camt-to-coda LT export: entries carry no BookgDt nor ValDt; its statements are one
        # day's, so the closing balance date (else the period end) books them.
        created = parse_date(text_of(flat, "CreDtTm"), "CreDtTm")
        candidates = (self.closing.date if self.closing else None, self.period_end, created)
        self.fallback_date = next((d for d in candidates if d), None)


class _Bal(NamedTuple):
    currency: str
    balance: Balance
    where: str

    def balance_in(self, currency: str) -> Balance:
        if self.currency and currency and self.currency != currency:
            raise FieldError(
                f"the balance is in {self.currency} but the account is in {currency}; a "
                "statement's opening and closing balances must be in the account currency",
                self.where,
            )
        return self.balance


def _balances(balances: list[Flat]) -> dict[str, _Bal]:
    """The first ``Bal`` of each type code (``Tp/CdOrPrtry/Cd``, version 01 ``Tp/Cd``)."""
    found: dict[str, _Bal] = {}
    for number, bal in enumerate(balances, start=1):
        code = (
            text_of(bal, "Tp/CdOrPrtry/Cd")
            or text_of(bal, "Tp/CdOrPrtry/Prtry")
            or text_of(bal, "Tp/Cd")
        )
        if code in found:
            continue
        try:
            amount = signed_amount(bal, "", required=False)
            when = date_choice(bal, "Dt/")
        except FieldError as problem:
            raise FieldError(problem.message, f"Bal[{number}]/{problem.where}") from None
        found[code] = _Bal(text_of(bal, "Amt@Ccy"), Balance(amount, when), f"Bal[{number}]/Amt")
    return found
