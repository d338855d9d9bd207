"""Rich tables for people. Renderers take a Console so tests can fix its width."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from bankrec.services.ledger_queries import EntryView, TrialBalance
from bankrec.services.masterdata import Record

_NUMERIC = {
    "amount",
    "remaining",
    "debit",
    "credit",
    "balance",
    "rate",
    "balance_last_statement",
    "opening_balance",
    "closing_balance",
}
_PROSE = {
    "name",
    "description",
    "address",
    "ibans",
    "account_nos",
    "source",
    "remittance",
    "counterparty_name",
}
"""Columns that may be shortened; every other column (numbers, codes, dates) is never wrapped."""


def _add_column(table: Table, name: str, justify: str = "left") -> None:
    prose = name in _PROSE
    table.add_column(
        name.replace("_", " "),
        justify="right" if name in _NUMERIC else justify,  # type: ignore[arg-type]
        no_wrap=True,
        overflow="ellipsis" if prose else "fold",
        max_width=36 if prose else None,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def records_table(
    console: Console, title: str, records: Sequence[Record], columns: Sequence[str]
) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(
            column.replace("_", " "), justify="right" if column in _NUMERIC else "left"
        )
    for record in records:
        table.add_row(*(_cell(record.fields.get(c)) for c in columns))
    console.print(table)
    if not records:
        console.print("(none)")


def rows_table(
    console: Console, title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]
) -> None:
    """A table of plain dict rows (as the JSON documents have them)."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        _add_column(table, column)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)


def record_panel(console: Console, title: str, record: Record) -> None:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in record.fields.items():
        table.add_row(key.replace("_", " "), _cell(value))
    console.print(table)


def entries_table(console: Console, ledger: str, entries: Sequence[EntryView]) -> None:
    table = Table(title=f"{ledger} entries", title_justify="left")
    for name, justify in (
        ("entry", "right"),
        ("date", "left"),
        ("type", "left"),
        ("document", "left"),
        ("account", "left"),
        ("description", "left"),
        ("amount", "right"),
        ("remaining", "right"),
        ("cur", "left"),
        ("open", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for e in entries:
        table.add_row(
            str(e.entry_no),
            e.posting_date.isoformat(),
            e.document_type,
            e.document_no,
            e.account_no,
            e.description[:40],
            str(e.amount),
            _cell(e.remaining_amount),
            e.currency,
            ("reversed" if e.reversed else _cell(e.open)),
        )
    console.print(table)


def trial_balance_table(console: Console, tb: TrialBalance) -> None:
    heading = f"Trial balance ({tb.currency})" + (f" at {tb.at}" if tb.at else "")
    table = Table(title=heading, title_justify="left", show_footer=True)
    table.add_column("account", footer="total", no_wrap=True)
    table.add_column("name", no_wrap=True, overflow="ellipsis", max_width=36)
    for name, total in (
        ("debit", tb.total_debit),
        ("credit", tb.total_credit),
        ("balance", tb.total),
    ):
        table.add_column(name, justify="right", footer=str(total), no_wrap=True)
    for line in tb.lines:
        table.add_row(
            line.account_no, line.name, str(line.debit), str(line.credit), str(line.balance)
        )
    console.print(table)
