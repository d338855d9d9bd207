"""Write a synthetic ING DE "Umsatzanzeige" CSV export with many transactions.

The file exercises the expensive paths of the CSV importer: a preamble searched for the header,
Latin-1, decimal commas with thousands dots, newest-first order and a running balance checked
on every line. Balances are consistent, so the whole file parses.

    python benchmarks/gen_csv.py 100000 /tmp/ing-100k.csv
    /usr/bin/time -f "%e s %M KB" python -c "from pathlib import Path; \
        from bankrec.importers.csv_profile import builtin_profiles; \
        from bankrec.importers.csv_statement import CsvImporter; \
        p = next(p for p in builtin_profiles() if p.name == 'ing-de'); \
        print(CsvImporter(p).parse(Path('/tmp/ing-100k.csv').read_bytes(), 'x').line_count)"
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

PAYMENTS = (
    ("Stadtwerke Musterstadt GmbH", "Lastschrift", "Abschlag Strom Kundennr. {n}"),
    ("Müller Bürobedarf KG", "Überweisung", "Rechnung RE-{n} vom {d}"),
    ("Finanzamt Köln-Süd", "Lastschrift", "USt-VA Steuernr. 214/5{n}"),
    ("REWE Markt GmbH", "Lastschrift", "Kartenzahlung {d} Terminal {n}"),
)
RECEIPTS = (
    ("Kunde Schäfer & Söhne", "Gutschrift", "Zahlung Rechnung {n} abzgl. Skonto"),
    ("Großhandel Beispiel AG", "Gutschrift", "RE {n} Kd.-Nr. 4711"),
)
PER_DAY = 150
"""A busy business account: 100,000 lines cover about two years."""
PREAMBLE = """Umsatzanzeige;Datei erstellt am: {created}
;Letztes Update: aktuell

IBAN;DE89 3704 0044 0532 0130 00
Kontoname;Girokonto
Bank;ING
Kunde;Erika Mustermann
Zeitraum;{start} - {end}
Saldo;{closing};EUR

Sortierung;Datum absteigend

In der CSV-Datei finden Sie alle bereits gebuchten Umsätze.

Buchung;Wertstellungsdatum;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;Betrag;Währung
"""


def german(amount: Decimal) -> str:
    """1234.5 -> 1.234,50, as ING DE writes amounts."""
    text = f"{amount:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def generate(path: Path, lines: int, *, seed: int = 1) -> None:
    """Write ``lines`` transactions, newest first, with a consistent running balance."""
    rng = random.Random(seed)
    day = date(2020, 1, 1)
    balance = Decimal("5000.00")
    rows = []
    for n in range(lines):
        if n and n % PER_DAY == 0:
            day += timedelta(days=1)
        incoming = rng.random() < 0.5
        name, kind, text = rng.choice(RECEIPTS if incoming else PAYMENTS)
        amount = Decimal(rng.randrange(1, 250_000)).scaleb(-2)
        balance += amount if incoming else -amount
        amount = amount if incoming else -amount
        booked = day.strftime("%d.%m.%Y")
        purpose = text.format(n=10_000 + n, d=booked)
        fields = (
            booked,
            booked,
            name,
            kind,
            purpose,
            german(balance),
            "EUR",
            german(amount),
            "EUR",
        )
        rows.append(";".join(fields))
    rows.reverse()  # ING DE sorts newest first
    head = PREAMBLE.format(
        created=day.strftime("%d.%m.%Y 12:00"),
        start="01.01.2020",
        end=day.strftime("%d.%m.%Y"),
        closing=german(balance),
    )
    path.write_bytes((head + "\n".join(rows) + "\n").encode("latin-1"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gen_csv.py LINES PATH")
    generate(Path(sys.argv[2]), int(sys.argv[1]))
    print(f"wrote {sys.argv[1]} transactions to {sys.argv[2]}")
