"""SWIFT MT940 customer statements and MT942 interim transaction reports.

Implements the field specifications of SWIFT Standards MT, Category 9 (Cash Management):
MT940 fields 20, 21, 25, 28C, 60F/60M, 61, 86, 62F/62M, 64 and 65, and the MT942 fields 13D,
34F and 90D/90C (an MT942 has no balances; its 90D/90C totals are checked against its
entries). Several messages may follow each other in one file, bare or inside the SWIFT
FIN envelope (``{1:...}{2:...}{4:`` ... ``-}``, with SOH/ETX transmission bytes); a message
ends with a line ``-``. The ``:86:`` layouts of the banks live in ``mt940_details``.

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

import calendar
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import InputError, Location
from bankrec.importers.mt940_details import (
    Details,
    compact_account,
    is_iban,
    looks_like_iban,
    meaningful,
    parse_details,
    squeeze,
    supplementary,
    swift_amount,
)

_FIRST_MARK = re.compile(r":(\d\d[A-Z]?|NS|940):|-(?:\}.*|X*[ \t]*)$|\{.*", re.MULTILINE)
"""A line that starts a field, ends a message (``-``, ``-}``, ``-XXX``) or opens a block."""
# The same, found from the line end before it: a pattern that starts with a literal is fast.
_MARK = re.compile(r"\n(?::(\d\d[A-Z]?|NS|940):|-(?:\}.*|X*[ \t]*)$|\{)", re.MULTILINE)
_REMOVED = ("\x00", "\x01", "\x03", "\x1a")
_CLAIM_START = re.compile(rb"(?:\A|[\r\n])[\x01\x1a\s]*(?:\{4:)?:20:")
_CLAIM_ACCOUNT = re.compile(rb"[\r\n]:25:")
_RAW_LIMIT = 2000
KNOWN_FIELDS = "20, 21, 25, 28C, 60F/M, 61, 86, 62F/M, 64, 65 (an MT942 also 13D, 34F, 90D/C)"


class _Refused(ValueError):
    """A field's content is wrong; the statement reader adds where the field is."""


@dataclass(slots=True)
class _Field:
    """One field: its tag and its lines, the first being the text after the tag."""

    tag: str
    lines: list[str]
    line_no: int

    @property
    def value(self) -> str:
        return self.lines[0].strip()

    @property
    def last_line(self) -> int:
        return self.line_no + len(self.lines) - 1


