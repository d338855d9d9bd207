"""Keys that make statement import idempotent and overlap-safe.

A line is keyed on the bank's own transaction id where the file has a usable one, else on a
fingerprint of its content. Either way an occurrence index counts lines with the same key base
within one statement. Two genuinely identical transactions on one day are then both kept (#0,
#1), and a later download that repeats them yields the same two keys, so it adds nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from bankrec.domain.statement import StatementLine

PLACEHOLDER_REFERENCES = frozenset({"", "NONREF", "NOTPROVIDED", "NONE", "0", "N/A", "NA"})
"""Values banks put in reference fields that identify nothing (MT940 NONREF, CAMT NOTPROVIDED)."""


def _bank_id(line: StatementLine) -> str:
    reference = line.bank_reference.strip()
    # ASN Bank writes 00000000 where a line has no sequence number.
    if reference.upper() in PLACEHOLDER_REFERENCES or not reference.strip("0"):
        return ""
    return reference


def key_base(line: StatementLine) -> str:
    """What identifies a line before its occurrence index is added."""
    bank_id = _bank_id(line)
    if bank_id:
        # Batch bookings share one bank id across their lines, so date and amount stay in.
        return "\x1f".join(
            ("id", bank_id, line.booking_date.isoformat(), str(line.amount.normalize()))
        )
    return "\x1f".join(
        (
            "fp",
            line.booking_date.isoformat(),
            str(line.amount.normalize()),
            line.counterparty_account,
            " ".join(line.counterparty_name.split()).lower(),
            " ".join(line.remittance.split()).lower(),
            line.end_to_end_id,
            line.check_no,
        )
    )


def dedupe_keys(lines: Sequence[StatementLine]) -> list[str]:
    """One key per line, in order; equal lines in one statement get distinct keys."""
    seen: Counter[str] = Counter()
    keys = []
    for line in lines:
        base = key_base(line)
        occurrence = seen[base]
        seen[base] += 1
        digest = hashlib.sha256(f"{base}\x1e{occurrence}".encode()).hexdigest()
        keys.append(digest[:40])
    return keys
