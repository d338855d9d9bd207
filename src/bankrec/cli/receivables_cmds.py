"""Receivables commands: payment registration, cash receipts, applying posted entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app
from bankrec.cli.inputs import DATE, DECIMAL, read_text

if TYPE_CHECKING:
    from bankrec.services.receivables.common import AppliedEntry

WORKLIST_COLUMNS = (
    "entry_no",
    "customer_no",
    "document_type",
    "document_no",
    "due_date",
    "pmt_discount_date",
    "currency",
    "remaining_amount",
    "discounted_amount",
    "overdue",
)


def _today() -> date:
    return datetime.now().astimezone().date()  # the user's local today


def _echo_applied(applied: Sequence[AppliedEntry]) -> None:
    for a in applied:
        extras = "".join(
            f", {name} {value}"
            for name, value in (("discount", a.discount), ("tolerance", a.tolerance))
            if value
        )
        click.echo(
            f"  {a.document_no} (entry {a.entry_no}): applied {a.applied_amount}{extras}, "
            f"remaining {a.remaining_after}"
        )


@click.group()
def payreg() -> None:
    """Payment registration: pay open customer documents from a bank account."""


@payreg.command("list")
@click.option("--customer", metavar="NO", help="Only this customer's documents.")
@click.option(
    "--date",
    "on",
    type=DATE,
    help="The payment date that decides discounts and overdue (default: today).",
)
@json_option
@pass_app
def payreg_list(app: AppContext, customer: str | None, on: date | None, as_json: bool) -> None:
    """List the open customer documents a payment can settle, oldest due date first.

    "discounted amount" is what settles a document when paid on the date: the remaining amount
    less the payment discount up to the document's discount date.
    """
    from bankrec.reporting.tables import rows_table
    from bankrec.services.receivables.worklist import payment_worklist

    worklist = payment_worklist(app.db, on or _today(), customer)
    document = worklist.as_json()
    if as_json:
        emit_json(document)
        return
    rows = document["documents"]
    assert isinstance(rows, list)
    rows_table(app.console, f"Open customer documents on {worklist.on}", rows, WORKLIST_COLUMNS)
    if not rows:
        app.console.print("(none)")


@payreg.command("register")
@click.argument("documents", nargs=-1, required=True, metavar="DOC...")
@click.option("--bank", required=True, metavar="NO", help="The bank account the money moves in.")
@click.option("--date", "on", type=DATE, required=True, help="Date received (posting date).")
@click.option(
    "--amount",
    type=DECIMAL,
    help="Amount received (paid out, for credit memos); default: what settles the documents "
    "on --date, after any payment discount.",
)
@click.option(
    "--document-no", metavar="N", help="Document number (default: the journal number series)."
)
@click.option("--external-document-no", default="", metavar="X", help="The customer's reference.")
@json_option
@pass_app
def payreg_register(
    app: AppContext,
    documents: tuple[str, ...],
    bank: str,
    on: date,
    amount: Decimal | None,
    document_no: str | None,
    external_document_no: str,
    as_json: bool,
) -> None:
    """Post a payment of DOC... (document numbers, or #ENTRY_NO) into --bank.

    One document: paid in full by default; a smaller --amount leaves the rest open on it, a
    larger one leaves the excess open on the payment. Several documents of one customer: one
    lump payment applied in due-date order. A credit memo is refunded out of the bank.
    """
    from bankrec.services.receivables.registration import (
        RegistrationRequest,
        register_payment,
    )

    request = RegistrationRequest(
        documents=documents,
        bank=bank,
        posting_date=on,
        amount=amount,
        document_no=document_no,
        external_document_no=external_document_no,
    )
    result = register_payment(app.db, request, app.user)
    if as_json:
        emit_json(result.as_json())
        return
    verb = "refunded" if result.amount < 0 else "received"
    click.echo(
        f"transaction {result.transaction_no}, document {result.document_no} of "
        f"{result.posting_date}: {verb} {abs(result.amount)} {result.currency} on "
        f"{result.bank}, customer {result.customer_no}"
    )
    _echo_applied(result.applied)
    if result.unapplied_amount:
        click.echo(f"  left open on the payment: {result.unapplied_amount} {result.currency}")


@click.group()
def receipt() -> None:
    """Cash receipt journal: post money received (or refunded) with its applications."""


@receipt.command("post")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--bank", metavar="NO", help="Bank account for lines without a bank column.")
@click.option("--dry-run", is_flag=True, help="Check everything and report, but write nothing.")
@json_option
@pass_app
def receipt_post(
    app: AppContext, file: str, bank: str | None, dry_run: bool, as_json: bool
) -> None:
    """Post a cash receipt journal from CSV (or - for stdin), all in one transaction.

    Columns: date, account_type (customer|gl), account_no, amount (received, > 0; a refund
    < 0), document_no, external_document_no, description, currency, bank, applies_to_doc_no
    and applies_to_entries (several separated by ";"). A customer line applying to nothing
    stays open on the customer (payment on account).
    """
    from bankrec.services.receivables.receipts import post_receipts

    text, source = read_text(file)
    summary = post_receipts(app.db, text, source, app.user, bank, dry_run)
    if as_json:
        emit_json(summary.as_json())
        return
    verb = "would post" if dry_run else f"posted as transaction {summary.transaction_no}:"
    click.echo(
        f"{source}: {verb} {summary.lines} lines, documents {', '.join(summary.documents)}, "
        f"{summary.applications} applications"
    )


@click.command("apply")
@click.argument("entry_no", type=click.IntRange(min=1), metavar="ENTRY")
@click.option(
    "--to",
    "targets",
    type=click.IntRange(min=1),
    multiple=True,
    required=True,
    metavar="ENTRY",
    help="An open entry to apply to (repeat the option for several, applied in that order).",
)
@click.option(
    "--ledger",
    type=click.Choice(["customer", "vendor"]),
    help="Needed only when both ledgers have this entry no.",
)
@click.option("--date", "on", type=DATE, help="Posting date (default: the latest of the entries').")
@click.option("--amount", type=DECIMAL, help="Apply at most this much of ENTRY.")
@json_option
@pass_app
def apply_cmd(
    app: AppContext,
    entry_no: int,
    targets: tuple[int, ...],
    ledger: str | None,
    on: date | None,
    amount: Decimal | None,
    as_json: bool,
) -> None:
    """Apply the posted open entry ENTRY to other open entries of the same customer or vendor.

    For a payment posted on account, or a credit memo against an invoice. `bankrec unapply
    ENTRY` undoes it.
    """
    from bankrec.services.receivables.apply_posted import ApplyRequest, apply_posted

    request = ApplyRequest(entry_no, targets, ledger, on, amount)
    result = apply_posted(app.db, request, app.user)
    if as_json:
        emit_json(result.as_json())
        return
    click.echo(
        f"transaction {result.transaction_no}: {result.ledger} entry {result.applying_entry_no} "
        f"applied on {result.posting_date}, {result.applying_remaining_after} left on it"
    )
    _echo_applied(result.applied)


COMMANDS: tuple[click.Command, ...] = (payreg, receipt, apply_cmd)
