"""Time `bankrec rec match-auto` end to end on SQLite: a statement against open bank entries.

The default workload is 10,000 statement lines against 12,000 open bank ledger entries of one
bank B1 (EUR, new, so its balance last statement is 0), posted over about two months. The mix
follows ``bench_rec_matching.py``; every statement line is booked 1 to 3 days after its entries:

- checks issued (``check_no`` on the entry, negative round amounts, so many share an amount);
  the line says "CHECK nnnn" (a third also carry ``Refs/ChqNb``), a few say only "CHECK PAID";
- transfers whose end-to-end id is the entry's external document number;
- payments and receipts whose text names the entry's document number;
- direct debits of a unique amount with only the vendor's name (amount only);
- a reference with a close amount (a match with a difference);
- deposits: one line for 2 to 4 received check entries (half of the slips list the numbers);
- payment runs: one entry for 2 or 3 lines;
- bank fees with no entry, and entries not yet on the statement (outstanding items).

Steps, each a subprocess ``python -m bankrec --db sqlite:///...``: ``init``; ``gl add`` (bank
G/L 1000 without direct posting, equity 3000, expenses 6000) and ``bank add B1``; ``journal post
entries.csv`` (one bank line per entry, balanced against 3000 or 6000); ``import statement.xml
--bank B1 --allow-gap --json`` (one camt.053.001.02 statement, opening 0, closing = the lines);
``rec new --bank B1 --statement ID --json``; then ``rec match-auto REC --days 5 --json`` alone,
under ``/usr/bin/time`` (wall seconds, peak RSS); last ``rec show REC --json`` for the line
statuses. A failing command stops the script with its output.

    python benchmarks/bench_rec.py [--lines 10000] [--entries 12000] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape

from bankrec.importers.journal_csv import COLUMNS

HERE = Path(__file__).resolve().parent


def _module(name: str) -> ModuleType:
    """A sibling benchmark script, loaded by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BANKREC = [sys.executable, "-m", "bankrec"]
BANK = "B1"
BANK_GL, EQUITY_GL, EXPENSE_GL = "1000", "3000", "6000"
START = date(2026, 3, 2)
DAYS = 61
# The same mix of statement lines as the engine-only benchmark, so the two figures compare.
_ENGINE_BENCH = _module("bench_rec_matching")
ROUND: tuple[int, ...] = _ENGINE_BENCH.ROUND
VENDORS: tuple[str, ...] = _ENGINE_BENCH.VENDORS
KINDS: tuple[tuple[str, float], ...] = _ENGINE_BENCH.KINDS
BANK_CODES = {  # ISO 20022 domain/family/sub-family per kind of line, by sign
    "check": ("PMNT", "ICHQ", "CCHQ"),
    "check_no_number": ("PMNT", "ICHQ", "CCHQ"),
    "deposit": ("PMNT", "RCHQ", "BCHQ"),
    "fee": ("ACMT", "MDOP", "CHRG"),
    "debit": ("PMNT", "ICDT", "ESCT"),
    "credit": ("PMNT", "RCDT", "ESCT"),
}


@dataclass(frozen=True)
class Entry:
    day: date
    cents: int
    document_no: str
    description: str
    external_document_no: str = ""
    check_no: str = ""


@dataclass(frozen=True)
class Line:
    kind: str
    day: date
    cents: int
    text: str
    end_to_end_id: str = ""
    check_no: str = ""
    party: str = ""


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


