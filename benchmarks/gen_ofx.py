"""Write a synthetic OFX bank statement with many transactions, for timing the OFX importer.

``version=1`` writes OFX 1.02 SGML (colon header, unclosed leaf elements, CRLF line ends, as
most banks' "Quicken/Money download" files are); ``version=2`` writes OFX 2.11 XML (XML and
``<?OFX ...?>`` processing-instruction headers, every element closed). The ledger balance is
consistent: it equals the balance before the first transaction plus the sum of all amounts.

Usage: ``python benchmarks/gen_ofx.py LINES PATH [--version 1|2] [--seed N]``
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HEADER_V1 = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
HEADER_V2 = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" '
    'NEWFILEUID="NONE"?>\n'
)
PAYEES = (
    "ACME SUPPLIES LTD",
    "CITY WATER & POWER",
    "PAYROLL JUNE",
    "STARBUCKS STORE 07604",
    "AMAZON.COM AMZN.COM/BILL",
    "TRANSFER TO SAVINGS",
    "CUSTOMER PAYMENT INV",
    "BANK FEE",
)
START = date(2024, 1, 1)


def _transactions(lines: int, rng: random.Random) -> Iterator[dict[str, str]]:
    for n in range(1, lines + 1):
        day = START + timedelta(days=n * 365 // max(lines, 1))
        credit = rng.random() < 0.4
        # Fewer but larger credits, so that the balance wanders rather than sinks.
        cents = rng.randint(150, 750_000) if credit else rng.randint(100, 500_000)
        amount = Decimal(cents if credit else -cents).scaleb(-2)
        record = {
            "TRNTYPE": "CREDIT" if credit else rng.choice(("DEBIT", "CHECK", "POS", "FEE")),
            "DTPOSTED": f"{day:%Y%m%d}120000.000[-5:EST]",
            "TRNAMT": str(amount),
            "FITID": f"{day:%Y%m%d}{n:08d}",
            "NAME": f"{rng.choice(PAYEES)} {n}"[:32],
            "MEMO": f"REF {rng.randint(10**9, 10**10 - 1)} &amp; DETAILS",
        }
        if rng.random() < 0.3:
            record["DTUSER"] = f"{day - timedelta(days=1):%Y%m%d}"
        if record["TRNTYPE"] == "CHECK":
            record["CHECKNUM"] = str(1000 + n)
        yield record


ORDER = ("TRNTYPE", "DTPOSTED", "DTUSER", "TRNAMT", "FITID", "CHECKNUM", "NAME", "MEMO")


def _stmttrn(record: dict[str, str], version: int) -> str:
    nl = "\r\n" if version == 1 else "\n"
    parts = ["<STMTTRN>"]
    for tag in ORDER:
        if tag in record:
            end = f"</{tag}>" if version == 2 else ""
            parts.append(f"<{tag}>{record[tag]}{end}")
    parts.append("</STMTTRN>")
    return nl.join(parts) + nl


def _envelope(version: int, balance: Decimal, end: date) -> tuple[str, str]:
    nl = "\r\n" if version == 1 else "\n"

    def leaf(tag: str, value: str) -> str:
        close = f"</{tag}>" if version == 2 else ""
        return f"<{tag}>{value}{close}{nl}"

    head = (
        (HEADER_V1 if version == 1 else HEADER_V2)
        + f"<OFX>{nl}<SIGNONMSGSRSV1>{nl}<SONRS>{nl}<STATUS>{nl}"
        + leaf("CODE", "0")
        + leaf("SEVERITY", "INFO")
        + f"</STATUS>{nl}"
        + leaf("DTSERVER", f"{end:%Y%m%d}235959")
        + leaf("LANGUAGE", "ENG")
        + f"</SONRS>{nl}</SIGNONMSGSRSV1>{nl}<BANKMSGSRSV1>{nl}<STMTTRNRS>{nl}"
        + leaf("TRNUID", "1")
        + f"<STATUS>{nl}"
        + leaf("CODE", "0")
        + leaf("SEVERITY", "INFO")
        + f"</STATUS>{nl}<STMTRS>{nl}"
        + leaf("CURDEF", "EUR")
        + f"<BANKACCTFROM>{nl}"
        + leaf("BANKID", "121099999")
        + leaf("ACCTID", "999988")
        + leaf("ACCTTYPE", "CHECKING")
        + f"</BANKACCTFROM>{nl}<BANKTRANLIST>{nl}"
        + leaf("DTSTART", f"{START:%Y%m%d}")
        + leaf("DTEND", f"{end:%Y%m%d}")
    )
    tail = (
        f"</BANKTRANLIST>{nl}<LEDGERBAL>{nl}"
        + leaf("BALAMT", str(balance))
        + leaf("DTASOF", f"{end:%Y%m%d}235959")
        + f"</LEDGERBAL>{nl}</STMTRS>{nl}</STMTTRNRS>{nl}</BANKMSGSRSV1>{nl}</OFX>{nl}"
    )
    return head, tail


def generate(path: Path, lines: int, *, seed: int = 1, version: int = 1) -> None:
    """Write ``lines`` transactions to ``path`` as OFX ``version`` 1 (SGML) or 2 (XML)."""
    if version not in (1, 2):
        raise ValueError(f"version must be 1 or 2, not {version}")
    rng = random.Random(seed)
    opening = Decimal(rng.randint(0, 10_000_000)).scaleb(-2)
    body: list[str] = []
    total = Decimal("0.00")
    for record in _transactions(lines, rng):
        total += Decimal(record["TRNAMT"])
        body.append(_stmttrn(record, version))
    end = START + timedelta(days=365)
    head, tail = _envelope(version, opening + total, end)
    encoding = "cp1252" if version == 1 else "utf-8"
    with path.open("w", encoding=encoding, newline="") as out:
        out.write(head)
        out.writelines(body)
        out.write(tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--version", type=int, choices=(1, 2), default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.path, args.lines, seed=args.seed, version=args.version)


if __name__ == "__main__":
    main()
