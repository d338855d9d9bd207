"""Use cases for the database itself: initialise, migrate, report the schema, load the demo."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bankrec.db import migrate
from bankrec.db.models import BankAccount, BankEntryStatus, BankLedgerEntry, GLRegister
from bankrec.domain.kinds import StatementStatus
from bankrec.errors import DatabaseError
from bankrec.services.database import Database
from bankrec.services.journal import PostingSummary, post_journal
from bankrec.services.load import load_into
from bankrec.services.masterdata import ensure_company

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEMO_MASTER_DATA = "company.json"
DEMO_JOURNAL = "opening.csv"


def examples_dir() -> Path:
    """The wheel carries ``bankrec/_examples``; a checkout has ``examples/`` at its top."""
    for candidate in (_PACKAGE_DIR / "_examples", _PACKAGE_DIR.parent.parent / "examples"):
        if (candidate / DEMO_MASTER_DATA).is_file():
            return candidate
    raise DatabaseError(
        "the demo company files are missing from this installation; reinstall bankrec"
    )


@dataclass(frozen=True)
class SchemaReport:
    url: str
    current: str | None
    head: str
    drift: list[str] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head and not self.drift


@dataclass(frozen=True)
class InitResult:
    url: str
    schema: str
    local_currency: str
    demo_loaded: dict[str, int] | None = None
    demo_journal: PostingSummary | None = None
    notes: list[str] = field(default_factory=list)


def upgrade_database(db: Database) -> SchemaReport:
    migrate.upgrade(db.engine)
    return schema_report(db, with_drift=False)


def schema_report(db: Database, with_drift: bool = True) -> SchemaReport:
    current = db.schema_revision()
    drift: list[str] = []
    if with_drift and current is not None:
        with db.engine.connect() as connection:
            drift = migrate.schema_drift(connection)
    return SchemaReport(db.display_url, current, migrate.head_revision(), drift)


def initialise(db: Database, local_currency: str, demo: bool, user: str) -> InitResult:
    """Create or migrate the database, set up the company, and optionally load the demo."""
    migrate.upgrade(db.engine)
    notes: list[str] = []
    demo_counts: dict[str, int] | None = None
    journal: PostingSummary | None = None
    with db.transaction() as session:
        company = ensure_company(session, local_currency)
        if demo:
            folder = examples_dir()
            source = str(folder / DEMO_MASTER_DATA)
            document = json.loads((folder / DEMO_MASTER_DATA).read_text(encoding="utf-8"))
            demo_counts = load_into(session, document, source).counts
        already_posted = session.scalar(select(func.count()).select_from(GLRegister)) or 0
        lcy = company.lcy_code
    if demo:
        if already_posted:
            notes.append(
                "the ledger already has postings, so the demo journal was not posted again"
            )
        else:
            path = examples_dir() / DEMO_JOURNAL
            journal = post_journal(db, path.read_text(encoding="utf-8"), str(path), user)
            if journal.transaction_no is not None:
                _close_opening_balances(db, journal.transaction_no)
    return InitResult(db.display_url, migrate.head_revision(), lcy, demo_counts, journal, notes)


def _close_opening_balances(db: Database, transaction_no: int) -> None:
    """The demo's opening bank balances are what each bank's balance last statement already
    holds: they are reconciled (closed on statement 0), not outstanding items."""
    with db.transaction() as session:
        now = datetime.now(UTC)
        rows = session.execute(
            select(
                BankLedgerEntry.entry_no,
                BankLedgerEntry.posting_date,
                BankAccount.last_statement_no,
            )
            .join(BankAccount, BankAccount.no == BankLedgerEntry.bank_no)
            .where(BankLedgerEntry.transaction_no == transaction_no)
            .order_by(BankLedgerEntry.entry_no)
        )
        for entry_no, posted, statement_no in rows:
            session.add(
                BankEntryStatus(
                    entry_no=entry_no,
                    status=StatementStatus.CLOSED.value,
                    statement_no=statement_no,
                    closed_at_date=posted,
                    changed_at=now,
                )
            )
