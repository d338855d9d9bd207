"""Payment journal storage and the user's decisions on it: new, show, accept, reject,
apply-manual, transfer-diff, delete; rules and text mappings; on both backends."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from bankrec.db import payment_repo
from bankrec.db.models import (
    PaymentApplication,
    PaymentApplicationRule,
    PaymentJournal,
    PaymentJournalLine,
)
from bankrec.db.payment_repo import NewApplication
from bankrec.errors import (
    BlockedError,
    ConflictError,
    InputError,
    NotFoundError,
    PaymentJournalError,
)
from bankrec.matching.model import TextMapping as EngineMapping
from bankrec.matching.rules import DEFAULT_RULES
from bankrec.services.database import Database
from bankrec.services.ledger_queries import list_entries
from bankrec.services.payjournal import (
    accept,
    apply_manual,
    delete_journal,
    list_journals,
    new_journal,
    reject,
    show_journal,
    transfer_diff,
)
from bankrec.services.rules import RuleChanges, list_rules, load_rules, reset_rules, set_rule
from bankrec.services.text_mappings import (
    add_mapping,
    list_mappings,
    load_mappings,
    remove_mapping,
)
from tests.factories import invoice, post, vendor_invoice
from tests.scenarios import pay_support
from tests.scenarios.pay_support import Tx

Row = tuple[str, str, str, str]
"""(booking date, amount, text, counterparty name) of a statement line."""


# -- helpers -------------------------------------------------------------------------------------


def add_statement(db: Database, bank: str, rows: list[Row]) -> int:
    """Store a statement of ``bank``, in its currency, as an import would."""
    return pay_support.add_statement(db, bank, [Tx(*row) for row in rows])


def entry_no(db: Database, ledger: str, document_no: str) -> int:
    found = [e.entry_no for e in list_entries(db, ledger) if e.document_no == document_no]
    assert len(found) == 1
    return found[0]


def journal_with(db: Database, bank: str, rows: list[Row]) -> int:
    statement = add_statement(db, bank, rows)
    journal: int = new_journal(db, bank, statement, "tester")["journal"]
    return journal


def store(
    db: Database,
    journal_id: int,
    line_no: int,
    applications: list[NewApplication],
    confidence: str = "high",
    match: dict[str, Any] | None = None,
) -> None:
    """Write a matcher's result through the repository, as `pay apply` will."""
    with db.transaction() as session:
        journal = payment_repo.load_journal(session, journal_id, lock=True)
        assert journal is not None
        line = payment_repo.find_line(journal, line_no)
        assert line is not None
        payment_repo.store_match_result(
            session,
            line,
            confidence=confidence,
            score=3996 if confidence == "high" else 2000,
            status="matched_auto",
            match_json=json.dumps(match) if match else "",
            applications=applications,
        )
        payment_repo.bump_version(journal)


def line_of(document: dict[str, Any], line_no: int) -> dict[str, Any]:
    found: dict[str, Any] = next(line for line in document["lines"] if line["line"] == line_no)
    return found


def customer_app(entry: int, amount: int, doc: str = "SI-1", party: str = "C1") -> NewApplication:
    return NewApplication("customer", party, amount, "high", "auto", entry, doc, score=3996)


@pytest.fixture
def books(ledger: Database) -> Database:
    """The standard company with open items: customer entries SI-1 (C1, 1000.00), SI-2 (C2,
    1000.00, 2% discount until 2026-02-11), SC-1 (C1 credit memo 200.00), SI-USD (C3, 100.00
    USD); vendor entry PI-1 (V1, 300.00); bank entry DEP-1 (BANK, +150.00)."""
    post(
        ledger,
        invoice("SI-1", "C1", "1000.00"),
        invoice("SI-2", "C2", "1000.00"),
        invoice("SC-1", "C1", "-200.00", document_type="credit-memo"),
        invoice("SI-USD", "C3", "100.00", currency="USD"),
        vendor_invoice("PI-1", "V1", "300.00"),
        {
            "date": "2026-02-01",
            "document_no": "DEP-1",
            "account_type": "bank",
            "account_no": "BANK",
            "amount": "150.00",
            "bal_account_type": "gl",
            "bal_account_no": "2900",
            "description": "Deposit",
        },
    )
    return ledger


# -- migration, rules ----------------------------------------------------------------------------


