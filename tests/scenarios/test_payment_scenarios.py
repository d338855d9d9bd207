"""A bookkeeper's day: invoices go out, money comes in, and every cent lands where it should.

Each scenario posts journal documents and then checks the customer or vendor entries'
remaining amounts and the G/L balance of every account touched, to the cent. Balances follow
the ledger's convention: debit positive, so revenue shows as a negative balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from bankrec.errors import ApplicationError, ReversalError
from bankrec.services.corrections import reverse_transaction, unapply_entry
from bankrec.services.database import Database
from bankrec.services.ledger_queries import EntryView, list_entries, trial_balance
from bankrec.services.masterdata import set_company
from bankrec.services.masterdata_inputs import CompanyInput
from tests.factories import (
    invoice,
    payment,
    post,
    row_counts,
    vendor_invoice,
    vendor_payment,
)

Row = dict[str, str]

# -- reading the books ----------------------------------------------------------------------------


def balances(db: Database) -> dict[str, str]:
    """The balance of every G/L account that has entries, as text: {"1100": "980.00", ...}."""
    tb = trial_balance(db)
    assert str(tb.total) == "0.00", "the trial balance must always balance"
    return {line.account_no: str(line.balance) for line in tb.lines}


def nonzero(books: dict[str, str]) -> dict[str, str]:
    """Only the accounts whose balance is not zero (an account fully reversed shows 0.00)."""
    return {no: balance for no, balance in books.items() if Decimal(balance) != 0}


def entry(db: Database, ledger: str, document_no: str) -> EntryView:
    """The original (not a reversal's mirror) customer or vendor entry of a document."""
    found = [
        e
        for e in list_entries(db, ledger)
        if e.document_no == document_no and e.extra["reversed_entry_no"] is None
    ]
    assert len(found) == 1, f"expected one {ledger} entry {document_no}, found {len(found)}"
    return found[0]


def remaining(db: Database, ledger: str, document_no: str) -> str:
    return str(entry(db, ledger, document_no).remaining_amount)


def open_items(db: Database, ledger: str = "customer") -> dict[str, str]:
    """Document no. -> remaining amount of every open entry."""
    return {
        e.document_no: str(e.remaining_amount) for e in list_entries(db, ledger, open_only=True)
    }


def transaction_of(db: Database, ledger: str, document_no: str) -> int:
    return entry(db, ledger, document_no).transaction_no


def set_tolerance(db: Database) -> None:
    """Payment tolerance of 1 %, at most 5.00; invoices posted afterwards carry it."""
    set_company(
        db, CompanyInput(payment_tolerance_pct=Decimal("1"), max_payment_tolerance=Decimal("5.00"))
    )


# -- a. one payment, two invoices -----------------------------------------------------------------


def test_one_payment_settles_two_invoices(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))
    post(ledger, invoice("SI-2", "C1", "250.50"))
    assert open_items(ledger) == {"SI-1": "100.00", "SI-2": "250.50"}
    assert balances(ledger) == {"1300": "350.50", "4000": "-350.50"}

    summary = post(ledger, payment("PAY-1", "C1", "350.50", applies_to="SI-1;SI-2"))

    assert summary.applications == 1
    assert remaining(ledger, "customer", "SI-1") == "0.00"
    assert remaining(ledger, "customer", "SI-2") == "0.00"
    assert remaining(ledger, "customer", "PAY-1") == "0.00"
    assert open_items(ledger) == {}
    assert balances(ledger) == {"1100": "350.50", "1300": "0.00", "4000": "-350.50"}


def test_payment_short_of_two_invoices_closes_the_first_and_reduces_the_second(
    ledger: Database,
) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"), invoice("SI-2", "C1", "250.50"))

    post(ledger, payment("PAY-1", "C1", "300.00", applies_to="SI-1 SI-2"))

    assert open_items(ledger) == {"SI-2": "50.50"}
    assert balances(ledger) == {"1100": "300.00", "1300": "50.50", "4000": "-350.50"}


# -- b. a partial payment, then the rest ----------------------------------------------------------


