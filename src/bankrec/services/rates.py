"""Use case: import exchange rates from a file in one transaction.

Rules:
- rows for currencies that are not set up are skipped and counted per currency;
- a row equal to a stored rate (same currency, date and value) changes nothing, so importing
  the same file twice adds nothing;
- a row whose rate differs from the stored one for that currency and date is a conflict: the
  whole import is refused unless ``replace`` is given, which overwrites those rates;
- a row for the local currency, or two different rates for one currency and date in the file,
  is a bad line and refuses the import, naming the file and line;
- the ECB layout (rates per 1 EUR) is accepted only when the local currency is EUR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from bankrec.db.models import Currency, ExchangeRate
from bankrec.db.setup_repo import get_company
from bankrec.errors import ConflictError, InputError, Location
from bankrec.importers.rates_csv import ECB, ECB_BASE, RateRow, read_rates
from bankrec.services.database import Database

_CONFLICTS_SHOWN = 3


@dataclass(frozen=True)
class RateConflict:
    line: int
    currency: str
    starting_date: date
    stored: Decimal
    imported: Decimal


@dataclass
class RateImportSummary:
    """What a rate import wrote (or, for a dry run, would write)."""

    source: str
    layout: str
    dry_run: bool
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    conflicts: list[RateConflict] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "layout": self.layout,
            "dry_run": self.dry_run,
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "skipped": dict(sorted(self.skipped.items())),
            "conflicts": [
                {
                    "line": c.line,
                    "currency": c.currency,
                    "date": c.starting_date.isoformat(),
                    "stored": str(c.stored),
                    "imported": str(c.imported),
                }
                for c in self.conflicts
            ],
        }


def import_rates(
    db: Database, text: str, source: str, *, dry_run: bool = False, replace: bool = False
) -> RateImportSummary:
    """Parse ``text`` and store its rates; ``source`` names the file in messages."""
    parsed = read_rates(text, source)
    summary = RateImportSummary(source, parsed.layout, dry_run)
    unit = db.dry_run() if dry_run else db.transaction()
    with unit as session:
        lcy = get_company(session).lcy_code
        if parsed.layout == ECB and lcy != ECB_BASE:
            raise InputError(
                f"this is an ECB reference-rate file (rates per 1 {ECB_BASE}) but the local "
                f"currency is {lcy}; convert it to the plain layout date,currency,rate",
                Location(source),
            )
        known = set(session.scalars(select(Currency.code)))
        rows = _unique_rows(parsed.rows, source, lcy)
        wanted: list[RateRow] = []
        for row in rows:
            if row.currency in known:
                wanted.append(row)
            else:
                summary.skipped[row.currency] = summary.skipped.get(row.currency, 0) + 1
        stored = {
            (r.currency_code, r.starting_date): r
            for r in session.scalars(
                select(ExchangeRate).where(
                    ExchangeRate.currency_code.in_({row.currency for row in wanted})
                )
            )
        }
        for row in wanted:
            existing = stored.get((row.currency, row.starting_date))
            if existing is None:
                session.add(
                    ExchangeRate(
                        currency_code=row.currency, starting_date=row.starting_date, rate=row.rate
                    )
                )
                summary.added += 1
            elif existing.rate == row.rate:
                summary.unchanged += 1
            else:
                summary.conflicts.append(
                    RateConflict(row.line, row.currency, row.starting_date, existing.rate, row.rate)
                )
                existing.rate = row.rate
                summary.replaced += 1
        if summary.conflicts and not replace:
            raise ConflictError(_conflict_message(summary.conflicts), Location(source))
        session.flush()
    return summary


def _unique_rows(rows: list[RateRow], source: str, lcy: str) -> list[RateRow]:
    seen: dict[tuple[str, date], RateRow] = {}
    for row in rows:
        loc = Location(source, row.line)
        if row.currency == lcy:
            raise InputError(f"{lcy} is the local currency; it needs no exchange rate", loc)
        key = (row.currency, row.starting_date)
        first = seen.get(key)
        if first is None:
            seen[key] = row
        elif first.rate != row.rate:
            raise InputError(
                f"{row.currency} {row.starting_date} has rate {row.rate} here but {first.rate} "
                f"on line {first.line}",
                loc,
            )
    return list(seen.values())


def _conflict_message(conflicts: list[RateConflict]) -> str:
    shown = "; ".join(
        f"line {c.line}: {c.currency} {c.starting_date} is stored as {c.stored}, "
        f"the file has {c.imported}"
        for c in conflicts[:_CONFLICTS_SHOWN]
    )
    more = len(conflicts) - _CONFLICTS_SHOWN
    return (
        f"{len(conflicts)} rate(s) differ from the stored ones ({shown}"
        + (f"; and {more} more" if more > 0 else "")
        + "); nothing was imported; rerun with --replace to overwrite them"
    )
