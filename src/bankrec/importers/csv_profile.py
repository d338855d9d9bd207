"""CSV profiles: how one bank's CSV export is laid out, read from TOML and checked on load.

A profile says how to recognise the bank's file (header names or a pattern), where the header
and the records are, which column holds which field, how dates and amounts are written and
how the sign of an amount is shown. docs/csv-profiles.md documents every key. A mistake in a
profile is reported with the file and the key (``profile my.toml: columns.amount: ...``).
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import get_close_matches
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from bankrec.errors import InputError, Location

Column = str | int
"""A column by its header name, or by its position counted from 1."""

TEXT_FIELDS = (
    "counterparty_name",
    "counterparty_account",
    "counterparty_bic",
    "counterparty_address",
    "counterparty_city",
    "remittance",
    "structured_reference",
    "end_to_end_id",
    "bank_reference",
    "transaction_code",
    "check_no",
    "batch_reference",
    "original_currency",
)
"""Statement-line fields copied as text; a column list joins several cells with a space."""

VALUE_FIELDS = (
    "date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "indicator",
    "charges",
    "balance",
    "currency",
    "original_amount",
)
"""Fields read from exactly one column and converted (dates, amounts, codes)."""

EXTRACTABLE = (*TEXT_FIELDS, "value_date", "original_amount")
"""Fields a pattern may pull out of a text column (named groups of ``[[extract]]``)."""

TOP_LEVEL_KEYS = frozenset(
    (
        "name",
        "description",
        "encoding",
        "delimiter",
        "quotechar",
        "quoting",
        "date_formats",
        "decimal_separator",
        "thousands_separator",
        "order",
        "currency",
        "balance",
        "strip_chars",
        "collapse_spaces",
    )
)
"""Keys of the profile itself; written below a [section] they would land in that section."""
THOUSANDS_SEPARATORS = ("", ".", ",", "'", "\u2019", " ", "\u00a0")
ORDERS = ("oldest_first", "newest_first")
BALANCE_KINDS = ("after", "before")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_PROBE_DATE = date(2001, 2, 3)


@dataclass(frozen=True)
class Recognition:
    """What ``claims`` looks for in the first 8 KB: header names and/or a pattern."""

    header: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Layout:
    """Where the header and the records are, and which lines are not records."""

    skip_lines: int = 0
    header: bool = True
    find_header: bool = False
    footer_lines: int = 0
    footer_pattern: re.Pattern[str] | None = None
    ignore_pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class AmountRules:
    """How the file shows the sign of an amount, and what else an amount carries."""

    debit_sign: str = "positive"
    credit_values: frozenset[str] = frozenset()
    debit_values: frozenset[str] = frozenset()
    symbols: tuple[str, ...] = ()
    charges: str = "included"


@dataclass(frozen=True)
class AccountSource:
    """Where the statement's own account number comes from: one of the three."""

    value: str = ""
    columns: tuple[Column, ...] = ()
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class RecordKinds:
    """A column that tells transactions from balance rows (Swedbank LT record types)."""

    column: Column
    transaction: frozenset[str]
    opening: frozenset[str] = frozenset()
    closing: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Exclude:
    """Rows whose ``column`` holds one of ``values`` (compared case-blind) are not bookings."""

    column: Column
    values: frozenset[str]


@dataclass(frozen=True)
class Extract:
    """Named groups of ``pattern`` searched in ``column`` fill the fields they are named after."""

    column: Column
    pattern: re.Pattern[str]
    date_formats: tuple[str, ...] = ()
    """Formats of an extracted value_date when they differ from the profile's."""


@dataclass(frozen=True)
class CsvProfile:
    """One bank's CSV export: recognition, layout, columns, formats and signs.

    ``columns`` maps a field name (``date``, ``amount``, ``remittance`` ...) to its column(s);
    ``origin`` says where the profile came from, for messages.
    """

    name: str
    description: str
    date_formats: tuple[str, ...]
    columns: Mapping[str, tuple[Column, ...]]
    recognise: Recognition
    origin: str = "built-in"
    encoding: str = "utf-8"
    delimiter: str = ","
    quotechar: str = '"'
    quoting: str = "standard"
    decimal_separator: str = "."
    thousands_separator: str = ""
    order: str = "oldest_first"
    currency: str = ""
    balance: str = "after"
    layout: Layout = field(default_factory=Layout)
    amount: AmountRules = field(default_factory=AmountRules)
    account: AccountSource = field(default_factory=AccountSource)
    records: RecordKinds | None = None
    exclude: tuple[Exclude, ...] = ()
    extract: tuple[Extract, ...] = ()
    strip_chars: str = ""
    collapse_spaces: bool = False

    @property
    def amount_shape(self) -> str:
        """``signed``, ``debit_credit`` or ``indicator``: how the sign of an amount is shown."""
        if "debit" in self.columns:
            return "debit_credit"
        return "indicator" if "indicator" in self.columns else "signed"


