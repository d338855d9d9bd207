"""Write a synthetic ISO 20022 camt.053 statement with many entries, for timing the importer.

``version=2`` writes camt.053.001.02 (``<Sts>BOOK</Sts>``, party names directly under
``Dbtr``/``Cdtr``, ``BIC``); ``version=8`` writes camt.053.001.08 (``<Sts><Cd>BOOK</Cd></Sts>``,
``Pty/Nm``, ``BICFI``). Every ``Ntry`` holds one ``TxDtls`` and takes about 600 bytes, one entry
per line as banks' compact exports do. The closing balance (CLBD) equals the opening balance
(OPBD) plus the sum of the entries.

Usage: ``python benchmarks/gen_camt.py LINES PATH [--version 2|8] [--seed N]``
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

START = date(2024, 1, 1)
NAMES = (
    "Acme Supplies GmbH",
    "Stadtwerke Musterstadt",
    "Jan de Vries",
    "Boulangerie Martin SARL",
    "Nordic Freight AB",
    "Maria Bernasconi",
    "Office Depot Europe BV",
    "Insurance Company Testx",
)
BANKS = ("ABNANL2AXXX", "COBADEFFXXX", "BNPAFRPPXXX", "POFICHBEXXX", "DEUTDEFFXXX")
COUNTRIES = ("NL", "DE", "FR", "BE", "AT")


def _iban(rng: random.Random) -> str:
    """A random IBAN with correct ISO 13616 check digits."""
    country = rng.choice(COUNTRIES)
    bban = "".join(str(rng.randint(0, 9)) for _ in range(16))
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def _rf(number: int) -> str:
    """An ISO 11649 creditor reference for ``number``."""
    body = f"{number:010d}"
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    return f"RF{98 - int(digits) % 97:02d}{body}"


def _entry(n: int, lines: int, rng: random.Random, version: int) -> tuple[str, Decimal]:
    day = START + timedelta(days=n * 365 // max(lines, 1))
    cents = rng.randint(100, 500_000)
    credit = rng.random() < 0.45
    amount = Decimal(cents).scaleb(-2)
    party, agent = ("Dbtr", "DbtrAgt") if credit else ("Cdtr", "CdtrAgt")
    name = f"{rng.choice(NAMES)} {n % 997}"
    name_xml = f"<Pty><Nm>{name}</Nm></Pty>" if version == 8 else f"<Nm>{name}</Nm>"
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version == 8 else "<Sts>BOOK</Sts>"
    bic = "BICFI" if version == 8 else "BIC"
    family = "RCDT" if credit else "ICDT"
    if rng.random() < 0.4:
        remittance = f"<Strd><CdtrRefInf><Ref>{_rf(n)}</Ref></CdtrRefInf></Strd>"
    else:
        remittance = f"<Ustrd>Invoice {day.year}-{n:06d} customer {rng.randint(1, 9999)}</Ustrd>"
    xml = (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt>'
        f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd>{status}"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"<AcctSvcrRef>{day:%Y%m%d}{n:010d}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
        f"</Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>E2E-{n:010d}</EndToEndId></Refs>"
        f"<RltdPties><{party}>{name_xml}</{party}><{party}Acct><Id><IBAN>{_iban(rng)}</IBAN></Id>"
        f"</{party}Acct></RltdPties><RltdAgts><{agent}><FinInstnId><{bic}>{rng.choice(BANKS)}"
        f"</{bic}></FinInstnId></{agent}></RltdAgts><RmtInf>{remittance}</RmtInf>"
        "</TxDtls></NtryDtls></Ntry>\n"
    )
    return xml, amount if credit else -amount


def _balance(code: str, amount: Decimal, day: date) -> str:
    sign = "CRDT" if amount >= 0 else "DBIT"
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="EUR">{abs(amount)}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        f"<Dt><Dt>{day}</Dt></Dt></Bal>\n"
    )


def generate(path: Path, lines: int, *, seed: int = 1, version: int = 2) -> None:
    """Write a camt.053 file of ``lines`` entries (one statement) to ``path``."""
    if version not in (2, 8):
        raise ValueError("version must be 2 or 8")
    rng = random.Random(seed)
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}"
    entries: list[str] = []
    total = Decimal("0.00")
    for n in range(1, lines + 1):
        xml, amount = _entry(n, lines, rng, version)
        entries.append(xml)
        total += amount
    opening = Decimal(rng.randint(0, 10_000_000)).scaleb(-2)
    end = START + timedelta(days=365)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{namespace}">\n<BkToCstmrStmt>\n'
        "<GrpHdr><MsgId>BENCH-0001</MsgId><CreDtTm>2025-01-01T06:00:00</CreDtTm></GrpHdr>\n"
        "<Stmt><Id>BENCH-STMT-0001</Id><ElctrncSeqNb>1</ElctrncSeqNb>"
        "<CreDtTm>2025-01-01T06:00:00</CreDtTm>"
        f"<FrToDt><FrDtTm>{START}T00:00:00</FrDtTm><ToDtTm>{end}T23:59:59</ToDtTm></FrToDt>\n"
        "<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        + _balance("OPBD", opening, START)
        + _balance("CLBD", opening + total, end)
    )
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(head)
        out.writelines(entries)
        out.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int, help="how many entries to write")
    parser.add_argument("path", type=Path, help="the file to write")
    parser.add_argument("--version", type=int, choices=(2, 8), default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.path, args.lines, seed=args.seed, version=args.version)
    print(f"wrote {args.lines} entries to {args.path}")


if __name__ == "__main__":
    main()
