"""The ranked candidates of one payment journal line, as a rich table."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from bankrec.reporting.payjournal import _shorten


def describe_target(candidate: dict[str, Any]) -> str:
    """``customer C1 103001 + 103002`` or ``gl 6800 (mapping)``."""
    target = f"{candidate['account_type']} {candidate['account_no']}"
    documents = " + ".join(d for d in candidate["document_nos"] if d)
    if documents:
        target += f" {documents}"
    if candidate["kind"] in ("mapping", "bank_entry"):
        target += f" ({candidate['kind'].replace('_', ' ')})"
    return target


def candidates_table(console: Console, document: dict[str, Any]) -> None:
    title = (
        f"Journal {document['journal']} line {document['line']}: {document['date']} "
        f"{document['amount']} {_shorten(document['counterparty'] or document['text'])}"
    )
    table = Table(title=title, title_justify="left")
    for name, justify in (
        ("#", "right"),
        ("target", "left"),
        ("amount", "right"),
        ("confidence", "left"),
        ("score", "right"),
        ("why", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for candidate in document["candidates"]:
        why = "; ".join(candidate["details"])
        if candidate["blocked"]:
            why = f"[not automatic: {candidate['blocked']}] {why}"
        table.add_row(
            str(candidate["rank"]),
            describe_target(candidate),
            candidate["amount"],
            candidate["confidence"],
            str(candidate["score"]),
            why,
        )
    if not document["candidates"]:
        table.caption = "no candidate: apply it by hand, transfer it to an account or map its text"
    console.print(table)
