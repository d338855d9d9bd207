"""Write a synthetic SWIFT MT940 file with many transactions, for timing the importer.

One account, one statement of 100 transactions per business day in the German style
(DK "Datenformate" Anlage 3): ``:61:`` with value and entry date and a bank reference, and a
structured ``:86:`` with a business transaction code, ``?00`` posting text, ``?10`` prima nota,
the purpose in 27-character ``?20``-``?29`` subfields carrying the SEPA keywords ``EREF+``,
``KREF+`` and ``SVWZ+`` (an ISO 11649 RF reference in about a third), ``?30`` BIC, ``?31`` IBAN
and ``?32``/``?33`` name, wrapped at 65 characters as banks wrap it. Each statement's opening
balance is the previous closing balance, and every closing balance is its opening plus its
transactions. CRLF line ends, as German banks write them.

Usage: ``python benchmarks/gen_mt940.py LINES PATH [--seed N]``
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

START = date(2024, 1, 2)
PER_STATEMENT = 100
ACCOUNT = "DE89370400440532013000"
NAMES = (
    "Acme Supplies GmbH",
    "Stadtwerke Musterstadt",
    "Jan de Vries",
    "Boulangerie Martin SARL",
    "Nordic Freight AB",
    "Maria Bernasconi",
    "Office Depot Europe BV",
    "Versicherungsgesellschaft Testhausen AG",
)
BANKS = ("COBADEFFXXX", "DEUTDEFFXXX", "GENODEM1GLS", "INGDDEFFXXX", "BYLADEMMXXX")


def _iban(rng: random.Random) -> str:
    """A random German IBAN with correct ISO 13616 check digits."""
    bban = "".join(str(rng.randint(0, 9)) for _ in range(18))
    digits = "".join(str(int(c, 36)) for c in bban + "DE00")
    return f"DE{98 - int(digits) % 97:02d}{bban}"


def _rf(number: int) -> str:
    """An ISO 11649 creditor reference for ``number``."""
    body = f"{number:010d}"
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    return f"RF{98 - int(digits) % 97:02d}{body}"


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _amount(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def _details(n: int, credit: bool, rng: random.Random) -> str:
    """A German structured :86: (without the tag), unwrapped."""
    if rng.random() < 0.35:
        text = f"{_rf(n)} Invoice {n:07d}"
    else:
        text = f"Invoice {START.year}-{n:07d} customer {rng.randint(1, 99999)} thank you"
    purpose = f"EREF+E2E-{n:012d}"
    if not credit and rng.random() < 0.3:
        purpose += f"KREF+BATCH-{n // 50:08d}"
    purpose += f"SVWZ+{text}"
    subfields = "".join(f"?{20 + i}{part}" for i, part in enumerate(_chunks(purpose, 27)[:10]))
    name = f"{rng.choice(NAMES)} {n % 997}"
    names = "".join(f"?{32 + i}{part}" for i, part in enumerate(_chunks(name, 27)[:2]))
    code, posting = ("166", "GUTSCHRIFT") if credit else ("177", "UEBERWEISUNG")
    return (
        f"{code}?00{posting}?10{rng.randint(1000, 9999)}{subfields}"
        f"?30{rng.choice(BANKS)}?31{_iban(rng)}{names}"
    )


def _transaction(n: int, day: date, rng: random.Random) -> tuple[list[str], Decimal]:
    credit = rng.random() < 0.45
    amount = Decimal(rng.randint(100, 500_000)).scaleb(-2)
    value_day = day - timedelta(days=rng.choice((0, 0, 0, 1)))
    head = (
        f":61:{value_day:%y%m%d}{day:%m%d}{'C' if credit else 'D'}{_amount(amount)}NTRF"
        f"NONREF//{day:%y%m%d}{n:010d}"
    )
    wrapped = _chunks(":86:" + _details(n, credit, rng), 65)
    return [head, *wrapped], amount if credit else -amount


def _business_days() -> Iterator[date]:
    day = START
    while True:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def generate(path: Path, lines: int, *, seed: int = 1) -> None:
    """Write ``lines`` transactions in statements of 100 (the last may hold fewer)."""
    rng = random.Random(seed)
    balance = Decimal(rng.randint(0, 10_000_000)).scaleb(-2)
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        days = _business_days()
        for number, first in enumerate(range(1, lines + 1, PER_STATEMENT), start=1):
            day = next(days)
            out.write(_header(number, day, balance))
            for n in range(first, min(first + PER_STATEMENT, lines + 1)):
                text, amount = _transaction(n, day, rng)
                out.write("\n".join(text) + "\n")
                balance += amount
            out.write(f":62F:{_balance(balance, day)}\n-\n")


def _balance(amount: Decimal, day: date) -> str:
    return f"{'C' if amount >= 0 else 'D'}{day:%y%m%d}EUR{_amount(amount)}"


def _header(number: int, day: date, balance: Decimal) -> str:
    previous = day - timedelta(days=1)
    return (
        f":20:STARTUMS{number:08d}\n:25:{ACCOUNT}\n:28C:{number:05d}/001\n"
        f":60F:{_balance(balance, previous)}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int, help="how many transactions to write")
    parser.add_argument("path", type=Path, help="the file to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.path, args.lines, seed=args.seed)
    print(f"wrote {args.lines} transactions to {args.path}")


if __name__ == "__main__":
    main()
