"""The two legs of a transfer between our own banks, each on its own bank's statement, become one
transfer in the payment reconciliation journal, and both statements reconcile.

The standard company (tests.factories): BANK in EUR on G/L 1100, USDBANK in USD on 1110; USD is
booked at 0.90 EUR from 2026-01-01; 7800 is realized FX gains. SAVINGS (EUR, 1120) is added here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bankrec.db.models import BankAccount, BankLedgerEntry
from bankrec.db.payment_repo import bank_entry_state
from bankrec.errors import ConflictError, PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.payjournal import accept, show_journal
from bankrec.services.payjournal.apply import apply_journal
from bankrec.services.payjournal.post import PostOptions, post_payment_journal
from tests.factories import row_counts
from tests.scenarios.pay_support import Tx, journal_for
from tests.scenarios.test_payment_scenarios import balances, nonzero
from tests.scenarios.test_transfers import add_banks

IBAN_EUR = "DE02120300000000202051"
IBAN_USD = "DE02100100100006820101"
IBAN_SAVINGS = "DE02500105170137075030"


@pytest.fixture
def banks(ledger: Database) -> Database:
    add_banks(ledger)
    with ledger.transaction() as session:
        for no, iban in (("BANK", IBAN_EUR), ("USDBANK", IBAN_USD), ("SAVINGS", IBAN_SAVINGS)):
            account = session.get(BankAccount, no)
            assert account is not None
            account.iban = iban
    return ledger


def only_line(db: Database, journal: int) -> dict[str, object]:
    lines = show_journal(db, journal)["lines"]
    assert len(lines) == 1
    found: dict[str, object] = lines[0]
    return found


def application(found: dict[str, object]) -> dict[str, object]:
    applications = found["applications"]
    assert isinstance(applications, list)
    assert len(applications) == 1
    first: dict[str, object] = applications[0]
    return first


def bank_entries(db: Database) -> list[tuple[str, int, int, str | None, str | None, str]]:
    with db.reading() as session:
        return [
            (e.bank_no, e.amount_minor, e.amount_lcy_minor, e.bal_account_type, e.bal_account_no,
             e.document_no)
            for e in session.scalars(select(BankLedgerEntry).order_by(BankLedgerEntry.entry_no))
        ]  # fmt: skip


def closed(db: Database, entry_no: int) -> bool:
    with db.reading() as session:
        state = bank_entry_state(session, entry_no)
        assert state is not None
        return not state.open


def post(db: Database, journal: int) -> None:
    post_payment_journal(db, journal, PostOptions(user="tester"))


EUR_LEG = Tx("2026-02-10", "-1000.00", "Transfer to the dollar account", "Us GmbH", IBAN_USD)
USD_LEG = Tx("2026-02-11", "1120.00", "Incoming transfer", "Us GmbH", IBAN_EUR)


def test_eur_to_usd_legs_on_two_statements_are_one_transfer_and_both_reconcile(
    banks: Database,
) -> None:
    eur = journal_for(banks, "BANK", [EUR_LEG])
    usd = journal_for(banks, "USDBANK", [USD_LEG])

    apply_journal(banks, eur)
    found = only_line(banks, eur)
    assert found["confidence"] == "high"
    proposal = application(found)
    assert (proposal["account_type"], proposal["account_no"], proposal["entry_no"]) == (
        "bank",
        "USDBANK",
        None,
    )
    transfer = proposal["transfer"]
    assert isinstance(transfer, dict)
    assert transfer["received_amount"] == "1120.00"
    assert transfer["statement_line"] is not None
    assert any("its other leg is USDBANK statement" in d for d in found["details"])  # type: ignore[attr-defined]

    post(banks, eur)
    # 1000.00 EUR sent; 1120.00 USD received, booked at 0.90: 1008.00 EUR. Gain 8.00 to 7800.
    assert nonzero(balances(banks)) == {"1100": "-1000.00", "1110": "1008.00", "7800": "-8.00"}
    document = show_journal(banks, eur)["posted_document_no"]
    assert bank_entries(banks) == [
        ("BANK", -100000, -100000, "bank", "USDBANK", document),
        ("USDBANK", 112000, 100800, "bank", "BANK", document),
    ]
    assert closed(banks, 1)
    assert not closed(banks, 2)
    assert application(only_line(banks, eur))["transfer"]["entry_no"] == 2  # type: ignore[index]

    apply_journal(banks, usd)
    found = only_line(banks, usd)
    assert found["confidence"] == "high"
    assert application(found)["entry_no"] == 2
    before = row_counts(banks)
    post(banks, usd)
    after = row_counts(banks)
    assert after["bank_ledger_entry"] == before["bank_ledger_entry"]
    assert closed(banks, 2)
    assert nonzero(balances(banks)) == {"1100": "-1000.00", "1110": "1008.00", "7800": "-8.00"}


def test_the_receiving_side_pairs_when_only_the_sending_leg_names_the_account(
    banks: Database,
) -> None:
    eur = journal_for(banks, "BANK", [EUR_LEG])
    usd = journal_for(banks, "USDBANK", [Tx("2026-02-11", "1120.00", "Incoming transfer")])
    apply_journal(banks, usd)
    found = only_line(banks, usd)
    assert found["confidence"] == "high"
    transfer = application(found)["transfer"]
    assert isinstance(transfer, dict)
    assert (transfer["bank"], transfer["received_amount"]) == ("BANK", "-1000.00")
    post(banks, usd)
    assert nonzero(balances(banks)) == {"1100": "-1000.00", "1110": "1008.00", "7800": "-8.00"}

    apply_journal(banks, eur)
    found = only_line(banks, eur)
    assert found["confidence"] == "high"
    assert application(found)["entry_no"] == 2
    post(banks, eur)
    assert closed(banks, 1)
    assert closed(banks, 2)


def test_a_transfer_posted_from_the_other_side_meanwhile_is_refused_then_matched(
    banks: Database,
) -> None:
    eur = journal_for(banks, "BANK", [EUR_LEG])
    usd = journal_for(banks, "USDBANK", [USD_LEG])
    apply_journal(banks, eur)
    apply_journal(banks, usd)
    assert application(only_line(banks, usd))["account_no"] == "BANK"
    post(banks, eur)

    before = row_counts(banks)
    with pytest.raises(ConflictError, match="already posted by payment journal"):
        post(banks, usd)
    assert row_counts(banks) == before

    apply_journal(banks, usd)
    assert application(only_line(banks, usd))["entry_no"] == 2
    post(banks, usd)
    assert nonzero(balances(banks)) == {"1100": "-1000.00", "1110": "1008.00", "7800": "-8.00"}


def test_a_leg_converted_beyond_the_rate_spread_is_not_paired(banks: Database) -> None:
    # 1000.00 EUR is 1111.11 USD at the books' 0.90; 1250.00 USD is 12.5 % away.
    journal_for(banks, "USDBANK", [Tx("2026-02-11", "1250.00", "Incoming", "Us", IBAN_EUR)])
    eur = journal_for(banks, "BANK", [EUR_LEG])
    apply_journal(banks, eur)
    found = only_line(banks, eur)
    assert found["confidence"] == "low"
    transfer = application(found)["transfer"]
    assert isinstance(transfer, dict)
    assert (transfer["received_amount"], transfer["statement_line"]) == ("1111.11", None)
    assert any("not known yet" in d for d in found["details"])  # type: ignore[attr-defined]


def test_same_currency_leg_not_imported_yet_is_medium_and_the_later_statement_matches_it(
    banks: Database,
) -> None:
    eur = journal_for(
        banks, "BANK", [Tx("2026-02-10", "-500.00", "To savings", "Us", IBAN_SAVINGS)]
    )
    apply_journal(banks, eur)
    found = only_line(banks, eur)
    assert found["confidence"] == "medium"
    with pytest.raises(PaymentJournalError, match="not accepted"):
        post(banks, eur)
    accept(banks, eur, [1])
    post(banks, eur)
    assert nonzero(balances(banks)) == {"1100": "-500.00", "1120": "500.00"}

    savings = journal_for(banks, "SAVINGS", [Tx("2026-02-12", "500.00", "From current account")])
    apply_journal(banks, savings)
    found = only_line(banks, savings)
    # The savings line names no account: amount and date alone find the open entry.
    assert found["confidence"] == "medium"
    assert application(found)["entry_no"] == 2
