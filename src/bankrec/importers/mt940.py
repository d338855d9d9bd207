"""SWIFT MT940 customer statements and MT942 interim transaction reports.

Implements the field specifications of SWIFT Standards MT, Category 9 (Cash Management):
MT940 fields 20, 21, 25, 28C, 60F/60M, 61, 86, 62F/62M, 64 and 65, and the MT942 fields 13D,
34F and 90D/90C (an MT942 has no balances; its 90D/90C totals are checked against its
entries). Several messages may follow each other in one file, bare or inside the SWIFT
FIN envelope (``{1:...}{2:...}{4:`` ... ``-}``, with SOH/ETX transmission bytes); a message
ends with a line ``-``.

This module reads the statements; the rest lives beside it: ``mt940_text`` decodes the bytes
and cuts messages into fields, ``mt940_fields`` reads dates, amounts, balances and the
``:61:``/``:86:`` pair of one transaction, ``mt940_details`` picks the ``:86:`` layout
(``mt940_german``: DK ``?nn`` and Triodos subfields, ``mt940_layouts``: the other banks),
and ``mt940_values`` holds the shared ``Details`` and text helpers.

Decoding: the bytes are read as strict UTF-8; a file that is not valid UTF-8 is read as
Windows-1252, and one that is not valid Windows-1252 either as ISO 8859-1, which maps every
byte. CRLF, LF and CR line ends are all accepted; SOH, ETX, NUL and Ctrl-Z (DOS end of file,
also found between two concatenated files) are removed.

Pages (SWIFT MT940 field 60a/62a usage rules): a statement too long for one message goes out
as several, each closing with an intermediate ``:62M:`` that the next opens with ``:60M:``.
Such pages are joined into one statement, from the first page's opening balance to the last
page's closing balance. ``:64:`` and ``:65:`` are checked for form, never used as balances.

Amounts keep the file's precision (``300,`` is 300, ``79,7`` is 79.7). Every bank deviation
from the standard is a named fix-up with the bank named beside it.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import InputError, Location
from bankrec.importers.mt940_fields import (
    Pending,
    Refused,
    balance,
    calendar_date,
    field_amount,
    statement_line,
)
from bankrec.importers.mt940_text import Field, clean_text, decode, messages
from bankrec.importers.mt940_values import compact_account, is_iban, squeeze

__all__ = ["KNOWN_FIELDS", "Mt940Importer", "decode"]

_CLAIM_START = re.compile(rb"(?:\A|[\r\n])[\x01\x1a\s]*(?:\{4:)?:20:")
_CLAIM_ACCOUNT = re.compile(rb"[\r\n]:25:")
KNOWN_FIELDS = "20, 21, 25, 28C, 60F/M, 61, 86, 62F/M, 64, 65 (an MT942 also 13D, 34F, 90D/C)"


# -- one message ------------------------------------------------------------------------------


@dataclass
class _Statement:
    """A statement (or MT942 report) while its fields are read."""

    source: str
    line_no: int
    reference: str = ""
    account: str | None = None
    number: str = ""
    currency: str = ""
    opening: Balance | None = None
    opening_mark: str = ""
    closing: Balance | None = None
    closing_mark: str = ""
    closed: bool = False
    """A closing, available or forward balance came: no transaction may follow."""
    interim: bool = False
    report_date: date | None = None
    totals: list[tuple[Field, int, Decimal]] = field(default_factory=list)
    lines: list[StatementLine] = field(default_factory=list)
    pending: Pending | None = None
    last: Field | None = None

    def where(self, item: Field) -> Location:
        return Location(self.source, item.line_no, item.last_line)

    def read(self, item: Field) -> None:
        self.last = item
        if item.tag == "86" or item.tag == "NS":
            if self.pending and not self.closed:
                self.pending.info.append(item)
            return  # otherwise information on the statement as a whole
        if self.pending:
            self.flush()
        handler = _HANDLERS.get(item.tag) or _HANDLERS.get(item.tag[:2])
        if handler is None:
            raise InputError(
                f"unknown field :{item.tag}:; an MT940 statement has the fields {KNOWN_FIELDS}",
                self.where(item),
            )
        try:
            handler(self, item)
        except Refused as exc:
            raise InputError(str(exc), self.where(item)) from None

    def flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending:
            try:
                self.lines.append(statement_line(pending, self.currency))
            except Refused as exc:
                raise InputError(str(exc), self.where(pending.entry)) from None

    def reference_field(self, item: Field) -> None:
        self.reference = item.value

    def account_field(self, item: Field) -> None:
        self.account = item.value

    def number_field(self, item: Field) -> None:
        # Fix-up, Zenith Bank (NG): ":28C: /1", an empty statement number.
        self.number = item.value.split("/")[0].strip()

    def opening_field(self, item: Field) -> None:
        self.opening, self.currency = balance(item)
        self.opening_mark = item.tag[2:]

    def entry_field(self, item: Field) -> None:
        if self.closed:
            raise Refused(
                ":61: comes after the closing balance; a statement lists its transactions "
                "between :60F: and :62F:"
            )
        if not self.currency:
            raise Refused(
                ":61: comes before the opening balance :60F: (or the :34F: floor limit of an "
                "MT942) that gives the currency"
            )
        self.pending = Pending(item, [])

    def closing_field(self, item: Field) -> None:
        self.closing, currency = balance(item)
        self.closing_mark = item.tag[2:]
        self.closed = True
        if self.currency and currency != self.currency:
            raise Refused(
                f"the closing balance is in {currency}, the opening balance in {self.currency}"
            )

    def information_field(self, item: Field) -> None:
        """:64: available and :65: forward available balance: checked for form, not used."""
        self.closed = True
        try:
            balance(item)
        except Refused:
            # Fix-up, Oldenburgische Landesbank (DE): ":65F:Dnullnull7414,3" in a real
            # export. These balances are informational, so a damaged one is let through.
            return

    def floor_limit_field(self, item: Field) -> None:
        self.interim = True
        found = re.match(r"[A-Z]{3}", item.value)
        if not found:
            raise Refused(f':34F: "{item.value}" does not start with a currency')
        self.currency = self.currency or found.group()

    def report_date_field(self, item: Field) -> None:
        self.interim = True
        self.report_date = calendar_date(item.value[:6], "date/time indication")

    def totals_field(self, item: Field) -> None:
        """:90D:/:90C: number and sum of the debit/credit entries of an MT942."""
        self.interim = True
        found = re.fullmatch(r"(\d+)([A-Z]{3})(\d[\d,]*)", item.value)
        if not found:
            raise Refused(f':{item.tag}: "{item.value}" is not a count, currency and amount')
        self.totals.append((item, int(found[1]), field_amount(found[3])))


_HANDLERS = {
    "20": _Statement.reference_field,
    "21": lambda statement, item: None,
    "25": _Statement.account_field,
    "28": _Statement.number_field,
    "28C": _Statement.number_field,
    "60F": _Statement.opening_field,
    "60M": _Statement.opening_field,
    "61": _Statement.entry_field,
    "62F": _Statement.closing_field,
    "62M": _Statement.closing_field,
    "64": _Statement.information_field,
    "65": _Statement.information_field,  # also ":65F:" (Oldenburgische Landesbank)
    "34F": _Statement.floor_limit_field,
    "13": _Statement.report_date_field,
    "13D": _Statement.report_date_field,
    "90D": _Statement.totals_field,
    "90C": _Statement.totals_field,
}


def _read_message(fields: list[Field], source: str) -> _Statement:
    statement = _Statement(source, fields[0].line_no)
    for item in fields:
        statement.read(item)
    statement.flush()
    _check_complete(statement)
    return statement


def _check_complete(statement: _Statement) -> None:
    last_line = statement.last.last_line if statement.last else statement.line_no
    where = Location(statement.source, statement.line_no, last_line)
    if statement.account is None:
        raise InputError("the statement has no account identification :25:", where)
    if not statement.currency:
        raise InputError("the statement has no opening balance :60F:", where)
    if not (statement.closed or statement.interim):
        raise InputError(
            "the statement ends without a closing balance :62F:; the file is truncated or damaged",
            where,
        )
    for item, count, total in statement.totals:
        _check_totals(statement, item, count, total)


def _check_totals(statement: _Statement, item: Field, count: int, total: Decimal) -> None:
    """An MT942's 90D/90C must agree with its entries, else entries are missing."""
    debit = item.tag == "90D"
    mine = [line.amount for line in statement.lines if (line.amount < 0) == debit]
    held = abs(sum(mine, Decimal(0)))
    if len(mine) != count or held != total:
        kind = "debit" if debit else "credit"
        raise InputError(
            f":{item.tag}: states {count} {kind} entries totalling {total}, but the report "
            f"holds {len(mine)} totalling {held}; the file is incomplete",
            statement.where(item),
        )


