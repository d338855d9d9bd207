from __future__ import annotations

from decimal import Decimal

import pytest

from bankrec.domain.kinds import AccountType, DocumentType
from bankrec.errors import InputError
from bankrec.importers.journal_csv import read_journal

HEADER = (
    "date,document_no,account_type,account_no,amount,bal_account_type,bal_account_no,"
    "applies_to_doc_no,check_no\n"
)


def test_reads_lines_with_header_columns_in_any_order() -> None:
    lines = read_journal(
        HEADER + "2026-02-01,P-1,customer,C1,-10.50,bank,BANK,SI-1; SI-2,\n", "x.csv"
    )
    line = lines[0]
    assert line.amount == Decimal("-10.50")
    assert line.account_type is AccountType.CUSTOMER
    assert line.bal_account_type is AccountType.BANK
    assert line.applies_to_doc_nos == ("SI-1", "SI-2")
    assert line.document_type is DocumentType.NONE
    assert line.location.line == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-02-30,P-1,gl,4000,1,,,,", 'line 2: column date: "2026-02-30" is not a date'),
        ("2026-02-01,P-1,ledger,4000,1,,,,", 'line 2: column account_type: "ledger" is not one of'),
        ("2026-02-01,P-1,gl,4000,,,,,", "line 2: column amount is empty"),
        (
            "2026-02-01,P-1,gl,4000,1,gl,,,",
            "line 2: bal_account_type is set but bal_account_no is empty",
        ),
        ("2026-02-01,P-1,gl,4000,1,,,,,extra", "line 2: more fields than the header has columns"),
    ],
)
def test_errors_name_file_line_and_column(row: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_journal(HEADER + row + "\n", "x.csv")
    assert str(caught.value).startswith("x.csv: ")
    assert message in str(caught.value)


def test_unknown_and_missing_columns_are_refused() -> None:
    with pytest.raises(InputError, match="unknown column"):
        read_journal("date,amout\n", "x.csv")
    with pytest.raises(InputError, match="missing column"):
        read_journal("date,amount\n2026-01-01,1\n", "x.csv")
    with pytest.raises(InputError, match="no lines"):
        read_journal(HEADER, "x.csv")
