"""Two reconciliations of one bank match the same bank entry from two processes at the same
time: one gets it, the other is refused, and the entry is matched once."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select

from bankrec.db.models import BankEntryStatus, BankRecMatchEntry
from bankrec.services.database import Database
from bankrec.services.reconciliation import new_reconciliation
from tests.services.test_reconciliation_support import Tx, add_statement, bank_post


def match_in_process(url: str, rec: int, entry: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bankrec", "--db", url, "rec", "match", str(rec), "--line", "1",
         "--entry", str(entry)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BANKREC_DATABASE_URL": url},
    )  # fmt: skip


def test_two_processes_matching_one_entry_match_it_once(ledger: Database) -> None:
    entry = bank_post(ledger, "2026-03-01", "-250.00", "1857", "Check 1857", "1857")
    recs = [
        new_reconciliation(
            ledger, "BANK", add_statement(ledger, "BANK", [Tx(day, "-250.00", "CHECK 1857")])
        )["reconciliation"]
        for day in ("2026-03-04", "2026-03-05")
    ]
    processes = [match_in_process(ledger.url, rec, entry) for rec in recs]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    assert sorted(code for code, _, _ in results) == [0, 1], results
    refusal = next(err for code, _, err in results if code == 1)
    assert "matched in bank reconciliation" in refusal or "meanwhile" in refusal, refusal
    with ledger.reading() as session:
        matches = session.scalar(select(func.count()).select_from(BankRecMatchEntry))
        applied = session.scalar(
            select(func.count())
            .select_from(BankEntryStatus)
            .where(BankEntryStatus.entry_no == entry, BankEntryStatus.status == "applied")
        )
    assert (matches, applied) == (1, 1)
