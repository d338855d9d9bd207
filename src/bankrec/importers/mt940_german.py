"""The ``:86:`` layouts with numbered subfields: the German DFÜ-Abkommen / DK structure
(``?nn`` subfields and SEPA keywords) and Triodos Bank (NL) (``>nn`` subfields)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from bankrec.importers.mt940_values import (
    Details,
    compact_account,
    join_wrapped,
    looks_like_iban,
    meaningful,
    squeeze,
    swift_amount,
    valid_bic,
)

# -- German DFÜ / DK structure ----------------------------------------------------------------

_SUBFIELD = re.compile(r"\?(\d\d)")
_PURPOSE_CODES = frozenset([f"{n}" for n in range(20, 30)] + ["60", "61", "62", "63"])
_SEPA_KEYWORD = re.compile(
    r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|OAMT|COAM|PURP|MDAT|SQTP|ORCR|ORMR"
    r"|DDAT)\+"
)


SUBFIELD_WIDTH = 27
"""DK: purpose and name subfields hold 27 characters; a full one was cut mid-word."""


def subfields(text: str, pattern: re.Pattern[str]) -> dict[str, list[str]]:
    """``000?20abc?21def`` -> {"": ["000"], "20": ["abc"], "21": ["def"]}."""
    pieces = pattern.split(text)
    found = {"": [pieces[0]]}
    for code, value in zip(pieces[1::2], pieces[2::2], strict=True):
        found.setdefault(code, []).append(value)
    return found


def joined(fields: dict[str, list[str]], codes: Iterable[str], gap: str = " ") -> str:
    """The subfields ``codes`` in order, joined as ``join_wrapped`` joins lines."""
    values = [v for code in codes for v in fields.get(code, ())]
    return join_wrapped(values, SUBFIELD_WIDTH, gap=gap)


_BOUNDARY = "\n"
"""Marks where a purpose subfield ended short of its 27 characters: a value ended there."""
_TEXT_KEYWORDS = frozenset({"SVWZ", "ABWA", "ABWE"})


def sepa_keywords(purpose: str) -> tuple[dict[str, str], str]:
    """Split a purpose at the DK SEPA keywords into (keyword values, free text).

    The free text is what stands before the first keyword, the ``SVWZ+`` text, and what
    follows an identifier (``EREF+`` ...) after the subfield that holds it ended short:
    identifiers are at most 35 characters and do not run on past such an end.
    """
    pieces = iter(_SEPA_KEYWORD.split(purpose))
    found: dict[str, str] = {}
    free = [next(pieces)]
    for keyword, value in zip(pieces, pieces, strict=True):
        if keyword in _TEXT_KEYWORDS:
            found.setdefault(keyword, squeeze(value))
            if keyword == "SVWZ":
                free.append(value)
            continue
        identifier, _, rest = value.partition(_BOUNDARY)
        found.setdefault(keyword, identifier.strip())
        free.append(rest)
    return found, squeeze(" ".join(free))


def _german_account(bank_code: str, account: str) -> str:
    account = compact_account(account)
    # A German bank code (BLZ) with a domestic account number: keep both, as :25: does.
    if len(bank_code) == 8 and bank_code.isdigit() and account and not looks_like_iban(account):
        return f"{bank_code}/{account}"
    return account


_GERMAN_KINDS = dict.fromkeys(_PURPOSE_CODES, 0) | {"32": 1, "33": 1, "30": 2, "31": 3}
"""Subfield code -> purpose (0), name (1), bank code (2) or account (3)."""


def _german_subfields(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """The purpose, name, bank code and account subfields, each in order. The text before
    the first ``?`` is the business transaction code (GVC); :61: has the SWIFT type."""
    found: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    pieces = iter(text.split("?"))
    next(pieces)
    for piece in pieces:
        code = piece[:2]
        kind = _GERMAN_KINDS.get(code)
        if kind is not None:
            found[kind].append(piece[2:])
        elif len(code) != 2 or not code.isdecimal():
            # A "?" that opens no subfield belongs to the value before it: split properly.
            return _german_subfields_slowly(text)
    return found


def _german_subfields_slowly(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    found: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    pieces = _SUBFIELD.split(text)
    for code, value in zip(pieces[1::2], pieces[2::2], strict=True):
        kind = _GERMAN_KINDS.get(code)
        if kind is not None:
            found[kind].append(value)
    return found


def german(lines: Sequence[str]) -> Details:
    purpose, names, bank_codes, accounts = _german_subfields("".join(lines))
    bank_code, account = "".join(bank_codes), "".join(accounts)
    purpose_text = join_wrapped(purpose, SUBFIELD_WIDTH, gap=_BOUNDARY).rstrip("?")
    words, free_text = sepa_keywords(purpose_text)
    bank_code = bank_code.strip()
    details = Details(
        name=squeeze(join_wrapped(names, SUBFIELD_WIDTH)),
        account=_german_account(bank_code, account),
        bic=valid_bic(bank_code),
        remittance=free_text,
        end_to_end_id=meaningful(words.get("EREF", "")),
        # DK: KREF is the ordering customer's reference, the PmtInfId of a batch order.
        batch_reference=meaningful(words.get("KREF", "")),
    )
    if words.keys() & _FALLBACK_KEYWORDS:
        _german_fallbacks(details, words)
    return details


_FALLBACK_KEYWORDS = frozenset({"ABWA", "ABWE", "IBAN", "BIC", "OAMT", "COAM"})


def _german_fallbacks(details: Details, words: dict[str, str]) -> None:
    """Use the SEPA keywords that repeat a subfield only where the subfield was empty."""
    if not details.name:
        details.name = squeeze(words.get("ABWA", "") or words.get("ABWE", ""))
    if not details.account:
        details.account = compact_account(words.get("IBAN", ""))
    if not details.bic:
        details.bic = valid_bic(words.get("BIC", ""))
    details.original_amount = _keyword_amount(words.get("OAMT", ""))
    details.charges = _keyword_amount(words.get("COAM", ""))


def _keyword_amount(value: str) -> Decimal | None:
    """OAMT+/COAM+ amounts are informational (the :61: amount is what was booked): one that
    does not read as an amount is left out rather than refusing the statement."""
    try:
        return swift_amount(value.split()[0]) if value.strip() else None
    except ValueError:
        return None


# -- Triodos Bank (NL): ">nn" subfields ---------------------------------------------------------

_TRIODOS_SUBFIELD = re.compile(r">(\d\d)")


def triodos(lines: Sequence[str]) -> Details:
    """Triodos: ``>10`` counter account (zeros for SEPA, then ``>20`` BIC and ``>21`` IBAN),
    the other ``>2n`` hold name, address and description run together, ``>31`` own account."""
    fields = subfields("".join(lines), _TRIODOS_SUBFIELD)
    texts = [v for k in sorted(fields) if k.startswith("2") for v in fields[k]]
    domestic = joined(fields, ["10"]).strip()
    details = Details(account=domestic if domestic.strip("0") else "")
    if len(texts) >= 2 and valid_bic(texts[0]) and looks_like_iban(compact_account(texts[1])):
        details.bic, details.account = valid_bic(texts[0]), compact_account(texts[1])
        texts = texts[2:]
    details.name = squeeze(texts[0]) if texts else ""
    details.remittance = squeeze(join_wrapped(texts, SUBFIELD_WIDTH))
    return details