def test_migration_creates_the_tables_and_seeds_the_default_rules(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "payment_application_rule",
        "text_mapping",
        "payment_journal",
        "payment_journal_line",
        "payment_application",
    } <= tables
    with db.reading() as session:
        assert load_rules(session) == DEFAULT_RULES
        rows = session.scalars(select(PaymentApplicationRule).order_by(PaymentApplicationRule.id))
        in_insert_order = [(r.confidence, r.priority) for r in rows]
    assert in_insert_order == [(r.confidence, r.priority) for r in DEFAULT_RULES]


def test_rules_set_by_name_or_id_and_reset(db: Database) -> None:
    changed = set_rule(db, "MEDIUM:2", RuleChanges(priority=10, review_required=False))
    assert (changed.name, changed.score, changed.review_required) == ("medium:10", 2990, False)
    again = set_rule(db, str(changed.id), RuleChanges(amount_match="one", confidence="low"))
    assert (again.name, again.amount_match) == ("low:10", "one")
    with pytest.raises(InputError, match=r"rule low:1 already exists \(id 21\)"):
        set_rule(db, str(changed.id), RuleChanges(priority=1))
    with pytest.raises(InputError, match="doc match"):
        set_rule(db, "high:2", RuleChanges(doc_match="maybe"))
    with pytest.raises(InputError, match="from 1 to 999"):
        set_rule(db, "high:2", RuleChanges(priority=1000))
    with pytest.raises(NotFoundError, match="low:9"):
        set_rule(db, "low:9", RuleChanges(priority=7))
    with pytest.raises(InputError, match="nothing to change"):
        set_rule(db, "low:1", RuleChanges())
    with pytest.raises(InputError, match="CONFIDENCE:PRIORITY"):
        set_rule(db, "best", RuleChanges(priority=2))
    scores = [r.score for r in list_rules(db)]
    assert scores == sorted(scores, reverse=True)

    restored = reset_rules(db)
    assert len(restored) == 25
    with db.reading() as session:
        assert load_rules(session) == DEFAULT_RULES


# -- text mappings -------------------------------------------------------------------------------


def test_mappings_add_list_remove_and_load(ledger: Database) -> None:
    fee = add_mapping(ledger, "  MyBank fee ", gl_credit="6800")
    customer = add_mapping(ledger, "Alpha standing order", customer="C1")
    assert (fee.text, fee.target_type, fee.debit_gl, fee.credit_gl) == (
        "MyBank fee",
        "gl",
        None,
        "6800",
    )
    assert [m.id for m in list_mappings(ledger)] == [fee.id, customer.id]
    with ledger.reading() as session:
        loaded = load_mappings(session)
    assert loaded == (
        EngineMapping(fee.id, "MyBank fee", "gl", "", "6800", ""),
        EngineMapping(customer.id, "Alpha standing order", "customer", "", "", "C1"),
    )
    assert loaded[0].target_for(-1250) == "6800"
    assert remove_mapping(ledger, fee.id).text == "MyBank fee"
    assert [m.id for m in list_mappings(ledger)] == [customer.id]
    with pytest.raises(NotFoundError, match=f"text mapping {fee.id} does not exist"):
        remove_mapping(ledger, fee.id)


def test_mapping_errors_name_the_problem(ledger: Database) -> None:
    first = add_mapping(ledger, "Bank charges", gl_debit="6800", gl_credit="6800")
    with pytest.raises(InputError, match=rf'"Bank charges" already exists \(id {first.id}\)'):
        add_mapping(ledger, "BANK CHARGES", gl_credit="6000")
    with pytest.raises(NotFoundError, match="G/L account 6999"):
        add_mapping(ledger, "Rent", gl_credit="6999")
    with pytest.raises(BlockedError, match=r"1100.*direct posting"):
        add_mapping(ledger, "Rent", gl_credit="1100")
    with pytest.raises(InputError, match="exactly one target, got gl and customer"):
        add_mapping(ledger, "Rent", gl_credit="6000", customer="C1")
    with pytest.raises(InputError, match="exactly one target, got none"):
        add_mapping(ledger, "Rent")
    with pytest.raises(NotFoundError, match="vendor V9"):
        add_mapping(ledger, "Rent", vendor="V9")
    with pytest.raises(InputError, match="blank"):
        add_mapping(ledger, "   ", vendor="V1")
    assert len(list_mappings(ledger)) == 1