# -- text and fields --------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Strict UTF-8, else Windows-1252, else ISO 8859-1 (see the module docstring)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _text(data: bytes) -> str:
    text = decode(data)
    for junk in _REMOVED:
        if junk in text:
            text = text.replace(junk, "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "{4::" in text:  # a field on the line that opens block 4, where FIN has a line end
        text = text.replace("{4::", "{4:\n:")
    return text


def _messages(text: str, source: str) -> Iterator[list[_Field]]:
    """Group the text into messages of fields; text outside ``:20:`` ... ``-`` is envelope.

    A field runs from its tag to the next line that starts a field, ends the message or opens
    a SWIFT block (so a wrapped line that happens to start with ``-2014`` stays in its field).
    Each message is handed on when the next one starts, so a large file is never held twice.
    """
    fields: list[_Field] | None = None
    line_no, counted = 1, 0
    for begin, name, start, end in _spans(text):
        line_no += text.count("\n", counted, begin)
        counted = begin
        # The end of a message, a SWIFT block header, or (fix-up, Rabobank NL) the ":940:"
        # line that heads each export leave no message open; ":20:" opens the next one.
        if name is None or name == "940" or name == "20":
            if fields:
                yield fields
            fields = None
        if name is not None and name != "940":
            new = _Field(name, text[start:end].split("\n"), line_no)
            fields = _add_field(fields, new, source)
    if fields:
        yield fields


def _spans(text: str) -> Iterator[tuple[int, str | None, int, int]]:
    """Each line that starts a field or ends a message or opens a block, as (where the line
    starts, the tag or None, where the field's text starts and ends)."""
    first = _FIRST_MARK.match(text)
    previous = (0, first.group(1), first.end()) if first else None
    for mark in _MARK.finditer(text):
        if previous:
            yield (*previous, mark.start())
        previous = (mark.start() + 1, mark.group(1), mark.end())
    if previous:
        yield (*previous, len(text))


def _add_field(fields: list[_Field] | None, new: _Field, source: str) -> list[_Field]:
    """Add a field to the open message (``:20:`` opens one); return the open message."""
    if new.tag == "20":
        return [new]
    if fields is None:
        raise InputError(
            f"field :{new.tag}: stands outside a statement (no :20: before it); every MT940 "
            "message starts with :20:",
            Location(source, new.line_no),
        )
    fields.append(new)
    return fields


# -- dates and amounts ----------------------------------------------------------------------


def _year(yy: str) -> int:
    return 2000 + int(yy) if int(yy) < 80 else 1900 + int(yy)


def _date(yymmdd: str, what: str) -> date:
    try:
        return date(_year(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        raise _Refused(f'{what} "{yymmdd}" is not a calendar date (YYMMDD)') from None


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
    raise _Refused(f'value date "{yymmdd}" is not a calendar date (YYMMDD)')


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
        raise _Refused(f'entry date "{mmdd}" is not a calendar date (MMDD)')
    return found[0]


def _amount(text: str) -> Decimal:
    try:
        return swift_amount(text)
    except ValueError as exc:
        raise _Refused(f"amount {exc}") from None


# Fields 60a/62a/64/65: 1!a6!n3!a15d - D/C mark, date, currency, amount.
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})(\d[\d,.]*)")


def _balance(item: _Field) -> tuple[Balance, str]:
    """Fields 60a/62a/64/65: D/C mark, YYMMDD, currency, amount; returns it and its currency."""
    found = _BALANCE.fullmatch(item.value)
    if not found:
        raise _Refused(
            f':{item.tag}: "{item.value}" is not a balance (C or D, YYMMDD, currency, amount, '
            "like C240131EUR1234,56)"
        )
    mark, day, currency, amount = found.groups()
    signed = _amount(amount)
    return Balance(-signed if mark == "D" else signed, _date(day, "balance date")), currency


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


def _entry(item: _Field) -> _Entry:
    found = _STATEMENT_LINE.fullmatch(item.lines[0].rstrip())
    if not found:
        raise _Refused(
            f':61: "{item.value}" is not a statement line (YYMMDD[MMDD], C/D/RC/RD, amount '
            "with a decimal comma, transaction type, reference)"
        )
    value, entry, mark, _, amount_text, kind, refs = found.groups()
    value_date = _value_date(value)
    customer, _, bank = refs.partition("//")
    legacy = _rabobank_legacy(refs) if len(refs) > 16 else None
    amount = _amount(amount_text)
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
class _Pending:
    """A ``:61:`` and the ``:86:`` (or Sberbank ``:NS:``) fields that follow it."""

    entry: _Field
    info: list[_Field]


def _signed_like(value: Decimal | None, amount: Decimal) -> Decimal | None:
    """:86: states original amounts unsigned; the model signs them like the booking."""
    if value is None:
        return None
    return -abs(value) if amount < 0 else abs(value)


def _statement_line(pending: _Pending, currency: str) -> StatementLine:
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


def _details(pending: _Pending) -> Details:
    """The ``:86:`` details, completed from the ``:61:`` supplementary details line."""
    info = pending.info
    lines = info[0].lines if len(info) == 1 else [x for item in info for x in item.lines]
    details = parse_details(lines, non_standard=bool(info) and info[0].tag == "NS")
    if len(pending.entry.lines) > 1:
        try:
            extra, text = supplementary(" ".join(pending.entry.lines[1:]))
        except ValueError as exc:
            raise _Refused(f"supplementary details: amount {exc}") from None
        details.account = details.account or extra.account
        details.remittance = details.remittance or text
        if extra.original_amount is not None:  # /OCMT/ names its currency; OAMT+ does not
            details.original_amount = extra.original_amount
            details.original_currency = extra.original_currency
        if extra.charges is not None:
            details.charges = extra.charges
    return details


def _raw(pending: _Pending) -> str:
    parts = [":61:" + "\n".join(pending.entry.lines)]
    parts.extend(f":{info.tag}:" + "\n".join(info.lines) for info in pending.info)
    return "\n".join(parts).rstrip()[:_RAW_LIMIT]


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
    totals: list[tuple[_Field, int, Decimal]] = field(default_factory=list)
    lines: list[StatementLine] = field(default_factory=list)
    pending: _Pending | None = None
    last: _Field | None = None

    def where(self, item: _Field) -> Location:
        return Location(self.source, item.line_no, item.last_line)

    def read(self, item: _Field) -> None:
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
        except _Refused as exc:
            raise InputError(str(exc), self.where(item)) from None

    def flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending:
            try:
                self.lines.append(_statement_line(pending, self.currency))
            except _Refused as exc:
                raise InputError(str(exc), self.where(pending.entry)) from None

    def reference_field(self, item: _Field) -> None:
        self.reference = item.value

    def account_field(self, item: _Field) -> None:
        self.account = item.value

    def number_field(self, item: _Field) -> None:
        # Fix-up, Zenith Bank (NG): ":28C: /1", an empty statement number.
        self.number = item.value.split("/")[0].strip()

    def opening_field(self, item: _Field) -> None:
        self.opening, self.currency = _balance(item)
        self.opening_mark = item.tag[2:]

    def entry_field(self, item: _Field) -> None:
        if self.closed:
            raise _Refused(
                ":61: comes after the closing balance; a statement lists its transactions "
                "between :60F: and :62F:"
            )
        if not self.currency:
            raise _Refused(
                ":61: comes before the opening balance :60F: (or the :34F: floor limit of an "
                "MT942) that gives the currency"
            )
        self.pending = _Pending(item, [])

    def closing_field(self, item: _Field) -> None:
        self.closing, currency = _balance(item)
        self.closing_mark = item.tag[2:]
        self.closed = True
        if self.currency and currency != self.currency:
            raise _Refused(
                f"the closing balance is in {currency}, the opening balance in {self.currency}"
            )

    def information_field(self, item: _Field) -> None:
        """:64: available and :65: forward available balance: checked for form, not used."""
        self.closed = True
        try:
            _balance(item)
        except _Refused:
            # Fix-up, Oldenburgische Landesbank (DE): ":65F:Dnullnull7414,3" in a real
            # export. These balances are informational, so a damaged one is let through.
            return

    def floor_limit_field(self, item: _Field) -> None:
        self.interim = True
        found = re.match(r"[A-Z]{3}", item.value)
        if not found:
            raise _Refused(f':34F: "{item.value}" does not start with a currency')
        self.currency = self.currency or found.group()

    def report_date_field(self, item: _Field) -> None:
        self.interim = True
        self.report_date = _date(item.value[:6], "date/time indication")

    def totals_field(self, item: _Field) -> None:
        """:90D:/:90C: number and sum of the debit/credit entries of an MT942."""
        self.interim = True
        found = re.fullmatch(r"(\d+)([A-Z]{3})(\d[\d,]*)", item.value)
        if not found:
            raise _Refused(f':{item.tag}: "{item.value}" is not a count, currency and amount')
        self.totals.append((item, int(found[1]), _amount(found[3])))


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


def _read_message(fields: list[_Field], source: str) -> _Statement:
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


def _check_totals(statement: _Statement, item: _Field, count: int, total: Decimal) -> None:
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
        statements = [_read_message(m, source) for m in _messages(_text(data), source)]
        if not statements:
            raise InputError(
                "no MT940 statement in the file: no message starts with :20:", Location(source)
            )
        return ParsedFile(self.name, tuple(_parsed(s) for s in _join_pages(statements)))
