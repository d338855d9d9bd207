"""`bankrec run`: import, apply and post unattended, for cron and scripts.

Exit codes of `bankrec run` beyond the common ones (see cli.main): 0 every line imported so far
is posted, or there was nothing to do; 4 some lines need review (their journal is left open);
1 a file or a step failed; 5 another run holds the lock on this database.
"""

from __future__ import annotations

from typing import Any

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import ALLOW_GAP_OPTION, FORMAT_OPTION, PROFILE_OPTION

EXIT_FAILED = 1
EXIT_REVIEW = 4
EXIT_LOCKED = 5
EXIT_OF_OUTCOME = {"posted": 0, "review": EXIT_REVIEW, "failed": EXIT_FAILED}


def _run_document(report: Any) -> dict[str, Any]:
    from bankrec.cli.statement_cmds import _file_document

    return {
        "bank": report.bank,
        "auto_post": report.auto_post,
        "outcome": report.outcome,
        "files": [_file_document(f) for f in report.files],
        "journals": [
            {
                "journal": j.journal,
                "bank": j.bank,
                "created": j.created,
                "lines": j.lines,
                "confidence_counts": j.confidence_counts,
                "accepted": j.accepted,
                "posted": j.posted,
                "transaction_no": j.transaction_no,
                "document_no": j.document_no,
                "reconciled": j.reconciled,
                "review": j.review,
                "error": j.error,
            }
            for j in report.journals
        ],
    }


def _echo_report(report: Any) -> None:
    for f in report.files:
        if f.errors:
            for error in f.errors:
                click.echo(f"error: {error}", err=True)
            continue
        click.echo(
            f"{f.path}: {f.format}, added {f.lines_new} line(s), skipped "
            f"{f.lines_skipped_duplicate} already imported"
        )
    if not report.journals:
        where = f"bank {report.bank}" if report.bank else "no bank"
        click.echo(f"{where}: no open payment journal; nothing to post")
    for j in report.journals:
        counts = ", ".join(f"{n} {c}" for c, n in j.confidence_counts.items()) or "no lines"
        head = (
            f"journal {j.journal} ({j.bank}{', new' if j.created else ''}): {j.lines} line(s) "
            f"({counts})"
        )
        if j.error:
            click.echo(f"{head}; error: {j.error}", err=True)
        elif j.posted:
            mode = "statement reconciled" if j.reconciled else "payments only"
            click.echo(
                f"{head}; posted as {j.document_no} (transaction {j.transaction_no}, {mode})"
            )
        else:
            listed = " ".join(str(n) for n in j.review[:20]) + (
                " ..." if len(j.review) > 20 else ""
            )
            click.echo(
                f"{head}; not posted, {len(j.review)} line(s) need review ({listed}): "
                f"bankrec pay review {j.journal}"
            )


@click.command("run")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--bank",
    metavar="NO",
    help="The bank account the files belong to. Without it each statement goes to the bank "
    "its account names, and the open journals of every bank are applied.",
)
@click.option(
    "--review-ok",
    is_flag=True,
    help="Exit 0, not 4, when lines are left for review (a failure still exits 1).",
)
@click.option(
    "--auto-post",
    type=click.Choice(["high", "none"]),
    default="high",
    show_default=True,
    help="high: accept High lines and post a journal once no line needs a decision; "
    "none: import and apply only.",
)
@click.option(
    "--wait/--no-wait",
    default=False,
    show_default=True,
    help="When another run holds this database: wait for it, or exit at once with code 5.",
)
@click.option(
    "--wait-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="With --wait: give up (exit 5) after this long (default: wait as long as it takes).",
)
@FORMAT_OPTION
@PROFILE_OPTION
@ALLOW_GAP_OPTION
@json_option
@pass_app
def run(
    app: AppContext,
    files: tuple[str, ...],
    bank: str | None,
    review_ok: bool,
    auto_post: str,
    wait: bool,
    wait_timeout: float | None,
    fmt: str,
    profile: str | None,
    allow_gap: bool,
    as_json: bool,
) -> None:
    """Import FILES (into bank NO, or each into the bank its account names), apply every open
    payment journal and post what needs no decision; safe to run again on the same files (cron).

    Journals with lines that need a decision stay open for `bankrec pay review`. A journal whose
    lines make exactly its latest statement's closing balance posts in reconcile mode (its bank
    entries closed, the bank's balance last statement moved on); any other posts payments only,
    to be reconciled with `bankrec rec`. Exit status: 0 all posted or nothing to do, 4 lines
    need review (0 with --review-ok), 1 failed, 5 another run holds the lock.
    """
    from bankrec.errors import RunLockBusy
    from bankrec.services.run import RunOptions, unattended_run
    from bankrec.services.run_lock import run_lock

    db = app.db
    db.require_schema()
    options = RunOptions(bank, auto_post, fmt, profile, allow_gap, app.user)
    try:
        with run_lock(db, wait, wait_timeout):
            report = unattended_run(db, files, options)
    except RunLockBusy as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(EXIT_LOCKED) from None
    if as_json:
        emit_json(_run_document(report))
    else:
        _echo_report(report)
    code = EXIT_OF_OUTCOME[report.outcome]
    if code == EXIT_REVIEW and review_ok:
        code = 0
    if code:
        raise click.exceptions.Exit(code)


COMMANDS = (run,)
