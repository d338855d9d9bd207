"""The MT940 ``:86:`` field (Information to Account Owner) and the ``:61:`` supplementary line.

SWIFT leaves ``:86:`` (6*65x) free; banks fill it in their own layouts. Each layout is a small
named parser below, chosen by a cheap look at the first line (``STYLES``, first match wins);
text that no layout claims goes whole into the remittance. The layouts:

- ``german``: the DFÜ-Abkommen / DK "Datenformate" Anlage 3 structure, a 3-digit business
  transaction code (GVC) then ``?nn`` subfields: ``?00`` posting text, ``?10`` prima nota,
  ``?20``-``?29`` and ``?60``-``?63`` purpose, ``?30`` bank code or BIC, ``?31`` account or
  IBAN, ``?32``-``?33`` name, ``?34`` return code. Inside the purpose the SEPA keywords
  ``EREF+``, ``KREF+``, ``MREF+``, ``CRED+``, ``SVWZ+``, ``ABWA+`` ... split the text.
- ``triodos``: Triodos Bank (NL) numbered subfields with ``>`` instead of ``?``.
- ``komercijalna``: Komercijalna Banka Skopje, ``/BENM/`` or ``/ORDP/`` account, then lines.
- ``dutch``: the Dutch structured layout of the Betaalvereniging (``/TRTP/``, ``/IBAN/``,
  ``/NAME/``, ``/REMI/`` with ``USTD//`` or ``STRD/CUR/``, ``/EREF/``, ING's ``/CNTP/``).
- ``asn``, ``raiffeisen-cmi``, ``mbank``, ``abnamro-sepa``, ``abnamro-giro``,
  ``postfinance``, ``coded-lines`` (HSBC): see each parser.

Every line is wrapped at 65 characters: a full line continues the same word on the next one,
a shorter line ended where the bank ended it (``join_wrapped``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bankrec.importers.mt940_german import german, triodos
from bankrec.importers.mt940_layouts import (
    ABN_GIRO,
    ABN_LABEL,
    DUTCH_START,
    POSTFINANCE_LABEL,
    abnamro_giro,
    abnamro_sepa,
    asn,
    coded_lines,
    dutch,
    komercijalna,
    mbank,
    plain,
    postfinance,
    raiffeisen_cmi,
    sberbank_ns,
)
from bankrec.importers.mt940_values import (
    Details,
    join_wrapped,
    national_reference,
    rf_reference,
)

__all__ = [
    "STYLES",
    "Details",
    "Style",
    "join_wrapped",
    "national_reference",
    "parse_details",
    "rf_reference",
    "style_of",
]

# -- choosing the layout ----------------------------------------------------------------------

_GERMAN = re.compile(r"\d{3}\?")
_TRIODOS = re.compile(r"\d{3}>\d\d")
_KOMERCIJALNA = re.compile(r"/(BENM|ORDP)/\d+\s*")
_ASN = re.compile(r"[A-Z]{2}\d\d[A-Z0-9]{11,30} ")
_RAIFFEISEN = re.compile(r"[A-Z]{3}\d\d[A-Z]\d{6,}\s*")
_MBANK = re.compile(r"\d{3} [^;]*;")
_CODED = re.compile(r"/[A-Z]{2,4}/")


@dataclass(frozen=True)
class Style:
    name: str
    matches: Callable[[Sequence[str]], bool]
    parse: Callable[[Sequence[str]], Details]


STYLES = (
    Style("german", lambda ls: _GERMAN.match(ls[0]) is not None, german),
    Style("triodos", lambda ls: _TRIODOS.match(ls[0]) is not None, triodos),
    Style(
        "komercijalna",
        lambda ls: len(ls) > 1 and _KOMERCIJALNA.fullmatch(ls[0]) is not None,
        komercijalna,
    ),
    Style("dutch", lambda ls: DUTCH_START.match(ls[0]) is not None, dutch),
    Style("asn", lambda ls: _ASN.match(ls[0]) is not None, asn),
    Style(
        "raiffeisen-cmi",
        lambda ls: len(ls) > 1 and _RAIFFEISEN.fullmatch(ls[0]) is not None,
        raiffeisen_cmi,
    ),
    Style("mbank", lambda ls: _MBANK.match(ls[0]) is not None, mbank),
    Style(
        "abnamro-sepa",
        lambda ls: ls[0].startswith("SEPA ") and ABN_LABEL.search(" ".join(ls)) is not None,
        abnamro_sepa,
    ),
    Style("abnamro-giro", lambda ls: ABN_GIRO.fullmatch(ls[0].strip()) is not None, abnamro_giro),
    Style(
        "postfinance",
        lambda ls: POSTFINANCE_LABEL.search(" ".join(ls)) is not None,
        postfinance,
    ),
    Style("coded-lines", lambda ls: _CODED.match(ls[0]) is not None, coded_lines),
)


def style_of(lines: Sequence[str]) -> Style | None:
    """The first layout that claims these ``:86:`` lines, or None for plain text."""
    for style in STYLES:
        if style.matches(lines):
            return style
    return None


def parse_details(lines: Sequence[str], *, non_standard: bool = False) -> Details:
    """Parse the ``:86:`` lines of one transaction (``non_standard``: Sberbank ``:NS:``)."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return Details()
    if non_standard:
        details = sberbank_ns(lines)
    else:
        style = style_of(lines)
        details = style.parse(lines) if style else plain(lines)
    if not details.structured_reference and details.remittance:
        details.structured_reference = national_reference(details.remittance)
    return details
