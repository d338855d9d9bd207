"""Master data commands: gl, customer, vendor, bank, rate, load."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DATE, DECIMAL, read_text


def _show(app: AppContext, kind: str, key: str, as_json: bool, title: str) -> None:
    from bankrec.reporting.tables import record_panel
    from bankrec.services.masterdata import show_record

    record = show_record(app.db, kind, key)
    if as_json:
        emit_json(record.fields)
    else:
        record_panel(app.console, f"{title} {key}", record)


def _list(
    app: AppContext, kind: str, as_json: bool, key: str, title: str, columns: tuple[str, ...]
) -> None:
    from bankrec.reporting.tables import records_table
    from bankrec.services.masterdata import list_records

    records = list_records(app.db, kind)
    if as_json:
        emit_json({key: [r.fields for r in records]})
    else:
        records_table(app.console, title, records, columns)


def _added(app: AppContext, record_fields: dict[str, object], as_json: bool, what: str) -> None:
    if as_json:
        emit_json(record_fields)
    else:
        click.echo(f"{what} {record_fields['no']} saved")


@click.group()
def gl() -> None:
    """G/L accounts (the chart of accounts)."""


@gl.command("add")
@click.argument("no")
@click.option("--name", required=True)
@click.option(
    "--type",
    "account_type",
    type=click.Choice(["balance", "income"]),
    required=True,
    help="balance: balance sheet; income: income statement.",
)
@click.option(
    "--direct-posting/--no-direct-posting",
    default=True,
    show_default=True,
    help="Whether journal lines may post to it directly (not for bank or receivables accounts).",
)
@click.option("--blocked", is_flag=True)
@json_option
@pass_app
def gl_add(
    app: AppContext,
    no: str,
    name: str,
    account_type: str,
    direct_posting: bool,
    blocked: bool,
    as_json: bool,
) -> None:
    """Add a G/L account, or update the one with this number."""
    from bankrec.domain.kinds import GLAccountType
    from bankrec.services.masterdata import add_gl_account
    from bankrec.services.masterdata_inputs import GLAccountInput

    record = add_gl_account(
        app.db, GLAccountInput(no, name, GLAccountType(account_type), direct_posting, blocked)
    )
    _added(app, record.fields, as_json, "G/L account")


@gl.command("list")
@json_option
@pass_app
def gl_list(app: AppContext, as_json: bool) -> None:
    """List G/L accounts."""
    _list(
        app,
        "gl",
        as_json,
        "gl_accounts",
        "G/L accounts",
        ("no", "name", "type", "direct_posting", "blocked"),
    )


@gl.command("show")
@click.argument("no")
@json_option
@pass_app
def gl_show(app: AppContext, no: str, as_json: bool) -> None:
    """Show a G/L account with its balance."""
    _show(app, "gl", no, as_json, "G/L account")


def _party_group(kind: str) -> click.Group:
    title = kind.capitalize()

    @click.group(name=kind, help=f"{title}s and their bank accounts.")
    def group() -> None:
        pass

    @group.command("add")
    @click.argument("no")
    @click.option("--name", required=True)
    @click.option(
        "--iban", "ibans", multiple=True, metavar="IBAN", help="Repeat for several accounts."
    )
    @click.option(
        "--account-no",
        "account_nos",
        multiple=True,
        metavar="NO",
        help="Domestic account number; repeatable.",
    )
    @click.option("--address", default="")
    @click.option("--city", default="")
    @click.option("--country", default="", metavar="CC", help="Two-letter ISO country code.")
    @click.option("--payment-terms", metavar="CODE")
    @click.option("--blocked", is_flag=True)
    @json_option
    @pass_app
    def add(
        app: AppContext,
        no: str,
        name: str,
        ibans: tuple[str, ...],
        account_nos: tuple[str, ...],
        address: str,
        city: str,
        country: str,
        payment_terms: str | None,
        blocked: bool,
        as_json: bool,
    ) -> None:
        from bankrec.errors import InputError
        from bankrec.services.masterdata import add_party
        from bankrec.services.masterdata_inputs import PartyInput

        try:
            data = PartyInput(
                no, name, address, city, country, ibans, account_nos, payment_terms, blocked
            )
        except ValueError as exc:
            raise InputError(str(exc)) from None
        _added(app, add_party(app.db, kind, data).fields, as_json, kind)

    add.help = f"Add a {kind}, or update the one with this number."

    @group.command("list")
    @json_option
    @pass_app
    def list_(app: AppContext, as_json: bool) -> None:
        _list(
            app,
            kind,
            as_json,
            f"{kind}s",
            f"{title}s",
            ("no", "name", "city", "country", "ibans", "payment_terms", "blocked"),
        )

    list_.help = f"List {kind}s."

    @group.command("show")
    @click.argument("no")
    @json_option
    @pass_app
    def show(app: AppContext, no: str, as_json: bool) -> None:
        _show(app, kind, no, as_json, title)

    show.help = f"Show a {kind} with balance and open entries."
    return group


customer = _party_group("customer")
vendor = _party_group("vendor")


@click.group()
def bank() -> None:
    """Bank accounts."""


@bank.command("add")
@click.argument("no")
@click.option("--name", required=True)
@click.option("--currency", required=True, metavar="CODE")
@click.option(
    "--gl-account", required=True, metavar="GL_NO", help="The G/L account the bank posts to."
)
@click.option("--iban")
@click.option("--account-no", metavar="NO")
@click.option("--bic")
@click.option("--match-tolerance", metavar="2%|0.50", help="Amount tolerance for payment matching.")
@json_option
@pass_app
def bank_add(
    app: AppContext,
    no: str,
    name: str,
    currency: str,
    gl_account: str,
    iban: str | None,
    account_no: str | None,
    bic: str | None,
    match_tolerance: str | None,
    as_json: bool,
) -> None:
    """Add a bank account, or update the one with this number."""
    from bankrec.errors import InputError
    from bankrec.services.masterdata import add_bank
    from bankrec.services.masterdata_inputs import BankInput

    try:
        data = BankInput(no, name, currency, gl_account, iban, account_no, bic, match_tolerance)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    _added(app, add_bank(app.db, data).fields, as_json, "bank account")


@bank.command("set")
@click.argument("no")
@click.option("--last-statement-no", type=click.IntRange(min=0))
@click.option("--balance-last-statement", type=DECIMAL)
@click.option("--match-tolerance", metavar="2%|0.50")
@json_option
@pass_app
def bank_set(
    app: AppContext,
    no: str,
    last_statement_no: int | None,
    balance_last_statement: Decimal | None,
    match_tolerance: str | None,
    as_json: bool,
) -> None:
    """Change a bank account's statement fields or match tolerance."""
    from bankrec.reporting.tables import record_panel
    from bankrec.services.masterdata import set_bank

    record = set_bank(app.db, no, last_statement_no, balance_last_statement, match_tolerance)
    if as_json:
        emit_json(record.fields)
    else:
        record_panel(app.console, f"Bank account {no}", record)