def test_partial_payment_leaves_the_rest_open_until_the_second_payment(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "1000.00"))

    post(ledger, payment("PAY-1", "C1", "400.00", applies_to="SI-1", date="2026-02-10"))

    assert open_items(ledger) == {"SI-1": "600.00"}
    assert remaining(ledger, "customer", "PAY-1") == "0.00"
    assert balances(ledger) == {"1100": "400.00", "1300": "600.00", "4000": "-1000.00"}

    post(ledger, payment("PAY-2", "C1", "600.00", applies_to="SI-1", date="2026-02-20"))

    assert open_items(ledger) == {}
    assert balances(ledger) == {"1100": "1000.00", "1300": "0.00", "4000": "-1000.00"}


def test_payment_larger_than_the_invoice_stays_open_with_the_excess(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))

    post(ledger, payment("PAY-1", "C1", "150.00", applies_to="SI-1"))

    assert open_items(ledger) == {"PAY-1": "-50.00"}
    assert balances(ledger) == {"1100": "150.00", "1300": "-50.00", "4000": "-100.00"}


# -- c. payment discount granted ------------------------------------------------------------------


def test_c2_invoice_carries_its_discount_terms(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C2", "1000.00", date="2026-02-01"))

    si = entry(ledger, "customer", "SI-1")
    assert si.extra["pmt_discount_date"] == "2026-02-11"
    assert si.extra["remaining_pmt_discount"] == "20.00"
    assert si.extra["due_date"] == "2026-03-03"


@pytest.mark.parametrize("paid_on", ["2026-02-05", "2026-02-11"])
def test_payment_within_the_discount_date_takes_the_discount(
    ledger: Database, paid_on: str
) -> None:
    post(ledger, invoice("SI-1", "C2", "1000.00", date="2026-02-01"))

    post(ledger, payment("PAY-1", "C2", "980.00", applies_to="SI-1", date=paid_on))

    si = entry(ledger, "customer", "SI-1")
    assert str(si.remaining_amount) == "0.00"
    assert si.extra["remaining_amount_lcy"] == "0.00"
    assert si.extra["remaining_pmt_discount"] == "0.00"
    assert remaining(ledger, "customer", "PAY-1") == "0.00"
    assert balances(ledger) == {
        "1100": "980.00",
        "1300": "0.00",
        "4000": "-1000.00",
        "7900": "20.00",
    }


def test_payment_after_the_discount_date_leaves_the_discount_open(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C2", "1000.00", date="2026-02-01"))

    post(ledger, payment("PAY-1", "C2", "980.00", applies_to="SI-1", date="2026-02-12"))

    assert open_items(ledger) == {"SI-1": "20.00"}
    assert remaining(ledger, "customer", "PAY-1") == "0.00"
    assert balances(ledger) == {"1100": "980.00", "1300": "20.00", "4000": "-1000.00"}


# -- d. foreign currency: realized exchange differences -------------------------------------------


def usd_invoice(doc: str, amount: str, date: str = "2026-02-01") -> Row:
    return invoice(doc, "C3", amount, date=date, currency="USD")


def usd_payment(doc: str, amount: str, applies_to: str, date: str) -> Row:
    return payment(
        doc, "C3", amount, applies_to=applies_to, date=date, bank="USDBANK", currency="USD"
    )


def test_usd_invoice_is_booked_at_the_rate_of_its_date(ledger: Database) -> None:
    post(ledger, usd_invoice("SI-USD", "1000.00"))

    si = entry(ledger, "customer", "SI-USD")
    assert (str(si.amount), si.currency, si.extra["amount_lcy"]) == ("1000.00", "USD", "900.00")
    assert balances(ledger) == {"1300": "900.00", "4000": "-900.00"}


def test_usd_payment_at_a_higher_rate_realizes_a_gain(ledger: Database) -> None:
    post(ledger, usd_invoice("SI-USD", "1000.00"))

    post(ledger, usd_payment("PAY-USD", "1000.00", "SI-USD", "2026-03-05"))

    for doc in ("SI-USD", "PAY-USD"):
        closed = entry(ledger, "customer", doc)
        assert (str(closed.remaining_amount), closed.extra["remaining_amount_lcy"]) == (
            "0.00",
            "0.00",
        )
    assert balances(ledger) == {
        "1110": "950.00",
        "1300": "0.00",
        "4000": "-900.00",
        "7800": "-50.00",
    }


def test_usd_payment_at_a_lower_rate_realizes_a_loss(ledger: Database) -> None:
    post(ledger, usd_invoice("SI-USD", "1000.00"))

    post(ledger, usd_payment("PAY-USD", "1000.00", "SI-USD", "2026-04-02"))

    assert open_items(ledger) == {}
    assert balances(ledger) == {
        "1110": "850.00",
        "1300": "0.00",
        "4000": "-900.00",
        "7810": "50.00",
    }


def test_usd_invoice_paid_in_two_parts_realizes_a_gain_then_a_loss(ledger: Database) -> None:
    post(ledger, usd_invoice("SI-USD", "1000.00"))

    post(ledger, usd_payment("PAY-1", "400.00", "SI-USD", "2026-03-05"))

    si = entry(ledger, "customer", "SI-USD")
    assert (str(si.remaining_amount), si.extra["remaining_amount_lcy"]) == ("600.00", "540.00")
    assert balances(ledger) == {
        "1110": "380.00",
        "1300": "540.00",
        "4000": "-900.00",
        "7800": "-20.00",
    }

    post(ledger, usd_payment("PAY-2", "600.00", "SI-USD", "2026-04-02"))

    assert open_items(ledger) == {}
    assert balances(ledger) == {
        "1110": "890.00",
        "1300": "0.00",
        "4000": "-900.00",
        "7800": "-20.00",
        "7810": "30.00",
    }


def test_usd_amounts_round_once_per_entry_and_close_without_a_stray_cent(
    ledger: Database,
) -> None:
    # 1234.57 USD at 0.90 is 1111.113 EUR, booked as 1111.11; at 0.95 it is 1172.8415 -> 1172.84.
    post(ledger, usd_invoice("SI-USD", "1234.57"))
    post(ledger, usd_payment("PAY-USD", "1234.57", "SI-USD", "2026-03-05"))

    assert open_items(ledger) == {}
    assert balances(ledger) == {
        "1110": "1172.84",
        "1300": "0.00",
        "4000": "-1111.11",
        "7800": "-61.73",
    }


def test_usd_payment_cannot_apply_to_a_eur_invoice(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C3", "100.00"))
    counts = row_counts(ledger)

    with pytest.raises(
        ApplicationError,
        match=r"SI-1.* is in EUR but .*PAY-USD.* is in USD; post the payment in EUR",
    ):
        post(ledger, usd_payment("PAY-USD", "100.00", "SI-1", "2026-03-05"))

    assert row_counts(ledger) == counts


# -- e. payment discount received -----------------------------------------------------------------


def test_vendor_paid_within_the_discount_date_gives_a_discount_received(ledger: Database) -> None:
    post(ledger, vendor_invoice("PI-1", "V2", "500.00", date="2026-02-01"))
    assert entry(ledger, "vendor", "PI-1").extra["remaining_pmt_discount"] == "-10.00"
    assert balances(ledger) == {"2300": "-500.00", "6000": "500.00"}

    post(ledger, vendor_payment("VP-1", "V2", "490.00", applies_to="PI-1", date="2026-02-05"))

    assert open_items(ledger, "vendor") == {}
    assert remaining(ledger, "vendor", "PI-1") == "0.00"
    assert balances(ledger) == {
        "1100": "-490.00",
        "2300": "0.00",
        "6000": "500.00",
        "7910": "-10.00",
    }


def test_vendor_paid_late_still_owes_the_discount(ledger: Database) -> None:
    post(ledger, vendor_invoice("PI-1", "V2", "500.00", date="2026-02-01"))

    post(ledger, vendor_payment("VP-1", "V2", "490.00", applies_to="PI-1", date="2026-02-20"))

    assert open_items(ledger, "vendor") == {"PI-1": "-10.00"}
    assert balances(ledger) == {"1100": "-490.00", "2300": "-10.00", "6000": "500.00"}


# -- f. payment tolerance -------------------------------------------------------------------------


def test_underpayment_within_tolerance_closes_with_a_tolerance_expense(ledger: Database) -> None:
    set_tolerance(ledger)
    post(ledger, invoice("SI-1", "C1", "400.00"))

    post(ledger, payment("PAY-1", "C1", "397.00", applies_to="SI-1"))

    assert open_items(ledger) == {}
    assert balances(ledger) == {
        "1100": "397.00",
        "1300": "0.00",
        "4000": "-400.00",
        "7920": "3.00",
    }


def test_overpayment_within_tolerance_closes_both_with_tolerance_income(ledger: Database) -> None:
    set_tolerance(ledger)
    post(ledger, invoice("SI-1", "C1", "400.00"))

    post(ledger, payment("PAY-1", "C1", "402.00", applies_to="SI-1"))

    assert open_items(ledger) == {}
    assert remaining(ledger, "customer", "PAY-1") == "0.00"
    assert balances(ledger) == {
        "1100": "402.00",
        "1300": "0.00",
        "4000": "-400.00",
        "7930": "-2.00",
    }


def test_underpayment_beyond_tolerance_leaves_the_difference_open(ledger: Database) -> None:
    set_tolerance(ledger)  # 1 % of 400.00 is 4.00, below the 5.00 cap
    post(ledger, invoice("SI-1", "C1", "400.00"))

    post(ledger, payment("PAY-1", "C1", "395.00", applies_to="SI-1"))

    assert open_items(ledger) == {"SI-1": "5.00"}
    assert balances(ledger) == {"1100": "395.00", "1300": "5.00", "4000": "-400.00"}


def test_tolerance_is_capped_by_the_maximum(ledger: Database) -> None:
    set_tolerance(ledger)  # 1 % of 1000.00 is 10.00, capped at 5.00
    post(ledger, invoice("SI-1", "C1", "1000.00"))

    post(ledger, payment("PAY-1", "C1", "994.00", applies_to="SI-1"))

    assert open_items(ledger) == {"SI-1": "6.00"}
    post(ledger, payment("PAY-2", "C1", "1.00", applies_to="SI-1"))
    assert open_items(ledger) == {}
    assert nonzero(balances(ledger)) == {"1100": "995.00", "4000": "-1000.00", "7920": "5.00"}


def test_invoice_posted_before_tolerance_was_set_has_none(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "400.00"))
    set_tolerance(ledger)

    post(ledger, payment("PAY-1", "C1", "397.00", applies_to="SI-1"))

    assert open_items(ledger) == {"SI-1": "3.00"}


# -- g. unapply puts every amount back ------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    """Documents on the books, then one payment that applies to them."""

    documents: tuple[Row, ...]
    payment: Row
    ledger: str
    bank_account: str
    control_account: str
    bank_lcy: str
    """What the payment itself moves on the bank's G/L account (signed, local currency)."""
    tolerance: bool = False


SETTLEMENTS = {
    "a-two-invoices": Settlement(
        (invoice("SI-1", "C1", "100.00"), invoice("SI-2", "C1", "250.50")),
        payment("PAY-1", "C1", "350.50", applies_to="SI-1;SI-2"),
        "customer",
        "1100",
        "1300",
        "350.50",
    ),
    "b-first-partial-payment": Settlement(
        (invoice("SI-1", "C1", "1000.00"),),
        payment("PAY-1", "C1", "400.00", applies_to="SI-1"),
        "customer",
        "1100",
        "1300",
        "400.00",
    ),
    "b-payment-closing-the-rest": Settlement(
        (
            invoice("SI-1", "C1", "1000.00"),
            payment("PAY-1", "C1", "400.00", applies_to="SI-1"),
        ),
        payment("PAY-2", "C1", "600.00", applies_to="SI-1", date="2026-02-20"),
        "customer",
        "1100",
        "1300",
        "600.00",
    ),
    "c-discount-granted": Settlement(
        (invoice("SI-1", "C2", "1000.00"),),
        payment("PAY-1", "C2", "980.00", applies_to="SI-1", date="2026-02-05"),
        "customer",
        "1100",
        "1300",
        "980.00",
    ),
    "d-fx-gain": Settlement(
        (usd_invoice("SI-USD", "1000.00"),),
        usd_payment("PAY-USD", "1000.00", "SI-USD", "2026-03-05"),
        "customer",
        "1110",
        "1300",
        "950.00",
    ),
    "d-fx-loss-partial": Settlement(
        (usd_invoice("SI-USD", "1234.57"),),
        usd_payment("PAY-USD", "333.33", "SI-USD", "2026-04-02"),
        "customer",
        "1110",
        "1300",
        "283.33",
    ),
    "e-discount-received": Settlement(
        (vendor_invoice("PI-1", "V2", "500.00"),),
        vendor_payment("VP-1", "V2", "490.00", applies_to="PI-1", date="2026-02-05"),
        "vendor",
        "1100",
        "2300",
        "-490.00",
    ),
    "f-tolerance-expense": Settlement(
        (invoice("SI-1", "C1", "400.00"),),
        payment("PAY-1", "C1", "397.00", applies_to="SI-1"),
        "customer",
        "1100",
        "1300",
        "397.00",
        tolerance=True,
    ),
    "f-tolerance-income": Settlement(
        (invoice("SI-1", "C1", "400.00"),),
        payment("PAY-1", "C1", "402.00", applies_to="SI-1"),
        "customer",
        "1100",
        "1300",
        "402.00",
        tolerance=True,
    ),
}


def party_state(db: Database, ledger: str) -> dict[int, tuple[str, str, str, bool]]:
    """Entry no. -> (remaining, remaining in local currency, discount still possible, open)."""
    return {
        e.entry_no: (
            str(e.remaining_amount),
            e.extra["remaining_amount_lcy"],
            e.extra["remaining_pmt_discount"],
            bool(e.open),
        )
        for e in list_entries(db, ledger)
    }


def shifted(books: dict[str, str], moves: dict[str, str]) -> dict[str, str]:
    """``books`` with ``moves`` added, zero balances dropped."""
    result = {no: Decimal(balance) for no, balance in books.items()}
    for no, amount in moves.items():
        result[no] = result.get(no, Decimal("0.00")) + Decimal(amount)
    return nonzero({no: str(balance) for no, balance in result.items()})


@pytest.mark.parametrize("case", SETTLEMENTS.values(), ids=SETTLEMENTS.keys())
def test_unapply_restores_every_amount(ledger: Database, case: Settlement) -> None:
    if case.tolerance:
        set_tolerance(ledger)
    for document in case.documents:
        post(ledger, document)
    entries_before = party_state(ledger, case.ledger)
    books_before = balances(ledger)

    post(ledger, case.payment)
    paid = entry(ledger, case.ledger, case.payment["document_no"])
    assert not paid.open, "the payment should have been applied in full"

    result = unapply_entry(ledger, paid.entry_no, "tester", ledger_kind=case.ledger)

    assert result.applications_undone == [result.corrected]
    # Every entry is back where it was, and the payment stands open for its full amount.
    assert party_state(ledger, case.ledger) == {
        **entries_before,
        paid.entry_no: (str(paid.amount), paid.extra["amount_lcy"], "0.00", True),
    }
    # The G/L holds what it held before plus the payment itself: bank up, control account down.
    negated = str(-Decimal(case.bank_lcy))
    assert nonzero(balances(ledger)) == shifted(
        books_before, {case.bank_account: case.bank_lcy, case.control_account: negated}
    )


def test_unapplied_invoice_takes_a_new_payment_without_the_lapsed_discount(
    ledger: Database,
) -> None:
    post(ledger, invoice("SI-1", "C2", "1000.00"))
    post(ledger, payment("PAY-1", "C2", "980.00", applies_to="SI-1", date="2026-02-05"))
    unapply_entry(ledger, entry(ledger, "customer", "PAY-1").entry_no, "tester")
    assert open_items(ledger) == {"SI-1": "1000.00", "PAY-1": "-980.00"}
    assert entry(ledger, "customer", "SI-1").extra["remaining_pmt_discount"] == "20.00"

    # Paid again after the discount date: no discount, the invoice is reduced by what came in.
    post(ledger, payment("PAY-2", "C2", "20.00", applies_to="SI-1", date="2026-02-20"))
    assert open_items(ledger) == {"SI-1": "980.00", "PAY-1": "-980.00"}
    assert nonzero(balances(ledger)) == {"1100": "1000.00", "4000": "-1000.00"}


def test_unapplying_twice_is_refused(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))
    post(ledger, payment("PAY-1", "C1", "100.00", applies_to="SI-1"))
    pay = entry(ledger, "customer", "PAY-1").entry_no
    unapply_entry(ledger, pay, "tester")
    counts = row_counts(ledger)

    with pytest.raises(ApplicationError, match="no application to undo"):
        unapply_entry(ledger, pay, "tester")

    assert row_counts(ledger) == counts


# -- h. reversing a transaction -------------------------------------------------------------------


def test_reversing_the_payment_reopens_both_invoices(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))
    post(ledger, invoice("SI-2", "C1", "250.50"))
    books_before = balances(ledger)
    summary = post(ledger, payment("PAY-1", "C1", "350.50", applies_to="SI-1;SI-2"))
    assert summary.transaction_no is not None

    result = reverse_transaction(ledger, summary.transaction_no, "tester")

    assert len(result.applications_undone) == 1
    assert nonzero(balances(ledger)) == nonzero(books_before)
    assert balances(ledger)["1100"] == "0.00"
    assert open_items(ledger) == {"SI-1": "100.00", "SI-2": "250.50"}
    payments = [e for e in list_entries(ledger, "customer") if e.document_no == "PAY-1"]
    assert [(str(e.amount), str(e.remaining_amount), e.reversed) for e in payments] == [
        ("-350.50", "0.00", True),
        ("350.50", "0.00", True),
    ]
    banked = list_entries(ledger, "bank", account="BANK")
    assert [(str(e.amount), e.reversed) for e in banked] == [("350.50", True), ("-350.50", True)]
    for gl in list_entries(ledger, "gl"):
        touched = gl.transaction_no in (summary.transaction_no, result.transaction_no)
        assert gl.reversed == touched
    invoices = [e for e in list_entries(ledger, "customer") if e.document_type == "invoice"]
    assert [e.reversed for e in invoices] == [False, False]


