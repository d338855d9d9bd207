"""Time the bank reconciliation matcher (``bankrec.matching.reconcile``) on a synthetic statement.

The default workload is 10,000 statement lines against 12,000 open bank ledger entries of one
bank, posted over 120 days, with the right answer known for every line:

- checks: an entry with a check number, the line says "CHECK nnnn"; the amounts come from a short
  list of round figures, so many checks share an amount within the date tolerance;
- checks without a number on the line and a round amount (ambiguous: must not be crossed);
- transfers whose end-to-end id is the entry's external document number;
- payments whose text names the entry's document number;
- amount-only lines of a unique amount, with the vendor's name on both sides;
- a reference with a close amount (a match with a difference);
- deposits: one line for 2 to 5 check entries (half of the slips list the check numbers);
- payment runs: one entry for 2 or 3 lines;
- bank fees with no entry, and entries not yet on the statement (outstanding items).

It prints the engine time, the outcome by confidence, and per category how many lines were
matched right, matched wrong or left open (tied or unmatched).

    python benchmarks/bench_rec_matching.py [--lines 10000] [--entries 12000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

from bankrec.matching.reconcile import LedgerEntry, RecLine, RecSettings, rank_entries, reconcile

START = date(2026, 1, 1)
DAYS = 120
ROUND = tuple(x * 100 for x in (50, 100, 120, 150, 200, 250, 300, 400, 500, 750, 1000))
VENDORS = (
    "Fabrikam",
    "Contoso",
    "Northwind",
    "Litware",
    "Adatum",
    "Tailspin",
    "Wingtip",
    "Proseware",
    "Lucerne",
    "Alpine Ski",
    "Coho Winery",
    "Humongous",
    "Margie Travel",
    "Trey Research",
)
KINDS = (
    ("check", 0.30),
    ("check_no_number", 0.05),
    ("end_to_end", 0.12),
    ("document", 0.14),
    ("amount_only", 0.14),
    ("close", 0.04),
    ("deposit", 0.06),
    ("run", 0.04),
    ("fee", 0.11),
)

Answer = tuple[frozenset[int], frozenset[int]]


class Workload:
    """Lines, entries and, per line, its category and the right (lines, entries) match."""

    def __init__(self, lines: int, entries: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lines: list[RecLine] = []
        self.entries: list[LedgerEntry] = []
        self.kind: dict[int, str] = {}
        self.answer: dict[int, Answer] = {}
        self.check_no = 100_000
        kinds = [k for k, _ in KINDS]
        weights = [w for _, w in KINDS]
        while len(self.lines) < lines:
            getattr(self, f"_{self.rng.choices(kinds, weights)[0]}")()
        del self.lines[lines:]
        kept = {n for n in self.answer if n <= lines}
        self.answer = {n: a for n, a in self.answer.items() if n in kept}
        while len(self.entries) < entries:
            self._outstanding()

    # -- builders ------------------------------------------------------------------------------

    def _day(self) -> date:
        return START + timedelta(days=self.rng.randrange(DAYS))

    def _entry(self, day: date, amount: int, **fields: str) -> int:
        number = len(self.entries) + 1
        self.entries.append(LedgerEntry(number, day, amount, **fields))
        return number

    def _line(self, kind: str, day: date | None, amount: int, **fields: str) -> int:
        number = len(self.lines) + 1
        lag = self.rng.randrange(0, 4)
        when = None if day is None else day + timedelta(days=lag)
        self.lines.append(RecLine(number, f"B{number:07d}", when, amount, **fields))
        self.kind[number] = kind
        return number

    def _answer(self, lines: list[int], entries: list[int]) -> None:
        for line in lines:
            self.answer[line] = (frozenset(lines), frozenset(entries))

    def _check(self, with_number: bool = True) -> None:
        self.check_no += 1
        day, amount = self._day(), -self.rng.choice(ROUND)
        vendor = self.rng.choice(VENDORS)
        entry = self._entry(
            day,
            amount,
            document_no=f"PV{self.check_no}",
            check_no=str(self.check_no),
            description=f"Check {self.check_no} {vendor}",
            party_name=vendor,
        )
        text = f"CHECK {self.check_no}" if with_number else "CHECK PAID"
        kind = "check" if with_number else "check_no_number"
        self._answer([self._line(kind, day, amount, text=text)], [entry])

    def _check_no_number(self) -> None:
        self._check(with_number=False)

    def _end_to_end(self) -> None:
        day, amount = self._day(), -self.rng.randrange(1000, 900_000)
        reference = f"E2E{self.rng.randrange(10**9):09d}"
        entry = self._entry(
            day,
            amount,
            document_no=f"PMT{len(self.entries):06d}",
            external_document_no=reference,
            description="Vendor payment",
        )
        line = self._line(
            "end_to_end", day, amount, text="SEPA CREDIT TRANSFER", end_to_end_id=reference
        )
        self._answer([line], [entry])

    def _document(self) -> None:
        day, amount = self._day(), self.rng.choice((1, -1)) * self.rng.randrange(1000, 900_000)
        document = f"RCPT-{self.rng.randrange(10**6):06d}"
        entry = self._entry(day, amount, document_no=document, description="Customer receipt")
        line = self._line("document", day, amount, text=f"PAYMENT {document} THANK YOU")
        self._answer([line], [entry])

    def _amount_only(self) -> None:
        day, amount = self._day(), -self.rng.randrange(1000, 900_000)
        vendor = self.rng.choice(VENDORS)
        entry = self._entry(day, amount, description=f"{vendor} monthly", party_name=vendor)
        line = self._line("amount_only", day, amount, text=f"DIRECT DEBIT {vendor.upper()}")
        self._answer([line], [entry])

    def _close(self) -> None:
        day, amount = self._day(), -self.rng.randrange(10_000, 900_000)
        document = f"INV-{self.rng.randrange(10**6):06d}"
        entry = self._entry(day, amount, document_no=document, description="Supplier invoice")
        paid = amount + self.rng.randrange(1, abs(amount) // 20)
        self._answer([self._line("close", day, paid, text=f"PAYMENT {document}")], [entry])

    def _deposit(self) -> None:
        day = self._day()
        numbers = []
        for _ in range(self.rng.randrange(2, 6)):
            self.check_no += 1
            amount = self.rng.randrange(1000, 300_000)
            numbers.append(
                self._entry(
                    day - timedelta(days=self.rng.randrange(0, 2)),
                    amount,
                    check_no=str(self.check_no),
                    description="Customer check",
                )
            )
        total = sum(self.entries[n - 1].amount for n in numbers)
        text = "DEPOSIT"
        if self.rng.random() < 0.5:  # half the deposit slips list their checks
            text += " CHECKS " + ", ".join(self.entries[n - 1].check_no for n in numbers)
        self._answer([self._line("deposit", day, total, text=text)], numbers)

    def _run(self) -> None:
        day = self._day()
        parts = [-self.rng.randrange(1000, 300_000) for _ in range(self.rng.randrange(2, 4))]
        entry = self._entry(
            day, sum(parts), document_no=f"RUN{len(self.entries)}", description="Payment run"
        )
        lines = [self._line("run", day, part, text="SUPPLIER PAYMENT") for part in parts]
        self._answer(lines, [entry])

    def _fee(self) -> None:
        amount = -self.rng.randrange(100, 5000)
        self._line("fee", self._day(), amount, text="ACCOUNT FEE")
        self.answer[len(self.lines)] = (frozenset(), frozenset())

    def _outstanding(self) -> None:
        amount = self.rng.choice((1, -1)) * self.rng.randrange(1000, 900_000)
        self._entry(
            self._day(),
            amount,
            document_no=f"OUT{len(self.entries)}",
            description="Not yet on the statement",
        )


def score(work: Workload, result_lines: dict[int, Answer]) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for line in work.lines:
        kind, right = work.kind[line.line_no], work.answer.get(line.line_no)
        got = result_lines.get(line.line_no)
        if got is None:
            table[kind]["open (right)" if right == (frozenset(), frozenset()) else "open"] += 1
        elif got == right:
            table[kind]["right"] += 1
        else:
            table[kind]["WRONG"] += 1
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Workload(args.lines, args.entries, args.seed)
    settings = RecSettings()
    order = list(work.lines)
    random.Random(args.seed).shuffle(order)
    started, cpu = time.perf_counter(), time.process_time()
    result = reconcile(order, work.entries, settings)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{len(work.lines)} lines x {len(work.entries)} entries: {elapsed:.2f} s wall, "
        f"{used:.2f} s CPU"
    )
    confidence = Counter(m.confidence for m in result.matches for _ in m.line_nos)
    kinds = Counter(m.kind for m in result.matches)
    print(f"matched lines by confidence {dict(sorted(confidence.items()))}; matches {dict(kinds)}")
    print(f"unmatched lines {len(result.unmatched)}; ties {len(result.ties)}")
    got = {
        line: (frozenset(m.line_nos), frozenset(m.entry_nos))
        for m in result.matches
        for line in m.line_nos
    }
    for kind, counts in sorted(score(work, got).items()):
        print(f"  {kind:<16} {dict(sorted(counts.items()))}")
    probe = work.lines[0]
    started = time.perf_counter()
    rank_entries(probe, work.entries, settings)
    print(
        f"rank_entries, one line vs {len(work.entries)} entries: "
        f"{time.perf_counter() - started:.3f} s"
    )


if __name__ == "__main__":
    main()
