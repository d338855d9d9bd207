"""Use case: import bank statement files. Each file lands whole or not at all.

For every statement in a file: find its bank account, check currency and exact amounts, key
each line for idempotency, check that the closing balance equals the opening plus the lines and
that the opening continues the previous statement's closing, then store the new lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from bankrec.db.bulk import insert_rows
from bankrec.db.models import BankAccount, BankStatement, BankStatementLine, Currency
from bankrec.domain.accounts import same_account
from bankrec.domain.dedupe import dedupe_keys
from bankrec.domain.money import format_minor, to_minor
from bankrec.domain.statement import ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import BankrecError, InputError, Location, NotFoundError
from bankrec.importers.registry import choose
from bankrec.services.database import Database

Progress = Callable[[int], None]
"""Called with the number of lines just processed."""


@dataclass
class StatementReport:
    bank: str
    statement_ref: str
    position: str
    currency: str
    lines: int
    lines_new: int
    lines_skipped_duplicate: int
    opening: str | None
    closing: str | None
    statement_id: int | None = None
    gap: str | None = None


@dataclass
class FileReport:
    path: str
    format: str = ""
    statements: list[StatementReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def lines_new(self) -> int:
        return sum(s.lines_new for s in self.statements)

    @property
    def lines_skipped_duplicate(self) -> int:
        return sum(s.lines_skipped_duplicate for s in self.statements)


@dataclass(frozen=True)
class ImportOptions:
    banks: tuple[str, ...] = ()
    """Bank accounts named with --bank; empty: find each statement's by its account id."""
    fmt: str = "auto"
    profile: str | None = None
    dry_run: bool = False
    allow_gap: bool = False
    user: str = ""


def import_files(
    db: Database, paths: Sequence[str], options: ImportOptions, progress: Progress | None = None
) -> list[FileReport]:
    """Import each file in its own transaction; a failed file is reported, the rest go on."""
    reports = []
    for path in paths:
        report = FileReport(path)
        try:
            import_one(db, path, options, report, progress)
        except BankrecError as exc:
            report.statements.clear()
            report.errors.append(str(exc))
        reports.append(report)
    return reports


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", Location(path)) from None


def import_one(
    db: Database, path: str, options: ImportOptions, report: FileReport, progress: Progress | None
) -> None:
    data = read_file(path)
    choice = choose(data, path, options.fmt, options.profile)
    report.format = choice.label
    parsed = choice.importer.parse(data, path)
    if not parsed.statements:
        raise InputError("the file holds no statement", Location(path))
    digest = hashlib.sha256(data).hexdigest()
    report.statements = store_parsed(db, path, parsed, digest, options, choice.label, progress)


def store_parsed(
    db: Database,
    path: str,
    parsed: ParsedFile,
    digest: str,
    options: ImportOptions,
    label: str,
    progress: Progress | None = None,
) -> list[StatementReport]:
    """Store every statement of one parsed file in one transaction (or check them, dry run)."""
    unit = db.dry_run() if options.dry_run else db.transaction()
    reports = []
    with unit as session:
        writer = _StatementWriter(session, path, parsed, digest, options, label)
        for statement in parsed.statements:
            reports.append(writer.store(statement))
            if progress:
                progress(len(statement.lines))
    return reports


