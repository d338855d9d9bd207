"""Bank account reconciliation commands: rec new, list, show, match-auto, match, unmatch,
candidates, review, transfer-diff, post, undo, report, delete."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DATE, DECIMAL

REC = click.argument("rec_id", metavar="REC", type=click.IntRange(min=1))
LINE = click.option(
    "--line", "line_no", metavar="L", type=click.IntRange(min=1), required=True, help="The line."
)


@click.group()
def rec() -> None:
    """Bank reconciliations: match statement lines to posted bank entries, then post."""


@rec.command("new")
@click.option("--bank", "bank_no", metavar="NO", required=True, help="The bank account.")
@click.option(
    "--statement",
    "statement_id",
    metavar="ID",
    type=click.IntRange(min=1),
    help="Reconcile this imported statement (default: suggest lines from the open bank "
    "entries up to --statement-date, each matched to its entry).",
)
@click.option(
    "--statement-date",
    type=DATE,
    help="The statement date (default: the imported statement's closing date).",
)
@click.option(
    "--ending-balance",
    type=DECIMAL,
    help="The statement's ending balance (default: the imported statement's closing balance, "
    "else the balance last statement plus the lines).",
)
@json_option
@pass_app
def rec_new(
    app: AppContext,
    bank_no: str,
    statement_id: int | None,
    statement_date: date | None,
    ending_balance: Decimal | None,
    as_json: bool,
) -> None:
    """Create a bank reconciliation with the bank's next statement number."""
    from bankrec.services.reconciliation import new_reconciliation

    document = new_reconciliation(
        app.db, bank_no, statement_id, statement_date, ending_balance, app.user
    )
    if as_json:
        emit_json(document)
        return
    click.echo(
        f"bank reconciliation {document['reconciliation']} created: statement "
        f"{document['statement_no']} of bank {document['bank']} dated "
        f"{document['statement_date']}, {document['line_count']} line(s) totalling "
        f"{document['total_lines']}, ending balance {document['ending_balance']} "
        f"{document['currency']}"
    )
    if document["matched_lines"]:
        app.notice(f"{document['matched_lines']} line(s) matched to their bank entries")


@rec.command("list")
@click.option("--bank", "bank_no", metavar="NO", help="Only the reconciliations of this bank.")
@click.option("--status", type=click.Choice(["open", "posted"]), help="Only open or posted ones.")
@json_option
@pass_app
def rec_list(app: AppContext, bank_no: str | None, status: str | None, as_json: bool) -> None:
    """List bank reconciliations, open and posted."""
    from bankrec.reporting.reconciliation import recs_table
    from bankrec.services.reconciliation import list_reconciliations

    recs = list_reconciliations(app.db, bank_no, status)
    if as_json:
        emit_json({"reconciliations": recs})
    else:
        recs_table(app.console, recs)


@rec.command("show")
@REC
@json_option
@pass_app
def rec_show(app: AppContext, rec_id: int, as_json: bool) -> None:
    """Show a reconciliation: lines, matched and outstanding entries, evidence and totals."""
    from bankrec.reporting.reconciliation import rec_table
    from bankrec.services.reconciliation import show_reconciliation

    document = show_reconciliation(app.db, rec_id)
    if as_json:
        emit_json(document)
    else:
        rec_table(app.console, document)


@rec.command("match-auto")
@REC
@click.option(
    "--days",
    type=click.IntRange(0, 366),
    help="Date tolerance: entries posted up to N days before or after a line (default: the "
    "last run's, else 5).",
)
@json_option
@pass_app
def rec_match_auto(app: AppContext, rec_id: int, days: int | None, as_json: bool) -> None:
    """Match automatically; manual, accepted and transferred matches are kept."""
    from dataclasses import asdict

    from bankrec.services.reconciliation import match_auto

    summary = match_auto(app.db, rec_id, days)
    if as_json:
        emit_json({**asdict(summary), "message": summary.message})
        return
    click.echo(
        f"reconciliation {summary.reconciliation}: {summary.message} ({summary.proposed} "
        f"proposed, {summary.kept} kept, {summary.ties} tie(s), days {summary.days})"
    )


