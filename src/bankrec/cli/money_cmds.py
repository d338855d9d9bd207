"""Money movement commands: transfer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DECIMAL


def _posting_date(text: str | None) -> date:
    """``--date``, or today; a bad date is a refusal (exit 1), not a usage error."""
    from bankrec.errors import InputError

    if text is None:
        return datetime.now().astimezone().date()  # the user's local today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f'--date "{text}" is not a date; write it as YYYY-MM-DD') from None


@click.command()
@click.argument("from_bank", metavar="FROM_BANK")
@click.argument("to_bank", metavar="TO_BANK")
@click.argument("amount", type=DECIMAL)
@click.option("--date", "posting_date", metavar="YYYY-MM-DD", help="Posting date (default: today).")
@click.option(
    "--to-amount",
    type=DECIMAL,
    help="Amount received, in TO_BANK's currency (transfers between currencies).",
)
@click.option(
    "--rate",
    type=DECIMAL,
    help="The bank's rate: units of TO_BANK's currency per 1 unit of FROM_BANK's currency. "
    "Default: from the exchange-rate table on the date.",
)
@click.option("--fee", type=DECIMAL, help="Bank fee charged on FROM_BANK, in its currency.")
@click.option("--fee-account", metavar="GL", help="G/L account (direct posting) for the fee.")
@click.option(
    "--document-no", metavar="N", help="Document number (default: the journal number series)."
)
@json_option
@pass_app
def transfer(
    app: AppContext,
    from_bank: str,
    to_bank: str,
    amount: Decimal,
    posting_date: str | None,
    to_amount: Decimal | None,
    rate: Decimal | None,
    fee: Decimal | None,
    fee_account: str | None,
    document_no: str | None,
    as_json: bool,
) -> None:
    """Move AMOUNT (in FROM_BANK's currency) from FROM_BANK to TO_BANK in one transaction.

    Between currencies, the difference between the bank's rate and the books' rates is posted
    to the realized FX gains or losses account of the company setup.
    """
    from bankrec.services.transfers import TransferRequest, transfer_funds

    request = TransferRequest(
        from_bank=from_bank,
        to_bank=to_bank,
        amount=amount,
        posting_date=_posting_date(posting_date),
        to_amount=to_amount,
        rate=rate,
        fee=fee,
        fee_account=fee_account,
        document_no=document_no,
    )
    result = transfer_funds(app.db, request, app.user)
    if as_json:
        emit_json(result.as_json())
        return
    src, dst = result.source, result.destination
    line = (
        f"transaction {result.transaction_no}, document {result.document_no} of "
        f"{result.posting_date}: {src.amount} {src.currency} from {src.bank} to {dst.bank}"
    )
    if src.currency != dst.currency:
        line += f", received {dst.amount} {dst.currency} (rate {result.rate})"
        line += f", exchange difference {result.fx_difference} {result.lcy}"
    if result.fee is not None:
        line += f", fee {result.fee} {src.currency} to {result.fee_account}"
    click.echo(line)


COMMANDS = (transfer,)