def test_reversing_twice_is_refused(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))
    summary = post(ledger, payment("PAY-1", "C1", "100.00", applies_to="SI-1"))
    assert summary.transaction_no is not None
    result = reverse_transaction(ledger, summary.transaction_no, "tester")
    counts = row_counts(ledger)

    with pytest.raises(ReversalError, match="already reversed"):
        reverse_transaction(ledger, summary.transaction_no, "tester")
    with pytest.raises(ReversalError, match="only journal postings reverse"):
        reverse_transaction(ledger, result.transaction_no, "tester")

    assert row_counts(ledger) == counts


def test_reversing_an_invoice_applied_later_asks_to_unapply_first(ledger: Database) -> None:
    books_at_start = balances(ledger)
    invoice_txn = post(ledger, invoice("SI-1", "C1", "100.00")).transaction_no
    assert invoice_txn is not None
    post(ledger, payment("PAY-1", "C1", "100.00", applies_to="SI-1"))
    counts = row_counts(ledger)

    with pytest.raises(ReversalError, match="unapply") as refused:
        reverse_transaction(ledger, invoice_txn, "tester")

    pay = entry(ledger, "customer", "PAY-1").entry_no
    assert f"bankrec unapply {pay} --ledger customer" in refused.value.message
    assert row_counts(ledger) == counts

    unapply_entry(ledger, pay, "tester")
    reverse_transaction(ledger, invoice_txn, "tester")

    assert entry(ledger, "customer", "SI-1").reversed
    assert open_items(ledger) == {"PAY-1": "-100.00"}
    assert nonzero(balances(ledger)) == shifted(
        books_at_start, {"1100": "100.00", "1300": "-100.00"}
    )


