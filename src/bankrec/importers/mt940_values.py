"""Values in MT940 free fields: the ``Details`` of one transaction, the small text helpers
every ``:86:`` layout uses (wrapped lines, accounts, BICs, SWIFT amounts, placeholder
references), structured creditor references, and the ``:61:`` supplementary details."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from stdnum import iban as std_iban
from stdnum.be import ogm_vcs

LINE_WIDTH = 65
"""The width of the lines of ``:86:`` (SWIFT 6*65x)."""

PLACEHOLDERS = frozenset({"", "NONREF", "NOTPROVIDED", "NONE", "EMPTY"})


@dataclass(slots=True)
class Details:
    """What the free fields of one transaction tell; empty where they say nothing."""

    name: str = ""
    account: str = ""
    bic: str = ""
    address: str = ""
    city: str = ""
    remittance: str = ""
    structured_reference: str = ""
    end_to_end_id: str = ""
    batch_reference: str = ""
    bank_reference: str = ""
    original_amount: Decimal | None = None
    original_currency: str = ""
    charges: Decimal | None = None


# -- small helpers ---------------------------------------------------------------------------


def squeeze(text: str) -> str:
    """Collapse the padding banks put into fixed-width lines."""
    return " ".join(text.split())


def join_wrapped(
    lines: Sequence[str], width: int = LINE_WIDTH, *, first: int | None = None, gap: str = " "
) -> str:
    """Join lines: a full line was wrapped mid-word, a shorter one ended a phrase (``gap``).

    ``first`` is the width of the first line where it differs: ING (NL) counts the ``:86:``
    tag into the 65 characters of the first line, most banks do not.
    """
    if len(lines) <= 1:
        return lines[0] if lines else ""
    parts = [lines[0]]
    full = width if first is None else first
    for previous, line in itertools.pairwise(lines):
        parts.append(line if len(previous) >= full else gap + line)
        full = width
    return "".join(parts)


def join_field(lines: Sequence[str]) -> str:
    """The lines of a ``:86:`` field, the first following the tag."""
    return join_wrapped(lines, first=LINE_WIDTH - len(":86:"))


def compact_account(text: str) -> str:
    return "".join(text.split()).upper()


_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d\d[A-Z0-9]{11,30}")


def is_iban(text: str) -> bool:
    return len(text) >= 15 and text[:2].isalpha() and bool(std_iban.is_valid(text))


def looks_like_iban(text: str) -> bool:
    """IBAN-shaped, check digits unchecked: test and anonymised files carry made-up ones."""
    return _IBAN_SHAPE.fullmatch(text) is not None


_BIC_SHAPE = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def valid_bic(text: str) -> str:
    """A BIC by its ISO 9362 shape (a German ``?30`` may hold a bank code instead)."""
    value = compact_account(text)
    return value if _BIC_SHAPE.fullmatch(value) else ""


def swift_amount(text: str) -> Decimal:
    """A SWIFT amount: digits and one decimal comma (``12,35``, ``300,``)."""
    whole, comma, fraction = text.partition(",")
    if not comma or not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(
            f'"{text}" is not a SWIFT amount (digits with a decimal comma, like 1234,56)'
        )
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def meaningful(reference: str) -> str:
    """A reference, or "" for the placeholders banks put in empty reference fields."""
    if not reference:
        return ""
    value = reference.strip()
    return "" if value.upper() in PLACEHOLDERS else value


# -- structured creditor references -----------------------------------------------------------

_RF_START = re.compile(r"(?<![0-9A-Z])RF\d\d[0-9A-Z]*")
_RF_GROUP = re.compile(r"[0-9A-Z]{1,4}")
_OGM = re.compile(r"(\+\+\+|\*\*\*)(\d{3})/(\d{4})/(\d{5})\1")
# Dutch acceptgiro "betalingskenmerk" (Currence): 16 digits with a check digit, older ones
# shorter; printed in groups of four or run together.
_BETALINGSKENMERK = re.compile(r"BETALINGSKENM(?:ERK)?\.?:?\s*(\d{4}(?: \d{4}){3}|\d{5,16})(?!\d)")


def _valid_rf(candidate: str) -> bool:
    """ISO 11649: at most 25 characters, check digits by ISO 7064 Mod 97-10 over the reference
    with ``RFnn`` moved to the end. This is ``stdnum.iso11649.is_valid`` without its input
    cleaning, which the pattern has done (an upper-case ``RFnn`` and letters and digits)."""
    if len(candidate) > 25:
        return False
    return int((candidate[4:] + candidate[:4]).translate(_AS_DIGITS)) % 97 == 1


_AS_DIGITS = {ord(c): str(int(c, 36)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
"""ISO 7064 Mod 97-10 reads letters as numbers, A = 10 to Z = 35."""


def rf_reference(text: str) -> str:
    """The first valid ISO 11649 creditor reference, printed (``RF18 5390 0754 7034``) or not."""
    for match in _RF_START.finditer(text):
        token = match.group()
        if len(token) > 4 and _valid_rf(token):
            return token
        candidates = [token]
        for part in text[match.end() :].split(" ", 7)[1:7]:
            if not _RF_GROUP.fullmatch(part):
                break
            candidates.append(candidates[-1] + part)
        for candidate in reversed(candidates[1:]):
            if _valid_rf(candidate):
                return candidate
    return ""


def national_reference(text: str) -> str:
    """A creditor reference the text carries: RF, Belgian OGM/VCS or Dutch betalingskenmerk."""
    if "RF" in text:
        found = rf_reference(text)
        if found:
            return found
    if "++" in text or "**" in text:
        for match in _OGM.finditer(text):
            digits = "".join(match.groups()[1:])
            if ogm_vcs.is_valid(digits):
                return digits
    if "KENM" in text:
        kenmerk = _BETALINGSKENMERK.search(text)
        if kenmerk:
            return kenmerk.group(1).replace(" ", "")
    return ""


# -- supplementary details of :61: -------------------------------------------------------------

_SUPPLEMENTARY_CODE = re.compile(r"/(OCMT|CHGS)/([A-Z]{3})(\d+,\d*)/?")
_OTHER_CODE = re.compile(r"/[A-Z]{4}/[^/]*/?")
_DOMESTIC_ACCOUNT = re.compile(r"P?\d{7,10}")


def supplementary(text: str) -> tuple[Details, str]:
    """Parse ``:61:`` subfield 9 (34x): ``/OCMT/`` original amount and ``/CHGS/`` charges
    (SWIFT MT940 usage rules), an account (Rabobank), or free text (returned apart)."""
    details = Details()
    for code, currency, amount in _SUPPLEMENTARY_CODE.findall(text):
        if code == "OCMT":
            details.original_currency, details.original_amount = currency, swift_amount(amount)
        else:
            details.charges = swift_amount(amount)
    rest = squeeze(_OTHER_CODE.sub(" ", _SUPPLEMENTARY_CODE.sub(" ", text)))
    # Rabobank (NL) structured MT940 puts the counterparty account here, alone.
    if rest and (looks_like_iban(rest) or _DOMESTIC_ACCOUNT.fullmatch(rest)):
        details.account = rest.upper()
        return details, ""
    return details, rest
