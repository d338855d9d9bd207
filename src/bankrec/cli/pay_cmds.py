"""Payment reconciliation journal commands: pay new, list, show, accept, reject, apply-manual,
transfer-diff, delete."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DECIMAL

JOURNAL = click.argument("journal_id", metavar="JNL", type=click.IntRange(min=1))
LINE = click.argument("line_no", metavar="LINE", type=click.IntRange(min=1))


@click.group()
def pay() -> None:
    """Payment reconciliation journals: apply bank transactions to open entries, then post."""


@pay.command("new")
@click.option("--bank", "bank_no", metavar="NO", required=True, help="The bank account.")
@click.option(
    "--statement",
    "statement_id",
    metavar="ID",
    type=click.IntRange(min=1),
    help="Take the lines of this imported statement (default: every line of the bank not in a "
    "journal yet).",
)
@json_option
@pass_app
def pay_new(app: AppContext, bank_no: str, statement_id: int | None, as_json: bool) -> None:
    """Create a payment journal from imported statement lines not in any journal yet."""
    from bankrec.services.payjournal import new_journal

    result = new_journal(app.db, bank_no, statement_id, app.user)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"payment journal {result['journal']} created for bank {result['bank']} with "
        f"{result['lines']} line(s), total {result['total_amount']} {result['currency']}"
    )
    if result["skipped"]:
        reasons = sorted({s["reason"] for s in result["skipped_lines"]})
        app.notice(f"skipped {result['skipped']} line(s): {'; '.join(reasons)}")


@pay.command("list")
@click.option("--bank", "bank_no", metavar="NO", help="Only the journals of this bank.")
@click.option(
    "--status",
    type=click.Choice(["open", "posted"]),
    help="Only open or only posted journals.",
)
@json_option
@pass_app
def pay_list(app: AppContext, bank_no: str | None, status: str | None, as_json: bool) -> None:
    """List payment journals."""
    from bankrec.reporting.payjournal import journals_table
    from bankrec.services.payjournal import list_journals

    journals = list_journals(app.db, bank_no, status)
    if as_json:
        emit_json({"journals": journals})
    else:
        journals_table(app.console, journals)


@pay.command("show")
@JOURNAL
@json_option
@pass_app
def pay_show(app: AppContext, journal_id: int, as_json: bool) -> None:
    """Show a payment journal: its lines, their confidence and what they apply to."""
    from bankrec.reporting.payjournal import journal_table
    from bankrec.services.payjournal import show_journal

    document = show_journal(app.db, journal_id)
    if as_json:
        emit_json(document)
    else:
        journal_table(app.console, document)


def _lines(numbers: list[int] | tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers)


@pay.command("accept")
@JOURNAL
@click.argument("line_nos", metavar="[LINE]...", nargs=-1, type=click.IntRange(min=1))
@click.option(
    "--min-confidence",
    type=click.Choice(["high", "medium", "low"]),
    default="high",
    show_default=True,
    help="Without LINE: accept every applied line at or above this confidence.",
)
@json_option
@pass_app
def pay_accept(
    app: AppContext,
    journal_id: int,
    line_nos: tuple[int, ...],
    min_confidence: str,
    as_json: bool,
) -> None:
    """Accept the applications of lines; an overpayment's rest goes on account."""
    from bankrec.services.payjournal import accept

    result = accept(app.db, journal_id, line_nos, min_confidence)
    if as_json:
        emit_json(result)
        return
    if result["accepted"]:
        click.echo(f"payment journal {journal_id}: accepted line(s) {_lines(result['accepted'])}")
    elif not result["already_accepted"]:
        click.echo(f"payment journal {journal_id}: no applied line at or above {min_confidence}")
    for rest in result["on_account"]:
        click.echo(
            f"  line {rest['line']}: {rest['amount']} on account of {rest['account_type']} "
            f"{rest['account_no']}"
        )
    if result["already_accepted"]:
        app.notice(f"already accepted: line(s) {_lines(result['already_accepted'])}")


