"""Payment journal commands that run the matcher or post: pay apply, candidates, post, review."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DECIMAL
from bankrec.cli.pay_cmds import JOURNAL, LINE, pay


@pay.command("apply")
@JOURNAL
@click.option(
    "--retry-rejected",
    is_flag=True,
    help="Match rejected lines again too (by default they wait for a manual decision).",
)
@json_option
@pass_app
def pay_apply(app: AppContext, journal_id: int, retry_rejected: bool, as_json: bool) -> None:
    """Apply every undecided line automatically; accepted and manual lines are kept."""
    from dataclasses import asdict

    from bankrec.services.payjournal.apply import apply_journal

    summary = apply_journal(app.db, journal_id, retry_rejected)
    if as_json:
        emit_json(asdict(summary))
        return
    counts = ", ".join(f"{n} {c}" for c, n in summary.by_confidence.items())
    click.echo(
        f"journal {summary.journal}: {summary.matched} of {summary.lines - summary.kept} "
        f"line(s) applied ({counts or 'none'}); {summary.kept} decided line(s) kept"
    )


@pay.command("candidates")
@JOURNAL
@LINE
@click.option(
    "--limit",
    type=click.IntRange(1, 200),
    default=10,
    show_default=True,
    help="How many candidates to show.",
)
@click.option(
    "--gated",
    is_flag=True,
    help="Only candidates automatic matching would consider (same sign, not posted later).",
)
@json_option
@pass_app
def pay_candidates(
    app: AppContext, journal_id: int, line_no: int, limit: int, gated: bool, as_json: bool
) -> None:
    """Rank what one line could be applied to, best first, with the evidence for each."""
    from bankrec.reporting.payjournal_candidates import candidates_table
    from bankrec.services.payjournal.apply import line_candidates

    document = line_candidates(app.db, journal_id, line_no, limit, gated)
    if as_json:
        emit_json(document)
    else:
        candidates_table(app.console, document)


@pay.command("post")
@JOURNAL
@click.option(
    "--payments-only",
    is_flag=True,
    help="Post the payments but leave the bank entries open for a bank reconciliation.",
)
@click.option(
    "--ending-balance",
    type=DECIMAL,
    help="The statement's ending balance (default: the imported statement's closing balance).",
)
@click.option(
    "--statement-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The statement date (default: the latest line date).",
)
@json_option
@pass_app
def pay_post(
    app: AppContext,
    journal_id: int,
    payments_only: bool,
    ending_balance: Decimal | None,
    statement_date: Any,
    as_json: bool,
) -> None:
    """Post the journal in one transaction; every line must be fully applied and decided."""
    from dataclasses import asdict

    from bankrec.services.payjournal.post import PostOptions, post_payment_journal

    options = PostOptions(
        payments_only=payments_only,
        ending_balance=ending_balance,
        statement_date=statement_date.date() if statement_date else None,
        user=app.user,
    )
    result = post_payment_journal(app.db, journal_id, options)
    if as_json:
        emit_json(asdict(result))
        return
    reconciled = (
        f"; statement {result.statement_no} reconciled, balance {result.balance_last_statement}"
        if result.reconciled
        else "; bank entries left open for reconciliation"
    )
    click.echo(
        f"journal {result.journal} posted as {result.document_no} (transaction "
        f"{result.transaction_no}): {result.payments} payment(s), {result.applications} "
        f"application(s){reconciled}"
    )


@pay.command("review")
@JOURNAL
@click.option("--all", "every_line", is_flag=True, help="Also lines already decided or skipped.")
@click.option(
    "--prompt-anyway",
    is_flag=True,
    help="Read the answers from stdin even when it is not a terminal (expect-style scripts).",
)
@pass_app
def pay_review(app: AppContext, journal_id: int, every_line: bool, prompt_anyway: bool) -> None:
    """Decide line by line in the terminal; each decision is saved at once, so quitting (or
    Ctrl-C) loses nothing and the next review starts where this one stopped."""
    from bankrec.cli.pay_review import run_review

    run_review(app, journal_id, every_line, prompt_anyway)


@pay.command("reverse")
@JOURNAL
@click.option(
    "--reopen",
    is_flag=True,
    help="Put the journal's statement lines into a new open journal to apply and post again.",
)
@json_option
@pass_app
def pay_reverse(app: AppContext, journal_id: int, reopen: bool, as_json: bool) -> None:
    """Reverse a posted journal: undo its bank statement if it reconciled one, then reverse its
    payments and postings, in one transaction."""
    from dataclasses import asdict

    from bankrec.services.payjournal.reverse import reverse_journal

    result = reverse_journal(app.db, journal_id, app.user, reopen)
    if as_json:
        emit_json(asdict(result))
        return
    undone = f"; statement {result.statement_no} undone" if result.statement_no else ""
    click.echo(
        f"journal {result.journal}: transaction {result.transaction_no} reversed by "
        f"{result.reversed_by}{undone}"
        + (f"; its lines are in new journal {result.new_journal}" if result.new_journal else "")
    )
