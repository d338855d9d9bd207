"""Reminders as a bookkeeper runs them: create on a date, issue, remind again, cancel.

The standard company's customer C1 pays NET30, so an invoice of 2026-02-01 is due on
2026-03-03. Unless a test says otherwise, its reminder terms have two levels:
level 1 (grace 5D, due 10D, fee 5.00, line fee 1.00) and level 2 (grace 3D, due 7D, fee 10.00,
line fee 2.00); fees post to account 8200 and interest to 8100.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bankrec.db.models import (
    CollectionLine,
    Company,
    Customer,
    CustomerLedgerEntry,
    FinanceChargeTerms,
    GLAccount,
    GLEntry,
    ReminderFeeTier,
    ReminderLevel,
    ReminderTerms,
)
from bankrec.errors import InputError
from bankrec.services.collections.reminder_holds import hold_entries, release_entries
from bankrec.services.collections.reminder_issue import (
    cancel_reminders,
    issue_reminders,
)
from bankrec.services.collections.reminder_views import show_reminder
from bankrec.services.collections.reminders import CreateRequest, CreateResult, create_reminders
from bankrec.services.database import Database
from tests.factories import invoice, post

FEE_ACCOUNT = "8200"
INTEREST_ACCOUNT = "8100"


def setup_collections(db: Database) -> None:
    """Income accounts for interest and fees in the company setup."""
    with db.transaction() as session:
        session.add(GLAccount(no=INTEREST_ACCOUNT, name="Interest income", account_type="income"))
        session.add(GLAccount(no=FEE_ACCOUNT, name="Reminder fees", account_type="income"))
        session.flush()
        company = session.get_one(Company, 1)
        company.interest_account = INTEREST_ACCOUNT
        company.additional_fee_account = FEE_ACCOUNT


def add_terms(
    db: Database,
    code: str = "STD",
    levels: tuple[dict[str, object], ...] = (
        {"grace_period": "5D", "due_date_formula": "10D", "fee": 500, "line_fee": 100},
        {"grace_period": "3D", "due_date_formula": "7D", "fee": 1000, "line_fee": 200},
    ),
    tiers: tuple[dict[str, object], ...] = (),
    customer: str = "C1",
    **terms: object,
) -> None:
    """Reminder terms ``code`` for ``customer``; level fees in minor units."""
    with db.transaction() as session:
        session.add(ReminderTerms(code=code, description=f"{code} terms", **terms))
        session.flush()
        for no, level in enumerate(levels, start=1):
            values = dict(level)
            session.add(
                ReminderLevel(
                    terms_code=code,
                    level_no=no,
                    additional_fee_minor=values.pop("fee", 0),
                    line_fee_minor=values.pop("line_fee", 0),
                    **values,
                )
            )
        for tier in tiers:
            session.add(ReminderFeeTier(terms_code=code, **tier))
        session.get_one(Customer, customer).reminder_terms_code = code


def create(db: Database, day: str, *customers: str) -> CreateResult:
    return create_reminders(db, CreateRequest(date.fromisoformat(day), None, customers), "clerk")


def created(db: Database, day: str) -> list[dict[str, object]]:
    return [draft.as_json() for draft in create(db, day).created]


def issue(db: Database, tmp_path: Path, *nos: str) -> list[int | None]:
    issued = issue_reminders(db, nos, False, tmp_path / "out", "clerk")
    return [item.transaction_no for item in issued]


def balance(db: Database, account: str) -> Decimal:
    with db.reading() as session:
        total = session.scalar(
            select(func.coalesce(func.sum(GLEntry.amount_minor), 0)).where(
                GLEntry.gl_account_no == account
            )
        )
    return Decimal(int(total or 0)).scaleb(-2)


def entry_no(db: Database, document_no: str) -> int:
    with db.reading() as session:
        return session.scalars(
            select(CustomerLedgerEntry.entry_no).where(
                CustomerLedgerEntry.document_no == document_no
            )
        ).one()


def line_types(db: Database, no: str) -> list[tuple[str, str, str]]:
    return [
        (line["line_type"], line["document_no"], line["amount"])
        for line in show_reminder(db, no)["lines"]
    ]


@pytest.fixture
def books(ledger: Database) -> Database:
    setup_collections(ledger)
    return ledger


def test_first_reminder_after_the_grace_period_with_fixed_fees(
    books: Database, tmp_path: Path
) -> None:
    add_terms(books)
    post(books, invoice("INV-1", "C1", "1000.00"))
    post(books, invoice("INV-9", "C1", "50.00", date="2026-03-05"))  # due 2026-04-04
    assert created(books, "2026-03-08") == []  # 2026-03-03 + 5D is not before 2026-03-08
    assert created(books, "2026-03-09") == [
        {
            "no": "RM-000001",
            "customer_no": "C1",
            "currency": "EUR",
            "level": 1,
            "document_date": "2026-03-09",
            "due_date": "2026-03-19",
            "remaining": "1000.00",
            "interest": "0.00",
            "fee": "6.00",
            "total": "1006.00",
            "lines": 4,
        }
    ]
    assert line_types(books, "RM-000001") == [
        ("overdue", "INV-1", "0.00"),
        ("line-fee", "INV-1", "1.00"),
        ("additional-fee", "", "5.00"),
        ("not-due", "INV-9", "0.00"),
    ]
    assert issue(books, tmp_path, "RM-000001") != [None]
    assert balance(books, FEE_ACCOUNT) == Decimal("-6.00")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["RM-000001.md", "RM-000001.pdf"]


def test_creating_twice_on_one_date_makes_no_duplicate(books: Database, tmp_path: Path) -> None:
    add_terms(books)
    post(books, invoice("INV-1", "C1", "1000.00"))
    assert [d["no"] for d in created(books, "2026-03-09")] == ["RM-000001"]
    # The draft lists INV-1 for 2026-03-09 already: nothing new, nothing skipped.
    assert create(books, "2026-03-09").as_json() == {"created": [], "skipped": []}
    issue(books, tmp_path, "RM-000001")
    assert create(books, "2026-03-09").as_json() == {"created": [], "skipped": []}


def test_level_two_after_level_one_was_issued_and_its_grace_passed(
    books: Database, tmp_path: Path
) -> None:
    add_terms(books)
    post(books, invoice("INV-1", "C1", "1000.00"))
    post(books, invoice("INV-2", "C1", "200.00", date="2026-02-10"))  # due 2026-03-12
    first = created(books, "2026-03-09")
    assert [(d["level"], d["remaining"]) for d in first] == [(1, "1000.00")]
    # Not issued yet: the level stays 1 whatever the date.
    assert create(books, "2026-03-30").skipped[0].reason.startswith("draft reminder RM-000001")
    issue(books, tmp_path, "RM-000001")
    # Level 2 counts its grace (3D) from the level 1 reminder's due date 2026-03-19. INV-2
    # reaches level 1 on 2026-03-18 (2026-03-12 + 5D); RM-000001's own entry (6.00, due
    # 2026-03-19) on 2026-03-25.
    assert [(d["level"], d["remaining"]) for d in created(books, "2026-03-22")] == [(1, "200.00")]
    cancel_reminders(books, ["RM-000002"], "clerk")
    second = created(books, "2026-03-23")
    assert [(d["no"], d["level"], d["remaining"], d["fee"], d["due_date"]) for d in second] == [
        # INV-1 at level 2 (line fee 2.00), INV-2 at level 1 (line fee 1.00); fee of level 2
        ("RM-000003", 2, "1200.00", "13.00", "2026-03-30")
    ]
    assert line_types(books, "RM-000003") == [
        ("overdue", "INV-2", "0.00"),
        ("line-fee", "INV-2", "1.00"),
        ("overdue", "INV-1", "0.00"),
        ("line-fee", "INV-1", "2.00"),
        ("additional-fee", "", "10.00"),
    ]


def test_more_reminders_than_levels_repeat_the_last_level_without_a_second_line_fee(
    books: Database, tmp_path: Path
) -> None:
    add_terms(
        books,
        levels=({"grace_period": "0D", "due_date_formula": "5D", "fee": 300, "line_fee": 100},),
    )
    post(books, invoice("INV-1", "C1", "1000.00"))
    created(books, "2026-03-04")
    issue(books, tmp_path, "RM-000001")
    # INV-1 again at level 1 after 2026-03-09, without a second level 1 line fee; the first
    # reminder's own entry (4.00, due 2026-03-09) is overdue too and gets its line fee.
    assert [(d["level"], d["remaining"], d["fee"]) for d in created(books, "2026-03-10")] == [
        (1, "1004.00", "4.00")
    ]
    assert line_types(books, "RM-000002") == [
        ("overdue", "INV-1", "0.00"),
        ("overdue", "RM-000001", "0.00"),
        ("line-fee", "RM-000001", "1.00"),
        ("additional-fee", "", "3.00"),
    ]


def test_max_reminders_stops_reminding(books: Database, tmp_path: Path) -> None:
    add_terms(books, max_reminders=1)
    post(books, invoice("INV-1", "C1", "1000.00"))
    created(books, "2026-03-09")
    issue(books, tmp_path, "RM-000001")
    # INV-1 had its one reminder; only the reminder's own fee entry (due 2026-03-19) is left.
    later = created(books, "2026-04-30")
    assert [(d["remaining"], d["level"]) for d in later] == [("6.00", 1)]


def test_minimum_amount_in_local_currency(books: Database) -> None:
    add_terms(books, minimum_amount_minor=50000)
    post(books, invoice("INV-1", "C1", "300.00"))
    result = create(books, "2026-03-09")
    assert result.as_json() == {
        "created": [],
        "skipped": [
            {
                "customer_no": "C1",
                "currency": "EUR",
                "reason": "overdue amount 300.00 EUR is below the minimum amount 500.00 EUR of "
                "reminder terms STD",
            }
        ],
    }
    post(books, invoice("INV-2", "C1", "200.00"))
    assert [d["remaining"] for d in created(books, "2026-03-09")] == ["500.00"]


def test_entries_on_hold_never_trigger_a_reminder(books: Database) -> None:
    add_terms(books)
    post(books, invoice("INV-1", "C1", "1000.00"), invoice("INV-2", "C1", "400.00"))
    held = hold_entries(books, [entry_no(books, "INV-1"), entry_no(books, "INV-2")], "disputed")
    assert [h["document_no"] for h in held] == ["INV-1", "INV-2"]
    assert created(books, "2026-03-09") == []
    release_entries(books, [entry_no(books, "INV-2")])
    assert [d["remaining"] for d in created(books, "2026-03-09")] == ["400.00"]
    assert line_types(books, "RM-000001") == [
        ("overdue", "INV-2", "0.00"),
        ("line-fee", "INV-2", "1.00"),
        ("additional-fee", "", "5.00"),
        ("on-hold", "INV-1", "0.00"),
    ]
    with pytest.raises(InputError, match="is not on hold"):
        release_entries(books, [entry_no(books, "INV-2")])


def test_cancel_reverses_the_posting_and_returns_the_level(books: Database, tmp_path: Path) -> None:
    add_terms(books)
    post(books, invoice("INV-1", "C1", "1000.00"))
    created(books, "2026-03-09")
    (issued_txn,) = issue(books, tmp_path, "RM-000001")
    assert balance(books, FEE_ACCOUNT) == Decimal("-6.00")
    (canceled,) = cancel_reminders(books, ["RM-000001"], "clerk")
    assert canceled.transaction_no is not None
    assert canceled.transaction_no > (issued_txn or 0)
    assert balance(books, FEE_ACCOUNT) == Decimal("0.00")
    # Back at level 1, its grace counted from the invoice's own due date again; the level 1
    # line fee is charged again because the reminder that charged it is canceled.
    assert [(d["level"], d["fee"]) for d in created(books, "2026-03-23")] == [(1, "6.00")]
    with pytest.raises(InputError, match="already canceled"):
        cancel_reminders(books, ["RM-000001"], "clerk")


SINGLE_TIERS = (
    {"level_no": 1, "threshold_minor": 0, "fee_minor": 500},
    {
        "level_no": 1,
        "threshold_minor": 50000,
        "fee_minor": 1000,
        "fee_pct": Decimal("1"),
        "max_fee_minor": 2000,
    },
    {
        "level_no": 1,
        "per_line": True,
        "threshold_minor": 0,
        "fee_minor": 100,
        "fee_pct": Decimal("0.5"),
    },
)
ACCUMULATED_TIERS = (
    {"level_no": 1, "threshold_minor": 0, "fee_minor": 100, "fee_pct": Decimal("10")},
    {"level_no": 1, "threshold_minor": 10000, "fee_minor": 200, "fee_pct": Decimal("5")},
    {
        "level_no": 1,
        "threshold_minor": 50000,
        "fee_minor": 300,
        "fee_pct": Decimal("1"),
        "max_fee_minor": 500,
    },
    {
        "level_no": 1,
        "per_line": True,
        "threshold_minor": 0,
        "fee_minor": 50,
        "fee_pct": Decimal("1"),
    },
    {
        "level_no": 1,
        "per_line": True,
        "threshold_minor": 20000,
        "fee_minor": 100,
        "fee_pct": Decimal("2"),
    },
)


@pytest.mark.parametrize(
    ("calculation", "tiers", "lines", "fee"),
    [
        # per reminder: 1300 reaches the 500 tier: 10 + 13 = 23, cut to the maximum 20;
        # per line: INV-1 1 + 5 = 6.00, INV-2 1 + 1.50 = 2.50
        ("single-dynamic", SINGLE_TIERS, ["6.00", "2.50", "20.00"], "28.50"),
        # per reminder: 500 tier 3 + 8 = 11 -> 5; 100 tier 2 + 20 = 22; 0 tier 1 + 10 = 11;
        # per line: INV-1 (1 + 16) + (0.50 + 2) = 19.50; INV-2 (1 + 2) + (0.50 + 2) = 5.50
        ("accumulated-dynamic", ACCUMULATED_TIERS, ["19.50", "5.50", "38.00"], "63.00"),
    ],
)
def test_dynamic_fees_are_posted_to_the_fee_account(
    books: Database,
    tmp_path: Path,
    calculation: str,
    tiers: tuple[dict[str, object], ...],
    lines: list[str],
    fee: str,
) -> None:
    level: dict[str, object] = {
        "grace_period": "5D",
        "due_date_formula": "10D",
        "fee_calculation": calculation,
    }
    add_terms(books, levels=(level,), tiers=tiers)
    post(books, invoice("INV-1", "C1", "1000.00"), invoice("INV-2", "C1", "300.00"))
    assert [d["fee"] for d in created(books, "2026-03-09")] == [fee]
    fee_lines = [amount for kind, _, amount in line_types(books, "RM-000001") if "fee" in kind]
    assert sorted(fee_lines) == sorted(lines)
    issue(books, tmp_path, "RM-000001")
    assert balance(books, FEE_ACCOUNT) == -Decimal(fee)


def test_fees_the_terms_do_not_post_stay_on_the_reminder_only(
    books: Database, tmp_path: Path
) -> None:
    add_terms(books, post_additional_fee=False, post_line_fee=False)
    post(books, invoice("INV-1", "C1", "1000.00"))
    assert [d["fee"] for d in created(books, "2026-03-09")] == ["6.00"]
    assert issue(books, tmp_path, "RM-000001") == [None]
    assert balance(books, FEE_ACCOUNT) == Decimal("0.00")
    assert show_reminder(books, "RM-000001")["status"] == "issued"


def test_only_the_line_fee_is_posted_when_the_terms_say_so(books: Database, tmp_path: Path) -> None:
    add_terms(books, post_additional_fee=False, post_line_fee=True)
    post(books, invoice("INV-1", "C1", "1000.00"))
    created(books, "2026-03-09")
    issue(books, tmp_path, "RM-000001")
    assert balance(books, FEE_ACCOUNT) == Decimal("-1.00")


def test_foreign_currency_fees_are_converted_from_local_currency(books: Database) -> None:
    add_terms(books)
    post(books, invoice("INV-U", "C1", "1000.00", currency="USD"))
    # 2026-03-09 rate 0.95: fee 5.00 / 0.95 = 5.26 USD, line fee 1.00 / 0.95 = 1.05 USD
    assert [(d["currency"], d["fee"]) for d in created(books, "2026-03-09")] == [("USD", "6.31")]


def test_interest_when_the_level_calculates_it(books: Database, tmp_path: Path) -> None:
    with books.transaction() as session:
        session.add(FinanceChargeTerms(code="FC", interest_rate=Decimal("1.5")))
        session.flush()
        session.get_one(Customer, "C1").fin_charge_terms_code = "FC"
    level: dict[str, object] = {
        "grace_period": "5D",
        "due_date_formula": "10D",
        "calculate_interest": True,
    }
    add_terms(books, levels=(level,))
    post(books, invoice("INV-1", "C1", "1000.00"))
    # balance due: 1000.00 x 1.5 % = 15.00
    assert [(d["interest"], d["total"]) for d in created(books, "2026-03-09")] == [
        ("15.00", "1015.00")
    ]
    issue(books, tmp_path, "RM-000001")
    assert balance(books, INTEREST_ACCOUNT) == Decimal("-15.00")
    with books.reading() as session:
        kinds = session.scalars(select(CollectionLine.line_type).order_by(CollectionLine.id))
        assert list(kinds) == ["overdue", "interest"]


def test_blocked_customer_is_skipped(books: Database) -> None:
    add_terms(books, customer="C1")
    post(books, invoice("INV-1", "C1", "1000.00"))
    with books.transaction() as session:
        session.get_one(Customer, "C1").blocked = True
    assert create(books, "2026-03-09").as_json()["skipped"] == [
        {"customer_no": "C1", "currency": "EUR", "reason": "customer C1 is blocked"}
    ]
