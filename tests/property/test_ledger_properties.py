"""Properties of the ledger that hold whatever is posted, applied, unapplied or reversed.

Every example runs on a database of its own (a fresh copy of the migrated schema with the
standard company loaded), so hypothesis can replay and shrink a failing sequence exactly.
Amounts are drawn as integer cents and turned into text through ``Decimal``, never floats.
"""

from __future__ import annotations

import itertools
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from bankrec.db.models import Application, GLRegister, Unapplication
from bankrec.errors import (
    ApplicationError,
    BankrecError,
    BlockedError,
    DuplicateDocumentError,
    InputError,
    MissingExchangeRateError,
    NotFoundError,
    ReversalError,
    UnbalancedError,
)
from bankrec.services.corrections import reverse_transaction, unapply_entry
from bankrec.services.database import Database
from bankrec.services.ledger_queries import EntryView, list_entries, trial_balance
from bankrec.services.masterdata import set_company
from bankrec.services.masterdata_inputs import CompanyInput
from tests.factories import load_standard_company, post, row_counts

T = TypeVar("T")
Row = dict[str, str]

REFUSALS: tuple[type[BankrecError], ...] = (
    InputError,
    NotFoundError,
    BlockedError,
    UnbalancedError,
    DuplicateDocumentError,
    MissingExchangeRateError,
    ApplicationError,
    ReversalError,
)
"""What an operation may refuse with; any other exception fails the test."""

PARTIES = {"customer": ("C1", "C2", "C3"), "vendor": ("V1", "V2")}
CONTROL_ACCOUNTS = {"customer": "1300", "vendor": "2300"}
COUNTER_ACCOUNTS = {"customer": "4000", "vendor": "6000"}
DOCUMENT_TYPES = ("invoice", "credit-memo", "payment", "refund")
DATES = ("2026-01-20", "2026-02-01", "2026-02-05", "2026-02-11", "2026-02-25", "2026-03-05")
LATER_DATES = ("2026-03-05", "2026-04-02", "2026-04-20")

MACHINE_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REVERSAL_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cents = st.integers(min_value=1, max_value=500_000)


def money(amount_cents: int) -> str:
    """Integer cents as plain decimal text: 12345 -> "123.45", -5 -> "-0.05"."""
    return str(Decimal(amount_cents).scaleb(-2))


# -- a fresh ledger per example -------------------------------------------------------------------