# -- pay new -------------------------------------------------------------------------------------

THREE: list[Row] = [
    ("2026-03-02", "1000.00", "Invoice SI-1", "Alpha GmbH"),
    ("2026-03-02", "-12.50", "Account fee", ""),
    ("2026-03-03", "980.00", "SI-2", "Beta B.V."),
]


def test_new_journal_from_a_statement_keeps_its_line_order(books: Database) -> None:
    statement = add_statement(books, "BANK", THREE)
    result = new_journal(books, "BANK", statement, "tester")
    assert result == {
        "journal": result["journal"],
        "bank": "BANK",
        "statement": statement,
        "lines": 3,
        "skipped": 0,
        "skipped_lines": [],
        "currency": "EUR",
        "total_amount": "1967.50",
    }
    document = show_journal(books, result["journal"])
    assert [(line["line"], line["amount"], line["text"]) for line in document["lines"]] == [
        (1, "1000.00", "Invoice SI-1"),
        (2, "-12.50", "Account fee"),
        (3, "980.00", "SI-2"),
    ]
    assert document["status"] == "open"
    assert document["statement_date"] == "2026-03-03"
    listed = list_journals(books, "BANK")
    assert [(j["journal"], j["lines"], j["total_amount"]) for j in listed] == [
        (result["journal"], 3, "1967.50")
    ]


def test_new_journal_skips_lines_already_in_a_journal_and_refuses_when_none_is_left(
    books: Database,
) -> None:
    statement = add_statement(books, "BANK", THREE)
    first = new_journal(books, "BANK", statement, "tester")["journal"]
    with pytest.raises(PaymentJournalError, match=f"already in open payment journal {first}"):
        new_journal(books, "BANK", statement, "tester")
    assert len(list_journals(books)) == 1

    with books.transaction() as session:  # free line 2, as if it had been deleted there
        journal = payment_repo.load_journal(session, first)
        assert journal is not None
        line = payment_repo.find_line(journal, 2)
        assert line is not None
        journal.lines.remove(line)
    second = new_journal(books, "BANK", statement, "tester")
    assert (second["lines"], second["skipped"]) == (1, 2)
    assert {s["line"] for s in second["skipped_lines"]} == {1, 3}
    assert all(
        s["reason"] == f"already in open payment journal {first}" for s in second["skipped_lines"]
    )


def test_new_journal_without_statement_takes_free_lines_by_date(books: Database) -> None:
    later = add_statement(books, "BANK", [("2026-03-05", "5.00", "later", "")])
    earlier = add_statement(
        books, "BANK", [("2026-03-01", "1.00", "first", ""), ("2026-03-06", "6.00", "last", "")]
    )
    result = new_journal(books, "BANK", None, "tester")
    assert (result["statement"], result["lines"]) == (None, 3)
    texts = [line["text"] for line in show_journal(books, result["journal"])["lines"]]
    assert texts == ["first", "later", "last"]
    with pytest.raises(PaymentJournalError, match="no imported statement lines"):
        new_journal(books, "BANK", None, "tester")
    assert later != earlier


def test_new_journal_refuses_another_banks_statement_and_unknown_records(
    books: Database,
) -> None:
    usd = add_statement(books, "USDBANK", [("2026-03-02", "10.00", "x", "")])
    with pytest.raises(InputError, match=f"statement {usd} belongs to bank USDBANK, not BANK"):
        new_journal(books, "BANK", usd, "tester")
    with pytest.raises(NotFoundError, match="bank account NOPE"):
        new_journal(books, "NOPE", None, "tester")
    with pytest.raises(NotFoundError, match="statement 999"):
        new_journal(books, "BANK", 999, "tester")
    assert list_journals(books) == []


# -- pay show ------------------------------------------------------------------------------------

CONTRACT_LINE_KEYS = {
    "line",
    "date",
    "amount",
    "text",
    "counterparty",
    "confidence",
    "status",
    "difference",
    "details",
    "applications",
}
CONTRACT_APPLICATION_KEYS = {
    "account_type",
    "account_no",
    "entry_no",
    "document_no",
    "applied_amount",
    "discount",
}


