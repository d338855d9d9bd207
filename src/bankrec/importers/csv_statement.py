"""Read a bank's CSV export as one statement per account and currency, driven by a profile.

CSV has no standard for statements: RFC 4180 fixes only the record syntax (fields, quoting,
line breaks inside quotes), which ``csv`` implements. Everything else, the columns, date and
number formats and the sign of amounts, comes from the bank's ``CsvProfile``.

A file whose rows carry several currencies (PayPal) or accounts becomes one statement for each,
in order of first appearance. A running-balance column is checked line by line, and gives the
opening and closing balances.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import InputError, Location
from bankrec.importers.base import SNIFF_BYTES
from bankrec.importers.csv_profile import CsvProfile
from bankrec.importers.csv_values import (
    Cells,
    Columns,
    ValueReader,
    compact_account,
    find_header,
    is_iban,
    split_line,
)

RAW_LIMIT = 2000
"""The longest ``raw`` text kept for one record; a runaway quoted field stays bounded."""


class CsvImporter:
    """The importer for one bank's CSV export, as its profile describes it."""

    name = "csv"

    def __init__(self, profile: CsvProfile) -> None:
        self.profile = profile

    def claims(self, head: bytes) -> bool:
        """Cheap and precise: the profile's pattern and header names must both be there."""
        text = head[:SNIFF_BYTES].decode(self.profile.encoding, errors="replace")
        text = text.removeprefix("\ufeff")
        recognise = self.profile.recognise
        if recognise.pattern is not None and not recognise.pattern.search(text):
            return False
        if not recognise.header:
            return True
        lines = _split_lines(text)
        index = find_header(self.profile, lines)
        if index is None or index >= len(lines):
            return False
        try:
            names = {name.strip() for name in split_line(self.profile, lines[index])}
        except ValueError:
            return False
        return set(recognise.header) <= names

    def parse(self, data: bytes, source: str) -> ParsedFile:
        text = _decode(data, self.profile, source)
        lines = _split_lines(text)
        return _FileReader(self.profile, source, lines, text[:SNIFF_BYTES]).read()


def _decode(data: bytes, profile: CsvProfile, source: str) -> str:
    encoding = profile.encoding
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # a byte-order mark is allowed, and is not part of the header
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"byte 0x{byte} is not {profile.encoding} text; the file is in another encoding "
            f"than profile {profile.name} says (encoding)",
            Location(source, line),
        ) from None


