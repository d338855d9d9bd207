"""Ledger commands: journal post, entries, trial-balance, reverse, unapply."""

from __future__ import annotations

from datetime import date

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DATE, read_text


@click.group()
def journal() -> None:
    """General journal postings."""


@journal.command("post")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Check everything and report, but write nothing.")
@json_option
@pass_app
def journal_post(app: AppContext, file: str, dry_run: bool, as_json: bool) -> None:
    """Post journal lines from a CSV file (or - for stdin), all in one transaction."""
    from bankrec.reporting.documents import posting_document
    from bankrec.services.journal import post_journal

    text, source = read_text(file)
    summary = post_journal(app.db, text, source, app.user, dry_run=dry_run)
    if as_json:
        emit_json(posting_document(summary))
        return
    entries = ", ".join(f"{v} {k}" for k, v in summary.entries.items())
    verb = "would post" if dry_run else f"posted as transaction {summary.transaction_no}:"
    click.echo(
        f"{source}: {verb} {summary.lines} lines, {summary.documents} documents "
        f"({entries} entries, {summary.applications} applications), "
        f"{summary.total_debit} {summary.currency} debited"
    )


@click.command()
@click.option(
    "--ledger",
    type=click.Choice(["gl", "bank", "customer", "vendor"]),
    default="gl",
    show_default=True,
)
@click.option("--account", metavar="NO", help="Only this G/L account, bank, customer or vendor.")
@click.option("--open", "open_only", is_flag=True, help="Only open entries.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many entries.")
@json_option
@pass_app
def entries(
    app: AppContext,
    ledger: str,
    account: str | None,
    open_only: bool,
    limit: int | None,
    as_json: bool,
) -> None:
    """List ledger entries."""
    from bankrec.reporting.documents import entry_document
    from bankrec.reporting.tables import entries_table
    from bankrec.services.ledger_queries import list_entries

    found = list_entries(app.db, ledger, account, open_only, limit)
    if as_json:
        emit_json({"ledger": ledger, "entries": [entry_document(e) for e in found]})
    else:
        entries_table(app.console, ledger, found)


@click.command("trial-balance")
@click.option("--at", type=DATE, help="Balances at the end of this date.")
@json_option
@pass_app
def trial_balance(app: AppContext, at: date | None, as_json: bool) -> None:
    """Debit, credit and balance per G/L account; the total is always 0.00."""
    from bankrec.reporting.documents import trial_balance_document
    from bankrec.reporting.tables import trial_balance_table
    from bankrec.services.ledger_queries import trial_balance as compute

    result = compute(app.db, at)
    if as_json:
        emit_json(trial_balance_document(result))
    else:
        trial_balance_table(app.console, result)


@click.command()
@click.argument("transaction_no", type=click.IntRange(min=1))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
def reverse(app: AppContext, transaction_no: int, yes: bool, as_json: bool) -> None:
    """Reverse a journal transaction: post mirror entries and mark both as reversed."""
    import sys

    from bankrec.reporting.documents import correction_document
    from bankrec.services.corrections import reverse_transaction

    if not yes and not as_json and sys.stdin.isatty():
        click.confirm(f"Reverse every entry of transaction {transaction_no}?", abort=True)
    result = reverse_transaction(app.db, transaction_no, app.user)
    if as_json:
        emit_json(correction_document(result, "reversed_transaction_no"))
    else:
        click.echo(f"transaction {transaction_no} reversed by transaction {result.transaction_no}")


@click.command()
@click.argument("entry_no", type=click.IntRange(min=1))
@click.option(
    "--ledger",
    type=click.Choice(["customer", "vendor"]),
    help="Needed only when both ledgers have this entry no.",
)
@click.option(
    "--date",
    "on",
    type=DATE,
    help="Posting date of the unapplication (default: the application's).",
)
@json_option
@pass_app
def unapply(
    app: AppContext, entry_no: int, ledger: str | None, on: date | None, as_json: bool
) -> None:
    """Undo the latest application of a customer or vendor entry."""
    from bankrec.reporting.documents import correction_document
    from bankrec.services.corrections import unapply_entry

    result = unapply_entry(app.db, entry_no, app.user, ledger, on)
    if as_json:
        emit_json(correction_document(result, "unapplied_application"))
    else:
        click.echo(f"application {result.corrected} undone by transaction {result.transaction_no}")


COMMANDS = (journal, entries, trial_balance, reverse, unapply)