class Workload:
    """Bank entries to post and the statement lines that clear (most of) them."""

    def __init__(self, lines: int, entries: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.entries: list[Entry] = []
        self.lines: list[Line] = []
        self.check_no = 100_000
        kinds = [k for k, _ in KINDS]
        weights = [w for _, w in KINDS]
        while len(self.lines) < lines:
            getattr(self, f"_{self.rng.choices(kinds, weights)[0]}")()
        del self.lines[lines:]  # a payment run cut short leaves its entry outstanding
        while len(self.entries) < entries:
            self._outstanding()
        self.entries.sort(key=lambda e: e.day)
        self.lines.sort(key=lambda line: line.day)

    def _day(self) -> date:
        return START + timedelta(days=self.rng.randrange(DAYS))

    def _lag(self, day: date) -> date:
        return day + timedelta(days=self.rng.randrange(1, 4))

    def _doc_no(self, prefix: str) -> str:
        return f"{prefix}{len(self.entries) + 1:06d}"

    def _check(self, with_number: bool = True) -> None:
        self.check_no += 1
        day, cents, vendor = self._day(), -self.rng.choice(ROUND), self.rng.choice(VENDORS)
        number = str(self.check_no)
        self.entries.append(
            Entry(day, cents, self._doc_no("PV"), f"Check {number} {vendor}", check_no=number)
        )
        if not with_number:
            self.lines.append(Line("check_no_number", self._lag(day), cents, "CHECK PAID"))
            return
        cheque = number if self.rng.random() < 1 / 3 else ""
        self.lines.append(Line("check", self._lag(day), cents, f"CHECK {number}", check_no=cheque))

    def _check_no_number(self) -> None:
        self._check(with_number=False)

    def _end_to_end(self) -> None:
        day = self._day()
        cents = self.rng.choice((1, -1)) * self.rng.randrange(1000, 900_000)
        reference = f"E2E{self.rng.randrange(10**9):09d}"
        description = "Vendor payment" if cents < 0 else "Incoming transfer"
        self.entries.append(
            Entry(day, cents, self._doc_no("PMT"), description, external_document_no=reference)
        )
        kind = "debit" if cents < 0 else "credit"
        text = "SEPA CREDIT TRANSFER"
        self.lines.append(Line(kind, self._lag(day), cents, text, end_to_end_id=reference))

    def _document(self) -> None:
        day = self._day()
        cents = self.rng.choice((1, -1)) * self.rng.randrange(1000, 900_000)
        document = self._doc_no("RCPT-" if cents > 0 else "PAY-")
        description = "Customer receipt" if cents > 0 else "Supplier payment"
        self.entries.append(Entry(day, cents, document, description))
        kind = "debit" if cents < 0 else "credit"
        self.lines.append(Line(kind, self._lag(day), cents, f"PAYMENT {document} THANK YOU"))

    def _amount_only(self) -> None:
        day, cents = self._day(), -self.rng.randrange(1000, 900_000)
        vendor = self.rng.choice(VENDORS)
        self.entries.append(Entry(day, cents, self._doc_no("DD"), f"{vendor} monthly"))
        text = f"DIRECT DEBIT {vendor.upper()}"
        self.lines.append(Line("debit", self._lag(day), cents, text, party=vendor.upper()))

    def _close(self) -> None:
        day, cents = self._day(), -self.rng.randrange(10_000, 900_000)
        document = self._doc_no("INV-")
        self.entries.append(Entry(day, cents, document, "Supplier invoice"))
        paid = cents + self.rng.randrange(1, abs(cents) // 20)
        self.lines.append(Line("debit", self._lag(day), paid, f"PAYMENT {document}"))

    def _deposit(self) -> None:
        day = self._day()
        numbers, total = [], 0
        for _ in range(self.rng.randrange(2, 5)):
            self.check_no += 1
            cents = self.rng.randrange(1000, 300_000)
            posted = day - timedelta(days=self.rng.randrange(0, 2))
            number = str(self.check_no)
            self.entries.append(
                Entry(posted, cents, self._doc_no("CR"), "Customer check", check_no=number)
            )
            numbers.append(number)
            total += cents
        text = "DEPOSIT"
        if self.rng.random() < 0.5:  # half the deposit slips list their checks
            text += " CHECKS " + ", ".join(numbers)
        self.lines.append(Line("deposit", self._lag(day), total, text))

    def _run(self) -> None:
        day = self._day()
        parts = [-self.rng.randrange(1000, 300_000) for _ in range(self.rng.randrange(2, 4))]
        self.entries.append(Entry(day, sum(parts), self._doc_no("RUN"), "Payment run"))
        when = self._lag(day)
        self.lines.extend(Line("debit", when, part, "SUPPLIER PAYMENT") for part in parts)

    def _fee(self) -> None:
        cents = -self.rng.randrange(100, 5000)
        self.lines.append(Line("fee", self._lag(self._day()), cents, "ACCOUNT FEE"))

    def _outstanding(self) -> None:
        cents = self.rng.choice((1, -1)) * self.rng.randrange(1000, 900_000)
        self.entries.append(
            Entry(self._day(), cents, self._doc_no("OUT"), "Not yet on the statement")
        )

    def write_journal(self, path: Path) -> None:
        """One bank line per entry, balanced against equity (money in) or expenses (out)."""
        columns = (
            "date",
            "document_no",
            "external_document_no",
            "account_type",
            "account_no",
            "description",
            "amount",
            "bal_account_type",
            "bal_account_no",
            "check_no",
        )
        assert set(columns) <= set(COLUMNS)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for e in self.entries:
                writer.writerow(
                    (
                        e.day.isoformat(),
                        e.document_no,
                        e.external_document_no,
                        "bank",
                        BANK,
                        e.description,
                        money(e.cents),
                        "gl",
                        EQUITY_GL if e.cents > 0 else EXPENSE_GL,
                        e.check_no,
                    )
                )

    def write_statement(self, path: Path) -> None:
        """One camt.053.001.02 statement; opening 0 (a new bank), closing = the lines."""
        end = max(max(line.day for line in self.lines), max(e.day for e in self.entries))
        total = sum(line.cents for line in self.lines)
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
            "<BkToCstmrStmt>\n<GrpHdr><MsgId>BENCH-REC-0001</MsgId>"
            f"<CreDtTm>{end}T06:00:00</CreDtTm></GrpHdr>\n"
            "<Stmt><Id>BENCH-REC-STMT-0001</Id><ElctrncSeqNb>1</ElctrncSeqNb>"
            f"<CreDtTm>{end}T06:00:00</CreDtTm>"
            f"<FrToDt><FrDtTm>{START}T00:00:00</FrDtTm><ToDtTm>{end}T23:59:59</ToDtTm></FrToDt>\n"
            "<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
            + _balance("OPBD", 0, START)
            + _balance("CLBD", total, end)
        )
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(head)
            out.writelines(_entry(n, line) for n, line in enumerate(self.lines, start=1))
            out.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")


def _balance(code: str, cents: int, day: date) -> str:
    sign = "CRDT" if cents >= 0 else "DBIT"
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="EUR">{money(abs(cents))}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        f"<Dt><Dt>{day}</Dt></Dt></Bal>\n"
    )