# -- statements -------------------------------------------------------------------------------


def _join_pages(statements: list[_Statement]) -> list[_Statement]:
    """Join the pages of one statement: a ``:62M:`` followed by a ``:60M:`` of the account."""
    joined: list[_Statement] = []
    for statement in statements:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.closing_mark == "M"
            and statement.opening_mark == "M"
            and previous.account == statement.account
        ):
            _check_continues(previous, statement)
            previous.lines.extend(statement.lines)
            previous.closing, previous.closing_mark = statement.closing, statement.closing_mark
        else:
            joined.append(statement)
    return joined


def _check_continues(previous: _Statement, page: _Statement) -> None:
    assert previous.closing is not None
    assert page.opening is not None
    if previous.closing.amount != page.opening.amount or previous.currency != page.currency:
        raise InputError(
            f"this page opens with {page.opening.amount} {page.currency} but the page before "
            f"closed with {previous.closing.amount} {previous.currency}; a page is missing",
            Location(page.source, page.line_no),
        )


def _account(text: str, currency: str) -> tuple[str, str]:
    """Field 25 as (IBAN, other account id)."""
    value = squeeze(text)
    # Fix-up, ING, Rabobank, bunq (NL) and Raiffeisen CMI (HU): the currency after the account.
    if currency and value.endswith(currency) and len(value) > len(currency):
        value = value[: -len(currency)].rstrip(" /")
    last = compact_account(value.rsplit("/", 1)[-1])
    return (last, "") if is_iban(last) else ("", value)


