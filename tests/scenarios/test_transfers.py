"""Moving money between bank accounts: same currency, across currencies, with a fee.

Figures are worked by hand from the standard company: USD is booked at 0.90 EUR from
2026-01-01, 0.95 from 2026-03-01 and 0.85 from 2026-04-01; 7800 is FX gains, 7810 FX losses.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bankrec.db.models import BankLedgerEntry
from bankrec.errors import (
    BankrecError,
    BlockedError,
    DuplicateDocumentError,
    InputError,
    MissingExchangeRateError,
    NotFoundError,
    SetupError,
)
from bankrec.services.database import Database
from bankrec.services.load import load_into
from bankrec.services.masterdata import set_company
from bankrec.services.masterdata_inputs import CompanyInput
from bankrec.services.transfers import TransferRequest, transfer_funds
from tests.factories import row_counts
from tests.scenarios.test_payment_scenarios import balances, nonzero


def add_banks(db: Database) -> None:
    """A second EUR bank (SAVINGS on 1120) and a blocked one (OLD on 1130)."""
    with db.transaction() as session:
        load_into(
            session,
            {
                "gl_accounts": [
                    {"no": "1120", "name": "Savings", "type": "balance", "direct_posting": False},
                    {"no": "1130", "name": "Old bank", "type": "balance", "direct_posting": False},
                ],
                "banks": [
                    {"no": "SAVINGS", "name": "Savings", "currency": "EUR", "gl_account": "1120"},
                    {
                        "no": "OLD",
                        "name": "Old bank",
                        "currency": "EUR",
                        "gl_account": "1130",
                        "blocked": True,
                    },
                ],
            },
            "test-banks",
        )


def request(
    from_bank: str = "BANK",
    to_bank: str = "USDBANK",
    amount: str = "1000.00",
    on: str = "2026-02-10",
    document_no: str | None = "TR-1",
    **extra: object,
) -> TransferRequest:
    values: dict[str, object] = {
        "from_bank": from_bank,
        "to_bank": to_bank,
        "amount": Decimal(amount),
        "posting_date": date.fromisoformat(on),
        "document_no": document_no,
    }
    for key, value in extra.items():
        values[key] = Decimal(value) if isinstance(value, str) and key != "fee_account" else value
    return TransferRequest(**values)  # type: ignore[arg-type]


def bank_rows(db: Database) -> list[tuple[str, int, int, str | None, str | None, str, int]]:
    """(bank, amount, amount LCY, bal. type, bal. no, document, transaction) per bank entry."""
    with db.reading() as session:
        return [
            (
                e.bank_no,
                e.amount_minor,
                e.amount_lcy_minor,
                e.bal_account_type,
                e.bal_account_no,
                e.document_no,
                e.transaction_no,
            )
            for e in session.scalars(select(BankLedgerEntry).order_by(BankLedgerEntry.entry_no))
        ]


def test_eur_to_usd_at_a_better_bank_rate_posts_the_gain(ledger: Database) -> None:
    # 1000.00 EUR at the bank's 1.12 USD per EUR = 1120.00 USD received. The books value USD at
    # 0.90 EUR on 2026-02-10: 1120.00 x 0.90 = 1008.00 EUR. Sent 1000.00, received 1008.00:
    # 8.00 EUR realized gain, credited to 7800.
    result = transfer_funds(ledger, request(rate="1.12"), "tester")
    assert result.destination.amount == "1120.00"
    assert result.fx_difference == "8.00"
    assert result.as_json() == {
        "transaction_no": result.transaction_no,
        "document_no": "TR-1",
        "date": "2026-02-10",
        "from": {"bank": "BANK", "amount": "1000.00", "currency": "EUR"},
        "to": {"bank": "USDBANK", "amount": "1120.00", "currency": "USD"},
        "rate": "1.12",
        "fx_difference": "8.00",
        "fee": None,
    }
    assert nonzero(balances(ledger)) == {"1100": "-1000.00", "1110": "1008.00", "7800": "-8.00"}
    txn = result.transaction_no
    assert bank_rows(ledger) == [
        ("BANK", -100000, -100000, "bank", "USDBANK", "TR-1", txn),
        ("USDBANK", 112000, 100800, "bank", "BANK", "TR-1", txn),
    ]


def test_usd_to_eur_below_the_books_rate_posts_a_loss(ledger: Database) -> None:
    # 500.00 USD sent on 2026-03-10 (books 0.95) = 475.00 EUR; the bank pays out 460.00 EUR:
    # 15.00 EUR realized loss, debited to 7810.
    result = transfer_funds(
        ledger,
        request("USDBANK", "BANK", "500.00", on="2026-03-10", to_amount="460.00"),
        "tester",
    )
    assert result.fx_difference == "-15.00"
    assert result.rate == "0.92"
    assert nonzero(balances(ledger)) == {"1100": "460.00", "1110": "-475.00", "7810": "15.00"}


def test_rate_table_is_the_default_and_leaves_no_difference(ledger: Database) -> None:
    # 100.00 EUR on 2026-04-15 (0.85 EUR per USD) = 100 / 0.85 = 117.647... -> 117.65 USD,
    # worth 117.65 x 0.85 = 100.0025 -> 100.00 EUR: nothing for FX.
    result = transfer_funds(ledger, request(amount="100.00", on="2026-04-15"), "tester")
    assert (result.destination.amount, result.fx_difference) == ("117.65", "0.00")
    assert result.rate == "1.176470588"
    assert nonzero(balances(ledger)) == {"1100": "-100.00", "1110": "100.00"}


def test_same_currency_transfer_with_a_fee(ledger: Database) -> None:
    # 2500.00 EUR from BANK to SAVINGS, and BANK charges 5.00 EUR to 6800 bank fees.
    add_banks(ledger)
    result = transfer_funds(
        ledger,
        request(to_bank="SAVINGS", amount="2500.00", fee="5.00", fee_account="6800"),
        "tester",
    )
    assert (result.rate, result.fx_difference, result.fee) == (None, "0.00", "5.00")
    assert nonzero(balances(ledger)) == {"1100": "-2505.00", "1120": "2500.00", "6800": "5.00"}
    txn = result.transaction_no
    assert bank_rows(ledger) == [
        ("BANK", -250000, -250000, "bank", "SAVINGS", "TR-1", txn),
        ("SAVINGS", 250000, 250000, "bank", "BANK", "TR-1", txn),
        ("BANK", -500, -500, "gl", "6800", "TR-1", txn),
    ]


def test_a_usd_fee_is_valued_at_the_books_rate(ledger: Database) -> None:
    # 200.00 USD to BANK at 0.90 = 180.00 EUR (table rate, so the bank pays 180.00 EUR);
    # a 10.00 USD fee = 9.00 EUR to 6800.
    result = transfer_funds(
        ledger,
        request("USDBANK", "BANK", "200.00", fee="10.00", fee_account="6800"),
        "tester",
    )
    assert (result.destination.amount, result.fx_difference) == ("180.00", "0.00")
    assert nonzero(balances(ledger)) == {"1100": "180.00", "1110": "-189.00", "6800": "9.00"}


def test_missing_rate_is_a_clear_error_and_writes_nothing(ledger: Database) -> None:
    before = row_counts(ledger)
    with pytest.raises(MissingExchangeRateError) as caught:
        transfer_funds(ledger, request(on="2025-12-31", rate="1.10"), "tester")
    message = str(caught.value)
    assert "no USD exchange rate on or before 2025-12-31" in message
    assert "`bankrec rate add USD --date 2025-12-31 --rate RATE`" in message
    assert row_counts(ledger) == before


def test_document_number_comes_from_the_journal_series(ledger: Database) -> None:
    with pytest.raises(SetupError, match="--document-no"):
        transfer_funds(ledger, request(document_no=None), "tester")
    set_company(ledger, CompanyInput(journal_series="GJNL"))
    first = transfer_funds(ledger, request(document_no=None, rate="1.10"), "tester")
    second = transfer_funds(ledger, request(document_no=None, rate="1.10"), "tester")
    assert (first.document_no, second.document_no) == ("GJ-0001", "GJ-0002")


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        pytest.param({"to_bank": "BANK"}, InputError, "to itself", id="same-bank"),
        pytest.param({"to_bank": "OLD"}, BlockedError, "OLD (Old bank) is blocked", id="blocked"),
        pytest.param({"to_bank": "NOPE"}, NotFoundError, "NOPE does not exist", id="unknown"),
        pytest.param({"amount": "0"}, InputError, "greater than 0", id="zero"),
        pytest.param({"amount": "-5.00"}, InputError, "greater than 0", id="negative"),
        pytest.param({"amount": "10.001"}, InputError, "EUR allows (2)", id="decimals"),
        pytest.param(
            {"to_bank": "USDBANK", "to_amount": "1.001"},
            InputError,
            "--to-amount 1.001 has more decimals than USD",
            id="to-decimals",
        ),
        pytest.param(
            {"to_bank": "USDBANK", "to_amount": "1.00", "rate": "1.1"},
            InputError,
            "not both",
            id="to-amount-and-rate",
        ),
        pytest.param({"rate": "1.1"}, InputError, "between currencies", id="rate-same-currency"),
        pytest.param({"fee": "1.00"}, InputError, "go together", id="fee-without-account"),
        pytest.param(
            {"fee": "1.00", "fee_account": "1300"},
            BlockedError,
            "does not allow direct posting",
            id="fee-account-not-direct",
        ),
        pytest.param(
            {"fee": "1.00", "fee_account": "9999"}, BlockedError, "blocked", id="fee-blocked"
        ),
    ],
)
def test_refusals_write_nothing(
    ledger: Database, changes: dict[str, str], error: type[BankrecError], text: str
) -> None:
    add_banks(ledger)
    values = {"to_bank": "SAVINGS", **changes}
    before = row_counts(ledger)
    with pytest.raises(error, match=text.replace("(", r"\(").replace(")", r"\)")):
        transfer_funds(ledger, request(**values), "tester")
    assert row_counts(ledger) == before


def test_a_posted_document_number_is_refused(ledger: Database) -> None:
    transfer_funds(ledger, request(rate="1.10"), "tester")
    before = row_counts(ledger)
    with pytest.raises(DuplicateDocumentError, match="TR-1 was already posted"):
        transfer_funds(ledger, request(rate="1.10"), "tester")
    assert row_counts(ledger) == before


def test_a_difference_needs_the_fx_accounts(ledger: Database) -> None:
    with ledger.transaction() as session:
        from bankrec.db.setup_repo import get_company

        get_company(session).realized_gains_account = None
    before = row_counts(ledger)
    with pytest.raises(SetupError, match="realized gains account"):
        transfer_funds(ledger, request(rate="1.12"), "tester")
    assert row_counts(ledger) == before
