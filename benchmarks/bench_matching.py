"""Time the pure matching engine on synthetic journals of three sizes.

The largest size is 10,000 statement lines against 100,000 open entries of 20,000 parties (by
default). Lines are a realistic mix: invoices paid by IBAN and document number, by name only,
several invoices in one payment, partial payments, amount-only receipts, bank charges caught by a
text mapping, and noise. The script prints the engine time per size, the growth exponent
(log time / log size between the smallest and largest run), a breakdown of the outcome, and the
time of ``rank_candidates`` for one line against the largest ledger.

    python benchmarks/bench_matching.py [--lines 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter
from datetime import date, timedelta

from bankrec.matching import (
    DEFAULT_RULES,
    OpenEntry,
    Party,
    PaymentLine,
    Settings,
    TextMapping,
    match_journal,
    rank_candidates,
)
from bankrec.matching.model import Ledger

_SYLLABLE_TEXT = (
    "ka lo mi ten bar vis gor del ra son wel tra nor ber fin al ex or mar lan "
    "cor dan ell ham kes lind mor pet ros sta tor ulf van wer zel bri cla dur eng"
)
SYLLABLES = tuple(_SYLLABLE_TEXT.split())
COMMON = ("Trading", "Services", "Group", "Consulting", "Solutions", "Logistics", "Holding")
FORMS = ("Ltd", "GmbH", "Inc", "S.A.", "B.V.", "LLC", "AG", "")
START = date(2026, 1, 1)
SETTINGS = Settings()


def _word(rng: random.Random) -> str:
    """A made-up name word (some 65,000 are possible), like the surnames and brands of a
    real customer base; the COMMON words stand for the ones many companies share."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3)))).title()


def _iban(rng: random.Random) -> str:
    return "DE" + "".join(rng.choice("0123456789") for _ in range(20))


def make_ledger(
    parties: int, entries: int, rng: random.Random
) -> tuple[list[Party], list[OpenEntry]]:
    people = []
    for number in range(parties):
        ledger: Ledger = "customer" if number % 4 else "vendor"
        name = f"{_word(rng)} {_word(rng) if rng.random() < 0.5 else rng.choice(COMMON)}"
        name = f"{name} {rng.choice(FORMS)}"
        people.append(Party(ledger, f"P{number:06d}", name.strip(), accounts=(_iban(rng),)))
    items = []
    for number in range(entries):
        party = people[rng.randrange(parties)]
        amount = rng.randrange(1000, 500000)
        posted = START + timedelta(days=rng.randrange(0, 60))
        sign = 1 if party.ledger == "customer" else -1
        items.append(
            OpenEntry(
                entry_no=number + 1,
                ledger=party.ledger,
                party_no=party.no,
                posting_date=posted,
                remaining=sign * amount,
                remaining_bank=sign * amount,
                document_no=f"{'SI' if sign > 0 else 'PI'}-{200000 + number}",
                due_date=posted + timedelta(days=30),
            )
        )
    return people, items


def make_lines(
    count: int, parties: list[Party], entries: list[OpenEntry], rng: random.Random
) -> list[PaymentLine]:
    by_party: dict[str, list[OpenEntry]] = {}
    for entry in entries:
        by_party.setdefault(entry.party_no, []).append(entry)
    party_of = {p.no: p for p in parties}
    unused = rng.sample(entries, min(len(entries), count * 2))
    lines = []
    for number in range(count):
        entry = unused[number]
        party = party_of[entry.party_no]
        kind = rng.random()
        day = entry.posting_date + timedelta(days=rng.randrange(1, 40))
        amount, name, account, text = entry.remaining, "", party.accounts[0], entry.document_no
        if kind < 0.15:
            name, account = party.name.upper(), ""
        elif kind < 0.25:
            group = by_party[entry.party_no][:3]
            amount = sum(e.remaining for e in group)
            text = " ".join(e.document_no for e in group)
        elif kind < 0.35:
            amount = entry.remaining // 2
        elif kind < 0.45:
            text = "THANK YOU"
            account = ""
        elif kind < 0.50:
            amount, account, text = -rng.randrange(100, 5000), "", "ACCOUNT FEE MYBANK"
        elif kind < 0.55:
            amount, account, text = rng.randrange(100, 900000), _iban(rng), "UNKNOWN TRANSFER"
        lines.append(
            PaymentLine(
                line_no=number + 1,
                identity=f"id{number:07d}",
                date=day,
                amount=amount,
                counterparty_name=name,
                counterparty_account=account,
                text=f"PAYMENT {text}",
            )
        )
    return lines


MAPPINGS = [TextMapping(1, "MYBANK", "gl", debit_account="40100", credit_account="60400")]


def timed_run(lines: int, seed: int) -> tuple[float, float, Counter[str]]:
    """Wall seconds, CPU seconds of this process, and the confidence of each line."""
    rng = random.Random(seed)
    parties, entries = make_ledger(lines * 2, lines * 10, rng)
    journal = make_lines(lines, parties, entries, rng)
    started, cpu = time.perf_counter(), time.process_time()
    result = match_journal(journal, parties, entries, [], MAPPINGS, DEFAULT_RULES, SETTINGS)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, used, Counter(m.confidence for m in result.lines)


def time_ranking(lines: int, seed: int) -> float:
    rng = random.Random(seed)
    parties, entries = make_ledger(lines * 2, lines * 10, rng)
    probe = make_lines(1, parties, entries, rng)[0]
    started = time.perf_counter()
    rank_candidates(probe, parties, entries, [], MAPPINGS, DEFAULT_RULES, SETTINGS)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [args.lines // 10, args.lines // 10 * 3, args.lines]
    times = []
    for size in sizes:
        elapsed, used, outcome = timed_run(size, args.seed)
        times.append(used)
        print(
            f"{size:>6} lines x {size * 10:>7} entries x {size * 2:>6} parties: "
            f"{elapsed:6.2f} s wall, {used:6.2f} s CPU  {dict(sorted(outcome.items()))}"
        )
    exponent = math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0])
    print(f"growth exponent of CPU time (time ~ size^k): k = {exponent:.2f}")
    ranking = time_ranking(sizes[-1], args.seed)
    print(f"rank_candidates, one line vs {sizes[-1] * 10} entries: {ranking:.3f} s")


if __name__ == "__main__":
    main()
