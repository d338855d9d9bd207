"""Check commands: check list, check void."""

from __future__ import annotations

import sys
from datetime import date

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DATE


@click.group()
def check() -> None:
    """Checks: bank entries posted with a check number (journal CSV column check_no)."""


@check.command("list")
@click.option("--bank", "bank_no", metavar="NO", help="Only the checks of this bank.")
@click.option(
    "--open", "open_only", is_flag=True, help="Only checks the bank has not paid yet (outstanding)."
)
@json_option
@pass_app
def check_list(app: AppContext, bank_no: str | None, open_only: bool, as_json: bool) -> None:
    """List checks: open, applied (matched on an open reconciliation), closed or voided."""
    from bankrec.reporting.reconciliation import checks_table
    from bankrec.services.checks import list_checks

    checks = list_checks(app.db, bank_no, open_only)
    if as_json:
        emit_json({"checks": checks})
    else:
        checks_table(app.console, checks)


@check.command("void")
@click.argument("entry_no", metavar="ENTRY_NO", type=click.IntRange(min=1))
@click.option("--date", "on", type=DATE, help="Date of the void (default: the check's date).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
def check_void(app: AppContext, entry_no: int, on: date | None, yes: bool, as_json: bool) -> None:
    """Void a check: post the reversal of its bank entry and its counter-entries."""
    from bankrec.services.checks import void_check

    if not yes and not as_json and sys.stdin.isatty():
        click.confirm(f"Void the check of bank entry {entry_no}?", abort=True)
    result = void_check(app.db, entry_no, on, app.user)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"check {result['check_no']} (bank entry {result['entry_no']}, {result['amount']}) voided "
        f"on {result['date']} by transaction {result['transaction_no']}, bank entry "
        f"{result['void_entry_no']}"
    )


COMMANDS = (check,)
