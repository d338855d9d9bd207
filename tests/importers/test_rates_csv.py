"""Exchange-rate files: the plain layout, the ECB layouts, and the import's rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bankrec.errors import ConflictError, InputError
from bankrec.importers.rates_csv import ECB, PLAIN, RateRow, invert_ecb, read_rates
from bankrec.services.database import Database
from bankrec.services.masterdata import ensure_company, list_rates
from bankrec.services.rates import import_rates

PLAIN_TEXT = "date,currency,rate\n2026-05-01,USD,0.88\n2026-05-01,JPY,0.0061\n\n"
# The ECB's daily eurofxref.csv: spaces after commas, a long date, a trailing empty column.
ECB_DAILY = "Date, USD, JPY, GBP, \n22 May 2026, 1.0812, 160.25, 0.8512, \n"
# The ECB's eurofxref-hist.csv: ISO dates, N/A where a currency has no rate yet.
ECB_HIST = "Date,USD,JPY,CYP,\n2026-05-04,1.25,N/A,0.5,\n2026-05-01,1.0812,160.25,N/A,\n"


def test_plain_layout() -> None:
    parsed = read_rates(PLAIN_TEXT, "rates.csv")
    assert parsed.layout == PLAIN
    assert parsed.rows == [
        RateRow(2, "USD", date(2026, 5, 1), Decimal("0.88")),
        RateRow(3, "JPY", date(2026, 5, 1), Decimal("0.0061")),
    ]


def test_ecb_daily_layout_is_inverted_to_eur_per_unit() -> None:
    parsed = read_rates(ECB_DAILY, "eurofxref.csv")
    assert parsed.layout == ECB
    # 1 / 1.0812 = 0.92489826119..., 1 / 160.25 = 0.0062402496099..., 1 / 0.8512 = 1.1748120300...
    assert [(r.currency, r.starting_date, str(r.rate)) for r in parsed.rows] == [
        ("USD", date(2026, 5, 22), "0.9248982612"),
        ("JPY", date(2026, 5, 22), "0.006240249610"),
        ("GBP", date(2026, 5, 22), "1.174812030"),
    ]


def test_ecb_history_skips_na() -> None:
    parsed = read_rates(ECB_HIST, "eurofxref-hist.csv")
    assert [(r.line, r.currency, str(r.rate)) for r in parsed.rows] == [
        (2, "USD", "0.8"),
        (2, "CYP", "2"),
        (3, "USD", "0.9248982612"),
        (3, "JPY", "0.006240249610"),
    ]


def test_inversion_rounds_half_up_to_ten_significant_digits() -> None:
    # 1 / 3 = 0.33333333333...; 1 / 1.5 = 0.6666666666|67 -> rounds up at the 10th digit.
    assert invert_ecb(Decimal(3)) == Decimal("0.3333333333")
    assert invert_ecb(Decimal("1.5")) == Decimal("0.6666666667")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("", "rates.csv", "empty"),
        ("when,what\n", "rates.csv: line 1", "unknown rate file layout"),
        ("date,currency,rate\n2026-02-30,USD,1\n", "rates.csv: line 2", '"2026-02-30" is not'),
        ("date,currency,rate\n2026-02-01,USD,-1\n", "rates.csv: line 2", "greater than 0"),
        ("date,currency,rate\n2026-02-01,USD,1e3\n", "rates.csv: line 2", "not a plain decimal"),
        ("date,currency,rate\n2026-02-01,US,1\n", "rates.csv: line 2", "not a currency code"),
        ("date,currency,rate\n2026-02-01,USD\n", "rates.csv: line 2", "expected 3 columns"),
        ("Date,USD,JPY\n2026-02-01,1.1\n", "rates.csv: line 2", "expected 2 rates"),
        ("Date,USD\n2026-02-01,abc\n", "rates.csv: line 2", 'USD rate "abc"'),
        ("Date,US D\n", "rates.csv: line 1", "not a currency code in the header"),
    ],
)
def test_bad_lines_name_the_file_and_line(text: str, where: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_rates(text, "rates.csv")
    assert str(caught.value).startswith(where)
    assert message in str(caught.value)


def stored(db: Database) -> dict[tuple[str, str], str]:
    return {(r.fields["currency"], r.fields["date"]): r.fields["rate"] for r in list_rates(db)}


def test_plain_import_is_idempotent(ledger: Database) -> None:
    first = import_rates(ledger, PLAIN_TEXT, "rates.csv")
    assert (first.added, first.replaced, first.unchanged, first.skipped) == (2, 0, 0, {})
    again = import_rates(ledger, PLAIN_TEXT, "rates.csv")
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 2)
    assert stored(ledger)[("USD", "2026-05-01")] == "0.88"
    assert len(stored(ledger)) == 5  # the standard company's three USD rates and these two


def test_ecb_import_skips_currencies_not_set_up(ledger: Database) -> None:
    summary = import_rates(ledger, ECB_HIST, "eurofxref-hist.csv")
    assert (summary.layout, summary.added, summary.skipped) == (ECB, 3, {"CYP": 1})
    assert stored(ledger)[("USD", "2026-05-04")] == "0.8"
    again = import_rates(ledger, ECB_HIST, "eurofxref-hist.csv")
    assert (again.added, again.unchanged, again.skipped) == (0, 3, {"CYP": 1})


def test_a_different_rate_is_a_conflict_unless_replace(ledger: Database) -> None:
    text = "date,currency,rate\n2026-03-01,USD,0.96\n2026-06-01,USD,0.80\n"
    with pytest.raises(ConflictError) as caught:
        import_rates(ledger, text, "rates.csv")
    message = str(caught.value)
    assert "line 2: USD 2026-03-01 is stored as 0.95, the file has 0.96" in message
    assert "--replace" in message
    assert ("USD", "2026-06-01") not in stored(ledger)  # nothing was imported
    summary = import_rates(ledger, text, "rates.csv", replace=True)
    assert (summary.added, summary.replaced) == (1, 1)
    assert stored(ledger)[("USD", "2026-03-01")] == "0.96"


def test_dry_run_writes_nothing(ledger: Database) -> None:
    before = stored(ledger)
    summary = import_rates(ledger, PLAIN_TEXT, "rates.csv", dry_run=True)
    assert (summary.dry_run, summary.added) == (True, 2)
    assert stored(ledger) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,currency,rate\n2026-05-01,EUR,1\n", "rates.csv: line 2: EUR is the local"),
        (
            "date,currency,rate\n2026-05-01,USD,0.9\n2026-05-01,USD,0.8\n",
            "rates.csv: line 3: USD 2026-05-01 has rate 0.8 here but 0.9 on line 2",
        ),
    ],
)
def test_bad_rows_refuse_the_whole_import(ledger: Database, text: str, message: str) -> None:
    before = stored(ledger)
    with pytest.raises(InputError) as caught:
        import_rates(ledger, text, "rates.csv")
    assert str(caught.value).startswith(message)
    assert stored(ledger) == before


def test_ecb_layout_needs_eur_books(db: Database) -> None:
    with db.transaction() as session:
        ensure_company(session, "USD")
    with pytest.raises(InputError, match="local currency is USD"):
        import_rates(db, ECB_DAILY, "eurofxref.csv")