@rec.command("match")
@REC
@click.option(
    "--line",
    "line_nos",
    metavar="L",
    type=click.IntRange(min=1),
    multiple=True,
    required=True,
    help="A line; repeat to match several lines to one entry.",
)
@click.option(
    "--entry",
    "entry_nos",
    metavar="E",
    type=click.IntRange(min=1),
    multiple=True,
    required=True,
    help="A bank entry; repeat to match one line to several entries.",
)
@json_option
@pass_app
def rec_match(
    app: AppContext,
    rec_id: int,
    line_nos: tuple[int, ...],
    entry_nos: tuple[int, ...],
    as_json: bool,
) -> None:
    """Match lines to bank entries by hand (one-to-many or many-to-one)."""
    from bankrec.services.reconciliation import match_lines

    result = match_lines(app.db, rec_id, line_nos, entry_nos)
    if as_json:
        emit_json(result)
        return
    for line in result["lines"]:
        click.echo(
            f"reconciliation {rec_id}, line {line['line']}: matched to bank entr"
            f"{'ies' if len(result['entries']) > 1 else 'y'} "
            f"{', '.join(map(str, result['entries']))}; difference {line['difference']}"
        )
    for removed in result["removed"]:
        app.notice(
            f"removed the earlier match of line(s) {', '.join(map(str, removed['lines']))} to "
            f"entr(ies) {', '.join(map(str, removed['entries']))}"
        )


@rec.command("unmatch")
@REC
@LINE
@json_option
@pass_app
def rec_unmatch(app: AppContext, rec_id: int, line_no: int, as_json: bool) -> None:
    """Remove a line's match (a many-to-one group goes whole); its entries are open again."""
    from bankrec.services.reconciliation import unmatch_line

    result = unmatch_line(app.db, rec_id, line_no)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"reconciliation {rec_id}: line(s) {', '.join(map(str, result['lines']))} unmatched from "
        f"bank entr(ies) {', '.join(map(str, result['entries']))}"
    )


@rec.command("candidates")
@REC
@LINE
@click.option(
    "--limit", type=click.IntRange(1, 100), default=9, show_default=True, help="How many."
)
@json_option
@pass_app
def rec_candidates(app: AppContext, rec_id: int, line_no: int, limit: int, as_json: bool) -> None:
    """Rank the bank entries one line could be matched to, with the evidence for each."""
    from bankrec.reporting.reconciliation import candidates_table
    from bankrec.services.reconciliation import line_candidates

    document = line_candidates(app.db, rec_id, line_no, limit)
    if as_json:
        emit_json(document)
    else:
        candidates_table(app.console, document)


@rec.command("review")
@REC
@click.option("--all", "every_line", is_flag=True, help="Also lines already decided or skipped.")
@click.option(
    "--prompt-anyway",
    is_flag=True,
    help="Read the answers from stdin even when it is not a terminal (expect-style scripts).",
)
@pass_app
def rec_review(app: AppContext, rec_id: int, every_line: bool, prompt_anyway: bool) -> None:
    """Decide line by line in the terminal; each decision is saved at once, so quitting (or
    Ctrl-C) loses nothing and the next review starts where this one stopped."""
    from bankrec.cli.rec_review import run_review

    run_review(app, rec_id, every_line, prompt_anyway)


@rec.command("transfer-diff")
@REC
@LINE
@click.option("--account", "account_no", metavar="GL", required=True, help="The G/L account.")
@click.option("--text", metavar="T", help="Posting text (default: the line's text).")
@json_option
@pass_app
def rec_transfer_diff(
    app: AppContext, rec_id: int, line_no: int, account_no: str, text: str | None, as_json: bool
) -> None:
    """Post a line's difference (a fee, interest) to a G/L account and match the new entry."""
    from bankrec.services.reconciliation import transfer_diff

    result = transfer_diff(app.db, rec_id, line_no, account_no, text, app.user)
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"reconciliation {rec_id}, line {line_no}: {result['amount']} posted against G/L "
        f"{result['account']} as bank entry {result['entry_no']} (transaction "
        f"{result['transaction_no']}); difference now {result['difference']}"
    )