def _entry(n: int, line: Line) -> str:
    domain, family, sub = BANK_CODES[line.kind]
    refs = ""
    if line.end_to_end_id:
        refs += f"<EndToEndId>{escape(line.end_to_end_id)}</EndToEndId>"
    if line.check_no:
        refs += f"<ChqNb>{escape(line.check_no)}</ChqNb>"
    parties = ""
    if line.party:
        role = "Dbtr" if line.cents > 0 else "Cdtr"
        parties = f"<RltdPties><{role}><Nm>{escape(line.party)}</Nm></{role}></RltdPties>"
    return (
        f'<Ntry><Amt Ccy="EUR">{money(abs(line.cents))}</Amt>'
        f"<CdtDbtInd>{'CRDT' if line.cents > 0 else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{line.day}</Dt></BookgDt><ValDt><Dt>{line.day}</Dt></ValDt>"
        f"<AcctSvcrRef>{line.day:%Y%m%d}{n:08d}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd>"
        f"</Fmly></Domn></BkTxCd><NtryDtls><TxDtls>"
        + (f"<Refs>{refs}</Refs>" if refs else "")
        + f"{parties}<RmtInf><Ustrd>{escape(line.text)}</Ustrd></RmtInf>"
        "</TxDtls></NtryDtls></Ntry>\n"
    )