def test_reversing_a_usd_payment_takes_back_the_exchange_gain(ledger: Database) -> None:
    post(ledger, usd_invoice("SI-USD", "1000.00"))
    books_before = balances(ledger)
    txn = post(ledger, usd_payment("PAY-USD", "1000.00", "SI-USD", "2026-03-05")).transaction_no
    assert txn is not None
    assert balances(ledger)["7800"] == "-50.00"

    reverse_transaction(ledger, txn, "tester")

    assert nonzero(balances(ledger)) == nonzero(books_before)
    si = entry(ledger, "customer", "SI-USD")
    assert (str(si.remaining_amount), si.extra["remaining_amount_lcy"]) == ("1000.00", "900.00")


def test_reversing_an_invoice_that_used_up_a_payment_on_account(ledger: Database) -> None:
    # PAY-1 was applied to SI-1 before SI-2 was posted: that earlier application stays and
    # does not stand in the way of reversing SI-2.
    post(ledger, invoice("SI-1", "C1", "100.00"))
    post(ledger, payment("PAY-1", "C1", "150.00", applies_to="SI-1"))
    assert open_items(ledger) == {"PAY-1": "-50.00"}
    books_before = balances(ledger)
    wrong = post(ledger, invoice("SI-2", "C1", "50.00", applies_to_doc_no="PAY-1")).transaction_no
    assert wrong is not None
    assert open_items(ledger) == {}

    reverse_transaction(ledger, wrong, "tester")

    assert open_items(ledger) == {"PAY-1": "-50.00"}
    assert nonzero(balances(ledger)) == nonzero(books_before)