@pay.command("reject")
@JOURNAL
@click.argument("line_nos", metavar="LINE...", nargs=-1, required=True, type=click.IntRange(1))
@json_option
@pass_app
def pay_reject(app: AppContext, journal_id: int, line_nos: tuple[int, ...], as_json: bool) -> None:
    """Remove the applications of lines; a later apply does not propose them again."""
    from bankrec.services.payjournal import reject

    result = reject(app.db, journal_id, line_nos)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"payment journal {journal_id}: rejected line(s) {_lines(result['rejected'])} "
        f"({result['removed_applications']} application(s) removed)"
    )


def _describe_application(application: dict[str, Any]) -> str:
    text = f"{application['applied_amount']}"
    if application["discount"].strip("0.-"):
        text += f" (discount {application['discount']})"
    return (
        f"{text} to {application['account_type']} entry {application['entry_no']} "
        f"({application['document_no']}) of {application['account_no']}"
    )


@pay.command("apply-manual")
@JOURNAL
@LINE
@click.option(
    "--entry",
    "entry_no",
    metavar="E",
    type=click.IntRange(min=1),
    required=True,
    help="The open ledger entry to apply (see `bankrec entries --open`).",
)
@click.option(
    "--ledger",
    type=click.Choice(["customer", "vendor", "bank"]),
    help="The ledger of the entry; needed only when the number is open in several ledgers.",
)
@click.option(
    "--amount",
    type=DECIMAL,
    help="What the line pays towards the entry, in the bank's currency (default: the entry's "
    "remainder, less any payment discount still allowed, up to what the line has left).",
)
@json_option
@pass_app
def pay_apply_manual(
    app: AppContext,
    journal_id: int,
    line_no: int,
    entry_no: int,
    ledger: str | None,
    amount: Decimal | None,
    as_json: bool,
) -> None:
    """Apply a line by hand to an open customer, vendor or bank entry; repeat for more."""
    from bankrec.services.payjournal import apply_manual

    result = apply_manual(app.db, journal_id, line_no, entry_no, ledger=ledger, amount=amount)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"payment journal {journal_id}, line {line_no}: applied "
        f"{_describe_application(result['application'])}; difference now {result['difference']}"
    )


@pay.command("transfer-diff")
@JOURNAL
@LINE
@click.option(
    "--account-type",
    type=click.Choice(["gl", "customer", "vendor"]),
    required=True,
    help="What the difference posts to.",
)
@click.option("--account", "account_no", metavar="NO", required=True, help="The account number.")
@click.option(
    "--text", metavar="T", help="Posting text of the transferred part (default: the line's)."
)
@json_option
@pass_app
def pay_transfer_diff(
    app: AppContext,
    journal_id: int,
    line_no: int,
    account_type: str,
    account_no: str,
    text: str | None,
    as_json: bool,
) -> None:
    """Post a line's unapplied difference to an account, splitting a partly applied line."""
    from bankrec.services.payjournal import transfer_diff

    result = transfer_diff(app.db, journal_id, line_no, account_type, account_no, text)
    if as_json:
        emit_json(result)
        return
    target = f"{result['account_type']} {result['account_no']}"
    if result["split"]:
        click.echo(
            f"payment journal {journal_id}: {result['amount']} split off line {line_no} as line "
            f"{result['new_line']} to {target}; line {line_no} is now {result['line_amount']}"
        )
    else:
        click.echo(f"payment journal {journal_id}, line {line_no}: {result['amount']} to {target}")


@pay.command("delete")
@JOURNAL
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
def pay_delete(app: AppContext, journal_id: int, yes: bool, as_json: bool) -> None:
    """Delete an open payment journal; its statement lines become free for a new one."""
    from bankrec.errors import InputError
    from bankrec.services.payjournal import delete_journal

    if not yes:
        if not sys.stdin.isatty():
            raise InputError(
                f"deleting payment journal {journal_id} needs confirmation and stdin is not a "
                "terminal; use --yes"
            )
        click.confirm(f"Delete payment journal {journal_id} with its lines?", abort=True)
    result = delete_journal(app.db, journal_id)
    if as_json:
        emit_json(result)
    else:
        click.echo(f"payment journal {result['journal']} deleted ({result['lines']} line(s))")


COMMANDS = (pay,)
