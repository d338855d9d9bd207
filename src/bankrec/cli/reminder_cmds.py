"""Reminder commands: create, issue, cancel, list and show reminders; hold customer entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DATE

LIST_COLUMNS = (
    "no",
    "customer_no",
    "currency",
    "status",
    "level",
    "document_date",
    "due_date",
    "remaining",
    "interest",
    "fee",
    "total",
    "lines",
)
LINE_COLUMNS = (
    "line_no",
    "line_type",
    "entry_no",
    "level",
    "document_no",
    "due_date",
    "remaining_amount",
    "amount",
    "description",
)


@click.group()
def reminder() -> None:
    """Reminders for overdue customer entries, by the customers' reminder terms."""


@reminder.command("create")
@click.option("--date", "document_date", type=DATE, required=True, help="Document date.")
@click.option(
    "--posting-date", type=DATE, help="Posting date of fees and interest (default: --date)."
)
@click.option(
    "--customer",
    "customers",
    metavar="NO",
    multiple=True,
    help="Only this customer (repeatable; default: every customer with reminder terms).",
)
@json_option
@pass_app
def reminder_create(
    app: AppContext,
    document_date: date,
    posting_date: date | None,
    customers: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create draft reminders for the entries overdue on --date.

    One draft per customer and currency when an open entry not on hold is overdue for its next
    reminder level. Running it again on the same date creates no duplicates.
    """
    from bankrec.services.collections.reminders import CreateRequest, create_reminders

    request = CreateRequest(document_date, posting_date, customers)
    result = create_reminders(app.db, request, app.user)
    if as_json:
        emit_json(result.as_json())
        return
    for draft in result.created:
        click.echo(
            f"{draft.no}: customer {draft.customer_no}, level {draft.level}, due "
            f"{draft.due_date}: remaining {draft.remaining}, interest {draft.interest}, fee "
            f"{draft.fee}, total {draft.total} {draft.currency} ({_lines(draft.lines)})"
        )
    for skipped in result.skipped:
        currency = f" ({skipped.currency})" if skipped.currency else ""
        click.echo(f"skipped customer {skipped.customer_no}{currency}: {skipped.reason}")
    if not result.created and not result.skipped:
        click.echo(f"no reminders due on {document_date}")


@reminder.command("issue")
@click.argument("nos", metavar="NO...", nargs=-1)
@click.option("--all", "all_drafts", is_flag=True, help="Issue every draft reminder.")
@click.option(
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("collections"),
    show_default=True,
    help="Directory for the reminder documents (Markdown and PDF).",
)
@json_option
@pass_app
def reminder_issue(
    app: AppContext, nos: tuple[str, ...], all_drafts: bool, out_dir: Path, as_json: bool
) -> None:
    """Issue draft reminders: post their fees and interest as the terms say, write the files."""
    from bankrec.services.collections.reminder_issue import issue_reminders

    issued = issue_reminders(app.db, nos, all_drafts, out_dir, app.user)
    if as_json:
        emit_json({"issued": [item.as_json() for item in issued]})
        return
    for item in issued:
        posted = f"transaction {item.transaction_no}" if item.transaction_no else "nothing posted"
        click.echo(f"issued {item.no}: {posted}; {', '.join(item.files)}")
    if not issued:
        click.echo("no draft reminders to issue")


@reminder.command("cancel")
@click.argument("nos", metavar="NO...", nargs=-1, required=True)
@json_option
@pass_app
def reminder_cancel(app: AppContext, nos: tuple[str, ...], as_json: bool) -> None:
    """Cancel reminders: a draft is dropped, an issued one's posting is reversed."""
    from bankrec.services.collections.reminder_issue import cancel_reminders

    canceled = cancel_reminders(app.db, nos, app.user)
    if as_json:
        emit_json({"canceled": [item.as_json() for item in canceled]})
        return
    for item in canceled:
        reversal = (
            f"reversed in transaction {item.transaction_no}"
            if item.transaction_no
            else "nothing to reverse"
        )
        click.echo(f"canceled {item.no}: {reversal}")


@reminder.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["draft", "issued", "canceled"]),
    help="Only reminders in this status (repeatable).",
)
@click.option("--customer", metavar="NO", help="Only this customer's reminders.")
@json_option
@pass_app
def reminder_list(
    app: AppContext, statuses: tuple[str, ...], customer: str | None, as_json: bool
) -> None:
    """List reminders."""
    from bankrec.reporting.tables import rows_table
    from bankrec.services.collections.reminder_views import list_reminders

    documents = list_reminders(app.db, statuses, customer)
    if as_json:
        emit_json({"documents": documents})
        return
    rows_table(app.console, "Reminders", documents, LIST_COLUMNS)


