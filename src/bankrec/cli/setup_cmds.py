"""Set-up commands: init, db, company, currency."""

from __future__ import annotations

from decimal import Decimal

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DECIMAL


@click.command()
@click.option("--demo", is_flag=True, help="Load the demo company from examples/.")
@click.option(
    "--currency",
    "currency",
    default="EUR",
    show_default=True,
    metavar="CODE",
    help="Local currency of a new company.",
)
@json_option
@pass_app
def init(app: AppContext, demo: bool, currency: str, as_json: bool) -> None:
    """Create or migrate the database and set up the company (safe to run again)."""
    from bankrec.services.setup import initialise

    result = initialise(app.db, currency, demo, app.user)
    if as_json:
        emit_json(
            {
                "database": result.url,
                "schema": result.schema,
                "local_currency": result.local_currency,
                "demo": result.demo_loaded,
                "demo_journal": None
                if result.demo_journal is None
                else {
                    "transaction_no": result.demo_journal.transaction_no,
                    "lines": result.demo_journal.lines,
                    "entries": result.demo_journal.entries,
                },
                "notes": result.notes,
            }
        )
        return
    click.echo(
        f"database {result.url} is at schema {result.schema}; "
        f"local currency {result.local_currency}"
    )
    if result.demo_loaded is not None:
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in result.demo_loaded.items())
        click.echo(f"demo company loaded: {counts}")
    if result.demo_journal is not None:
        j = result.demo_journal
        click.echo(
            f"demo journal posted as transaction {j.transaction_no}: "
            f"{j.lines} lines, {j.documents} documents"
        )
    for note in result.notes:
        app.notice(note)


@click.group()
def db() -> None:
    """Database schema: upgrade, current revision, drift check."""


@db.command("upgrade")
@json_option
@pass_app
def db_upgrade(app: AppContext, as_json: bool) -> None:
    """Migrate the database to the newest schema."""
    from bankrec.services.setup import upgrade_database

    report = upgrade_database(app.db)
    if as_json:
        emit_json({"database": report.url, "current": report.current, "head": report.head})
    else:
        click.echo(f"database {report.url} is at schema {report.current}")


@db.command("current")
@json_option
@pass_app
def db_current(app: AppContext, as_json: bool) -> None:
    """Show the database's schema revision and the newest one."""
    from bankrec.services.setup import schema_report

    report = schema_report(app.db, with_drift=False)
    if as_json:
        emit_json(
            {
                "database": report.url,
                "current": report.current,
                "head": report.head,
                "up_to_date": report.current == report.head,
            }
        )
    else:
        click.echo(
            f"database {report.url}: schema {report.current or 'none'} (newest {report.head})"
        )


@db.command("check")
@json_option
@pass_app
def db_check(app: AppContext, as_json: bool) -> None:
    """Exit 1 unless the database is at the newest schema and matches the models exactly."""
    from bankrec.errors import DatabaseError
    from bankrec.services.setup import schema_report

    report = schema_report(app.db, with_drift=True)
    if as_json:
        emit_json(
            {
                "database": report.url,
                "current": report.current,
                "head": report.head,
                "drift": report.drift,
                "ok": report.up_to_date,
            }
        )
    if report.current != report.head:
        raise DatabaseError(
            f"schema {report.current or 'none'} is not the newest ({report.head}); "
            "run `bankrec db upgrade`"
        )
    if report.drift:
        raise DatabaseError("the schema differs from the models: " + "; ".join(report.drift))
    if not as_json:
        click.echo(f"database {report.url} is at schema {report.head} and matches the models")


@click.group()
def company() -> None:
    """Company setup: local currency and the accounts postings need."""


@company.command("show")
@json_option
@pass_app
def company_show(app: AppContext, as_json: bool) -> None:
    """Show the company setup."""
    from bankrec.reporting.tables import record_panel
    from bankrec.services.masterdata import show_company

    record = show_company(app.db)
    if as_json:
        emit_json(record.fields)
    else:
        record_panel(app.console, "Company", record)


_ACCOUNT_OPTIONS = (
    "receivables-account",
    "payables-account",
    "realized-gains-account",
    "realized-losses-account",
    "payment-discount-debit-account",
    "payment-discount-credit-account",
    "payment-tolerance-debit-account",
    "payment-tolerance-credit-account",
    "interest-account",
    "additional-fee-account",
)


def _account_options(function: click.decorators.FC) -> click.decorators.FC:
    for name in reversed(_ACCOUNT_OPTIONS):
        function = click.option(
            f"--{name}", metavar="GL_NO", help=f"G/L account for {name[:-8].replace('-', ' ')}."
        )(function)
    return function


@company.command("set")
@click.option("--name", help="Company name.")
@_account_options
@click.option(
    "--payment-tolerance-pct", type=DECIMAL, help="Payment tolerance in percent of a document."
)
@click.option(
    "--max-payment-tolerance", type=DECIMAL, help="Largest payment tolerance, local currency."
)
@click.option(
    "--journal-series",
    metavar="CODE",
    help="Number series for journal lines without a document no.",
)
@json_option
@pass_app
def company_set(
    app: AppContext,
    /,
    name: str | None,
    payment_tolerance_pct: Decimal | None,
    max_payment_tolerance: Decimal | None,
    journal_series: str | None,
    as_json: bool,
    **accounts: str | None,
) -> None:
    """Change company setup fields; the others stay as they are."""
    from bankrec.reporting.tables import record_panel
    from bankrec.services.masterdata import set_company
    from bankrec.services.masterdata_inputs import CompanyInput

    data = CompanyInput(
        name=name,
        accounts={k: v for k, v in accounts.items() if v},
        payment_tolerance_pct=payment_tolerance_pct,
        max_payment_tolerance=max_payment_tolerance,
        journal_series=journal_series,
    )
    record = set_company(app.db, data)
    if as_json:
        emit_json(record.fields)
    else:
        record_panel(app.console, "Company", record)


@click.group()
def currency() -> None:
    """Currencies and their decimals."""


@currency.command("add")
@click.argument("code")
@click.option(
    "--decimals", type=click.IntRange(0, 4), help="Minor-unit decimals (default: ISO 4217)."
)
@click.option("--name", default="", help="Display name.")
@json_option
@pass_app
def currency_add(
    app: AppContext, code: str, decimals: int | None, name: str, as_json: bool
) -> None:
    """Add a currency or change its name or decimals."""
    from bankrec.services.masterdata import add_currency

    record = add_currency(app.db, code, decimals, name)
    if as_json:
        emit_json(record.fields)
    else:
        click.echo(f"currency {record.key}: {record.fields['decimals']} decimals")


@currency.command("list")
@json_option
@pass_app
def currency_list(app: AppContext, as_json: bool) -> None:
    """List currencies."""
    from bankrec.reporting.tables import records_table
    from bankrec.services.masterdata import list_records

    records = list_records(app.db, "currency")
    if as_json:
        emit_json({"currencies": [r.fields for r in records]})
    else:
        records_table(app.console, "Currencies", records, ("code", "name", "decimals"))


COMMANDS = (init, db, company, currency)
