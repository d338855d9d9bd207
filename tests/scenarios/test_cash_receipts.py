"""A cash receipt journal: a day's receipts typed in one file and posted in one transaction.

Standard company (tests.factories): C1 Alpha GmbH and C3 Gamma Inc.; bank BANK in EUR on G/L
1100, receivables 1300, revenue 4000. Balances are debit positive.
"""

from __future__ import annotations

import pytest

from bankrec.errors import ApplicationError, BankrecError, InputError, NotFoundError
from bankrec.services.database import Database
from bankrec.services.receivables.receipts import post_receipts
from tests.factories import invoice, post, row_counts
from tests.scenarios.test_payment_scenarios import balances, entry, nonzero, open_items

HEADER = (
    "date,account_type,account_no,amount,document_no,description,applies_to_doc_no,"
    "applies_to_entries"
)


@pytest.fixture
def books(ledger: Database) -> Database:
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00", date="2026-03-01"),
        invoice("SI-3", "C1", "250.00", date="2026-03-01"),
        invoice("SI-4", "C1", "300.00", date="2026-03-01"),
    )
    return ledger


def receipts(db: Database) -> str:
    si3 = entry(db, "customer", "SI-3").entry_no
    si4 = entry(db, "customer", "SI-4").entry_no
    return "\n".join(
        [
            HEADER,
            "2026-03-10,customer,C1,1000.00,R-1,Alpha pays SI-1,SI-1,",
            # A set of entries in the order given: SI-4 first closes, SI-3 keeps the rest.
            f"2026-03-10,customer,C1,400.00,R-2,Alpha pays two,,{si4};{si3}",
            "2026-03-10,customer,C3,300.00,R-3,Gamma pays on account,,",
            "2026-03-10,gl,4000,50.00,R-4,Cash sale,,",
        ]
    )


def test_a_day_of_receipts_posts_as_one_transaction(books: Database) -> None:
    summary = post_receipts(books, receipts(books), "receipts.csv", "tester", bank="BANK")
    assert summary.as_json() == {
        "transaction_no": summary.transaction_no,
        "lines": 4,
        "documents": ["R-1", "R-2", "R-3", "R-4"],
        "applications": 2,
        "dry_run": False,
    }
    assert open_items(books) == {"SI-3": "150.00", "R-3": "-300.00"}
    assert nonzero(balances(books)) == {
        "1100": "1750.00",
        "1300": "-150.00",
        "4000": "-1600.00",
    }
    assert entry(books, "customer", "R-1").document_type == "payment"
    assert entry(books, "customer", "R-1").transaction_no == summary.transaction_no
    assert entry(books, "customer", "R-3").transaction_no == summary.transaction_no


def test_dry_run_checks_and_writes_nothing(books: Database) -> None:
    before = row_counts(books)
    summary = post_receipts(books, receipts(books), "receipts.csv", "tester", "BANK", True)
    assert (summary.transaction_no, summary.lines, summary.applications, summary.dry_run) == (
        None,
        4,
        2,
        True,
    )
    assert row_counts(books) == before


def test_an_unknown_customer_on_line_3_writes_nothing(books: Database) -> None:
    text = "\n".join(
        [
            HEADER,
            "2026-03-10,customer,C1,1000.00,R-1,,SI-1,",
            "2026-03-10,customer,C9,300.00,R-2,,,",
        ]
    )
    before = row_counts(books)
    with pytest.raises(NotFoundError) as refused:
        post_receipts(books, text, "receipts.csv", "tester", bank="BANK")
    assert str(refused.value) == (
        "receipts.csv: line 3: column account_no: customer C9 does not exist; add it with "
        "`bankrec customer add`"
    )
    assert row_counts(books) == before


def test_a_refund_line_pays_money_out(books: Database) -> None:
    post(books, invoice("CM-1", "C1", "-80.00", date="2026-03-02", document_type="credit-memo"))
    text = "\n".join(
        [
            "date,account_type,account_no,amount,document_no,bank,applies_to_doc_no",
            "2026-03-10,customer,C1,-80.00,RF-1,BANK,CM-1",
        ]
    )
    summary = post_receipts(books, text, "refunds.csv", "tester")
    assert summary.applications == 1
    assert entry(books, "customer", "RF-1").document_type == "refund"
    assert "CM-1" not in open_items(books)
    assert nonzero(balances(books))["1100"] == "-80.00"


@pytest.mark.parametrize(
    ("line", "error", "message"),
    [
        (
            "2026-03-10,customer,C1,100.00,R-1,,SI-9,",
            ApplicationError,
            "receipts.csv: line 2: column applies_to_doc_no: customer C1 has no open invoice SI-9",
        ),
        (
            "2026-03-10,customer,C1,100.00,R-1,,,999",
            NotFoundError,
            "receipts.csv: line 2: column applies_to_entries: customer entry 999 does not exist",
        ),
        (
            "2026-03-10,customer,C1,100.00,,,,",
            InputError,
            "receipts.csv: line 2: column document_no: is empty and the company has no journal "
            "number series",
        ),
        ("2026-03-10,gl,4000,0,R-1,,,", InputError, "receipts.csv: line 2: column amount: is 0"),
        (
            "2026-03-10,gl,4000,10.00,R-1,,SI-1,",
            InputError,
            "receipts.csv: line 2: column applies_to_doc_no: only customer lines apply",
        ),
    ],
)
def test_bad_lines_name_file_line_and_column(
    books: Database, line: str, error: type[BankrecError], message: str
) -> None:
    before = row_counts(books)
    with pytest.raises(error) as refused:
        post_receipts(books, f"{HEADER}\n{line}", "receipts.csv", "tester", bank="BANK")
    assert str(refused.value).startswith(message)
    assert row_counts(books) == before


def test_a_line_without_a_bank_says_which_column(books: Database) -> None:
    with pytest.raises(InputError, match=r"receipts.csv: line 2: column bank: is empty"):
        post_receipts(books, f"{HEADER}\n2026-03-10,gl,4000,10.00,R-1,,,", "receipts.csv", "t")
