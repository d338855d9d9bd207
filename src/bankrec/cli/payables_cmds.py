"""Vendor payment commands: suggest payments and export them as a pain.001 file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DATE

if TYPE_CHECKING:
    from bankrec.services.payables import ProposalList

PROPOSAL_IDS = click.argument("ids", metavar="ID...", nargs=-1, type=click.IntRange(min=1))
COLUMNS = (
    # (JSON key, header, justify): short headers keep the table on one line.
    ("id", "id", "right"),
    ("vendor_no", "vendor", "left"),
    ("vendor_name", "name", "left"),
    ("document_no", "document", "left"),
    ("external_document_no", "ext. document", "left"),
    ("due_date", "due", "left"),
    ("pmt_discount_date", "discount until", "left"),
    ("currency", "cur", "left"),
    ("remaining_amount", "remaining", "right"),
    ("discount", "discount", "right"),
    ("amount", "amount", "right"),
    ("status", "status", "left"),
)


def _today() -> date:
    return datetime.now().astimezone().date()  # the user's local today


@click.group()
def payables() -> None:
    """Vendor payments: suggest what to pay, accept it, export a SEPA credit transfer file."""


@payables.command("suggest")
@click.option(
    "--due-by", type=DATE, required=True, metavar="YYYY-MM-DD", help="Pay invoices due by then."
)
@click.option(
    "--payment-date",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="When the payments leave the bank; decides which discounts are still open "
    "(default: today).",
)
@click.option(
    "--take-discounts",
    is_flag=True,
    help="Also pay invoices not yet due whose payment discount is open on the payment date, "
    "discounted.",
)
@click.option(
    "--vendor", "vendors", multiple=True, metavar="NO", help="Only this vendor; repeatable."
)
@click.option("--accept", is_flag=True, help="Accept the proposals at once (for cron jobs).")
@json_option
@pass_app
def suggest(
    app: AppContext,
    due_by: date,
    payment_date: date | None,
    take_discounts: bool,
    vendors: tuple[str, ...],
    accept: bool,
    as_json: bool,
) -> None:
    """Propose paying every open vendor invoice due by --due-by (one proposal per invoice;
    credit memos are not netted). Invoices already proposed are skipped."""
    from bankrec.services.payables import SuggestRequest, suggest_payments

    request = SuggestRequest(
        due_by=due_by,
        payment_date=payment_date or _today(),
        take_discounts=take_discounts,
        vendors=vendors,
        accept=accept,
    )
    _render(app, suggest_payments(app.db, request), as_json, "Suggested vendor payments")


@payables.command("list")
@click.option(
    "--status",
    type=click.Choice(["proposed", "accepted", "rejected", "exported"]),
    help="Only proposals in this status.",
)
@json_option
@pass_app
def list_(app: AppContext, status: str | None, as_json: bool) -> None:
    """List payment proposals."""
    from bankrec.services.payables import list_proposals

    _render(app, list_proposals(app.db, status), as_json, "Vendor payment proposals")


@payables.command("accept")
@PROPOSAL_IDS
@click.option("--all", "accept_all", is_flag=True, help="Accept every proposed payment.")
@json_option
@pass_app
def accept(app: AppContext, ids: tuple[int, ...], accept_all: bool, as_json: bool) -> None:
    """Accept payment proposals so that `payables export` writes them."""
    from bankrec.services.payables import accept_proposals

    _render(app, accept_proposals(app.db, ids, accept_all), as_json, "Accepted")


@payables.command("reject")
@PROPOSAL_IDS
@json_option
@pass_app
def reject(app: AppContext, ids: tuple[int, ...], as_json: bool) -> None:
    """Reject payment proposals; a later `payables suggest` may propose the invoices again."""
    from bankrec.services.payables import reject_proposals

    _render(app, reject_proposals(app.db, ids), as_json, "Rejected")


@payables.command("export")
@click.option("--bank", "bank_no", required=True, metavar="NO", help="The bank that pays.")
@click.argument("file", metavar="FILE.xml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--execution-date",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Requested execution date (default: today).",
)
@click.option("--force", is_flag=True, help="Replace FILE.xml if it exists.")
@json_option
@pass_app
def export(
    app: AppContext,
    bank_no: str,
    file: Path,
    execution_date: date | None,
    force: bool,
    as_json: bool,
) -> None:
    """Write the accepted proposals in the bank's currency (EUR) to an ISO 20022
    pain.001.001.03 file, validated against its schema, and mark them exported."""
    from bankrec.services.payables import ExportRequest, export_payments

    request = ExportRequest(
        bank=bank_no,
        path=file,
        execution_date=execution_date or _today(),
        force=force,
        user=app.user,
    )
    result = export_payments(app.db, request)
    if as_json:
        emit_json(result.as_json())
        return
    click.echo(
        f"export {result.export_id}: {result.payments} payment(s), {result.total} "
        f"{result.currency} from {result.bank}, execution date {result.execution_date}, "
        f"message {result.message_id}, written to {result.file}"
    )


def _render(app: AppContext, found: ProposalList, as_json: bool, title: str) -> None:
    if as_json:
        emit_json(found.as_json())
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for _, header, justify in COLUMNS:
        table.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for proposal in found.proposals:
        row = proposal.as_json()
        table.add_row(*("" if row[key] is None else str(row[key]) for key, _, _ in COLUMNS))
    app.console.print(table)
    if not found.proposals:
        app.console.print("(none)")
    for currency, total in found.total.items():
        app.console.print(f"total {total} {currency}")
    for warning in found.warnings:
        app.console.print(f"warning: {warning}")


COMMANDS: tuple[click.Command, ...] = (payables,)