def bankrec(database: str, *args: str) -> tuple[str, float]:
    """Run ``bankrec --db DATABASE ARGS``; stdout and wall seconds, or stop with its output."""
    start = time.perf_counter()
    result = subprocess.run(
        [*BANKREC, "--db", database, *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(_failure(args, result))
    return result.stdout, seconds


def _failure(args: tuple[str, ...], result: subprocess.CompletedProcess[str]) -> str:
    output = (result.stderr + result.stdout).strip()[-3000:]
    return f"`bankrec {' '.join(args)}` failed with exit code {result.returncode}:\n{output}"


def timed(database: str, *args: str) -> tuple[str, float, int]:
    """Stdout, wall seconds and peak RSS in MB of ``bankrec --db DATABASE ARGS`` alone."""
    command = ["/usr/bin/time", "-f", "TIME %e %M", *BANKREC, "--db", database, *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    match = re.search(r"TIME ([\d.]+) (\d+)", result.stderr)
    if result.returncode != 0 or not match:
        raise SystemExit(_failure(args, result))
    return result.stdout, float(match.group(1)), int(match.group(2)) // 1024


def run(lines: int, entries: int, seed: int, folder: Path) -> None:
    steps: dict[str, float] = {}
    start = time.perf_counter()
    work = Workload(lines, entries, seed)
    journal, statement = folder / "entries.csv", folder / "statement.xml"
    work.write_journal(journal)
    work.write_statement(statement)
    steps["generate"] = time.perf_counter() - start

    (folder / "bankrec.db").unlink(missing_ok=True)
    database = f"sqlite:///{folder / 'bankrec.db'}"
    start = time.perf_counter()
    bankrec(database, "init")
    for setup in (
        ("gl", "add", BANK_GL, "--name", "Bank", "--type", "balance", "--no-direct-posting"),
        ("gl", "add", EQUITY_GL, "--name", "Owner's equity", "--type", "balance"),
        ("gl", "add", EXPENSE_GL, "--name", "Operating expenses", "--type", "income"),
        ("bank", "add", BANK, "--name", "Bench", "--currency", "EUR", "--gl-account", BANK_GL),
    ):
        bankrec(database, *setup)
    steps["init + master data"] = time.perf_counter() - start
    _, steps["journal post"] = bankrec(database, "journal", "post", str(journal))
    out, steps["import"] = bankrec(
        database, "import", str(statement), "--bank", BANK, "--allow-gap", "--json"
    )
    imported = json.loads(out)["files"][0]
    if imported["errors"] or imported["lines_new"] != len(work.lines):
        raise SystemExit(f"import stored {imported['lines_new']} of {len(work.lines)} lines")
    statement_id = str(imported["statements"][0]["statement"])
    out, steps["rec new"] = bankrec(
        database, "rec", "new", "--bank", BANK, "--statement", statement_id, "--json"
    )
    rec = str(json.loads(out)["reconciliation"])

    out, seconds, peak_mb = timed(database, "rec", "match-auto", rec, "--days", "5", "--json")
    (folder / "match_auto.json").write_text(out, encoding="utf-8")
    summary: dict[str, Any] = json.loads(out)
    out, steps["rec show"] = bankrec(database, "rec", "show", rec, "--json")
    (folder / "rec_show.json").write_text(out, encoding="utf-8")
    shown = json.loads(out)["lines"]
    statuses = Counter(str(line["status"]) for line in shown)
    confidence = Counter(str(line["match"]["confidence"]) for line in shown if line.get("match"))

    print("lines | entries | match-auto s | peak MB | matched | unmatched | ties | proposed")
    print("---:|---:|---:|---:|---:|---:|---:|---:")
    print(
        f"{len(work.lines)} | {len(work.entries)} | {seconds:.2f} | {peak_mb} | "
        f"{summary['matched']} | {summary['unmatched']} | {summary['ties']} | "
        f"{summary['proposed']}"
    )
    print(f"line statuses (rec show): {dict(sorted(statuses.items()))}")
    print(f"matched lines by confidence: {dict(sorted(confidence.items()))}")
    print("set-up: " + ", ".join(f"{name} {s:.1f} s" for name, s in steps.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the generated files and database here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        run(args.lines, args.entries, args.seed, folder)


if __name__ == "__main__":
    main()
