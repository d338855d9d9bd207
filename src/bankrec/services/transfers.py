"""Use case: move money from one bank account to another in one transaction.

The model is the direct one of Business Central's general journal (two bank lines, same date
and document no.), made to balance in local currency:

- the source bank is credited ``amount`` in its currency, and the destination bank is debited
  the amount received in its currency; each bank entry carries the other bank as its balancing
  account, and each posts to its bank's G/L account;
- each leg's local-currency value comes from the books' exchange rate of its own currency on
  the posting date (``LedgerSetup.rate``);
- when the banks' currencies differ, the bank's actual rate (``to_amount`` or ``rate``) rarely
  equals the books' rates, so the two local values differ. That difference, received value less
  sent value, is the realized FX result: a positive difference is credited to the company's
  realized gains account, a negative one debited to its realized losses account. The
  transaction therefore balances in local currency and the trial balance stays at zero;
- an optional fee is a second credit on the source bank, in its currency, debited to a G/L
  account that allows direct posting, under the same document no.

The amount received is ``to_amount`` when given, else ``amount * rate`` where ``rate`` is units
of the destination currency per 1 unit of the source currency, else ``amount * books rate of
the source / books rate of the destination`` on the date; it is rounded to the destination
currency's decimals with the project rounding mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from bankrec.db import ledger_repo
from bankrec.db.models import BankAccount
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import AccountType, TransactionSource
from bankrec.domain.money import ROUNDING, format_minor, quantize, to_minor
from bankrec.errors import (
    BlockedError,
    DuplicateDocumentError,
    InputError,
    MissingExchangeRateError,
    NotFoundError,
    SetupError,
)
from bankrec.services.database import Database
from bankrec.services.numbering import next_number
from bankrec.services.posting.writer import DocumentInfo, TransactionWriter

RATE_DIGITS = 10
"""Significant digits of a derived rate shown in the result (the posting uses exact amounts)."""


@dataclass(frozen=True)
class TransferRequest:
    """What to move. ``rate`` is units of the destination currency per 1 source unit."""

    from_bank: str
    to_bank: str
    amount: Decimal
    posting_date: date
    to_amount: Decimal | None = None
    rate: Decimal | None = None
    fee: Decimal | None = None
    fee_account: str | None = None
    document_no: str | None = None


@dataclass(frozen=True)
class TransferSide:
    bank: str
    amount: str
    currency: str


@dataclass(frozen=True)
class TransferResult:
    """What was posted. ``fx_difference`` is in local currency: + a gain, - a loss."""

    transaction_no: int
    document_no: str
    posting_date: date
    source: TransferSide
    destination: TransferSide
    rate: str | None
    fx_difference: str
    fee: str | None
    fee_account: str | None
    lcy: str

    def as_json(self) -> dict[str, object]:
        return {
            "transaction_no": self.transaction_no,
            "document_no": self.document_no,
            "date": self.posting_date.isoformat(),
            "from": vars(self.source),
            "to": vars(self.destination),
            "rate": self.rate,
            "fx_difference": self.fx_difference,
            "fee": self.fee,
        }


def transfer_funds(db: Database, request: TransferRequest, user: str) -> TransferResult:
    """Check everything, then post the transfer as one transaction (nothing on any refusal)."""
    _check_request(request)
    with db.transaction() as session:
        setup = LedgerSetup(session)
        source = _bank(setup, request.from_bank)
        destination = _bank(setup, request.to_bank)
        on = request.posting_date
        src_cur, dst_cur = source.currency_code, destination.currency_code
        same = src_cur == dst_cur
        if same and (request.to_amount is not None or request.rate is not None):
            raise InputError(
                f"both banks are in {src_cur}; --to-amount and --rate are only for transfers "
                "between currencies"
            )
        amount = _minor(setup, request.amount, src_cur, "amount")
        src_rate = _books_rate(setup, src_cur, on)
        dst_rate = _books_rate(setup, dst_cur, on)
        shown_rate: Decimal | None = None
        if same:
            received = amount
        elif request.to_amount is not None:
            received = _minor(setup, request.to_amount, dst_cur, "--to-amount")
            shown_rate = _ratio(request.to_amount, request.amount)
        else:
            bank_rate = request.rate if request.rate is not None else _ratio(src_rate, dst_rate)
            shown_rate = bank_rate
            if request.rate is not None:
                value = request.amount * request.rate
            else:
                value = request.amount * src_rate / dst_rate
            received = to_minor(quantize(value, setup.decimals[dst_cur]), setup.decimals[dst_cur])
            if received <= 0:
                raise InputError(f"the amount received rounds to 0 {dst_cur}; check --rate")
        fee = _fee(setup, request, src_cur)
        sent_lcy = setup.to_lcy(amount, src_cur, src_rate)
        received_lcy = sent_lcy if same else setup.to_lcy(received, dst_cur, dst_rate)
        fx = received_lcy - sent_lcy
        fx_account = (
            setup.account_setting(
                "realized_gains_account" if fx > 0 else "realized_losses_account",
                "the exchange difference of a transfer",
            )
            if fx
            else None
        )
        document_no = _document_no(setup, request)

        writer = TransactionWriter(
            session,
            setup,
            TransactionSource.JOURNAL,
            user,
            f"transfer {source.no} to {destination.no}",
            on,
        )
        out = DocumentInfo(on, document_no, description=f"Transfer to {destination.no}")
        writer.bank_entry(
            source, out, -amount, -sent_lcy, balancing=(AccountType.BANK.value, destination.no)
        )
        incoming = DocumentInfo(on, document_no, description=f"Transfer from {source.no}")
        writer.bank_entry(
            destination,
            incoming,
            received,
            received_lcy,
            balancing=(AccountType.BANK.value, source.no),
        )
        if fx_account is not None:
            writer.gl(
                fx_account,
                DocumentInfo(
                    on, document_no, description=f"Exchange difference, transfer {source.no}"
                ),
                -fx,
            )
        if fee and request.fee_account:
            fee_lcy = setup.to_lcy(fee, src_cur, src_rate)
            charged = DocumentInfo(on, document_no, description=f"Transfer fee {source.no}")
            writer.bank_entry(
                source,
                charged,
                -fee,
                -fee_lcy,
                balancing=(AccountType.GL.value, request.fee_account),
            )
            writer.gl(request.fee_account, charged, fee_lcy, currency=src_cur, source_amount=fee)
        writer.flush()
        assert writer.lcy_total() == 0, "a transfer balances in local currency by construction"
        return TransferResult(
            transaction_no=writer.transaction_no,
            document_no=document_no,
            posting_date=on,
            source=TransferSide(source.no, _text(setup, amount, src_cur), src_cur),
            destination=TransferSide(destination.no, _text(setup, received, dst_cur), dst_cur),
            rate=None if shown_rate is None else str(shown_rate),
            fx_difference=format_minor(fx, setup.lcy_decimals),
            fee=_text(setup, fee, src_cur) if fee else None,
            fee_account=request.fee_account if fee else None,
            lcy=setup.lcy,
        )


def _check_request(request: TransferRequest) -> None:
    """The checks that need no database."""
    if request.from_bank == request.to_bank:
        raise InputError(f"cannot transfer from bank account {request.from_bank} to itself")
    if request.amount <= 0:
        raise InputError(f"amount {request.amount} must be greater than 0")
    if request.to_amount is not None and request.rate is not None:
        raise InputError("give --to-amount or --rate, not both")
    if request.to_amount is not None and request.to_amount <= 0:
        raise InputError(f"--to-amount {request.to_amount} must be greater than 0")
    if request.rate is not None and request.rate <= 0:
        raise InputError(f"--rate {request.rate} must be greater than 0")
    if (request.fee is None) != (request.fee_account is None):
        raise InputError("--fee and --fee-account go together; give both or neither")
    if request.fee is not None and request.fee <= 0:
        raise InputError(f"--fee {request.fee} must be greater than 0")
    if request.document_no is not None and not request.document_no.strip():
        raise InputError("--document-no is empty")


def _bank(setup: LedgerSetup, no: str) -> BankAccount:
    bank = setup.bank(no)
    if bank is None:
        raise NotFoundError(f"bank account {no} does not exist; add it with `bankrec bank add`")
    if bank.blocked:
        raise BlockedError(f"bank account {bank.no} ({bank.name}) is blocked")
    return bank


def _minor(setup: LedgerSetup, amount: Decimal, currency: str, what: str) -> int:
    decimals = setup.decimals[currency]
    try:
        return to_minor(amount, decimals)
    except ValueError:
        raise InputError(
            f"{what} {amount} has more decimals than {currency} allows ({decimals})"
        ) from None


def _books_rate(setup: LedgerSetup, currency: str, on: date) -> Decimal:
    rate = setup.rate(currency, on)
    if rate is None:
        raise MissingExchangeRateError(
            f"no {currency} exchange rate on or before {on}; add one with "
            f"`bankrec rate add {currency} --date {on} --rate RATE`"
        )
    return rate


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = RATE_DIGITS
        ctx.rounding = ROUNDING
        return numerator / denominator


def _fee(setup: LedgerSetup, request: TransferRequest, currency: str) -> int:
    if request.fee is None or request.fee_account is None:
        return 0
    fee = _minor(setup, request.fee, currency, "--fee")
    account = setup.gl_account(request.fee_account)
    if account is None:
        raise NotFoundError(
            f"G/L account {request.fee_account} does not exist; add it with `bankrec gl add`"
        )
    if account.blocked:
        raise BlockedError(f"G/L account {account.no} ({account.name}) is blocked")
    if not account.direct_posting:
        raise BlockedError(
            f"G/L account {account.no} ({account.name}) does not allow direct posting; "
            "choose a fee expense account for --fee-account"
        )
    return fee


def _document_no(setup: LedgerSetup, request: TransferRequest) -> str:
    if request.document_no:
        document_no = request.document_no.strip()
    elif setup.company.journal_series:
        document_no = next_number(setup.session, setup.company.journal_series)
    else:
        raise SetupError(
            "no --document-no given and the company has no journal number series; pass "
            "--document-no or set one with `bankrec company set --journal-series CODE`"
        )
    posted = ledger_repo.posted_document_nos(setup.session, [document_no])
    if document_no in posted:
        raise DuplicateDocumentError(
            f"document {document_no} was already posted (transaction {posted[document_no]}); "
            "use a new document number"
        )
    return document_no


def _text(setup: LedgerSetup, minor: int, currency: str) -> str:
    return format_minor(minor, setup.decimals[currency])