def test_show_gives_the_contract_document(books: Database) -> None:
    journal = journal_with(books, "BANK", THREE)
    si2 = entry_no(books, "customer", "SI-2")
    match = {
        "details": ["Document No. SI-2 found in the text", "Payer matched by name"],
        "evidence": {"related_party": "fully", "doc_match": "yes"},
        "near_misses": [{"entry_no": 99, "score": 1995}],
    }
    store(
        books,
        journal,
        3,
        [NewApplication("customer", "C2", 100000, "high", "auto", si2, "SI-2", 2000, 3996)],
        match=match,
    )
    document = show_journal(books, journal)
    assert {"journal", "bank", "lines"} <= set(document)
    assert (document["journal"], document["bank"], document["currency"]) == (journal, "BANK", "EUR")
    assert (document["total_amount"], document["total_applied"]) == ("1967.50", "980.00")
    assert document["total_difference"] == "987.50"
    assert document["confidence_counts"]["high"] == 1
    assert document["confidence_counts"]["none"] == 2
    assert document["version"] == 1
    for line in document["lines"]:
        assert set(line) >= CONTRACT_LINE_KEYS
    third = line_of(document, 3)
    assert {k: third[k] for k in CONTRACT_LINE_KEYS} == {
        "line": 3,
        "date": "2026-03-03",
        "amount": "980.00",
        "text": "SI-2",
        "counterparty": "Beta B.V.",
        "confidence": "high",
        "status": "matched_auto",
        "difference": "0.00",
        "details": match["details"],
        "applications": [
            {
                "account_type": "customer",
                "account_no": "C2",
                "entry_no": si2,
                "document_no": "SI-2",
                "applied_amount": "1000.00",
                "discount": "20.00",
                "confidence": "high",
                "score": 3996,
                "origin": "auto",
                "description": "",
            }
        ],
    }
    assert set(third["applications"][0]) >= CONTRACT_APPLICATION_KEYS
    assert (third["evidence"], third["near_misses"]) == (match["evidence"], match["near_misses"])
    assert (third["parent_line"], third["applied_amount"]) == (None, "980.00")
    first = line_of(document, 1)
    assert (first["details"], first["applications"], first["difference"]) == ([], [], "1000.00")
    assert json.loads(json.dumps(document)) == document
    with pytest.raises(NotFoundError, match="payment journal 999"):
        show_journal(books, 999)


# -- accept and reject ---------------------------------------------------------------------------


def test_accept_without_lines_takes_those_at_or_above_the_minimum(books: Database) -> None:
    journal = journal_with(books, "BANK", THREE)
    si1, si2 = entry_no(books, "customer", "SI-1"), entry_no(books, "customer", "SI-2")
    store(books, journal, 1, [customer_app(si1, 100000)], confidence="high")
    store(books, journal, 3, [customer_app(si2, 98000, "SI-2", "C2")], confidence="medium")
    result = accept(books, journal)
    assert (result["accepted"], result["on_account"]) == ([1], [])
    assert accept(books, journal)["accepted"] == []
    assert accept(books, journal, min_confidence="medium")["accepted"] == [3]
    document = show_journal(books, journal)
    for number in (1, 3):
        line = line_of(document, number)
        assert (line["confidence"], line["status"], line["reviewed"]) == (
            "accepted",
            "accepted",
            True,
        )
        assert {a["confidence"] for a in line["applications"]} == {"accepted"}
    with pytest.raises(PaymentJournalError, match="line 2 has no application to accept"):
        accept(books, journal, [2])
    with pytest.raises(InputError, match="minimum confidence"):
        accept(books, journal, min_confidence="manual")


def test_accepting_an_overpayment_puts_the_rest_on_account(books: Database) -> None:
    journal = journal_with(books, "BANK", [("2026-03-02", "1050.00", "SI-1", "Alpha GmbH")])
    store(books, journal, 1, [customer_app(entry_no(books, "customer", "SI-1"), 100000)])
    result = accept(books, journal, [1])
    assert result["on_account"] == [
        {"line": 1, "account_type": "customer", "account_no": "C1", "amount": "50.00"}
    ]
    line = line_of(show_journal(books, journal), 1)
    assert line["difference"] == "0.00"
    rest = line["applications"][1]
    assert (rest["account_no"], rest["entry_no"], rest["applied_amount"], rest["origin"]) == (
        "C1",
        None,
        "50.00",
        "on_account",
    )