def load_profile(path: Path) -> CsvProfile:
    """Read and check a user's profile; every mistake names the file and the key."""
    source = f"profile {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the profile: {exc.strerror}", Location(source)) from None
    except UnicodeDecodeError:
        raise InputError("the profile is not UTF-8 text", Location(source)) from None
    return parse_profile(text, source)


def parse_profile(text: str, source: str) -> CsvProfile:
    """Build a profile from TOML ``text``; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", Location(source)) from None
    return _Builder(source).build(data)


@cache
def _builtin() -> tuple[CsvProfile, ...]:
    folder = resources.files("bankrec.importers").joinpath("profiles")
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda e: e.name
    )
    return tuple(parse_profile(e.read_text(encoding="utf-8"), f"profile {e.name}") for e in entries)


def builtin_profiles() -> list[CsvProfile]:
    """The profiles shipped with bankrec, one per bank export, sorted by file name."""
    return list(_builtin())


class _Table:
    """One TOML table being read: typed getters, and a check that no key is left unread."""

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source
        self.seen: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> InputError:
        return InputError(f"{self.key(name)}: {problem}", Location(self.source))

    def get(self, name: str) -> Any:
        self.seen.add(name)
        return self.data.get(name)

    def text(self, name: str, default: str = "", *, required: str = "") -> str:
        value = self.get(name)
        if value is None:
            if required:
                raise self.fail(name, f"missing; {required}")
            return default
        if not isinstance(value, str):
            raise self.fail(name, f"must be text in quotes, not {value!r}")
        return value

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in allowed:
            raise self.fail(name, f'"{value}" is not one of {", ".join(allowed)}')
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, not {value!r}")
        return value

    def count(self, name: str) -> int:
        value = self.get(name)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(name, f"must be a whole number from 0, not {value!r}")
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, f"must be a list of texts, not {value!r}")
        return tuple(value)

    def pattern(self, name: str) -> re.Pattern[str] | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return re.compile(value, re.MULTILINE)
        except re.error as exc:
            raise self.fail(name, f"not a valid regular expression ({exc})") from None

    def column(self, name: str, value: Any = None) -> Column:
        value = self.get(name) if value is None else value
        self.seen.add(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        raise self.fail(
            name, f"must be a header name (text) or a position (whole number from 1), not {value!r}"
        )

    def table(self, name: str) -> _Table:
        value = self.get(name)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.fail(name, "must be a table ([" + self.key(name) + "])")
        return _Table(value, self.key(name), self.source)

    def tables(self, name: str) -> list[_Table]:
        value = self.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(name, f"must be an array of tables ([[{self.key(name)}]])")
        return [_Table(v, f"{self.key(name)}[{i}]", self.source) for i, v in enumerate(value, 1)]

    def done(self) -> None:
        """Refuse keys the profile format does not have: a typo must not be ignored."""
        known = sorted(self.seen)
        for name in self.data:
            if name not in self.seen:
                close = get_close_matches(name, known, n=1)
                hint = f"did you mean {close[0]}?" if close else f"the keys are {', '.join(known)}"
                if self.path and name in TOP_LEVEL_KEYS:
                    hint = "it belongs at the top, above the first [section]"
                raise self.fail(name, f"unknown key; {hint}")


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source

    def build(self, data: Mapping[str, Any]) -> CsvProfile:
        top = _Table(data, "", self.source)
        name = top.text("name", required="give the profile a short name such as my-bank")
        if not _NAME.fullmatch(name):
            raise top.fail("name", f'"{name}": use lower-case letters, digits and hyphens')
        layout = self._layout(top.table("layout"))
        columns = self._columns(top.table("columns"))
        profile = CsvProfile(
            name=name,
            description=top.text("description", required="say which bank and export it reads"),
            origin=self.source,
            date_formats=_check_date_formats(top, "date_formats", required=True),
            columns=columns,
            recognise=self._recognise(top.table("recognise"), layout),
            encoding=self._encoding(top),
            delimiter=self._char(top, "delimiter", ","),
            quotechar=self._char(top, "quotechar", '"'),
            quoting=top.choice("quoting", "standard", ("standard", "lenient")),
            decimal_separator=self._char(top, "decimal_separator", "."),
            thousands_separator=top.choice("thousands_separator", "", THOUSANDS_SEPARATORS),
            order=top.choice("order", "oldest_first", ORDERS),
            currency=self._currency(top),
            balance=top.choice("balance", "after", BALANCE_KINDS),
            layout=layout,
            amount=self._amount(top.table("amount"), columns),
            account=self._account(top.table("account")),
            records=self._records(top.table("records")),
            exclude=tuple(self._exclude(t) for t in top.tables("exclude")),
            extract=tuple(self._extract(t, columns) for t in top.tables("extract")),
            strip_chars=top.text("strip_chars"),
            collapse_spaces=top.flag("collapse_spaces", False),
        )
        top.done()
        self._check_whole(top, profile)
        return profile

    def _encoding(self, top: _Table) -> str:
        encoding = top.text("encoding", "utf-8")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise top.fail("encoding", f'"{encoding}" is not an encoding Python knows') from None
        return encoding

    def _char(self, top: _Table, name: str, default: str) -> str:
        value = top.text(name, default)
        if len(value) != 1 or value.isalnum() or value in "\r\n":
            raise top.fail(name, f'must be one punctuation character, not "{value}"')
        return value

    def _currency(self, top: _Table) -> str:
        value = top.text("currency")
        if value and not re.fullmatch(r"[A-Z]{3}", value):
            raise top.fail("currency", f'"{value}" is not a three-letter ISO 4217 code')
        return value

    def _recognise(self, table: _Table, layout: Layout) -> Recognition:
        header = table.texts("header")
        pattern = table.pattern("pattern")
        table.done()
        if not header and pattern is None:
            raise table.fail("header", "missing; give the header names or a pattern to recognise")
        if header and not layout.header:
            raise table.fail("header", "the file has no header row (layout.header = false)")
        return Recognition(header=header, pattern=pattern)

    def _layout(self, table: _Table) -> Layout:
        layout = Layout(
            skip_lines=table.count("skip_lines"),
            header=table.flag("header", True),
            find_header=table.flag("find_header", False),
            footer_lines=table.count("footer_lines"),
            footer_pattern=table.pattern("footer_pattern"),
            ignore_pattern=table.pattern("ignore_pattern"),
        )
        table.done()
        if layout.find_header and (layout.skip_lines or not layout.header):
            raise table.fail("find_header", "needs header = true and no skip_lines")
        return layout

    def _columns(self, table: _Table) -> dict[str, tuple[Column, ...]]:
        columns: dict[str, tuple[Column, ...]] = {}
        for name in VALUE_FIELDS:
            if table.data.get(name) is not None:
                columns[name] = (table.column(name),)
        for name in TEXT_FIELDS:
            value = table.data.get(name)
            if isinstance(value, list):
                if not value:
                    raise table.fail(name, "an empty list; leave the key out instead")
                columns[name] = tuple(table.column(name, v) for v in value)
            elif value is not None:
                columns[name] = (table.column(name),)
        table.seen.update(VALUE_FIELDS + TEXT_FIELDS)
        table.done()
        if "date" not in columns:
            raise table.fail("date", "missing; name the column with the booking date")
        self._check_amount_columns(table, columns)
        return columns

    def _check_amount_columns(self, table: _Table, columns: Mapping[str, object]) -> None:
        has = set(columns)
        if ("debit" in has) != ("credit" in has):
            raise table.fail("debit", "debit and credit columns come as a pair")
        if "debit" in has and ("amount" in has or "indicator" in has):
            raise table.fail(
                "amount", "give either amount (with an optional indicator) or debit+credit"
            )
        if "amount" not in has and "debit" not in has:
            raise table.fail("amount", "missing; give amount, or debit and credit")

    def _amount(self, table: _Table, columns: Mapping[str, object]) -> AmountRules:
        rules = AmountRules(
            debit_sign=table.choice("debit_sign", "positive", ("positive", "negative")),
            credit_values=frozenset(v.casefold() for v in table.texts("credit_values")),
            debit_values=frozenset(v.casefold() for v in table.texts("debit_values")),
            symbols=table.texts("symbols"),
            charges=table.choice("charges", "included", ("included", "deducted")),
        )
        table.done()
        if "indicator" in columns and not (rules.credit_values and rules.debit_values):
            raise table.fail(
                "credit_values", "columns.indicator needs credit_values and debit_values"
            )
        if rules.credit_values & rules.debit_values:
            raise table.fail("credit_values", "a value cannot mean both credit and debit")
        return rules

    def _account(self, table: _Table) -> AccountSource:
        value = table.text("value")
        raw = table.get("column")
        cells = [] if raw is None else raw if isinstance(raw, list) else [raw]
        columns = tuple(table.column("column", cell) for cell in cells)
        pattern = table.pattern("pattern")
        table.done()
        if pattern is not None and pattern.groups < 1:
            raise table.fail("pattern", "needs a group (...) around the account number")
        if sum(map(bool, (value, columns, pattern))) > 1:
            raise table.fail("value", "give one of value, column and pattern")
        return AccountSource(value, columns, pattern)

    def _records(self, table: _Table) -> RecordKinds | None:
        if not table.data:
            return None
        kinds = RecordKinds(
            column=table.column("column"),
            transaction=frozenset(table.texts("transaction")),
            opening=frozenset(table.texts("opening")),
            closing=frozenset(table.texts("closing")),
            ignore=frozenset(table.texts("ignore")),
        )
        table.done()
        if not kinds.transaction:
            raise table.fail("transaction", "missing; list the values that mark a transaction")
        return kinds

    def _exclude(self, table: _Table) -> Exclude:
        rule = Exclude(
            table.column("column"), frozenset(v.casefold() for v in table.texts("values"))
        )
        table.done()
        if not rule.values:
            raise table.fail("values", "missing; list the values whose rows are not bookings")
        return rule

    def _extract(self, table: _Table, columns: Mapping[str, object]) -> Extract:
        pattern = table.pattern("pattern") or re.compile("(?!)")
        formats = _check_date_formats(table, "date_formats", required=False)
        rule = Extract(table.column("column"), pattern, formats)
        table.done()
        groups = list(rule.pattern.groupindex)
        if not groups:
            raise table.fail("pattern", "needs named groups such as (?P<counterparty_name>...)")
        for group in groups:
            if group not in EXTRACTABLE:
                raise table.fail("pattern", f"group {group} is not one of {', '.join(EXTRACTABLE)}")
            if group in columns:
                raise table.fail("pattern", f"group {group} is also read from columns.{group}")
        return rule

    def _check_whole(self, top: _Table, profile: CsvProfile) -> None:
        """Rules that span sections."""
        if profile.thousands_separator == profile.decimal_separator:
            raise top.fail("thousands_separator", "must differ from decimal_separator")
        if not profile.currency and "currency" not in profile.columns:
            raise top.fail("currency", "missing; give a fixed currency or columns.currency")
        if profile.records and "balance" in profile.columns:
            raise top.fail("records", "use either balance rows or a balance column, not both")
        if not profile.layout.header:
            for name, refs in column_keys(profile):
                if any(isinstance(ref, str) for ref in refs):
                    raise top.fail(name, "the file has no header row: give the position (from 1)")


def _check_date_formats(table: _Table, name: str, *, required: bool) -> tuple[str, ...]:
    """Each format must read back a full date that it wrote: day, month and year."""
    formats = table.texts(name)
    if not formats and required:
        raise table.fail(name, 'missing; give the strptime formats, e.g. ["%d.%m.%Y"]')
    for fmt in formats:
        try:
            text = _PROBE_DATE.strftime(fmt)
            back = datetime.strptime(text, fmt).date()  # noqa: DTZ007 - dates carry no zone
        except ValueError:
            back = None
        if back != _PROBE_DATE:
            raise table.fail(name, f'"{fmt}" cannot read a full date (day, month and year)')
    return formats


def column_keys(profile: CsvProfile) -> list[tuple[str, tuple[Column, ...]]]:
    """Every column reference of the profile with the key that holds it."""
    found = [(f"columns.{name}", refs) for name, refs in profile.columns.items()]
    if profile.account.columns:
        found.append(("account.column", profile.account.columns))
    if profile.records:
        found.append(("records.column", (profile.records.column,)))
    found += [(f"exclude[{i}].column", (e.column,)) for i, e in enumerate(profile.exclude, 1)]
    found += [(f"extract[{i}].column", (e.column,)) for i, e in enumerate(profile.extract, 1)]
    return found
