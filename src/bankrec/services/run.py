"""Use case: an unattended run for cron and scripts (`bankrec run`).

Import the files into one bank, put the bank's new lines into a payment journal, apply every open
journal of the bank, and post what needs no decision; the rest waits for `bankrec pay review`.
Every step is idempotent, so running again on the same files posts nothing twice: the import adds
no line twice, a line already in a journal is not taken again, and a posted journal is no longer
open.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bankrec.errors import BankrecError, PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.statement_import import FileReport, ImportOptions, Progress, import_files

AUTO_POST = ("high", "none")
READY_STATUSES = ("accepted", "manual")


@dataclass(frozen=True)
class RunOptions:
    bank: str | None
    """None: each statement goes to the bank its account names, and every bank's open journals
    are applied (a transfer's two legs then pair in one run)."""
    auto_post: str = "high"
    """``high``: post a journal whose every line is High or decided; ``none``: post nothing."""
    fmt: str = "auto"
    profile: str | None = None
    allow_gap: bool = False
    user: str = ""


@dataclass
class JournalOutcome:
    journal: int
    created: bool
    """True when this run created the journal from the bank's new lines."""
    bank: str = ""
    lines: int = 0
    confidence_counts: dict[str, int] = field(default_factory=dict)
    accepted: list[int] = field(default_factory=list)
    posted: bool = False
    transaction_no: int | None = None
    document_no: str | None = None
    reconciled: bool = False
    """Posted in reconcile mode: its statements tied, their bank entries are closed."""
    review: list[int] = field(default_factory=list)
    """Lines that need a decision (`bankrec pay review JOURNAL`)."""
    error: str | None = None


@dataclass
class RunReport:
    bank: str | None
    auto_post: str
    files: list[FileReport] = field(default_factory=list)
    journals: list[JournalOutcome] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.errors for f in self.files) or any(j.error for j in self.journals)

    @property
    def needs_review(self) -> bool:
        return any(not j.posted for j in self.journals)

    @property
    def outcome(self) -> str:
        """``failed``, ``review`` (journals left open) or ``posted`` (nothing left open)."""
        if self.failed:
            return "failed"
        return "review" if self.needs_review else "posted"


def unattended_run(
    db: Database, paths: Sequence[str], options: RunOptions, progress: Progress | None = None
) -> RunReport:
    """Import, journal, apply and post; the caller holds the run lock (``run_lock``)."""
    if options.auto_post not in AUTO_POST:
        raise ValueError(f"auto_post must be one of {AUTO_POST}")
    from bankrec.services.payjournal import list_journals, new_journal

    report = RunReport(options.bank, options.auto_post)
    given = (options.bank,) if options.bank else ()
    import_options = ImportOptions(
        given, options.fmt, options.profile, False, options.allow_gap, options.user
    )
    report.files = import_files(db, paths, import_options, progress)
    banks = set(given) | {s.bank for f in report.files for s in f.statements if s.lines_new}
    created = set()
    for bank in sorted(banks):
        # Refused when every line of the bank is in a journal already: nothing new to journal.
        with suppress(PaymentJournalError):
            created.add(new_journal(db, bank, None, options.user)["journal"])
    for journal in list_journals(db, options.bank, "open"):
        outcome = JournalOutcome(
            journal["journal"], created=journal["journal"] in created, bank=journal["bank"]
        )
        try:
            _process(db, outcome, options)
        except BankrecError as exc:
            outcome.error = str(exc)
        report.journals.append(outcome)
    return report


def _process(db: Database, outcome: JournalOutcome, options: RunOptions) -> None:
    from bankrec.services.payjournal import accept, show_journal
    from bankrec.services.payjournal.apply import apply_journal
    from bankrec.services.payjournal.post import (
        PostOptions,
        post_payment_journal,
        tying_ending_balance,
    )

    apply_journal(db, outcome.journal)
    document = show_journal(db, outcome.journal)
    _summarise(outcome, document)
    if options.auto_post == "none":
        outcome.review = [line["line"] for line in document["lines"]]
        return
    if document["confidence_counts"].get("high", 0):
        outcome.accepted = accept(db, outcome.journal, min_confidence="high")["accepted"]
        document = show_journal(db, outcome.journal)
    outcome.review = [line["line"] for line in document["lines"] if not _ready(line)]
    if outcome.review:
        return
    ending = tying_ending_balance(db, outcome.journal)
    post_options = (
        PostOptions(ending_balance=ending, user=options.user)
        if ending is not None
        else PostOptions(payments_only=True, user=options.user)
    )
    result = post_payment_journal(db, outcome.journal, post_options)
    outcome.reconciled = result.reconciled
    outcome.posted = True
    outcome.transaction_no = result.transaction_no
    outcome.document_no = result.document_no


def _summarise(outcome: JournalOutcome, document: dict[str, Any]) -> None:
    outcome.lines = len(document["lines"])
    counts: dict[str, int] = document["confidence_counts"]
    outcome.confidence_counts = {name: n for name, n in counts.items() if n}


def _ready(line: dict[str, Any]) -> bool:
    """Posting takes the line as it is: applied in full, and decided or of High confidence."""
    decided = line["status"] in READY_STATUSES or line["confidence"] == "high"
    return bool(line["applications"]) and decided and Decimal(str(line["difference"])) == 0
