"""Rich tables for bank reconciliations, their candidates, the reconciliation report and checks.
They render the JSON documents of the services, so what a person sees and what a script reads
never disagree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

TEXT_WIDTH = 40


def _shorten(text: str, width: int = TEXT_WIDTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _columns(table: Table, columns: Sequence[tuple[str, str]]) -> None:
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]


def _numbers(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)


def _line_text(line: dict[str, Any]) -> str:
    parts = [p for p in (line["counterparty"], line["text"]) if p]
    if line["check_no"]:
        parts.append(f"check {line['check_no']}")
    return _shorten(" / ".join(parts))


def rec_table(console: Console, document: dict[str, Any]) -> None:
    """A reconciliation: its lines with what they are matched to, the outstanding entries, and
    the totals."""
    title = (
        f"Bank reconciliation {document['reconciliation']}: bank {document['bank']} "
        f"({document['currency']}), statement {document['statement_no']} of "
        f"{document['statement_date']}, {document['status']}"
    )
    table = Table(title=title, title_justify="left")
    _columns(
        table,
        (
            ("line", "right"),
            ("date", "left"),
            ("amount", "right"),
            ("text", "left"),
            ("status", "left"),
            ("entries", "left"),
            ("difference", "right"),
        ),
    )
    for line in document["lines"]:
        match = line["match"]
        how = ""
        if match:
            how = f" ({match['origin']}{', ' + match['confidence'] if match['confidence'] else ''})"
        table.add_row(
            str(line["line"]),
            line["date"],
            line["amount"],
            _line_text(line),
            line["status"],
            (_numbers(line["entries"]) + how) if match else "",
            line["difference"],
        )
    console.print(table)
    if document["outstanding"]:
        outstanding_table(console, document["outstanding"], "Outstanding bank entries")
    console.print(
        f"balance last statement {document['balance_last_statement']}, lines "
        f"{document['total_lines']}, ending balance {document['ending_balance']} (statement "
        f"difference {document['statement_difference']}); applied {document['total_applied']}, "
        f"difference {document['difference']}; outstanding {document['total_outstanding']} "
        f"{document['currency']}"
    )


def outstanding_table(console: Console, items: Sequence[dict[str, Any]], title: str) -> None:
    table = Table(title=title, title_justify="left")
    _columns(
        table,
        (
            ("entry", "right"),
            ("date", "left"),
            ("kind", "left"),
            ("document", "left"),
            ("check", "left"),
            ("description", "left"),
            ("amount", "right"),
        ),
    )
    for item in items:
        table.add_row(
            str(item["entry_no"]),
            item["posting_date"],
            item["kind"],
            item["document_no"],
            item["check_no"],
            _shorten(item["description"]),
            item["amount"],
        )
    console.print(table)


def recs_table(console: Console, recs: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Bank reconciliations", title_justify="left")
    columns = (
        "reconciliation",
        "bank",
        "statement_no",
        "status",
        "statement_date",
        "lines",
        "total_lines",
        "ending_balance",
        "posted_at",
    )
    for column in columns:
        justify = "right" if column in ("lines", "total_lines", "ending_balance") else "left"
        table.add_column(column.replace("_", " "), justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for rec in recs:
        table.add_row(*("" if rec[c] is None else str(rec[c]) for c in columns))
    console.print(table)
    if not recs:
        console.print("(none)")


def candidates_table(console: Console, document: dict[str, Any]) -> None:
    title = (
        f"Reconciliation {document['reconciliation']} line {document['line']}: "
        f"{document['date']} {document['amount']} {_shorten(document['text'])}"
    )
    table = Table(title=title, title_justify="left")
    _columns(
        table,
        (
            ("#", "right"),
            ("entries", "left"),
            ("amount", "right"),
            ("confidence", "left"),
            ("score", "right"),
            ("why", "left"),
        ),
    )
    for candidate in document["candidates"]:
        described = "; ".join(
            f"{e['entry_no']} {e['posting_date']} {e['document_no']}".strip()
            for e in candidate["entries"]
        )
        why = "; ".join(candidate["details"])
        if candidate["blocked_reason"]:
            why = f"[not automatic: {candidate['blocked_reason']}] {why}"
        table.add_row(
            str(candidate["rank"]),
            described,
            candidate["amount"],
            candidate["confidence"],
            str(candidate["score"]),
            why,
        )
    if not document["candidates"]:
        table.caption = "no candidate: post the line with `rec transfer-diff` or leave it"
    console.print(table)


def report_view(console: Console, report: dict[str, Any]) -> None:
    """The reconciliation arithmetic, then the outstanding entries."""
    currency = report["currency"]
    state = "posted" if report["status"] == "posted" else "open (test report)"
    table = Table(
        title=(
            f"Bank {report['bank']} statement {report['statement_no']} of "
            f"{report['statement_date']}, {state}"
        ),
        title_justify="left",
        show_header=False,
    )
    table.add_column("item")
    table.add_column("amount", justify="right", no_wrap=True)
    table.add_row("statement ending balance", report["ending_balance"])
    if report["unmatched_lines"].strip("0.-"):
        table.add_row("less statement lines not in the books", report["unmatched_lines"])
    table.add_row("plus deposits in transit", report["deposits_in_transit"])
    table.add_row("less outstanding checks", report["outstanding_checks"])
    table.add_row("less other outstanding payments", report["outstanding_payments"])
    table.add_row("adjusted statement balance", report["adjusted_balance"])
    table.add_row(
        f"book balance (bank ledger at {report['statement_date']})", report["book_balance"]
    )
    table.add_row("difference", report["difference"])
    console.print(table)
    if report["outstanding"]:
        outstanding_table(console, report["outstanding"], f"Outstanding entries ({currency})")


def checks_table(console: Console, checks: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Checks", title_justify="left")
    _columns(
        table,
        (
            ("entry", "right"),
            ("bank", "left"),
            ("check", "left"),
            ("date", "left"),
            ("document", "left"),
            ("payee", "left"),
            ("amount", "right"),
            ("status", "left"),
            ("statement", "right"),
        ),
    )
    for check in checks:
        status = check["status"]
        if check["void_entry_no"]:
            status += f" by {check['void_entry_no']} on {check['void_date']}"
        table.add_row(
            str(check["entry_no"]),
            check["bank"],
            check["check_no"],
            check["posting_date"],
            check["document_no"],
            check["payee"],
            check["amount"],
            status,
            "" if check["statement_no"] is None else str(check["statement_no"]),
        )
    console.print(table)
    if not checks:
        console.print("(none)")