@rec.command("post")
@REC
@json_option
@pass_app
def rec_post(app: AppContext, rec_id: int, as_json: bool) -> None:
    """Post: close the matched entries and move the bank's last statement; all or nothing."""
    from bankrec.services.reconciliation import post_reconciliation

    result = post_reconciliation(app.db, rec_id, app.user)
    if as_json:
        emit_json(result)
        return
    renumbered = (
        f" (renumbered from {result['renumbered_from']})" if result["renumbered_from"] else ""
    )
    click.echo(
        f"statement {result['statement_no']}{renumbered} of bank {result['bank']} posted: "
        f"{result['entries_closed']} entries closed, balance last statement "
        f"{result['balance_last_statement']}, {len(result['outstanding_entries'])} outstanding"
    )


@rec.command("undo")
@click.option("--bank", "bank_no", metavar="NO", required=True, help="The bank account.")
@click.option(
    "--statement-no", type=click.IntRange(min=1), required=True, help="The posted statement."
)
@click.option("--yes", is_flag=True, help="Also undo the later statements without asking.")
@json_option
@pass_app
def rec_undo(app: AppContext, bank_no: str, statement_no: int, yes: bool, as_json: bool) -> None:
    """Reopen a posted statement as it was before posting; later ones are undone with it."""
    from bankrec.errors import InputError
    from bankrec.services.reconciliation import undo_plan, undo_statement

    plan = undo_plan(app.db, bank_no, statement_no)
    later = plan["later"]
    if later and not yes:
        listed = ", ".join(map(str, later))
        if not sys.stdin.isatty():
            raise InputError(
                f"undoing statement {statement_no} of bank {bank_no} also undoes the later "
                f"statement(s) {listed}; stdin is not a terminal, so confirm with --yes"
            )
        click.confirm(
            f"Statement(s) {listed} of bank {bank_no} were posted after {statement_no}; undo "
            "them too?",
            abort=True,
        )
    result = undo_statement(
        app.db, bank_no, statement_no, include_later=bool(later), expected_later=later
    )
    if as_json:
        emit_json(result)
        return
    click.echo(
        f"bank {result['bank']}: statement(s) {', '.join(map(str, result['undone']))} undone, "
        f"{result['entries_reopened']} entries reopened; last statement "
        f"{result['last_statement_no']}, balance last statement "
        f"{result['balance_last_statement']}"
    )


@rec.command("report")
@click.option("--bank", "bank_no", metavar="NO", required=True, help="The bank account.")
@click.option(
    "--statement-no",
    type=click.IntRange(min=1),
    help="The statement (default: the latest posted, else the latest open).",
)
@json_option
@pass_app
def rec_report(app: AppContext, bank_no: str, statement_no: int | None, as_json: bool) -> None:
    """Statement balance + deposits in transit - outstanding checks = book balance."""
    from bankrec.reporting.reconciliation import report_view
    from bankrec.services.reconciliation import reconciliation_report

    report = reconciliation_report(app.db, bank_no, statement_no)
    if as_json:
        emit_json(report)
    else:
        report_view(app.console, report)


@rec.command("delete")
@REC
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
def rec_delete(app: AppContext, rec_id: int, yes: bool, as_json: bool) -> None:
    """Delete an open reconciliation; its entries and statement lines are free again."""
    from bankrec.errors import InputError
    from bankrec.services.reconciliation import delete_reconciliation

    if not yes:
        if not sys.stdin.isatty():
            raise InputError(
                f"deleting bank reconciliation {rec_id} needs confirmation and stdin is not a "
                "terminal; use --yes"
            )
        click.confirm(
            f"Delete bank reconciliation {rec_id} with its lines and matches?", abort=True
        )
    result = delete_reconciliation(app.db, rec_id)
    if as_json:
        emit_json(result)
    else:
        click.echo(
            f"bank reconciliation {result['reconciliation']} (statement "
            f"{result['statement_no']}) deleted; {len(result['entries_reopened'])} entries open "
            "again"
        )


COMMANDS = (rec,)