class FreshLedgers:
    """Hands out newly migrated databases with the standard company, on the test's backend."""

    def __init__(self, request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.counter = itertools.count()
        self.sqlite_template: Path | None = None
        self.server: Any = None
        if db_url.startswith("sqlite"):
            self.sqlite_template = request.getfixturevalue("sqlite_template")
        else:
            self.server = request.getfixturevalue("postgres_server")

    def open(self) -> Database:
        if self.sqlite_template is not None:
            path = self.tmp_path / f"example-{next(self.counter)}.db"
            shutil.copyfile(self.sqlite_template, path)
            url = f"sqlite:///{path}"
        else:
            url = str(self.server.new_database())
        db = Database(url)
        load_standard_company(db)
        return db

    def close(self, db: Database) -> None:
        db.close()
        if self.sqlite_template is not None:
            path = Path(db.url.removeprefix("sqlite:///"))
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        else:
            self.server.drop(db.url)

    @contextmanager
    def ledger(self) -> Iterator[Database]:
        db = self.open()
        try:
            yield db
        finally:
            self.close(db)


@pytest.fixture
def fresh_ledgers(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> FreshLedgers:
    return FreshLedgers(request, db_url, tmp_path)


# -- journal documents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyDocument:
    """A customer or vendor invoice, credit memo, payment or refund in EUR or USD."""

    kind: str
    party: str
    document_type: str
    usd: bool
    amount_cents: int
    date: str
    split_cents: int | None = None
    """For invoices and credit memos: book the counter-account in two lines, this much first."""

    @property
    def sign(self) -> int:
        """Debit positive from the party's view: what the customer owes us, what we owe a vendor."""
        owed_to_us = self.document_type in ("invoice", "refund")
        return (1 if owed_to_us else -1) * (1 if self.kind == "customer" else -1)

    @property
    def signed_cents(self) -> int:
        return self.sign * self.amount_cents

    def rows(self, document_no: str, applies_to: str = "") -> list[Row]:
        common = {
            "date": self.date,
            "document_type": self.document_type,
            "document_no": document_no,
            "currency": "USD" if self.usd else "",
        }
        party_row = {
            **common,
            "account_type": self.kind,
            "account_no": self.party,
            "amount": money(self.signed_cents),
            "applies_to_doc_no": applies_to,
            "description": f"{self.document_type} {document_no}",
        }
        if self.document_type in ("payment", "refund"):
            bank = "USDBANK" if self.usd else "BANK"
            return [{**party_row, "bal_account_type": "bank", "bal_account_no": bank}]
        counter = COUNTER_ACCOUNTS[self.kind]
        split = self.split_cents
        if split is None or not 0 < split < self.amount_cents:
            return [{**party_row, "bal_account_type": "gl", "bal_account_no": counter}]
        rest = self.amount_cents - split
        return [
            party_row,
            *(
                {
                    **common,
                    "account_type": "gl",
                    "account_no": counter,
                    "amount": money(-self.sign * part),
                }
                for part in (split, rest)
            ),
        ]


@st.composite
def party_documents(draw: st.DrawFn, dates: tuple[str, ...] = DATES) -> PartyDocument:
    kind = draw(st.sampled_from(sorted(PARTIES)))
    amount = draw(cents)
    document_type = draw(st.sampled_from(DOCUMENT_TYPES))
    split = draw(st.none() | st.integers(min_value=1, max_value=amount))
    return PartyDocument(
        kind=kind,
        party=draw(st.sampled_from(PARTIES[kind])),
        document_type=document_type,
        usd=draw(st.booleans()),
        amount_cents=amount,
        date=draw(st.sampled_from(dates)),
        split_cents=split if document_type in ("invoice", "credit-memo") else None,
    )


@st.composite
def transfers(draw: st.DrawFn) -> list[Row]:
    """A G/L-only document: an expense against equity, or money in or out of a bank."""
    account = draw(
        st.sampled_from([("gl", "6000", ""), ("bank", "BANK", ""), ("bank", "USDBANK", "USD")])
    )
    amount = draw(cents) * draw(st.sampled_from([1, -1]))
    return [
        {
            "date": draw(st.sampled_from(DATES)),
            "document_no": "",
            "account_type": account[0],
            "account_no": account[1],
            "currency": account[2],
            "amount": money(amount),
            "bal_account_type": "gl",
            "bal_account_no": "2900",
            "description": "transfer",
        }
    ]


def open_counterparts(db: Database, document: PartyDocument) -> list[EntryView]:
    """The party's open entries this document could apply to: opposite sign, same currency."""
    currency = "USD" if document.usd else "EUR"
    return [
        e
        for e in list_entries(db, document.kind, account=document.party, open_only=True)
        if e.currency == currency
        and e.remaining_amount is not None
        and (e.remaining_amount > 0) != (document.signed_cents > 0)
    ]


@dataclass(frozen=True)
class Settlement:
    """How to settle some open entry: by bank or by a credit/debit document, paid how exactly."""

    pick: int
    by_bank: bool
    how: str
    delta_cents: int
    date: str

    def document(self, kind: str, entry: EntryView) -> PartyDocument:
        """A document of the opposite sign for the entry's party and currency."""
        remaining = entry.remaining_amount or Decimal(0)
        owed = abs(to_cents(remaining))
        discount = abs(to_cents(Decimal(entry.extra["remaining_pmt_discount"])))
        amount = {
            "exact": owed,
            "less-discount": owed - discount,
            "short": owed - self.delta_cents,
            "over": owed + self.delta_cents,
        }.get(self.how, self.delta_cents)  # "other": an unrelated amount
        # The settling document has the opposite sign: from a customer's view a payment or a
        # credit memo is negative, from a vendor's view positive.
        negative_needed = remaining > 0
        credit_side = negative_needed == (kind == "customer")
        types = ("payment", "credit-memo") if credit_side else ("refund", "invoice")
        return PartyDocument(
            kind=kind,
            party=entry.account_no,
            document_type=types[0] if self.by_bank else types[1],
            usd=entry.currency == "USD",
            amount_cents=max(amount, 1),
            date=self.date,
        )


settlements = st.builds(
    Settlement,
    pick=st.integers(min_value=0, max_value=1_000),
    by_bank=st.booleans(),
    how=st.sampled_from(["exact", "exact", "less-discount", "short", "over", "other"]),
    delta_cents=st.integers(min_value=1, max_value=600) | cents,
    date=st.sampled_from(DATES + LATER_DATES),
)


def to_cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def open_entries(db: Database) -> list[tuple[str, EntryView]]:
    return [(kind, e) for kind in sorted(PARTIES) for e in list_entries(db, kind, open_only=True)]


# -- reading the books ----------------------------------------------------------------------------

PartyState = dict[tuple[str, int], tuple[Decimal, str, str]]


def gl_balances(db: Database) -> dict[str, Decimal]:
    """Every G/L account's balance, accounts at zero left out."""
    return {line.account_no: line.balance for line in trial_balance(db).lines if line.balance}


def party_state(db: Database) -> PartyState:
    """(ledger, entry no.) -> remaining amount, remaining in local currency, discount left."""
    return {
        (kind, e.entry_no): (
            e.remaining_amount or Decimal(0),
            e.extra["remaining_amount_lcy"],
            e.extra["remaining_pmt_discount"],
        )
        for kind in PARTIES
        for e in list_entries(db, kind)
    }


def sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def check_ledger_invariants(db: Database) -> None:
    tb = trial_balance(db)
    assert tb.total == 0, f"trial balance is off by {tb.total}"
    assert tb.total_debit == tb.total_credit
    for kind, control in CONTROL_ACCOUNTS.items():
        by_gl: dict[str, Decimal] = defaultdict(Decimal)
        for gl in list_entries(db, "gl", account=control):
            assert gl.extra["source_type"] == kind, f"untagged entry {gl.entry_no} on {control}"
            by_gl[gl.extra["source_no"]] += gl.amount
        by_entries: dict[str, Decimal] = defaultdict(Decimal)
        for e in list_entries(db, kind):
            remaining = e.remaining_amount or Decimal(0)
            remaining_lcy = Decimal(e.extra["remaining_amount_lcy"])
            assert e.open == (remaining != 0)
            assert sign(remaining) in (0, sign(e.amount)), f"{kind} entry {e.entry_no} changed sign"
            assert sign(remaining_lcy) in (0, sign(e.amount)), (
                f"{kind} entry {e.entry_no}: remaining {remaining_lcy} in local currency has the "
                f"wrong sign"
            )
            if not remaining:
                assert not remaining_lcy, f"closed {kind} entry {e.entry_no} keeps {remaining_lcy}"
            by_entries[e.account_no] += remaining_lcy
        for party in PARTIES[kind]:
            assert by_gl[party] == by_entries[party], (
                f"{kind} {party}: G/L {control} holds {by_gl[party]}, its entries "
                f"{by_entries[party]}"
            )


def refused_or_done(db: Database, label: str, action: Callable[[], T]) -> T | None:
    """Run ``action``; a refusal must leave every ledger table as it was."""
    counts = row_counts(db)
    try:
        result = action()
    except REFUSALS as exc:
        event(f"{label}: refused ({type(exc).__name__})")
        assert row_counts(db) == counts, "a refused operation wrote rows"
        return None
    event(f"{label}: done")
    return result


# -- the state machine ----------------------------------------------------------------------------


class LedgerMachine(RuleBasedStateMachine):
    """A bookkeeper posting, applying, unapplying and reversing in random order."""

    ledgers: ClassVar[FreshLedgers]

    def __init__(self) -> None:
        super().__init__()
        self.db = self.ledgers.open()
        self.numbers = itertools.count(1)
        self.document_nos: list[str] = []
        self.last_transaction: int | None = None
        self.before: dict[int, tuple[dict[str, Decimal], PartyState]] = {}

    def teardown(self) -> None:
        self.ledgers.close(self.db)

    @initialize(
        pct=st.sampled_from(["0", "1", "2.5"]),
        cap=st.sampled_from(["0", "5.00"]),
    )
    def set_tolerance(self, pct: str, cap: str) -> None:
        set_company(
            self.db,
            CompanyInput(payment_tolerance_pct=Decimal(pct), max_payment_tolerance=Decimal(cap)),
        )

    def _post(self, label: str, rows: list[Row]) -> None:
        before = (gl_balances(self.db), party_state(self.db))
        summary = refused_or_done(self.db, label, partial(post, self.db, *rows))
        if summary is not None:
            assert summary.transaction_no is not None
            if summary.applications:
                event("posting applied entries")
            self.before[summary.transaction_no] = before
            self.last_transaction = summary.transaction_no

    @rule(document=party_documents(), data=st.data())
    def post_party_document(self, document: PartyDocument, data: st.DataObject) -> None:
        how = data.draw(st.sampled_from(["none", "open", "open", "any"]), label="applies")
        applies_to: list[str] = []
        if how == "open":
            candidates = sorted({e.document_no for e in open_counterparts(self.db, document)})
            if candidates:
                applies_to = data.draw(
                    st.lists(st.sampled_from(candidates), min_size=1, max_size=2, unique=True),
                    label="applies_to",
                )
        elif how == "any" and self.document_nos:
            applies_to = [data.draw(st.sampled_from(self.document_nos), label="applies_to")]
        reuse = bool(self.document_nos) and data.draw(st.integers(0, 9), label="reuse") == 0
        if reuse:
            document_no = data.draw(st.sampled_from(self.document_nos), label="document_no")
        else:
            document_no = f"D{next(self.numbers)}"
        self._post("post document", document.rows(document_no, ";".join(applies_to)))
        if document_no not in self.document_nos:
            self.document_nos.append(document_no)

    @rule(settlement=settlements)
    def settle_open_entry(self, settlement: Settlement) -> None:
        candidates = open_entries(self.db)
        if not candidates:
            return
        kind, entry = candidates[settlement.pick % len(candidates)]
        document = settlement.document(kind, entry)
        document_no = f"S{next(self.numbers)}"
        self._post("settle", document.rows(document_no, entry.document_no))
        self.document_nos.append(document_no)

    @rule(rows=transfers())
    def post_transfer(self, rows: list[Row]) -> None:
        rows = [{**row, "document_no": f"T{next(self.numbers)}"} for row in rows]
        self._post("transfer", rows)

    @rule(data=st.data())
    def unapply(self, data: st.DataObject) -> None:
        with self.db.reading() as session:
            live = session.execute(
                select(Application.ledger, Application.applying_entry_no)
                .outerjoin(Unapplication, Unapplication.application_id == Application.id)
                .where(Unapplication.application_id.is_(None))
                .order_by(Application.id)
            ).all()
        candidates = [(str(kind), int(no)) for kind, no in live]
        candidates += [(kind, no) for kind, no in party_state(self.db)]
        if not candidates:
            return
        kind, entry_no = data.draw(st.sampled_from(candidates), label="entry")
        on = data.draw(st.none() | st.sampled_from(LATER_DATES), label="on")
        result = refused_or_done(
            self.db,
            "unapply",
            lambda: unapply_entry(
                self.db,
                entry_no,
                "tester",
                ledger_kind=kind,
                on=date.fromisoformat(on) if on else None,
            ),
        )
        if result is not None:
            self.last_transaction = result.transaction_no

    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        with self.db.reading() as session:
            transactions = list(
                session.scalars(
                    select(GLRegister.transaction_no).order_by(GLRegister.transaction_no)
                )
            )
        transaction_no = data.draw(
            st.sampled_from([*transactions, max(transactions, default=0) + 1]), label="transaction"
        )
        was_last = transaction_no == self.last_transaction
        result = refused_or_done(
            self.db, "reverse", partial(reverse_transaction, self.db, transaction_no, "tester")
        )
        if result is None:
            return
        self.last_transaction = result.transaction_no
        if was_last and transaction_no in self.before:
            # Nothing happened since the reversed posting: the books are as they were before it.
            gl_before, parties_before = self.before[transaction_no]
            assert gl_balances(self.db) == gl_before
            parties_now = party_state(self.db)
            assert {key: parties_now[key] for key in parties_before} == parties_before

    @invariant()
    def books_are_sound(self) -> None:
        check_ledger_invariants(self.db)


def test_ledger_invariants_hold_through_any_sequence(fresh_ledgers: FreshLedgers) -> None:
    class Machine(LedgerMachine):
        ledgers = fresh_ledgers

    run_state_machine_as_test(Machine, settings=MACHINE_SETTINGS)


# -- reversal restores ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    document: PartyDocument | None = None
    applies: int = 0
    """How many of the party's open counter-entries (oldest first) the document applies to."""
    settlement: Settlement | None = None
    transfer: list[Row] | None = None

    def rows(self, db: Database, document_no: str) -> list[Row]:
        if self.document is not None:
            targets = [e.document_no for e in open_counterparts(db, self.document)]
            return self.document.rows(document_no, ";".join(targets[: self.applies]))
        if self.settlement is not None:
            candidates = open_entries(db)
            if not candidates:
                return []
            kind, entry = candidates[self.settlement.pick % len(candidates)]
            return self.settlement.document(kind, entry).rows(document_no, entry.document_no)
        assert self.transfer is not None
        return [{**row, "document_no": document_no} for row in self.transfer]


steps = st.one_of(
    st.builds(
        Step,
        document=party_documents(DATES + LATER_DATES),
        applies=st.integers(min_value=0, max_value=2),
    ),
    st.builds(Step, settlement=settlements),
    st.builds(Step, transfer=transfers()),
)


@REVERSAL_SETTINGS
@given(plan=st.lists(steps, min_size=1, max_size=8))
def test_reversing_in_reverse_order_restores_the_books_step_by_step(
    fresh_ledgers: FreshLedgers, plan: list[Step]
) -> None:
    with fresh_ledgers.ledger() as db:
        posted: list[tuple[int, dict[str, Decimal], PartyState]] = []
        for number, step in enumerate(plan, start=1):
            rows = step.rows(db, f"D{number}")
            if not rows:
                continue
            before = (gl_balances(db), party_state(db))
            summary = refused_or_done(db, "post", partial(post, db, *rows))
            if summary is not None:
                assert summary.transaction_no is not None
                posted.append((summary.transaction_no, *before))

        for transaction_no, gl_before, parties_before in reversed(posted):
            result = reverse_transaction(db, transaction_no, "tester")
            if result.applications_undone:
                event("reversal undid applications")
            assert gl_balances(db) == gl_before
            parties_now = party_state(db)
            assert {key: parties_now[key] for key in parties_before} == parties_before
            assert all(
                remaining == 0
                for key, (remaining, _, _) in parties_now.items()
                if key not in parties_before
            ), "the reversed entries and their mirrors are closed"
            check_ledger_invariants(db)
        assert gl_balances(db) == {}
