"""Two journals that both claim an invoice's whole remaining amount are posted by two processes at
the same time: one posts, the other is refused, and the invoice is never applied beyond what it
had. (`pay apply` and `pay apply-manual` already keep two open journals from claiming more than
an entry has; the claim of the second journal is written directly to prove that posting holds
even when those checks were bypassed or raced.)"""

from __future__ import annotations

import os
import subprocess
import sys

from bankrec.db import payment_repo
from bankrec.db.payment_repo import NewApplication
from bankrec.services.database import Database
from bankrec.services.payjournal import accept
from bankrec.services.payjournal.apply import apply_journal
from tests.factories import invoice, post, row_counts
from tests.scenarios.pay_support import Tx, journal_for
from tests.scenarios.test_payment_scenarios import open_items

IBAN_C1 = "DE89370400440532013000"


def claim_directly(db: Database, journal: int, entry_no: int) -> None:
    with db.transaction() as session:
        loaded = payment_repo.load_journal(session, journal, lock=True)
        assert loaded is not None
        line = loaded.lines[0]
        payment_repo.replace_applications(
            session,
            line,
            [NewApplication("customer", "C1", 100000, "manual", "manual", entry_no, "SI-9")],
        )
        line.status, line.confidence = "manual", "manual"


def post_in_process(url: str, journal: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bankrec",
            "--db",
            url,
            "pay",
            "post",
            str(journal),
            "--payments-only",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BANKREC_DATABASE_URL": url},
    )


def test_two_processes_posting_the_same_invoice_at_once_post_it_once(ledger: Database) -> None:
    post(ledger, invoice("SI-9", "C1", "1000.00", date="2026-03-01"))
    first = journal_for(
        ledger, "BANK", [Tx("2026-03-10", "1000.00", "SI-9", "Alpha GmbH", IBAN_C1)]
    )
    second = journal_for(
        ledger, "BANK", [Tx("2026-03-11", "1000.00", "SI-9", "Alpha GmbH", IBAN_C1)]
    )
    apply_journal(ledger, first)
    accept(ledger, first, [1])
    with ledger.reading() as session:
        loaded = payment_repo.load_journal(session, first)
        assert loaded is not None
        entry_no = loaded.lines[0].applications[0].entry_no
        assert entry_no is not None
    claim_directly(ledger, second, entry_no)
    before = row_counts(ledger)
    processes = [post_in_process(ledger.url, journal) for journal in (first, second)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    refusal = next(err for code, _, err in results if code == 1)
    assert "left" in refusal
    assert "Traceback" not in refusal
    assert open_items(ledger) == {}
    after = row_counts(ledger)
    assert after["customer_ledger_entry"] == before["customer_ledger_entry"] + 1