def test_accept_refuses_a_bank_entry_with_a_difference(books: Database) -> None:
    journal = journal_with(books, "BANK", [("2026-03-02", "200.00", "deposit", "")])
    dep = entry_no(books, "bank", "DEP-1")
    store(books, journal, 1, [NewApplication("bank", "BANK", 15000, "high", "auto", dep, "DEP-1")])
    with pytest.raises(
        PaymentJournalError, match=r"line 1: the remaining amount to apply is 50\.00"
    ):
        accept(books, journal, [1])
    assert line_of(show_journal(books, journal), 1)["confidence"] == "high"


def test_reject_removes_applications_and_remembers_the_targets(books: Database) -> None:
    journal = journal_with(books, "BANK", THREE)
    si1 = entry_no(books, "customer", "SI-1")
    store(books, journal, 1, [customer_app(si1, 100000)], match={"details": ["x"]})
    result = reject(books, journal, [1, 2])
    assert (result["rejected"], result["removed_applications"]) == ([1, 2], 1)
    line = line_of(show_journal(books, journal), 1)
    assert (line["status"], line["confidence"], line["applications"], line["details"]) == (
        "rejected",
        "none",
        [],
        [],
    )
    assert line["rejected"] == [{"account_type": "customer", "account_no": "C1", "entry_no": si1}]
    with books.reading() as session:
        assert session.scalar(select(func.count()).select_from(PaymentApplication)) == 0
    with pytest.raises(NotFoundError, match=f"payment journal {journal} has no line 9"):
        reject(books, journal, [9])


# -- apply-manual --------------------------------------------------------------------------------


def test_apply_manual_in_full_and_in_part(books: Database) -> None:
    journal = journal_with(books, "BANK", [("2026-03-02", "1200.00", "SI-1 and SC-1", "Alpha")])
    si1 = entry_no(books, "customer", "SI-1")
    partial = apply_manual(books, journal, 1, si1, ledger="customer", amount=Decimal("400"))
    assert (partial["application"]["applied_amount"], partial["difference"]) == (
        "400.00",
        "800.00",
    )
    with pytest.raises(PaymentJournalError, match="already applies customer entry"):
        apply_manual(books, journal, 1, si1, ledger="customer")
    sc1 = entry_no(books, "customer", "SC-1")
    netted = apply_manual(books, journal, 1, sc1, ledger="customer")
    assert (netted["application"]["applied_amount"], netted["difference"]) == (
        "-200.00",
        "1000.00",
    )
    document = show_journal(books, journal)
    line = line_of(document, 1)
    assert (line["confidence"], line["status"], line["applied_amount"]) == (
        "manual",
        "manual",
        "200.00",
    )
    assert document["version"] == 2


def test_apply_manual_takes_the_discount_within_its_date(books: Database) -> None:
    journal = journal_with(
        books,
        "BANK",
        [("2026-02-10", "980.00", "SI-2", "Beta"), ("2026-02-20", "980.00", "SI-2", "Beta")],
    )
    si2 = entry_no(books, "customer", "SI-2")
    on_time = apply_manual(books, journal, 1, si2, ledger="customer")
    assert on_time["application"]["applied_amount"] == "1000.00"
    assert (on_time["application"]["discount"], on_time["difference"]) == ("20.00", "0.00")
    reject(books, journal, [1])
    late = apply_manual(books, journal, 2, si2, ledger="customer")
    assert (late["application"]["applied_amount"], late["application"]["discount"]) == (
        "980.00",
        "0.00",
    )


def test_apply_manual_with_an_ambiguous_entry_number_names_the_ledgers(books: Database) -> None:
    journal = journal_with(books, "BANK", [("2026-03-02", "-300.00", "PI-1", "Landlord")])
    number = entry_no(books, "vendor", "PI-1")
    assert number == entry_no(books, "customer", "SI-1") == entry_no(books, "bank", "DEP-1")
    with pytest.raises(
        PaymentJournalError, match=r"open in the customer, vendor and bank ledgers.*--ledger"
    ):
        apply_manual(books, journal, 1, number)
    result = apply_manual(books, journal, 1, number, ledger="vendor")
    assert result["application"]["applied_amount"] == "-300.00"
    with pytest.raises(NotFoundError, match="no customer or vendor or bank entry 999"):
        apply_manual(books, journal, 1, 999)


