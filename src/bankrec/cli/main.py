"""The ``bankrec`` root command and the one place that turns errors into exit codes.

Exit codes: 0 success; 1 refused operation or bad input (nothing written); 2 usage error;
3 internal error (a bug: rerun with --debug and report the traceback); 130 interrupted;
141 the output pipe closed early. `bankrec run` adds 4 (lines need review) and 5 (another run
holds the lock); see cli.run_cmds.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from bankrec import __version__
from bankrec.cli import (
    check_cmds,
    fincharge_cmds,
    ledger_cmds,
    master_cmds,
    money_cmds,
    pay_cmds,
    pay_work_cmds,
    payables_cmds,
    rec_cmds,
    receivables_cmds,
    reminder_cmds,
    rules_cmds,
    run_cmds,
    setup_cmds,
    statement_cmds,
)
from bankrec.cli.context import AppContext

EXIT_REFUSED = 1
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class BankrecGroup(click.Group):
    """Maps failures to one-line messages and exit codes; tracebacks only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`bankrec ... | head`): stop quietly, as SIGPIPE would.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt:
            click.echo("bankrec: interrupted; nothing of the unfinished step was written", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # every other failure is reported on one line below
            ctx.exit(_report(ctx, exc))
        finally:
            obj = ctx.find_object(AppContext)
            if obj is not None:
                obj.close()


def _report(ctx: click.Context, exc: Exception) -> int:
    from bankrec.errors import BankrecError

    obj = ctx.find_object(AppContext)
    debug = bool(obj and obj.debug)
    if debug:
        traceback.print_exc(file=sys.stderr)
    if isinstance(exc, BankrecError):
        click.echo(f"error: {exc}", err=True)
        return EXIT_REFUSED
    conflict = _conflict_message(exc)
    if conflict:
        click.echo(f"error: {conflict}", err=True)
        return EXIT_REFUSED
    click.echo(
        f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
        + ("" if debug else " (rerun with --debug for the traceback)"),
        err=True,
    )
    return EXIT_INTERNAL


def _conflict_message(exc: Exception) -> str | None:
    """Database guards (append-only triggers, unique keys, the balance check) as clear refusals."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    if not isinstance(exc, DBAPIError):
        return None
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if isinstance(exc, IntegrityError) or "append-only" in detail or "does not balance" in detail:
        return f"the database refused the change ({detail}); nothing was written"
    return None


@click.group(cls=BankrecGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    envvar="BANKREC_DATABASE_URL",
    help="SQLAlchemy URL (sqlite:///file.db or postgresql+psycopg://user@host/db). "
    "Default: $BANKREC_DATABASE_URL, else bankrec.db in the per-user data folder.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--quiet", "-q", is_flag=True, help="No notices on stderr.")
@click.option(
    "--user",
    "user_option",
    metavar="NAME",
    help="Name recorded on postings (default: the OS user).",
)
@click.version_option(__version__, prog_name="bankrec")
@click.pass_context
def cli(
    ctx: click.Context, db_url: str | None, debug: bool, quiet: bool, user_option: str | None
) -> None:
    """bankrec: an exact double-entry ledger with bank statement import, payment
    application and bank reconciliation."""
    ctx.obj = AppContext(db_url=db_url, debug=debug, quiet=quiet, user_option=user_option)


# pay_work_cmds adds the matching and posting commands to the `pay` group of pay_cmds.
assert pay_work_cmds.pay_apply.name in pay_cmds.pay.commands
for module in (
    setup_cmds,
    master_cmds,
    ledger_cmds,
    money_cmds,
    statement_cmds,
    pay_cmds,
    rules_cmds,
    rec_cmds,
    check_cmds,
    run_cmds,
    receivables_cmds,
    reminder_cmds,
    fincharge_cmds,
    payables_cmds,
):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="bankrec")