def _split_lines(text: str) -> list[str]:
    """Physical lines; CR LF, LF and a bare CR all end a line (``str.splitlines`` would also
    split on U+0085, which Latin-1 files carry as an ordinary byte)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass
class _Group:
    """The lines of one account and currency, as the file lists them."""

    account: str
    currency: str
    lines: list[StatementLine] = field(default_factory=list)
    balances: list[tuple[Decimal, int]] = field(default_factory=list)
    opening: Balance | None = None
    closing: Balance | None = None
    first: int = 0
    last: int = 0
    dates: set[date] = field(default_factory=set)


@dataclass(slots=True)
class _Record:
    fields: list[str]
    first: int
    last: int
    raw: str


class _FileReader:
    def __init__(self, profile: CsvProfile, source: str, lines: list[str], head: str) -> None:
        self.profile = profile
        self.source = source
        self.lines = lines
        self.head = head
        self.groups: dict[tuple[str, str], _Group] = {}
        self.excluded = 0

    def read(self) -> ParsedFile:
        start, end = self._body()
        columns = self._columns(start)
        first_data = start + 1 if self.profile.layout.header else start
        values = ValueReader(self.profile, columns, self.source)
        fixed_account = self._fixed_account()
        for record in self._records(first_data, end):
            cells = values.cells(record.fields, record.first, record.last)
            self._take(values, cells, record, fixed_account)
        if not self.groups:
            raise self._empty(first_data)
        statements = tuple(self._statement(g) for g in self.groups.values())
        return ParsedFile(format="csv", statements=statements)

    def _body(self) -> tuple[int, int]:
        """Index of the header (or first record) and the end of the records before the footer."""
        layout = self.profile.layout
        end = _trim_footer(self.lines, layout.footer_lines, layout.footer_pattern)
        start = find_header(self.profile, self.lines)
        if start is None:
            names = ", ".join(self.profile.recognise.header)
            raise InputError(
                f"no header line with the columns {names} in the first lines; "
                f"this is not the export profile {self.profile.name} reads",
                Location(self.source),
            )
        if start >= end:
            raise InputError(
                f"the file ends before line {start + 1}, where profile {self.profile.name} "
                "expects the header or first record (layout.skip_lines)",
                Location(self.source),
            )
        return start, end

    def _columns(self, start: int) -> Columns:
        if not self.profile.layout.header:
            return Columns.positional(self.profile)
        try:
            header = [name.strip() for name in split_line(self.profile, self.lines[start])]
        except ValueError as exc:
            raise InputError(f"the header is not valid CSV ({exc})", self._at(start + 1)) from None
        return Columns.from_header(self.profile, header, self._at(start + 1))

    def _records(self, start: int, end: int) -> Iterator[_Record]:
        if self.profile.quoting == "lenient":
            yield from self._lenient_records(start, end)
            return
        feed = _Feed(self.lines, start, end, self.profile)
        reader = csv.reader(
            feed, delimiter=self.profile.delimiter, quotechar=self.profile.quotechar, strict=True
        )
        while True:
            feed.at_record_start = True
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                hint = "a quote is not closed" if feed.index >= end else str(exc)
                raise InputError(
                    f"not valid CSV ({hint}); check quotechar and delimiter in profile "
                    f"{self.profile.name}, or whether the file is cut short",
                    self._at(feed.record_start),
                ) from None
            if any(cell.strip() for cell in fields):
                yield self._record(fields, feed.record_start, feed.index)

    def _lenient_records(self, start: int, end: int) -> Iterator[_Record]:
        """One record per line; quotes inside quoted fields are text (Swedbank LT)."""
        ignore = self.profile.layout.ignore_pattern
        for index in range(start, end):
            line = self.lines[index]
            if not line.strip() or (ignore is not None and ignore.search(line)):
                continue
            try:
                fields = split_line(self.profile, line)
            except ValueError as exc:
                raise InputError(f"not valid CSV ({exc})", self._at(index + 1)) from None
            yield self._record(fields, index + 1, index + 1)

    def _record(self, fields: list[str], first: int, last: int) -> _Record:
        raw = self.lines[first - 1] if first == last else "\n".join(self.lines[first - 1 : last])
        return _Record(fields, first, last, raw[:RAW_LIMIT])

    def _fixed_account(self) -> str:
        account = self.profile.account
        if account.pattern is None:
            return compact_account(account.value)
        found = account.pattern.search(self.head)
        if found is None:
            raise InputError(
                f"the account number is not where profile {self.profile.name} looks for it "
                f"(account.pattern {account.pattern.pattern!r} finds nothing)",
                Location(self.source),
            )
        return compact_account(found.group(1))

    def _take(self, values: ValueReader, cells: Cells, record: _Record, account: str) -> None:
        kind = values.record_kind(cells) if self.profile.records else "transaction"
        if kind == "ignore":
            return
        if self.profile.exclude and values.excluded(cells):
            self.excluded += 1
            return
        group = self._group(values.account(cells) or account, values.currency(cells), record)
        if kind in ("opening", "closing"):
            self._balance_row(group, kind, values.balance_row(cells))
            return
        line = values.line(cells, group.currency, record.raw)
        group.lines.append(line)
        group.dates.add(line.booking_date)
        balance = values.balance(cells)
        if balance is not None:
            group.balances.append((balance, record.first))

    def _group(self, account: str, currency: str, record: _Record) -> _Group:
        group = self.groups.get((account, currency))
        if group is None:
            group = self.groups[(account, currency)] = _Group(account, currency, first=record.first)
        group.last = record.last
        return group

    def _balance_row(self, group: _Group, kind: str, balance: Balance) -> None:
        if (group.opening if kind == "opening" else group.closing) is not None:
            raise InputError(
                f"a second {kind} balance for {group.account or 'the account'} {group.currency}",
                self._at(group.last),
            )
        if kind == "opening":
            group.opening = balance
        else:
            group.closing = balance
        if balance.date is not None:
            group.dates.add(balance.date)

    def _statement(self, group: _Group) -> ParsedStatement:
        lines = group.lines[::-1] if self.profile.order == "newest_first" else group.lines
        opening, closing = group.opening, group.closing
        if group.balances:
            balances = (
                group.balances[::-1] if self.profile.order == "newest_first" else group.balances
            )
            opening, closing = _check_running_balance(self.profile, self.source, lines, balances)
        iban, other = _account_ids(group.account)
        return ParsedStatement(
            currency=group.currency,
            lines=tuple(lines),
            account_iban=iban,
            account_no=other,
            opening=opening,
            closing=closing,
            period_start=min(group.dates) if group.dates else None,
            period_end=max(group.dates) if group.dates else None,
            position=_lines(group.first, group.last),
        )

    def _empty(self, first_data: int) -> InputError:
        if self.excluded:
            return InputError(
                f"all {self.excluded} rows are left out by the exclude rules of profile "
                f"{self.profile.name} (pending or reverted bookings); there is nothing to import",
                Location(self.source),
            )
        where = f" after line {first_data}" if first_data else ""
        return InputError(
            f"no transactions{where}; the file holds no statement", Location(self.source)
        )

    def _at(self, line: int) -> Location:
        return Location(self.source, line)


class _Feed:
    """Feeds physical lines to ``csv.reader`` and remembers where each record starts, so that
    every record keeps its line numbers even when a quoted field spans several lines."""

    def __init__(self, lines: Sequence[str], start: int, end: int, profile: CsvProfile) -> None:
        self.lines = lines
        self.index = start
        self.end = end
        self.ignore = profile.layout.ignore_pattern
        self.at_record_start = True
        self.record_start = start + 1

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        while self.index < self.end:
            line = self.lines[self.index]
            self.index += 1
            if self.at_record_start:
                if not line.strip() or (self.ignore is not None and self.ignore.search(line)):
                    continue  # blank lines and section titles between records
                self.at_record_start = False
                self.record_start = self.index
            return line + "\n"
        raise StopIteration


def _trim_footer(lines: Sequence[str], count: int, pattern: object) -> int:
    """The end index of the records: trailing blank lines, ``count`` footer lines and lines
    matching the footer pattern are not records."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    end = max(0, end - count)
    search = getattr(pattern, "search", None)
    while end and (not lines[end - 1].strip() or (search and search(lines[end - 1]))):
        end -= 1
    return end