def test_apply_manual_refuses_more_than_the_entry_or_the_line_has_left(books: Database) -> None:
    journal = journal_with(
        books,
        "BANK",
        [("2026-03-02", "700.00", "SI-1", "Alpha"), ("2026-03-02", "500.00", "SI-1", "Alpha")],
    )
    si1 = entry_no(books, "customer", "SI-1")
    apply_manual(books, journal, 1, si1, ledger="customer")
    with pytest.raises(PaymentJournalError, match=r"400\.00 is more than customer entry"):
        apply_manual(books, journal, 2, si1, ledger="customer", amount=Decimal("400.00"))
    si2 = entry_no(books, "customer", "SI-2")
    with pytest.raises(PaymentJournalError, match=r"more than the line has left"):
        apply_manual(books, journal, 2, si2, ledger="customer", amount=Decimal("600"))
    fitting = apply_manual(books, journal, 2, si1, ledger="customer")
    assert (fitting["application"]["applied_amount"], fitting["difference"]) == (
        "300.00",
        "200.00",
    )
    other = journal_with(books, "BANK", [("2026-03-04", "100.00", "SI-1", "Alpha")])
    with pytest.raises(PaymentJournalError, match="fully claimed by other lines"):
        apply_manual(books, other, 1, si1, ledger="customer")


def test_apply_manual_keeps_one_account_per_line(books: Database) -> None:
    journal = journal_with(books, "BANK", [("2026-03-02", "2000.00", "SI-1 SI-2", "")])
    apply_manual(books, journal, 1, entry_no(books, "customer", "SI-1"), ledger="customer")
    with pytest.raises(
        PaymentJournalError, match=r"cannot apply to customer C2 .* already applies to customer C1"
    ):
        apply_manual(books, journal, 1, entry_no(books, "customer", "SI-2"), ledger="customer")


def test_apply_manual_currencies(books: Database) -> None:
    usd_entry = entry_no(books, "customer", "SI-USD")
    eur_bank = journal_with(books, "BANK", [("2026-03-02", "95.00", "SI-USD", "Gamma")])
    converted = apply_manual(books, eur_bank, 1, usd_entry, ledger="customer")
    assert converted["application"]["applied_amount"] == "95.00"  # 100 USD at 0.95
    usd_bank = journal_with(books, "USDBANK", [("2026-03-02", "50.00", "SI-1", "")])
    with pytest.raises(PaymentJournalError, match="USDBANK is in USD but customer entry"):
        apply_manual(books, usd_bank, 1, entry_no(books, "customer", "SI-1"), ledger="customer")
    with pytest.raises(PaymentJournalError, match="fully claimed"):
        apply_manual(books, usd_bank, 1, usd_entry, ledger="customer")


def test_apply_manual_refuses_the_opposite_sign_and_closed_journals(books: Database) -> None:
    journal = journal_with(books, "BANK", [("2026-03-02", "-100.00", "refund", "")])
    with pytest.raises(PaymentJournalError, match=r"the opposite sign of the line's -100.00"):
        apply_manual(books, journal, 1, entry_no(books, "customer", "SI-1"), ledger="customer")
    with books.transaction() as session:
        row = session.get_one(PaymentJournal, journal)
        row.status, row.posted_at = "posted", datetime.now(UTC)
    with pytest.raises(PaymentJournalError, match=f"payment journal {journal} is posted"):
        apply_manual(books, journal, 1, entry_no(books, "customer", "SI-1"), ledger="customer")
    with pytest.raises(PaymentJournalError, match="is posted"):
        delete_journal(books, journal)


# -- transfer-diff and delete --------------------------------------------------------------------


def test_transfer_diff_of_a_whole_line(books: Database) -> None:
    journal = journal_with(books, "BANK", THREE)
    result = transfer_diff(books, journal, 2, "gl", "6800", "Bank fee March")
    assert (result["split"], result["new_line"], result["amount"]) == (False, None, "-12.50")
    line = line_of(show_journal(books, journal), 2)
    application = line["applications"][0]
    assert (application["account_type"], application["account_no"], application["origin"]) == (
        "gl",
        "6800",
        "transfer",
    )
    assert (application["applied_amount"], line["difference"]) == ("-12.50", "0.00")
    with pytest.raises(PaymentJournalError, match="no difference to transfer"):
        transfer_diff(books, journal, 2, "gl", "6800")


