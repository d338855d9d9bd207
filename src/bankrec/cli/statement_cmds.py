"""Statement commands: import, statement list, statement show."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import ALLOW_GAP_OPTION, FORMAT_OPTION, PROFILE_OPTION


@contextmanager
def _progress(app: AppContext, total_files: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise (cron, pipes)."""
    if app.quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} lines"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"importing {total_files} file(s)", total=None)
        yield lambda lines: bar.advance(task, lines)


def _file_document(report: Any) -> dict[str, Any]:
    return {
        "path": report.path,
        "format": report.format,
        "statements": [
            {
                "statement": s.statement_id,
                "bank": s.bank,
                "statement_ref": s.statement_ref,
                "position": s.position,
                "currency": s.currency,
                "lines": s.lines,
                "lines_new": s.lines_new,
                "lines_skipped_duplicate": s.lines_skipped_duplicate,
                "opening_balance": s.opening,
                "closing_balance": s.closing,
                "gap": s.gap,
            }
            for s in report.statements
        ],
        "lines_new": report.lines_new,
        "lines_skipped_duplicate": report.lines_skipped_duplicate,
        "errors": report.errors,
    }


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--bank",
    "banks",
    metavar="NO",
    multiple=True,
    help="The bank account (default: found by the file's IBAN); repeat it for a file that "
    "holds statements in several currencies.",
)
@FORMAT_OPTION
@PROFILE_OPTION
@click.option("--dry-run", is_flag=True, help="Check everything and report, but store nothing.")
@ALLOW_GAP_OPTION
@json_option
@pass_app
def import_(
    app: AppContext,
    files: tuple[str, ...],
    banks: tuple[str, ...],
    fmt: str,
    profile: str | None,
    dry_run: bool,
    allow_gap: bool,
    as_json: bool,
) -> None:
    """Import bank statement files (OFX/QFX, CAMT.053/052/054, MT940/942, CSV).

    Each file is stored whole or not at all; importing a file again adds nothing. With several
    files the good ones are stored, the failures are reported, and the exit status is 1.
    """
    from bankrec.services.statement_import import ImportOptions, import_files

    options = ImportOptions(banks, fmt, profile, dry_run, allow_gap, app.user)
    with _progress(app, len(files)) as progress:
        reports = import_files(app.db, files, options, progress)
    if as_json:
        emit_json({"dry_run": dry_run, "files": [_file_document(r) for r in reports]})
    else:
        for report in reports:
            _echo_report(report, dry_run)
    if any(r.errors for r in reports):
        raise click.exceptions.Exit(1)


def _echo_report(report: Any, dry_run: bool) -> None:
    if report.errors:
        for error in report.errors:
            click.echo(f"error: {error}", err=True)
        return
    verb = "would add" if dry_run else "added"
    click.echo(
        f"{report.path}: {report.format}, {len(report.statements)} statement(s), {verb} "
        f"{report.lines_new} line(s), skipped {report.lines_skipped_duplicate} already imported"
    )
    for s in report.statements:
        if s.gap is not None:
            click.echo(f"  gap of {s.gap} {s.currency} recorded on bank {s.bank}", err=True)


@click.group()
def statement() -> None:
    """Imported bank statements."""


@statement.command("list")
@click.option("--bank", metavar="NO")
@json_option
@pass_app
def statement_list(app: AppContext, bank: str | None, as_json: bool) -> None:
    """List imported statements."""
    from bankrec.reporting.tables import rows_table
    from bankrec.services.statements import list_statements

    rows = list_statements(app.db, bank)
    if as_json:
        emit_json({"statements": rows})
        return
    rows_table(
        app.console,
        "Statements",
        rows,
        (
            "id",
            "bank",
            "format",
            "statement_ref",
            "period_end",
            "opening_balance",
            "closing_balance",
            "lines_new",
            "source",
        ),
    )


@statement.command("show")
@click.argument("statement_id", type=click.IntRange(min=1))
@json_option
@pass_app
def statement_show(app: AppContext, statement_id: int, as_json: bool) -> None:
    """Show one statement with its lines."""
    from bankrec.reporting.tables import rows_table
    from bankrec.services.statements import show_statement

    view = show_statement(app.db, statement_id)
    if as_json:
        emit_json({**view.header, "lines": view.lines})
        return
    header = view.header
    click.echo(
        f"statement {header['id']} of bank {header['bank']} ({header['format']}, "
        f"{header['source']}): opening {header['opening_balance']}, closing "
        f"{header['closing_balance']} {header['currency']}"
    )
    rows_table(
        app.console,
        "Lines",
        view.lines,
        (
            "line",
            "booking_date",
            "amount",
            "counterparty_name",
            "counterparty_account",
            "remittance",
            "bank_reference",
        ),
    )


COMMANDS = (import_, statement)
