"""A statement comes in; the payment reconciliation journal applies, the bookkeeper decides, and
posting lands every cent: the worked cases of reference 13.4 end to end, plus posting refusals.

The standard company (tests.factories): C1 Alpha GmbH with IBAN DE89370400440532013000, C2 Beta
B.V. on 2 % / 10 days, C3 Gamma Inc.; bank BANK in EUR on G/L 1100.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.errors import PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.masterdata import set_company
from bankrec.services.masterdata_inputs import CompanyInput
from bankrec.services.payjournal import accept, show_journal
from bankrec.services.payjournal.apply import apply_journal, line_candidates
from bankrec.services.payjournal.post import PostOptions, post_payment_journal
from bankrec.services.payjournal.reverse import reverse_journal
from bankrec.services.text_mappings import add_mapping
from tests.factories import invoice, post, row_counts, vendor_invoice
from tests.scenarios.pay_support import Tx, balance_last_statement, journal_for
from tests.scenarios.test_payment_scenarios import balances, nonzero, open_items, remaining

IBAN_C1 = "DE89 3704 0044 0532 0130 00"


@pytest.fixture
def books(ledger: Database) -> Database:
    post(
        ledger,
        invoice("103001", "C1", "1000.00", date="2026-03-01", due_date="2026-03-10"),
        invoice("103002", "C1", "250.00", date="2026-03-01", due_date="2026-03-15"),
        invoice("SI-2001", "C3", "500.00", date="2026-03-01"),
    )
    return ledger


def line(db: Database, journal: int, line_no: int) -> dict[str, object]:
    document = show_journal(db, journal)
    found: dict[str, object] = next(x for x in document["lines"] if x["line"] == line_no)
    return found


def applied_documents(found: dict[str, object]) -> dict[str, str]:
    applications = found["applications"]
    assert isinstance(applications, list)
    return {a["document_no"]: a["applied_amount"] for a in applications}


def test_case_a_one_payment_for_two_invoices_posts_and_reconciles(books: Database) -> None:
    journal = journal_for(
        books, "BANK", [Tx("2026-03-20", "1250.00", "INV 103001 103002", "Alpha GmbH", IBAN_C1)]
    )
    summary = apply_journal(books, journal)
    assert summary.matched == 1
    found = line(books, journal, 1)
    assert found["confidence"] == "high"
    assert applied_documents(found) == {"103001": "1000.00", "103002": "250.00"}
    result = post_payment_journal(books, journal, PostOptions(user="tester"))
    assert result.reconciled
    assert result.statement_no == 1
    assert open_items(books) == {"SI-2001": "500.00"}
    assert balances(books)["1100"] == "1250.00"
    assert balance_last_statement(books, "BANK") == 125000


def test_case_d_partial_payment_is_medium_and_leaves_the_rest_open(books: Database) -> None:
    journal = journal_for(books, "BANK", [Tx("2026-03-20", "600.00", "103001", "", IBAN_C1)])
    apply_journal(books, journal)
    found = line(books, journal, 1)
    assert found["confidence"] == "medium"
    assert applied_documents(found) == {"103001": "600.00"}
    with pytest.raises(PaymentJournalError, match="not accepted"):
        post_payment_journal(books, journal, PostOptions(payments_only=True))
    accept(books, journal, [1])
    post_payment_journal(books, journal, PostOptions(payments_only=True))
    assert remaining(books, "customer", "103001") == "400.00"


def test_case_e_overpayment_accepted_puts_the_rest_on_account(books: Database) -> None:
    journal = journal_for(books, "BANK", [Tx("2026-03-20", "1050.00", "103001", "", IBAN_C1)])
    apply_journal(books, journal)
    found = line(books, journal, 1)
    assert found["difference"] == "50.00"
    accept(books, journal, [1])
    post_payment_journal(books, journal, PostOptions(payments_only=True))
    items = open_items(books)
    assert "103001" not in items
    assert items["PJ-" + str(journal)] == "-50.00"


def test_case_f_bank_fee_through_a_text_mapping(books: Database) -> None:
    add_mapping(books, "MYBANK", gl_debit="6800", gl_credit="6800")
    journal = journal_for(books, "BANK", [Tx("2026-03-20", "-12.50", "MONTHLY FEE MYBANK")])
    apply_journal(books, journal)
    found = line(books, journal, 1)
    assert found["confidence"] == "high"
    assert found["status"] == "text_mapping"
    post_payment_journal(books, journal, PostOptions(user="tester"))
    assert balances(books)["6800"] == "12.50"
    assert balances(books)["1100"] == "-12.50"


def test_case_g_discount_within_the_date_is_posted(ledger: Database) -> None:
    post(ledger, invoice("SI-3001", "C2", "1000.00", date="2026-03-01"))
    journal = journal_for(ledger, "BANK", [Tx("2026-03-08", "980.00", "SI-3001", "Beta BV")])
    apply_journal(ledger, journal)
    found = line(ledger, journal, 1)
    assert found["confidence"] == "high"
    applications = found["applications"]
    assert isinstance(applications, list)
    assert (applications[0]["applied_amount"], applications[0]["discount"]) == ("1000.00", "20.00")
    post_payment_journal(ledger, journal, PostOptions(user="tester"))
    assert open_items(ledger) == {}
    assert balances(ledger)["7900"] == "20.00"


def test_cases_h_and_i_are_not_applied_and_say_why(books: Database) -> None:
    journal = journal_for(
        books,
        "BANK",
        [Tx("2026-02-20", "500.00", "SI-2001"), Tx("2026-03-20", "-1000.00", "103001")],
    )
    apply_journal(books, journal)
    early, negative = line(books, journal, 1), line(books, journal, 2)
    assert early["confidence"] == negative["confidence"] == "none"
    assert "after the payment" in " ".join(m["reason"] for m in early["near_misses"])  # type: ignore[attr-defined]
    assert "sign" in " ".join(m["reason"] for m in negative["near_misses"])  # type: ignore[attr-defined]


def test_vendor_payment_by_external_document_number(ledger: Database) -> None:
    post(
        ledger,
        vendor_invoice(
            "PI-7", "V1", "300.00", date="2026-03-01", external_document_no="LL-2026-03"
        ),
    )
    journal = journal_for(
        ledger, "BANK", [Tx("2026-03-05", "-300.00", "Rent LL-2026-03", "Landlord KG")]
    )
    apply_journal(ledger, journal)
    found = line(ledger, journal, 1)
    assert found["confidence"] == "high"
    post_payment_journal(ledger, journal, PostOptions(payments_only=True))
    assert open_items(ledger, "vendor") == {}


def test_usd_invoice_paid_from_the_eur_bank_posts_the_exchange_difference(ledger: Database) -> None:
    """Invoice of 1,000.00 USD at 0.95 (950.00 EUR); the bank credits 880.00 EUR. The table's rate
    of the payment day (0.85) values the invoice at 850.00; the bank's rate is 3.4 % better, within
    the spread a bank may take, so the line settles the invoice and posting books the 70.00 loss
    against its booked value (Business Central would leave 30.00 unapplied)."""
    post(ledger, invoice("SI-USD7", "C3", "1000.00", date="2026-03-01", currency="USD"))
    journal = journal_for(ledger, "BANK", [Tx("2026-04-05", "880.00", "SI-USD7", "Gamma Inc")])
    apply_journal(ledger, journal)
    found = line(ledger, journal, 1)
    assert found["difference"] == "0.00"
    accept(ledger, journal, [1])
    post_payment_journal(ledger, journal, PostOptions(payments_only=True))
    assert open_items(ledger) == {}
    assert balances(ledger)["7810"] == "70.00"


def test_posting_an_unapplied_line_is_refused_and_writes_nothing(books: Database) -> None:
    journal = journal_for(
        books,
        "BANK",
        [Tx("2026-03-20", "1000.00", "103001", "", IBAN_C1), Tx("2026-03-21", "77.00", "no idea")],
    )
    apply_journal(books, journal)
    before = row_counts(books)
    with pytest.raises(PaymentJournalError, match=r"line 2 .* is not applied"):
        post_payment_journal(books, journal, PostOptions())
    assert row_counts(books) == before


def test_posting_a_journal_whose_ending_balance_does_not_tie_is_refused(books: Database) -> None:
    journal = journal_for(
        books, "BANK", [Tx("2026-03-20", "1000.00", "103001", "", IBAN_C1)], closing="999.00"
    )
    apply_journal(books, journal)
    before = row_counts(books)
    with pytest.raises(PaymentJournalError, match="does not tie"):
        post_payment_journal(books, journal, PostOptions())
    assert row_counts(books) == before
    post_payment_journal(books, journal, PostOptions(payments_only=True))
    assert balance_last_statement(books, "BANK") == 0


def test_two_journals_never_claim_more_than_an_invoice_has(books: Database) -> None:
    first = journal_for(books, "BANK", [Tx("2026-03-20", "1000.00", "103001", "", IBAN_C1)])
    second = journal_for(books, "BANK", [Tx("2026-03-21", "1000.00", "103001", "", IBAN_C1)])
    apply_journal(books, first)
    apply_journal(books, second)
    assert applied_documents(line(books, first, 1)) == {"103001": "1000.00"}
    second_line = line(books, second, 1)
    assert "103001" not in applied_documents(second_line)
    assert second_line["confidence"] in ("low", "none")


def test_candidates_rank_every_plausible_entry_with_evidence(books: Database) -> None:
    journal = journal_for(books, "BANK", [Tx("2026-03-20", "1000.00", "103001", "", IBAN_C1)])
    found = line_candidates(books, journal, 1)
    first = found["candidates"][0]
    assert first["document_nos"] == ["103001"] or first["document_nos"] == ("103001",)
    assert first["confidence"] == "high"


def test_payment_short_within_the_tolerance_closes_the_invoice(ledger: Database) -> None:
    """Tolerance 1 %, at most 5.00: 996.00 paid on 1,000.00 is High and closes the invoice with
    4.00 posted as a tolerance expense."""
    set_company(
        ledger,
        CompanyInput(payment_tolerance_pct=Decimal("1"), max_payment_tolerance=Decimal("5.00")),
    )
    post(ledger, invoice("SI-4001", "C1", "1000.00", date="2026-03-01"))
    journal = journal_for(ledger, "BANK", [Tx("2026-03-08", "996.00", "SI-4001", "", IBAN_C1)])
    apply_journal(ledger, journal)
    found = line(ledger, journal, 1)
    assert found["confidence"] == "high"
    assert "tolerance" in " ".join(found["details"])  # type: ignore[arg-type]
    post_payment_journal(ledger, journal, PostOptions(payments_only=True))
    assert open_items(ledger) == {}
    assert balances(ledger)["7920"] == "4.00"


def test_reversing_a_reconciled_journal_restores_the_books_and_reopens_its_lines(
    books: Database,
) -> None:
    journal = journal_for(
        books, "BANK", [Tx("2026-03-20", "1250.00", "INV 103001 103002", "Alpha GmbH", IBAN_C1)]
    )
    apply_journal(books, journal)
    before = balances(books)
    post_payment_journal(books, journal, PostOptions(user="tester"))
    assert balance_last_statement(books, "BANK") == 125000
    result = reverse_journal(books, journal, "tester", reopen=True)
    assert result.statement_no == 1
    assert result.reopened_entries == 1
    assert balance_last_statement(books, "BANK") == 0
    assert nonzero(balances(books)) == nonzero(before)
    assert open_items(books) == {"103001": "1000.00", "103002": "250.00", "SI-2001": "500.00"}
    assert result.new_journal is not None
    apply_journal(books, result.new_journal)
    assert line(books, result.new_journal, 1)["confidence"] == "high"
    with pytest.raises(PaymentJournalError, match="already reversed"):
        reverse_journal(books, journal, "tester")