def test_transfer_diff_splits_a_partly_applied_line(books: Database) -> None:
    journal = journal_with(books, "BANK", [*THREE, ("2026-03-04", "1180.00", "SI-1", "Alpha")])
    apply_manual(books, journal, 4, entry_no(books, "customer", "SI-1"), ledger="customer")
    result = transfer_diff(books, journal, 4, "customer", "C1", "Overpaid")
    assert (result["split"], result["new_line"], result["line_amount"]) == (True, 5, "1000.00")
    document = show_journal(books, journal)
    assert [line["line"] for line in document["lines"]] == [1, 2, 3, 4, 5]
    parent, child = line_of(document, 4), line_of(document, 5)
    assert (parent["amount"], parent["difference"]) == ("1000.00", "0.00")
    assert (child["amount"], child["parent_line"], child["text"], child["difference"]) == (
        "180.00",
        4,
        "Overpaid",
        "0.00",
    )
    assert (child["date"], child["statement_line"]) == (parent["date"], None)
    assert child["applications"][0]["origin"] == "transfer"
    assert document["total_amount"] == "3147.50"


def test_transfer_diff_refuses_unknown_or_non_posting_accounts(books: Database) -> None:
    journal = journal_with(books, "BANK", THREE)
    with pytest.raises(NotFoundError, match="G/L account 6999"):
        transfer_diff(books, journal, 2, "gl", "6999")
    with pytest.raises(BlockedError, match=r"1100 .*direct posting"):
        transfer_diff(books, journal, 2, "gl", "1100")
    with pytest.raises(BlockedError, match="blocked"):
        transfer_diff(books, journal, 2, "gl", "9999")
    with pytest.raises(NotFoundError, match="customer C9"):
        transfer_diff(books, journal, 2, "customer", "C9")
    with pytest.raises(InputError, match="account type"):
        transfer_diff(books, journal, 2, "bank", "BANK")


def test_delete_frees_the_statement_lines(books: Database) -> None:
    statement = add_statement(books, "BANK", THREE)
    journal = new_journal(books, "BANK", statement, "tester")["journal"]
    apply_manual(books, journal, 1, entry_no(books, "customer", "SI-1"), ledger="customer")
    assert delete_journal(books, journal) == {"journal": journal, "bank": "BANK", "lines": 3}
    with books.reading() as session:
        for model in (PaymentJournal, PaymentJournalLine, PaymentApplication):
            assert session.scalar(select(func.count()).select_from(model)) == 0
    assert new_journal(books, "BANK", statement, "tester")["lines"] == 3


# -- repository ----------------------------------------------------------------------------------


def test_reserved_amounts_count_other_open_journals_only(books: Database) -> None:
    si1 = entry_no(books, "customer", "SI-1")
    first = journal_with(books, "BANK", [("2026-03-02", "300.00", "SI-1", "")])
    second = journal_with(books, "BANK", [("2026-03-02", "200.00", "SI-1", "")])
    apply_manual(books, first, 1, si1, ledger="customer")
    apply_manual(books, second, 1, si1, ledger="customer")
    key = ("customer", si1)
    with books.reading() as session:
        assert payment_repo.reserved_amounts(session, first, [key])[key].amount == 20000
        assert payment_repo.reserved_amounts(session, None)[key].amount == 50000
        assert payment_repo.reserved_amounts(session, None, [("vendor", si1)]) == {}
    with books.transaction() as session:
        row = session.get_one(PaymentJournal, second)
        row.status, row.posted_at = "posted", datetime.now(UTC)
    with books.reading() as session:
        assert payment_repo.reserved_amounts(session, first, [key]) == {}


def test_an_outdated_version_is_a_conflict(books: Database) -> None:
    from bankrec.services.payjournal.decisions import reject as reject_lines

    journal = journal_with(books, "BANK", THREE)
    with pytest.raises(ConflictError, match="changed meanwhile"):
        reject_lines(books, journal, [1], expected_version=5)
    assert reject_lines(books, journal, [1], expected_version=0)["version"] == 1


def test_new_application_is_a_plain_value() -> None:
    base = NewApplication("gl", "6800", -1250, "manual", "transfer")
    assert replace(base, applied_minor=5).applied_minor == 5
    assert (base.entry_no, base.discount_minor, base.applied_entry_minor) == (None, 0, None)