def _parsed(statement: _Statement) -> ParsedStatement:
    iban, other = _account(statement.account or "", statement.currency)
    bookings = [line.booking_date for line in statement.lines]
    opened = statement.opening.date if statement.opening else None
    closed = statement.closing.date if statement.closing else None
    start = min(bookings, default=None) or opened or closed or statement.report_date
    end = max([d for d in (closed, statement.report_date) if d] + bookings, default=start)
    return ParsedStatement(
        currency=statement.currency,
        lines=tuple(statement.lines),
        account_iban=iban,
        account_no=other,
        statement_id=statement.number or statement.reference,
        opening=statement.opening,
        closing=statement.closing,
        period_start=start,
        period_end=end,
        position=f"line {statement.line_no}",
    )


class Mt940Importer:
    """Reads SWIFT MT940 statements and MT942 interim reports."""

    name = "mt940"

    def claims(self, head: bytes) -> bool:
        return bool(_CLAIM_START.search(head) and _CLAIM_ACCOUNT.search(head))

    def parse(self, data: bytes, source: str) -> ParsedFile:
        # A parse allocates millions of small objects and frees none of them until the end;
        # the cyclic garbage collector would walk them over and over for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            statements = [_read_message(m, source) for m in messages(clean_text(data), source)]
        finally:
            if collecting:
                gc.enable()
        if not statements:
            raise InputError(
                "no MT940 statement in the file: no message starts with :20:", Location(source)
            )
        return ParsedFile(self.name, tuple(_parsed(s) for s in _join_pages(statements)))
