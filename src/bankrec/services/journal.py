"""Use case: post a general journal file in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import TransactionSource
from bankrec.domain.money import format_minor
from bankrec.importers.journal_csv import read_journal
from bankrec.services.database import Database
from bankrec.services.posting.journal import JournalResolver, post_legs
from bankrec.services.posting.writer import TransactionWriter


@dataclass(frozen=True)
class PostingSummary:
    """What a journal posting wrote (or, for a dry run, would write)."""

    source: str
    dry_run: bool
    transaction_no: int | None
    lines: int
    documents: int
    entries: dict[str, int]
    applications: int
    total_debit: str
    currency: str


def post_journal(
    db: Database, text: str, source: str, user: str, dry_run: bool = False
) -> PostingSummary:
    """Parse, check and post ``text`` (journal CSV); ``source`` names it in messages."""
    lines = read_journal(text, source)
    unit = db.dry_run() if dry_run else db.transaction()
    with unit as session:
        setup = LedgerSetup(session)
        legs = JournalResolver(setup).legs(lines)
        writer = TransactionWriter(
            session, setup, TransactionSource.JOURNAL, user, f"journal {source}"
        )
        applications = post_legs(writer, legs)
        session.flush()
        debit = sum(e.amount_minor for e in writer.gl_entries if e.amount_minor > 0)
        return PostingSummary(
            source=source,
            dry_run=dry_run,
            transaction_no=None if dry_run else writer.transaction_no,
            lines=len(lines),
            documents=len({leg.document_no for leg in legs}),
            entries=dict(sorted(writer.counts.items())),
            applications=applications,
            total_debit=format_minor(debit, setup.lcy_decimals),
            currency=setup.lcy,
        )