# -- i. unapply in the right order ----------------------------------------------------------------


def test_earlier_application_cannot_be_unapplied_while_a_later_one_is_live(
    ledger: Database,
) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))
    post(ledger, payment("PAY-1", "C1", "40.00", applies_to="SI-1"))
    post(ledger, payment("PAY-2", "C1", "60.00", applies_to="SI-1", date="2026-02-20"))
    first = entry(ledger, "customer", "PAY-1").entry_no
    second = entry(ledger, "customer", "PAY-2").entry_no
    counts = row_counts(ledger)

    with pytest.raises(ApplicationError, match="applied again later") as refused:
        unapply_entry(ledger, first, "tester")

    assert f"bankrec unapply {second} --ledger customer" in refused.value.message
    assert row_counts(ledger) == counts

    unapply_entry(ledger, second, "tester")
    assert open_items(ledger) == {"SI-1": "60.00", "PAY-2": "-60.00"}
    unapply_entry(ledger, first, "tester")
    assert open_items(ledger) == {"SI-1": "100.00", "PAY-1": "-40.00", "PAY-2": "-60.00"}
    assert nonzero(balances(ledger)) == {"1100": "100.00", "4000": "-100.00"}


def test_unapplying_through_the_invoice_undoes_the_latest_application(ledger: Database) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"))
    post(ledger, payment("PAY-1", "C1", "40.00", applies_to="SI-1"))
    post(ledger, payment("PAY-2", "C1", "60.00", applies_to="SI-1", date="2026-02-20"))
    si = entry(ledger, "customer", "SI-1").entry_no

    unapply_entry(ledger, si, "tester")
    assert open_items(ledger) == {"SI-1": "60.00", "PAY-2": "-60.00"}
    unapply_entry(ledger, si, "tester")
    assert open_items(ledger) == {"SI-1": "100.00", "PAY-1": "-40.00", "PAY-2": "-60.00"}


def test_reversing_a_transaction_that_made_two_applications_reopens_both(
    ledger: Database,
) -> None:
    post(ledger, invoice("SI-1", "C1", "100.00"), invoice("SI-3", "C3", "300.00"))
    both = post(
        ledger,
        payment("PAY-1", "C1", "100.00", applies_to="SI-1"),
        payment("PAY-3", "C3", "300.00", applies_to="SI-3"),
    )
    assert both.applications == 2
    assert open_items(ledger) == {}
    assert both.transaction_no is not None
    reverse_transaction(ledger, both.transaction_no, "tester")
    assert open_items(ledger) == {"SI-1": "100.00", "SI-3": "300.00"}
