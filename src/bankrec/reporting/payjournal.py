"""Rich tables for payment journals, rules and mappings. They render the JSON documents of the
services, so what a person sees and what a script reads never disagree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

TEXT_WIDTH = 40


def _shorten(text: str, width: int = TEXT_WIDTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _who(line: dict[str, Any]) -> str:
    parts = [p for p in (line["counterparty"], line["text"]) if p]
    return _shorten(" / ".join(parts))


def applied_to(applications: Sequence[dict[str, Any]]) -> str:
    """Where a line's money goes, e.g. ``customer C1 SI-1 #12; customer C1 on account``."""
    described = []
    for a in applications:
        target = f"{a['account_type']} {a['account_no']}"
        if a["entry_no"] is not None:
            target += f" {a['document_no']} #{a['entry_no']}".rstrip()
        elif a.get("origin") == "on_account":
            target += " on account"
        if a["discount"].strip("0.-"):
            target += f" (discount {a['discount']})"
        described.append(target)
    return "; ".join(described)


def journal_table(console: Console, document: dict[str, Any]) -> None:
    """A payment journal: one row per line, then its totals."""
    title = (
        f"Payment journal {document['journal']}: bank {document['bank']} "
        f"({document['currency']}), {document['status']}"
        + (f", statement {document['statement']}" if document["statement"] else "")
    )
    table = Table(title=title, title_justify="left")
    for name, justify in (
        ("line", "right"),
        ("date", "left"),
        ("amount", "right"),
        ("counterparty / text", "left"),
        ("confidence", "left"),
        ("applied to", "left"),
        ("difference", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for line in document["lines"]:
        number = str(line["line"])
        if line.get("parent_line"):
            number += f" (of {line['parent_line']})"
        table.add_row(
            number,
            line["date"],
            line["amount"],
            _who(line),
            line["confidence"],
            _shorten(applied_to(line["applications"]), 50),
            line["difference"],
        )
    console.print(table)
    console.print(
        f"total {document['total_amount']}, applied {document['total_applied']}, difference "
        f"{document['total_difference']} {document['currency']}"
    )


def journals_table(console: Console, journals: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Payment journals", title_justify="left")
    columns = ("journal", "bank", "status", "statement", "lines", "total_amount", "created_at")
    for column in columns:
        justify = "right" if column in ("lines", "total_amount") else "left"
        table.add_column(column.replace("_", " "), justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for journal in journals:
        table.add_row(*("" if journal[c] is None else str(journal[c]) for c in columns))
    console.print(table)
    if not journals:
        console.print("(none)")


def rules_table(console: Console, rules: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Payment application rules", title_justify="left")
    columns = (
        "id",
        "rule",
        "score",
        "related_party",
        "doc_match",
        "amount_match",
        "reference_match",
        "review_required",
        "apply_immediately",
    )
    for column in columns:
        table.add_column(column.replace("_", " "), no_wrap=True)
    for rule in rules:
        table.add_row(*(_cell(rule[c]) for c in columns))
    console.print(table)


def mappings_table(console: Console, mappings: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Text-to-account mappings", title_justify="left")
    for column in ("id", "text", "target", "money in", "money out"):
        table.add_column(column, no_wrap=True)
    for m in mappings:
        if m["target_type"] == "gl":
            target, money_in, money_out = "gl", m["debit_gl"] or "", m["credit_gl"] or ""
        else:
            target = f"{m['target_type']} {m['account_no']}"
            money_in = money_out = m["account_no"]
        table.add_row(str(m["id"]), _shorten(m["text"]), target, money_in, money_out)
    console.print(table)
    if not mappings:
        console.print("(none)")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
