"""Read general journal lines from CSV (the layout of ``bankrec journal post``).

Header names, not positions, identify the columns; unknown columns are an error so that a typo
in a header cannot silently drop data. Every problem names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from bankrec.domain.currency import normalise_code
from bankrec.domain.journal import JournalLine
from bankrec.domain.kinds import AccountType, DocumentType
from bankrec.domain.money import parse_amount
from bankrec.errors import InputError, Location

COLUMNS = (
    "date",
    "document_type",
    "document_no",
    "external_document_no",
    "account_type",
    "account_no",
    "description",
    "amount",
    "currency",
    "bal_account_type",
    "bal_account_no",
    "due_date",
    "applies_to_doc_no",
    "pmt_discount_date",
    "pmt_discount_amount",
    "check_no",
)
REQUIRED = ("date", "account_type", "account_no", "amount")
_APPLIES_TO_SPLIT = re.compile(r"[;\s]+")
T = TypeVar("T")


def read_journal(text: str, source: str) -> list[JournalLine]:
    """Parse the whole CSV ``text``; ``source`` names it in error messages."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    _check_header(reader.fieldnames, source)
    lines: list[JournalLine] = []
    try:
        for row in reader:
            location = Location(source, reader.line_num)
            if _is_blank(row.values()):
                continue
            if None in row:
                raise InputError("more fields than the header has columns", location)
            lines.append(_parse_row(row, location))
    except csv.Error as exc:
        raise InputError(f"not valid CSV ({exc})", Location(source, reader.line_num)) from exc
    if not lines:
        raise InputError("the journal has no lines; nothing to post", Location(source))
    return lines


def _is_blank(values: Iterable[str | None]) -> bool:
    return all(not (v or "").strip() for v in values if isinstance(v, str) or v is None)


def _check_header(fieldnames: object, source: str) -> None:
    location = Location(source, 1)
    if not fieldnames:
        raise InputError("empty file: expected a header row naming the columns", location)
    names = [str(n).strip() for n in fieldnames]  # type: ignore[attr-defined]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}",
            location,
        )
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", location)


def _field(
    row: dict[str, str], name: str, location: Location, parse: Callable[[str], T]
) -> T | None:
    raw = (row.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError as exc:
        raise InputError(f"column {name}: {exc}", location) from exc


def _required(row: dict[str, str], name: str, location: Location, parse: Callable[[str], T]) -> T:
    value = _field(row, name, location, parse)
    if value is None:
        raise InputError(f"column {name} is empty; it is required", location)
    return value


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a date; write it as YYYY-MM-DD') from None


def _choice(kind: type[AccountType] | type[DocumentType]) -> Callable[[str], str]:
    allowed = [k.value for k in kind if k.value]

    def parse(text: str) -> str:
        if text.lower() not in allowed:
            raise ValueError(f'"{text}" is not one of {", ".join(allowed)}')
        return text.lower()

    return parse


def _parse_row(row: dict[str, str], location: Location) -> JournalLine:
    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    bal_type = _field(row, "bal_account_type", location, _choice(AccountType))
    if bal_type and not text("bal_account_no"):
        raise InputError("bal_account_type is set but bal_account_no is empty", location)
    if text("bal_account_no") and not bal_type:
        raise InputError("bal_account_no is set but bal_account_type is empty", location)
    applies_to = tuple(p for p in _APPLIES_TO_SPLIT.split(text("applies_to_doc_no")) if p)
    return JournalLine(
        location=location,
        posting_date=_required(row, "date", location, _parse_date),
        document_type=DocumentType(
            _field(row, "document_type", location, _choice(DocumentType)) or ""
        ),
        document_no=text("document_no"),
        external_document_no=text("external_document_no"),
        account_type=AccountType(_required(row, "account_type", location, _choice(AccountType))),
        account_no=_required(row, "account_no", location, str),
        description=text("description"),
        amount=_required(row, "amount", location, parse_amount),
        currency=_field(row, "currency", location, normalise_code),
        bal_account_type=AccountType(bal_type) if bal_type else None,
        bal_account_no=text("bal_account_no"),
        due_date=_field(row, "due_date", location, _parse_date),
        applies_to_doc_nos=applies_to,
        pmt_discount_date=_field(row, "pmt_discount_date", location, _parse_date),
        pmt_discount_amount=_field(row, "pmt_discount_amount", location, parse_amount),
        check_no=text("check_no"),
    )
