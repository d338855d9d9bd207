"""Read a cash receipt journal from CSV (the layout of ``bankrec receipt post``).

Header names identify the columns; an unknown column is an error so a typo cannot drop data.
``amount`` is the money received into the bank (negative: a refund paid out). Every problem
names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from bankrec.domain.currency import normalise_code
from bankrec.domain.kinds import AccountType
from bankrec.domain.money import parse_amount
from bankrec.errors import InputError, Location

COLUMNS = (
    "date",
    "account_type",
    "account_no",
    "amount",
    "document_no",
    "external_document_no",
    "description",
    "currency",
    "bank",
    "applies_to_doc_no",
    "applies_to_entries",
)
REQUIRED = ("date", "account_type", "account_no", "amount")
ACCOUNT_TYPES = (AccountType.CUSTOMER.value, AccountType.GL.value)
_LIST_SPLIT = re.compile(r"[;\s]+")
T = TypeVar("T")


@dataclass(frozen=True)
class ReceiptLine:
    """One cash receipt line as written in the file."""

    location: Location
    posting_date: date
    account_type: AccountType
    account_no: str
    amount: Decimal
    document_no: str = ""
    external_document_no: str = ""
    description: str = ""
    currency: str | None = None
    bank: str = ""
    applies_to_doc_nos: tuple[str, ...] = ()
    applies_to_entries: tuple[int, ...] = ()

    def at(self, column: str) -> Location:
        """This line's location, naming ``column``."""
        return _column(self.location, column)


def read_receipts(text: str, source: str) -> list[ReceiptLine]:
    """Parse the whole CSV ``text``; ``source`` names it in messages."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    _check_header(reader.fieldnames, source)
    lines: list[ReceiptLine] = []
    try:
        for row in reader:
            location = Location(source, reader.line_num)
            if all(not (v or "").strip() for v in row.values() if not isinstance(v, list)):
                continue
            if None in row:
                raise InputError("more fields than the header has columns", location)
            lines.append(_parse_row(row, location))
    except csv.Error as exc:
        raise InputError(f"not valid CSV ({exc})", Location(source, reader.line_num)) from exc
    if not lines:
        raise InputError("the receipt journal has no lines; nothing to post", Location(source))
    return lines


def _check_header(fieldnames: object, source: str) -> None:
    location = Location(source, 1)
    if not fieldnames:
        raise InputError("empty file: expected a header row naming the columns", location)
    names = [str(n).strip() for n in fieldnames]  # type: ignore[attr-defined]  # a sequence
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}",
            location,
        )
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", location)


def _column(location: Location, name: str) -> Location:
    return Location(location.source, location.line, element=f"column {name}")


def _field(
    row: dict[str, str], name: str, location: Location, parse: Callable[[str], T]
) -> T | None:
    raw = (row.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError as exc:
        raise InputError(str(exc), _column(location, name)) from None


def _required(row: dict[str, str], name: str, location: Location, parse: Callable[[str], T]) -> T:
    value = _field(row, name, location, parse)
    if value is None:
        raise InputError("is empty; it is required", _column(location, name))
    return value


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a date; write it as YYYY-MM-DD') from None


def _account_type(text: str) -> AccountType:
    if text.lower() not in ACCOUNT_TYPES:
        raise ValueError(f'"{text}" is not one of {", ".join(ACCOUNT_TYPES)}')
    return AccountType(text.lower())


def _entry_nos(text: str) -> tuple[int, ...]:
    parts = [p for p in _LIST_SPLIT.split(text) if p]
    bad = [p for p in parts if not p.isdigit() or int(p) == 0]
    if bad:
        raise ValueError(f'"{bad[0]}" is not an entry number; separate entry numbers with ";"')
    return tuple(int(p) for p in parts)


def _parse_row(row: dict[str, str], location: Location) -> ReceiptLine:
    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    doc_nos = tuple(p for p in _LIST_SPLIT.split(text("applies_to_doc_no")) if p)
    entries = _field(row, "applies_to_entries", location, _entry_nos) or ()
    if doc_nos and entries:
        raise InputError(
            "give applies_to_doc_no or applies_to_entries, not both",
            _column(location, "applies_to_entries"),
        )
    return ReceiptLine(
        location=location,
        posting_date=_required(row, "date", location, _parse_date),
        account_type=_required(row, "account_type", location, _account_type),
        account_no=_required(row, "account_no", location, str),
        amount=_required(row, "amount", location, parse_amount),
        document_no=text("document_no"),
        external_document_no=text("external_document_no"),
        description=text("description"),
        currency=_field(row, "currency", location, normalise_code),
        bank=text("bank"),
        applies_to_doc_nos=doc_nos,
        applies_to_entries=entries,
    )
