"""Two `bankrec run` never overlap on one database: a run finding the lock held exits 5 at once
(--no-wait) or after --wait-timeout, and two runs started together post the file once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bankrec.services.database import Database
from bankrec.services.payjournal import list_journals
from bankrec.services.run_lock import run_lock, sqlite_lock_path
from bankrec.services.statements import list_statements
from tests.cli.test_run_cmd import SURE, statement_file, with_invoice
from tests.factories import row_counts


def start_run(url: str, path: str, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bankrec", "--db", url, "run", path, "--bank", "BANK", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "BANKREC_DATABASE_URL": url},
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def test_a_run_finding_the_lock_held_exits_5_and_does_nothing(
    ledger: Database, tmp_path: Path
) -> None:
    path = statement_file(tmp_path, SURE)
    with_invoice(ledger)
    with run_lock(ledger):
        code, _, err = finish(start_run(ledger.url, path, "--no-wait"))
        assert code == 5, err
        assert "another `bankrec run` is running" in err
        assert "--wait" in err
        code, _, err = finish(start_run(ledger.url, path, "--wait", "--wait-timeout", "1"))
        assert code == 5, err
        assert "still held after waiting 1 s" in err
        assert "Traceback" not in err
    assert list_statements(ledger, "BANK") == []
    code, _, err = finish(start_run(ledger.url, path, "--no-wait"))
    assert code == 0, err


def test_two_runs_started_together_post_the_file_once(ledger: Database, tmp_path: Path) -> None:
    path = statement_file(tmp_path, SURE)
    before = row_counts(with_invoice(ledger))
    processes = [start_run(ledger.url, path, "--wait", "--wait-timeout", "100") for _ in range(2)]
    results = [finish(p) for p in processes]
    assert [code for code, _, _ in results] == [0, 0], results
    posted = [out for _, out, _ in results if "posted as" in out]
    assert len(posted) == 1, results
    assert [j["status"] for j in list_journals(ledger, "BANK")] == ["posted"]
    after = row_counts(ledger)
    assert after["customer_ledger_entry"] == before["customer_ledger_entry"] + 1


def test_the_sqlite_lock_file_sits_next_to_the_database(tmp_path: Path) -> None:
    assert sqlite_lock_path(Database(f"sqlite:///{tmp_path}/books.db")) == (
        tmp_path / "books.db.run.lock"
    )
    assert sqlite_lock_path(Database("sqlite://")) is None
    assert sqlite_lock_path(Database("postgresql+psycopg://u@localhost/x")) is None