class _StatementWriter:
    def __init__(
        self,
        session: Session,
        path: str,
        parsed: ParsedFile,
        digest: str,
        options: ImportOptions,
        label: str,
    ) -> None:
        self.session, self.path, self.parsed = session, path, parsed
        self.digest, self.options, self.label = digest, options, label
        self.decimals = {c.code: c.decimals for c in session.scalars(select(Currency))}
        # Per bank, what this file has stored so far. A file of many statements (MT940 often
        # has one per day) then needs no query per statement for its own earlier statements.
        self._stored_keys: dict[str, set[str]] = {}
        self._had_lines: dict[str, bool] = {}
        self._latest: dict[str, tuple[date | None, int, str]] = {}
        self._banks: dict[str, BankAccount | None] = {}

    def _where(self, statement: ParsedStatement, element: str = "") -> Location:
        at = " ".join(p for p in (statement.position, element) if p)
        return Location(self.path, element=at or None)

    def store(self, statement: ParsedStatement) -> StatementReport:
        bank = self._bank_for(statement)
        places = self.decimals[bank.currency_code]
        amounts = [self._minor(statement, line, places) for line in statement.lines]
        keys = dedupe_keys(statement.lines)
        existing = self._existing_keys(bank.no, statement.lines)
        new = [i for i, key in enumerate(keys) if key not in existing]
        opening = self._balance_minor(statement, "opening", places)
        closing = self._balance_minor(statement, "closing", places)
        self._check_totals(statement, opening, closing, sum(amounts), places)
        gap = self._check_chain(bank, statement, opening, amounts, new, places)
        report = StatementReport(
            bank=bank.no,
            statement_ref=statement.statement_id,
            position=statement.position,
            currency=bank.currency_code,
            lines=len(keys),
            lines_new=len(new),
            lines_skipped_duplicate=len(keys) - len(new),
            opening=None if opening is None else format_minor(opening, places),
            closing=None if closing is None else format_minor(closing, places),
            gap=None if gap is None else format_minor(gap, places),
        )
        if self._already_stored(bank.no, statement, new):
            return report
        row = self._statement_row(bank, statement, opening, closing, len(new), gap)
        report.statement_id = row.id
        self._insert_lines(row, statement.lines, amounts, keys, new)
        self._stored_keys.setdefault(bank.no, set()).update(keys[i] for i in new)
        self._remember_closing(bank.no, row)
        return report

    def _given_banks(self, where: Location) -> list[BankAccount]:
        banks = []
        for no in self.options.banks:
            if no not in self._banks:
                self._banks[no] = self.session.get(BankAccount, no)
            bank = self._banks[no]
            if bank is None:
                raise NotFoundError(f"bank account {no} does not exist", where)
            banks.append(bank)
        return banks

    def _bank_for(self, statement: ParsedStatement) -> BankAccount:
        """The bank named with --bank (the one in the statement's currency when several are
        named, as for a multi-currency export), else the one the file's account id names."""
        where = self._where(statement)
        given = self._given_banks(where)
        if len(given) > 1:
            given = [b for b in given if b.currency_code == statement.currency] or given[:1]
        if given:
            self._check_account(given[0], statement, where)
            return given[0]
        candidates = self._banks_by_account(statement)
        if not candidates:
            account = statement.account_iban or statement.account_no or "(none given)"
            raise NotFoundError(
                f"account {account} ({statement.currency}) matches no bank account; pass --bank "
                "or add the account's IBAN or number to a bank with `bankrec bank add`",
                where,
            )
        if len(candidates) > 1:
            names = ", ".join(b.no for b in candidates)
            raise InputError(f"account matches several bank accounts ({names}); pass --bank", where)
        return candidates[0]

    def _banks_by_account(self, statement: ParsedStatement) -> list[BankAccount]:
        given = {i for i in (statement.account_iban, statement.account_no) if i}
        if not given:
            return []
        banks = self.session.scalars(select(BankAccount).order_by(BankAccount.no))
        return [
            b
            for b in banks
            if b.currency_code == statement.currency
            and same_account(given, {i for i in (b.iban, b.account_no) if i})
        ]

    def _check_account(
        self, bank: BankAccount, statement: ParsedStatement, where: Location
    ) -> None:
        if statement.currency and statement.currency != bank.currency_code:
            raise InputError(
                f"the statement is in {statement.currency} but bank account {bank.no} is in "
                f"{bank.currency_code}; choose the right bank with --bank",
                where,
            )
        given = {i for i in (statement.account_iban, statement.account_no) if i}
        known = {i for i in (bank.iban, bank.account_no) if i}
        if given and known and not same_account(given, known):
            raise InputError(
                f"the statement is for account {' / '.join(sorted(given))}, but bank account "
                f"{bank.no} is {' / '.join(sorted(known))}; choose the right bank with --bank",
                where,
            )

    def _minor(self, statement: ParsedStatement, line: StatementLine, places: int) -> int:
        if line.currency and line.currency != statement.currency:
            raise InputError(
                f"line is in {line.currency}, the statement in {statement.currency}",
                self._where(statement, line.position),
            )
        try:
            return to_minor(line.amount, places)
        except ValueError:
            raise InputError(
                f"amount {line.amount} has more decimals than {statement.currency} allows "
                f"({places})",
                self._where(statement, line.position),
            ) from None

    def _balance_minor(self, statement: ParsedStatement, which: str, places: int) -> int | None:
        balance = getattr(statement, which)
        if balance is None:
            return None
        try:
            return to_minor(balance.amount, places)
        except ValueError:
            raise InputError(
                f"{which} balance {balance.amount} has more decimals than {statement.currency} "
                f"allows ({places})",
                self._where(statement),
            ) from None

    def _check_totals(
        self,
        statement: ParsedStatement,
        opening: int | None,
        closing: int | None,
        total: int,
        places: int,
    ) -> None:
        if opening is None or closing is None or opening + total == closing:
            return
        raise InputError(
            f"the closing balance {format_minor(closing, places)} is not the opening balance "
            f"{format_minor(opening, places)} plus the lines {format_minor(total, places)} "
            f"(difference {format_minor(closing - opening - total, places)}); the file is "
            "incomplete or damaged",
            self._where(statement),
        )

    def _existing_keys(self, bank_no: str, lines: Sequence[StatementLine]) -> set[str]:
        """Keys already stored for this bank on the statement's booking dates.

        Every key includes its line's booking date, so lines of other dates can never collide:
        one range query replaces a lookup per key, and none is needed for a bank that had no
        lines before this file.
        """
        stored = self._stored_keys.setdefault(bank_no, set())
        if not lines:
            return stored
        if bank_no not in self._had_lines:
            any_line = select(BankStatementLine.id).where(BankStatementLine.bank_no == bank_no)
            self._had_lines[bank_no] = self.session.scalars(any_line.limit(1)).first() is not None
        if not self._had_lines[bank_no]:
            return stored
        dates = [line.booking_date for line in lines]
        query = select(BankStatementLine.dedupe_key).where(
            BankStatementLine.bank_no == bank_no,
            BankStatementLine.booking_date >= min(dates),
            BankStatementLine.booking_date <= max(dates),
        )
        return stored | set(self.session.scalars(query))

    def _check_chain(
        self,
        bank: BankAccount,
        statement: ParsedStatement,
        opening: int | None,
        amounts: list[int],
        new: list[int],
        places: int,
    ) -> int | None:
        """The balance just before the first new line must continue the previous closing
        balance of this bank; returns the gap when --allow-gap lets one through.

        Lines already imported (an overlapping download) are counted into that balance, and a
        statement that brings nothing new is not checked: it changes nothing.
        """
        if opening is None or (statement.lines and not new):
            return None
        first_new = new[0] if new else 0
        effective = opening + sum(amounts[:first_new])
        as_of = (
            statement.lines[first_new].booking_date
            if statement.lines
            else statement.opening.date
            if statement.opening and statement.opening.date
            else statement.period_start
        )
        previous_amount, previous_where = self._previous_closing(bank, as_of)
        if effective == previous_amount:
            return None
        gap = effective - previous_amount
        if self.options.allow_gap:
            return gap
        opening_date = statement.opening.date if statement.opening else None
        raise InputError(
            f"the opening balance {format_minor(opening, places)}"
            + (f" on {opening_date}" if opening_date else "")
            + f" does not continue {previous_where} {format_minor(previous_amount, places)}: "
            f"a gap of {format_minor(gap, places)} {bank.currency_code}; import the missing "
            "statement first, or pass --allow-gap to record the gap",
            self._where(statement),
        )

    def _remember_closing(self, bank_no: str, row: BankStatement) -> None:
        """Keep the closing balance just stored when it is the bank's latest, so the next
        statement of the file continues from it without a query."""
        if row.closing_minor is None:
            return
        latest = self._latest.get(bank_no)
        if latest is None and not self._is_latest(bank_no, row):
            return
        if latest is not None and latest[0] and row.closing_date and row.closing_date < latest[0]:
            return
        when = f" of {row.closing_date}" if row.closing_date else ""
        where = f"the closing balance{when} of statement {row.id} ({row.source_name})"
        self._latest[bank_no] = (row.closing_date, row.closing_minor, where)

    def _is_latest(self, bank_no: str, row: BankStatement) -> bool:
        later = select(BankStatement.id).where(
            BankStatement.bank_no == bank_no,
            BankStatement.id != row.id,
            BankStatement.closing_minor.is_not(None),
            BankStatement.closing_date > row.closing_date,
        )
        return row.closing_date is not None and self.session.scalars(later.limit(1)).first() is None

    def _previous_closing(self, bank: BankAccount, as_of: date | None) -> tuple[int, str]:
        cached = self._latest.get(bank.no)
        if cached is not None and (as_of is None or cached[0] is None or cached[0] <= as_of):
            return cached[1], cached[2]
        query = (
            select(BankStatement)
            .where(BankStatement.bank_no == bank.no, BankStatement.closing_minor.is_not(None))
            .order_by(BankStatement.closing_date.desc(), BankStatement.id.desc())
        )
        if as_of is not None:
            query = query.where(
                or_(BankStatement.closing_date.is_(None), BankStatement.closing_date <= as_of)
            )
        previous = self.session.scalars(query.limit(1)).first()
        if previous is None or previous.closing_minor is None:
            return bank.balance_last_statement_minor, (
                f"the balance last statement of bank account {bank.no}"
            )
        when = f" of {previous.closing_date}" if previous.closing_date else ""
        return previous.closing_minor, (
            f"the closing balance{when} of statement {previous.id} ({previous.source_name})"
        )

    def _already_stored(self, bank_no: str, statement: ParsedStatement, new: list[int]) -> bool:
        """Nothing to store: a re-imported file, or an overlap that brought no new line."""
        if new:
            return False
        if statement.lines:
            return True
        same = select(BankStatement.id).where(
            BankStatement.bank_no == bank_no,
            BankStatement.file_sha256 == self.digest,
            BankStatement.file_position == statement.position[:100],
        )
        return self.session.scalars(same).first() is not None

    def _statement_row(
        self,
        bank: BankAccount,
        statement: ParsedStatement,
        opening: int | None,
        closing: int | None,
        lines_new: int,
        gap: int | None,
    ) -> BankStatement:
        label = self.label
        row = BankStatement(
            bank_no=bank.no,
            format=label.split(":")[0],
            profile=label.split(":", 1)[1] if ":" in label else None,
            source_name=self.path[-500:],
            file_sha256=self.digest,
            statement_ref=statement.statement_id[:70],
            file_position=statement.position[:100],
            currency_code=bank.currency_code,
            account_iban=statement.account_iban[:34],
            account_no=statement.account_no[:50],
            opening_minor=opening,
            opening_date=statement.opening.date if statement.opening else None,
            closing_minor=closing,
            closing_date=statement.closing.date if statement.closing else None,
            period_start=statement.period_start,
            period_end=statement.period_end,
            lines_in_file=len(statement.lines),
            lines_new=lines_new,
            gap_minor=gap,
            imported_at=datetime.now(UTC),
            imported_by=self.options.user,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def _insert_lines(
        self,
        row: BankStatement,
        lines: Sequence[StatementLine],
        amounts: list[int],
        keys: list[str],
        new: list[int],
    ) -> None:
        table = BankStatementLine.__table__
        assert isinstance(table, Table)
        connection = self.session.connection()
        # In chunks, so that a 100,000-line file never holds all its rows twice more in memory.
        for start in range(0, len(new), INSERT_CHUNK):
            chunk = enumerate(new[start : start + INSERT_CHUNK], start + 1)
            rows = [_line_row(row, n, lines[i], amounts[i], keys[i]) for n, i in chunk]
            insert_rows(connection, table, LINE_COLUMNS, rows)


INSERT_CHUNK = 5_000
"""Rows per bulk insert of statement lines."""


def _clip(text: str, size: int) -> str:
    return text[:size]


LINE_COLUMNS = (
    "statement_id",
    "line_no",
    "bank_no",
    "dedupe_key",
    "booking_date",
    "value_date",
    "amount_minor",
    "currency_code",
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
    "original_amount",
    "original_currency",
    "charges",
    "batch_reference",
    "reversal",
    "position",
    "raw",
)


def _line_row(
    statement: BankStatement, line_no: int, line: StatementLine, amount: int, key: str
) -> tuple[object, ...]:
    """The values of one new line, in ``LINE_COLUMNS`` order."""
    return (
        statement.id,
        line_no,
        statement.bank_no,
        key,
        line.booking_date,
        line.value_date,
        amount,
        statement.currency_code,
        _clip(line.counterparty_name, 140),
        _clip(line.counterparty_account, 50),
        _clip(line.counterparty_bic, 11),
        _clip(line.counterparty_address, 140),
        _clip(line.counterparty_city, 70),
        line.remittance,
        _clip(line.structured_reference, 70),
        _clip(line.end_to_end_id, 70),
        _clip(line.bank_reference, 100),
        _clip(line.transaction_code, 70),
        _clip(line.check_no, 20),
        line.original_amount,
        _clip(line.original_currency, 3),
        line.charges,
        _clip(line.batch_reference, 70),
        line.reversal,
        _clip(line.position, 200),
        line.raw,
    )