def _check_running_balance(
    profile: CsvProfile,
    source: str,
    lines: Sequence[StatementLine],
    balances: Sequence[tuple[Decimal, int]],
) -> tuple[Balance, Balance]:
    """Each balance must follow from the one before and the amount; oldest first here."""
    after = profile.balance == "after"
    for i in range(1, len(lines)):
        previous, previous_line = balances[i - 1]
        balance, line_no = balances[i]
        expected = previous + (lines[i].amount if after else lines[i - 1].amount)
        if balance != expected:
            label = "after" if after else "before"
            raise InputError(
                f"the balance {label} this line is {balance}, but line {previous_line} "
                f"leaves {previous} and the amount {lines[i if after else i - 1].amount} makes "
                f"{expected}; the file is inconsistent, or check order ({profile.order}) and "
                f"balance ({profile.balance}) in profile {profile.name}",
                Location(source, line_no),
            )
    first_amount, last_amount = lines[0].amount, lines[-1].amount
    opening = balances[0][0] - first_amount if after else balances[0][0]
    closing = balances[-1][0] if after else balances[-1][0] + last_amount
    return Balance(opening, lines[0].booking_date), Balance(closing, lines[-1].booking_date)


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _account_ids(account: str) -> tuple[str, str]:
    """Split into (IBAN, other id): the statement model keeps the two apart."""
    return (account, "") if is_iban(account) else ("", account)
