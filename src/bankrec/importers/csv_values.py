"""The cells of one CSV record turned into statement values, as a ``CsvProfile`` says.

Numbers are parsed by the profile's separators straight into ``Decimal`` (never float), with
digit grouping checked, so that ``1.5`` under a ``.`` thousands separator is an error instead of
fifteen. Every problem names the line and the column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bankrec.domain.currency import normalise_code
from bankrec.domain.statement import Balance, StatementLine
from bankrec.errors import InputError, Location
from bankrec.importers.csv_profile import TEXT_FIELDS, Column, CsvProfile, column_keys

HEADER_SEARCH_LINES = 100
"""How far ``layout.find_header`` looks for the header (preambles are a dozen lines)."""

_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def compact_account(text: str) -> str:
    """An IBAN without spaces and in upper case; any other account number as written."""
    compact = "".join(text.split()).upper()
    return compact if _IBAN.fullmatch(compact) else text.strip()


def is_iban(account: str) -> bool:
    return bool(_IBAN.fullmatch(account))


def split_line(profile: CsvProfile, line: str) -> list[str]:
    """The fields of one physical line; ``ValueError`` when its quoting is broken."""
    if profile.quoting == "lenient":
        return _split_lenient(line, profile.delimiter, profile.quotechar)
    reader = csv.reader(
        [line], delimiter=profile.delimiter, quotechar=profile.quotechar, strict=True
    )
    try:
        return next(reader, [])
    except csv.Error as exc:
        raise ValueError(str(exc)) from None


def _split_lenient(line: str, delimiter: str, quote: str) -> list[str]:
    """Swedbank LT writes quotes inside quoted fields unescaped (``"UAB "Naktida""``): here a
    quote ends a field only when the delimiter or the end of the line follows it."""
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        if line.startswith(quote, i):
            k = line.find(quote, i + 1)
            while k >= 0 and k + 1 < n and line[k + 1] != delimiter:
                k = line.find(quote, k + 1)
            if k < 0:
                raise ValueError("a quoted field is not closed on its line")
            fields.append(line[i + 1 : k])
            i = k + 1
        else:
            k = line.find(delimiter, i)
            k = n if k < 0 else k
            fields.append(line[i:k])
            i = k
        if i >= n:
            return fields
        i += 1  # past the delimiter


def find_header(profile: CsvProfile, lines: Sequence[str]) -> int | None:
    """Index of the header line (or of the first record when there is no header)."""
    if not profile.layout.find_header:
        return profile.layout.skip_lines
    wanted = set(profile.recognise.header)
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        try:
            names = {name.strip() for name in split_line(profile, line)}
        except ValueError:
            continue
        if wanted <= names:
            return index
    return None


@dataclass(frozen=True)
class Columns:
    """Every column reference of a profile resolved to a 0-based field index."""

    index: dict[str, tuple[int, ...]]
    header: tuple[str, ...]
    needed: int

    @classmethod
    def positional(cls, profile: CsvProfile) -> Columns:
        index = {key: tuple(int(ref) - 1 for ref in refs) for key, refs in column_keys(profile)}
        return cls(index, (), _needed(index))

    @classmethod
    def from_header(cls, profile: CsvProfile, header: list[str], where: Location) -> Columns:
        index = {
            key: tuple(_resolve(profile, key, ref, header, where) for ref in refs)
            for key, refs in column_keys(profile)
        }
        return cls(index, tuple(header), _needed(index))

    def label(self, index: int) -> str:
        name = self.header[index] if index < len(self.header) else ""
        return f"column {name}" if name else f"column {index + 1}"


def _needed(index: dict[str, tuple[int, ...]]) -> int:
    return max((i for refs in index.values() for i in refs), default=-1) + 1


def _resolve(profile: CsvProfile, key: str, ref: Column, header: list[str], where: Location) -> int:
    if isinstance(ref, int):
        if ref > len(header):
            raise InputError(
                f"{key} = {ref}, but the header has {len(header)} columns; check profile "
                f"{profile.name}",
                where,
            )
        return ref - 1
    found = [i for i, name in enumerate(header) if name == ref]
    if len(found) == 1:
        return found[0]
    if not found:
        names = ", ".join(name for name in header if name)
        problem = f'column "{ref}" is not in the header ({names})'
    else:
        places = " and ".join(str(i + 1) for i in found)
        problem = f'column "{ref}" appears {len(found)} times in the header (columns {places})'
        problem += "; give it by position"
    raise InputError(f"{problem}; check {key} in profile {profile.name}", where)


@dataclass(slots=True)
class Cells:
    """The fields of one record, cleaned, as written (``raw``), and the lines it spans."""

    fields: list[str]
    raw: list[str]
    first: int
    last: int


class ValueReader:
    """Reads statement values from records, raising ``InputError`` at the line and column."""

    def __init__(self, profile: CsvProfile, columns: Columns, source: str) -> None:
        self.profile = profile
        self.columns = columns
        self.source = source
        self.dates: dict[str, date] = {}
        self.number = _number_pattern(profile.decimal_separator, profile.thousands_separator)
        self.to_plain = str.maketrans(
            {profile.decimal_separator: ".", **dict.fromkeys(profile.thousands_separator, None)}
        )
        self.currencies: dict[str, str] = {}
        self.tidy = bool(profile.strip_chars or profile.collapse_spaces)
        # Field indexes looked up once: the getters run for every cell of every line.
        self.at = {key: refs[0] for key, refs in columns.index.items()}
        self.text_keys = [
            (name, f"columns.{name}") for name in TEXT_FIELDS if f"columns.{name}" in columns.index
        ]
        self.text_single = [
            (name, columns.index[key][0])
            for name, key in self.text_keys
            if len(columns.index[key]) == 1
        ]
        self.text_joined = [
            (name, key) for name, key in self.text_keys if len(columns.index[key]) > 1
        ]
        self.optional = [key for key in _OPTIONAL_VALUES if key in columns.index]

    def cells(self, fields: list[str], first: int, last: int) -> Cells:
        """Clean every field once; the getters below then only pick them."""
        if self.tidy or first != last:
            cleaned = [self.clean(field) for field in fields]
        else:
            cleaned = [field.strip() for field in fields]
        cells = Cells(cleaned, fields, first, last)
        if len(fields) < self.columns.needed:
            label = self.columns.label(self.columns.needed - 1)
            raise self.error(
                cells,
                f"the line has {len(fields)} fields, but profile {self.profile.name} reads "
                f"{label} (field {self.columns.needed}); is the line cut short?",
            )
        return cells

    def error(self, cells: Cells, message: str, index: int | None = None) -> InputError:
        if index is not None:
            message = f"{self.columns.label(index)}: {message}"
        return InputError(message, Location(self.source, cells.first, cells.last))

    # --- raw cells -----------------------------------------------------------------------

    def has(self, key: str) -> bool:
        return key in self.columns.index

    def cell(self, cells: Cells, key: str) -> str:
        """The cleaned text of the column(s) under ``key``; several are joined by a space."""
        refs = self.columns.index.get(key, ())
        if len(refs) == 1:  # the common case, kept fast: it runs for every cell of every line
            return cells.fields[refs[0]]
        return " ".join(cells.fields[i] for i in refs if cells.fields[i])

    def clean(self, text: str) -> str:
        if "\n" in text:
            text = text.replace("\n", " ")  # a quoted field that spans lines is one text
        text = text.strip()
        if self.tidy:
            if self.profile.strip_chars:
                text = text.strip(self.profile.strip_chars).strip()
            if self.profile.collapse_spaces:
                text = " ".join(text.split())
        return text

    def first_index(self, key: str) -> int:
        return self.columns.index[key][0]

    # --- dates and numbers ---------------------------------------------------------------

    def booking_date(self, cells: Cells) -> date:
        text = cells.fields[self.at["columns.date"]]
        if not text:
            raise self.error(cells, "the date is empty", self.first_index("columns.date"))
        return self.parse_date(cells, text, self.first_index("columns.date"))

    def optional_date(self, cells: Cells, key: str) -> date | None:
        index = self.at.get(key)
        text = "" if index is None else cells.fields[index]
        return self.parse_date(cells, text, self.first_index(key)) if text else None

    def parse_date(
        self, cells: Cells, text: str, index: int, formats: tuple[str, ...] = ()
    ) -> date:
        own = not formats  # only dates in the profile's own formats are remembered
        formats = formats or self.profile.date_formats
        known = self.dates.get(text) if own else None
        if known is not None:
            return known
        impossible = False
        for fmt in formats:
            try:
                parsed = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - dates only
            except ValueError as exc:
                impossible = impossible or "does not match format" not in str(exc)
                continue
            if own:
                self.dates[text] = parsed
            return parsed
        if impossible:
            raise self.error(cells, f'date "{text}" does not exist', index)
        written = " or ".join(formats)
        raise self.error(
            cells,
            f'date "{text}" is not written as {written}; check date_formats in profile '
            f"{self.profile.name}",
            index,
        )

    def amount_value(self, cells: Cells, key: str, what: str) -> Decimal | None:
        """The number under ``key``, or None when the cell is empty."""
        index = self.at.get(key)
        if index is None:
            return None
        text = cells.fields[index]
        if self.profile.amount.symbols:
            for symbol in self.profile.amount.symbols:
                text = text.replace(symbol, "")
            text = text.strip()
        if not text:
            return None
        return self.parse_number(cells, text, what, self.first_index(key))

    def parse_number(self, cells: Cells, text: str, what: str, index: int) -> Decimal:
        if self.number.fullmatch(text) is None:
            raise self.error(
                cells,
                f'{what} "{text}" is not a number; check decimal_separator in profile '
                f"{self.profile.name}",
                index,
            )
        # The pattern has checked the grouping; now drop the separators, keep the digits.
        return Decimal(text.translate(self.to_plain))

    # --- statement values ----------------------------------------------------------------

    def record_kind(self, cells: Cells) -> str:
        kinds = self.profile.records
        if kinds is None:
            return "transaction"
        value = self.cell(cells, "records.column")
        for kind, values in (
            ("transaction", kinds.transaction),
            ("opening", kinds.opening),
            ("closing", kinds.closing),
            ("ignore", kinds.ignore),
        ):
            if value in values:
                return kind
        raise self.error(
            cells,
            f'record type "{value}" is none of those profile {self.profile.name} knows '
            "(records.transaction, opening, closing, ignore)",
            self.first_index("records.column"),
        )

    def excluded(self, cells: Cells) -> bool:
        return any(
            self.cell(cells, f"exclude[{i}].column").casefold() in rule.values
            for i, rule in enumerate(self.profile.exclude, 1)
        )

    def account(self, cells: Cells) -> str:
        if not self.has("account.column"):
            return ""
        account = compact_account(self.cell(cells, "account.column"))
        if not account:
            raise self.error(cells, "the account is empty", self.first_index("account.column"))
        return account

    def currency(self, cells: Cells) -> str:
        index = self.at.get("columns.currency")
        text = "" if index is None else cells.fields[index]
        if not text:
            if self.profile.currency:
                return self.profile.currency
            raise self.error(cells, "the currency is empty", self.first_index("columns.currency"))
        code = self.currencies.get(text)
        if code is None:
            try:
                code = self.currencies[text] = normalise_code(text)
            except ValueError as exc:
                raise self.error(cells, str(exc), self.first_index("columns.currency")) from None
        return code

    def amount(self, cells: Cells) -> Decimal:
        """The line's effect on the balance, from whichever shape the profile uses."""
        shape = self.profile.amount_shape
        if shape == "debit_credit":
            return self._debit_credit(cells)
        value = self.amount_value(cells, "columns.amount", "amount")
        if value is None:
            raise self.error(cells, "the amount is empty", self.first_index("columns.amount"))
        return self._indicated(cells, value) if shape == "indicator" else value

    def _debit_credit(self, cells: Cells) -> Decimal:
        debit = self.amount_value(cells, "columns.debit", "debit")
        credit = self.amount_value(cells, "columns.credit", "credit")
        index = self.first_index("columns.debit")
        if debit is None and credit is None:
            raise self.error(
                cells, "neither the debit nor the credit column holds an amount", index
            )
        if debit and credit:
            raise self.error(cells, f"both debit {debit} and credit {credit} are given", index)
        if credit is not None and credit < 0:
            raise self.error(
                cells, f"credit {credit} is negative", self.first_index("columns.credit")
            )
        if debit is None or (credit is not None and not debit):
            return credit if credit is not None else Decimal(0)
        positive = self.profile.amount.debit_sign == "positive"
        if (debit < 0) if positive else (debit > 0):
            raise self.error(
                cells,
                f"debit {debit} has the wrong sign; check amount.debit_sign in profile "
                f"{self.profile.name}",
                index,
            )
        return -debit if positive else debit

    def _indicated(self, cells: Cells, value: Decimal) -> Decimal:
        index = self.first_index("columns.indicator")
        if value.is_signed() or self.cell(cells, "columns.amount").startswith("+"):
            raise self.error(
                cells,
                f"amount {value} carries a sign, but {self.columns.label(index)} gives it",
                self.first_index("columns.amount"),
            )
        indicator = self.cell(cells, "columns.indicator").casefold()
        rules = self.profile.amount
        if indicator in rules.credit_values:
            return value
        if indicator in rules.debit_values:
            return -value if value else value
        credits = ", ".join(sorted(rules.credit_values))
        debits = ", ".join(sorted(rules.debit_values))
        raise self.error(
            cells,
            f'"{indicator}" is neither a credit ({credits}) nor a debit ({debits}) indicator; '
            f"check amount.credit_values and debit_values in profile {self.profile.name}",
            index,
        )

    def balance(self, cells: Cells) -> Decimal | None:
        if not self.has("columns.balance"):
            return None
        value = self.amount_value(cells, "columns.balance", "balance")
        if value is None:
            raise self.error(cells, "the balance is empty", self.first_index("columns.balance"))
        return value

    def balance_row(self, cells: Cells) -> Balance:
        """An opening or closing balance row (``[records]``)."""
        return Balance(self.amount(cells), self.booking_date(cells))

    def line(self, cells: Cells, currency: str, raw: str) -> StatementLine:
        amount = self.amount(cells)
        fields = cells.fields
        values: dict[str, Any] = {name: fields[i] for name, i in self.text_single}
        for name, key in self.text_joined:
            values[name] = self.cell(cells, key)
        if self.optional:
            amount = self._optional_values(cells, amount, values)
        for rule_no in range(1, len(self.profile.extract) + 1):
            values.update(self._extracted(cells, rule_no))
        if "counterparty_account" in values:
            values["counterparty_account"] = compact_account(values["counterparty_account"])
        for name in ("counterparty_bic", "original_currency"):
            if name in values:
                values[name] = values[name].upper()
        original = values.get("original_amount")
        if original is not None and original > 0 > amount:
            values["original_amount"] = -original  # signed like the line, as the bank booked it
        first, last = cells.first, cells.last
        position = f"line {first}" if first == last else f"lines {first}-{last}"
        return StatementLine(
            booking_date=self.booking_date(cells),
            amount=amount,
            currency=currency,
            position=position,
            raw=raw,
            **values,
        )

    def _optional_values(self, cells: Cells, amount: Decimal, values: dict[str, Any]) -> Decimal:
        """Value date, original amount and charges; returns the amount net of deducted charges."""
        values["value_date"] = self.optional_date(cells, "columns.value_date")
        values["original_amount"] = self.amount_value(
            cells, "columns.original_amount", "original amount"
        )
        charges = self.amount_value(cells, "columns.charges", "charges")
        if charges:
            values["charges"] = abs(charges)
            if self.profile.amount.charges == "deducted":
                amount -= abs(charges)  # Revolut: the Fee column is not in Amount
        return amount

    def _extracted(self, cells: Cells, rule_no: int) -> dict[str, Any]:
        """Named groups of ``[[extract]]`` number ``rule_no`` found in its column."""
        rule = self.profile.extract[rule_no - 1]
        key = f"extract[{rule_no}].column"
        # The pattern sees the cell as the bank wrote it, runs of spaces included.
        found = rule.pattern.search(" ".join(cells.raw[i].strip() for i in self.columns.index[key]))
        values: dict[str, Any] = {}
        if found is None:
            return values
        index = self.first_index(key)
        for name, text in found.groupdict().items():
            if not text or not text.strip():
                continue
            if name == "value_date":
                values[name] = self.parse_date(cells, text.strip(), index, rule.date_formats)
            elif name == "original_amount":
                values[name] = self.parse_number(cells, text.strip(), "original amount", index)
            elif name == "counterparty_account":
                values[name] = compact_account(text)
            else:
                values[name] = self.clean(text)
        return values


_OPTIONAL_VALUES = ("columns.value_date", "columns.original_amount", "columns.charges")


def _number_pattern(decimal_separator: str, thousands_separator: str) -> re.Pattern[str]:
    """``1.234,56``-style numbers: optional sign, at least one digit, digits before the decimal
    separator grouped by three or not at all."""
    point = re.escape(decimal_separator)
    whole = r"\d*"
    if thousands_separator:
        whole = rf"(?:\d{{1,3}}(?:{re.escape(thousands_separator)}\d{{3}})+|\d*)"
    return re.compile(rf"[+-]?(?={point}?\d){whole}(?:{point}\d+)?")