@bank.command("list")
@json_option
@pass_app
def bank_list(app: AppContext, as_json: bool) -> None:
    """List bank accounts with their balances."""
    _list(
        app,
        "bank",
        as_json,
        "banks",
        "Bank accounts",
        (
            "no",
            "name",
            "currency",
            "iban",
            "gl_account",
            "balance",
            "last_statement_no",
            "balance_last_statement",
        ),
    )


@bank.command("show")
@click.argument("no")
@json_option
@pass_app
def bank_show(app: AppContext, no: str, as_json: bool) -> None:
    """Show a bank account with its balance."""
    _show(app, "bank", no, as_json, "Bank account")


@click.group()
def rate() -> None:
    """Exchange rates: local currency per unit of a foreign currency, by starting date."""


@rate.command("add")
@click.argument("currency")
@click.option(
    "--date", "starting_date", type=DATE, required=True, help="First day the rate applies."
)
@click.option("--rate", "value", type=DECIMAL, required=True, help="Local currency per 1 unit.")
@json_option
@pass_app
def rate_add(
    app: AppContext, currency: str, starting_date: date, value: Decimal, as_json: bool
) -> None:
    """Add an exchange rate, or replace the one of that currency and date."""
    from bankrec.errors import InputError
    from bankrec.services.masterdata import add_rate
    from bankrec.services.masterdata_inputs import RateInput

    try:
        data = RateInput(currency, starting_date, value)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    record = add_rate(app.db, data)
    if as_json:
        emit_json(record.fields)
    else:
        click.echo(
            f"rate {record.fields['currency']} from {record.fields['date']}: "
            f"{record.fields['rate']}"
        )


@rate.command("list")
@click.option("--currency", metavar="CODE")
@click.option("--at", type=DATE, help="Only rates starting on or before this date.")
@json_option
@pass_app
def rate_list(app: AppContext, currency: str | None, at: date | None, as_json: bool) -> None:
    """List exchange rates."""
    from bankrec.reporting.tables import records_table
    from bankrec.services.masterdata import list_rates

    records = list_rates(app.db, currency, at)
    if as_json:
        emit_json({"rates": [r.fields for r in records]})
    else:
        records_table(app.console, "Exchange rates", records, ("currency", "date", "rate"))


@rate.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Check everything and report, but write nothing.")
@click.option("--replace", is_flag=True, help="Overwrite stored rates the file changes.")
@json_option
@pass_app
def rate_import(app: AppContext, file: str, dry_run: bool, replace: bool, as_json: bool) -> None:
    """Import rates from a CSV file: date,currency,rate or the ECB reference-rate layout."""
    from bankrec.services.rates import import_rates

    text, source = read_text(file)
    summary = import_rates(app.db, text, source, dry_run=dry_run, replace=replace)
    if as_json:
        emit_json(summary.as_json())
        return
    verb = "would add" if dry_run else "added"
    line = (
        f"{source} ({summary.layout}): {verb} {summary.added} rates, replaced "
        f"{summary.replaced}, {summary.unchanged} unchanged"
    )
    if summary.skipped:
        skipped = ", ".join(f"{code} {n}" for code, n in sorted(summary.skipped.items()))
        line += f"; skipped (currency not set up): {skipped}"
    click.echo(line)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@json_option
@pass_app
def load(app: AppContext, file: str, as_json: bool) -> None:
    """Load master data from a JSON file in one transaction (existing numbers are updated)."""
    from bankrec.services.load import load_master_data

    text, source = read_text(file)
    summary = load_master_data(app.db, text, source)
    if as_json:
        emit_json({"source": summary.source, "loaded": summary.counts})
    else:
        click.echo(
            f"loaded {source}: "
            + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.counts.items())
        )


COMMANDS = (gl, customer, vendor, bank, rate, load)
