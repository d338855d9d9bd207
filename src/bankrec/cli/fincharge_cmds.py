"""Finance charge memo commands: create, issue, cancel, list and show memos."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app


def _date(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option; a bad date is a refusal (exit 1), not a usage error."""
    from bankrec.errors import InputError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f'{option} "{text}" is not a date; write it as YYYY-MM-DD') from None


@click.group()
def fincharge() -> None:
    """Finance charge memos: interest (and a fee) on overdue customer entries.

    `create` drafts one memo per customer and currency under the customer's finance charge
    terms; `issue` posts the interest and fee and writes the memo as Markdown and PDF;
    `cancel` reverses an issued memo.
    """


@fincharge.command("create")
@click.option(
    "--date",
    "document_date",
    required=True,
    metavar="YYYY-MM-DD",
    help="Document date: interest is charged up to it.",
)
@click.option(
    "--posting-date",
    metavar="YYYY-MM-DD",
    help="Posting date of the memos (default: the document date).",
)
@click.option(
    "--customer",
    "customers",
    multiple=True,
    metavar="NO",
    help="Only this customer (repeat for several). Default: every customer with "
    "finance charge terms.",
)
@json_option
@pass_app
def create(
    app: AppContext,
    document_date: str,
    posting_date: str | None,
    customers: tuple[str, ...],
    as_json: bool,
) -> None:
    """Draft finance charge memos for entries overdue on --date."""
    from bankrec.services.collections.fincharge import CreateRequest, create_memos

    on = _date(document_date, "--date")
    assert on is not None
    request = CreateRequest(on, _date(posting_date, "--posting-date"), customers)
    result = create_memos(app.db, request, app.user)
    if as_json:
        emit_json(result.as_json())
        return
    for memo in result.created:
        click.echo(
            f"created {memo.no} for {memo.customer_no}: interest {memo.interest}, fee "
            f"{memo.fee}, total {memo.total} {memo.currency} ({_lines(memo.lines)}), due "
            f"{memo.due_date}"
        )
    for skipped in result.skipped:
        currency = f" {skipped.currency}" if skipped.currency else ""
        click.echo(f"skipped {skipped.customer_no}{currency}: {skipped.reason}")
    if not result.created and not result.skipped:
        click.echo("no customer with finance charge terms has overdue entries")


@fincharge.command("issue")
@click.argument("nos", nargs=-1, metavar="NO...")
@click.option("--all", "issue_all", is_flag=True, help="Issue every draft memo.")
@click.option(
    "--output",
    "output",
    default="collections",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the memo documents (<no>.md and <no>.pdf).",
)
@json_option
@pass_app
def issue(
    app: AppContext, nos: tuple[str, ...], issue_all: bool, output: Path, as_json: bool
) -> None:
    """Issue draft memos: post interest and fee, then write their documents."""
    from bankrec.services.collections.fincharge import issue_memos

    result = issue_memos(app.db, nos, issue_all, output, app.user)
    if as_json:
        emit_json(result.as_json())
        return
    for memo in result.issued:
        posted = f"transaction {memo.transaction_no}" if memo.transaction_no else "nothing posted"
        click.echo(f"issued {memo.no}: {posted}; {', '.join(memo.files)}")
    if not result.issued:
        click.echo("no draft memos to issue")


@fincharge.command("cancel")
@click.argument("nos", nargs=-1, required=True, metavar="NO...")
@json_option
@pass_app
def cancel(app: AppContext, nos: tuple[str, ...], as_json: bool) -> None:
    """Cancel memos: a draft is set aside, an issued memo's posting is reversed."""
    from bankrec.services.collections.fincharge import cancel_memos

    result = cancel_memos(app.db, nos, app.user)
    if as_json:
        emit_json(result.as_json())
        return
    for memo in result.canceled:
        reversal = (
            f"reversed in transaction {memo.transaction_no}"
            if memo.transaction_no
            else "nothing to reverse"
        )
        click.echo(f"canceled {memo.no}: {reversal}")


@fincharge.command("list")
@click.option(
    "--status",
    type=click.Choice(["draft", "issued", "canceled"]),
    help="Only memos in this status.",
)
@click.option("--customer", metavar="NO", help="Only this customer's memos.")
@json_option
@pass_app
def list_(app: AppContext, status: str | None, customer: str | None, as_json: bool) -> None:
    """List finance charge memos."""
    from bankrec.services.collections.fincharge import list_memos

    memos = list_memos(app.db, status, customer)
    if as_json:
        emit_json({"documents": [memo.as_json() for memo in memos]})
        return
    from rich.table import Table

    table = Table(
        "No.", "Customer", "Status", "Date", "Due", "Currency", "Interest", "Fee", "Total", "Lines"
    )
    for m in memos:
        table.add_row(
            m.no,
            m.customer_no,
            m.status,
            str(m.document_date),
            str(m.due_date),
            m.currency,
            m.interest,
            m.fee,
            m.total,
            str(m.lines),
        )
    app.console.print(table)


@fincharge.command("show")
@click.argument("no")
@json_option
@pass_app
def show(app: AppContext, no: str, as_json: bool) -> None:
    """Show one memo with its lines."""
    from bankrec.services.collections.fincharge import show_memo

    detail = show_memo(app.db, no)
    if as_json:
        emit_json(detail.as_json())
        return
    m = detail.memo
    click.echo(
        f"{m.no} ({m.status}) for {m.customer_no}, terms {detail.terms_code}: document date "
        f"{m.document_date}, posting date {m.posting_date}, due {m.due_date}"
    )
    from rich.table import Table

    table = Table(
        "Line", "Type", "Document", "Due", "Remaining", "Days", "Rate %", "Amount", "Description"
    )
    for line in detail.lines:
        document = f"{line.document_type} {line.document_no}".strip()
        table.add_row(
            str(line.line_no),
            line.line_type,
            document,
            str(line.due_date or ""),
            line.remaining if line.entry_no else "",
            "" if line.days is None else str(line.days),
            line.rate or "",
            line.amount,
            line.description,
        )
    app.console.print(table)
    click.echo(f"interest {m.interest}, fee {m.fee}, total {m.total} {m.currency}")


COMMANDS: tuple[click.Command, ...] = (fincharge,)


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"