@reminder.command("show")
@click.argument("no")
@json_option
@pass_app
def reminder_show(app: AppContext, no: str, as_json: bool) -> None:
    """Show one reminder with its lines and texts."""
    from bankrec.reporting.tables import rows_table
    from bankrec.services.collections.reminder_views import show_reminder

    document = show_reminder(app.db, no)
    if as_json:
        emit_json(document)
        return
    click.echo(
        f"reminder {document['no']} ({document['status']}), customer "
        f"{document['customer_no']}, level {document['level']}, {document['document_date']}, "
        f"due {document['due_date']}: total {document['total']} {document['currency']}"
    )
    if document["beginning_text"]:
        click.echo(document["beginning_text"])
    rows_table(app.console, "Lines", document["lines"], LINE_COLUMNS)
    if document["ending_text"]:
        click.echo(document["ending_text"])


@reminder.command("terms-list")
@json_option
@pass_app
def reminder_terms_list(app: AppContext, as_json: bool) -> None:
    """List reminder terms with their levels and fee tiers."""
    from bankrec.reporting.tables import rows_table
    from bankrec.services.collections.reminder_views import list_reminder_terms

    terms = list_reminder_terms(app.db)
    if as_json:
        emit_json({"terms": terms})
        return
    for item in terms:
        limit = item["max_reminders"] or "no limit"
        click.echo(
            f"{item['code']} {item['description']}: max reminders {limit}, minimum amount "
            f"{item['minimum_amount']}, post interest {_yes(item['post_interest'])}, additional "
            f"fee {_yes(item['post_additional_fee'])}, line fee {_yes(item['post_line_fee'])}"
        )
        rows_table(
            app.console,
            f"Levels of {item['code']}",
            item["levels"],
            (
                "level",
                "grace_period",
                "due_date_formula",
                "calculate_interest",
                "fee_calculation",
                "additional_fee",
                "line_fee",
            ),
        )
    if not terms:
        click.echo("no reminder terms; load them with `bankrec load`")


@click.command("hold")
@click.argument("entry_nos", metavar="ENTRY...", nargs=-1, required=True, type=click.IntRange(1))
@click.option("--reason", default="", help="Why the entries are on hold.")
@click.option("--release", is_flag=True, help="Release the entries instead of holding them.")
@json_option
@pass_app
def hold(
    app: AppContext, entry_nos: tuple[int, ...], reason: str, release: bool, as_json: bool
) -> None:
    """Put customer entries on hold (no reminder, no interest), or --release them."""
    from bankrec.services.collections.reminder_holds import hold_entries, release_entries

    if release:
        released = release_entries(app.db, entry_nos)
        if as_json:
            emit_json({"released": released})
            return
        for item in released:
            click.echo(f"released entry {item['entry_no']} ({item['document_no']})")
        return
    held = hold_entries(app.db, entry_nos, reason)
    if as_json:
        emit_json({"held": held})
        return
    for item in held:
        because = f": {item['reason']}" if item["reason"] else ""
        click.echo(f"entry {item['entry_no']} ({item['document_no']}) on hold{because}")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


COMMANDS = (reminder, hold)


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"
