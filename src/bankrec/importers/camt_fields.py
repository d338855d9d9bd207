"""Reading the fields of a camt element: its leaves by path, and their values as amounts, dates and
texts."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

SEP = "\x00"
"""Joins the texts of a repeated element (``Ustrd``); NUL cannot occur in XML text."""
_REPEATS = frozenset({"Ustrd", "AdrLine", "AddtlRmtInf", "Ref", "Amt", "TtlChrgsAndTaxAmt"})
_SKIPPED = frozenset(
    {"Avlbty", "RltdDts", "RltdPric", "RltdQties", "FinInstrmId", "Tax", "CorpActn", "SplmtryData"}
)
"""Parts of an entry that feed no line field: not walked at all."""
_PLACEHOLDERS = frozenset({"NOTPROVIDED", "NONREF"})
_DATE = re.compile(r"(\d{4}-\d\d-\d\d)(T[\d:.]+)?(Z|[+-]\d\d:\d\d)?")
_UNSIGNED = re.compile(r"\d+(?:\.\d*)?|\.\d+")
Flat = dict[str, str]
"""An element's leaves by path below it (``RltdPties/Dbtr/Nm``); ``Amt@Ccy`` is an attribute."""


class FieldError(Exception):
    """A problem inside one entry or statement, located relative to it (``TxDtls[2]/Amt``)."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


def flatten(
    element: etree._Element, cut: int, prefix: str, out: Flat, details: list[etree._Element]
) -> None:
    """Put every leaf below ``element`` into ``out`` by path, and each ``TxDtls`` into
    ``details`` (read on its own). One pass, plain dict lookups afterwards: this is the hot
    path, where ElementPath or XPath per field would cost several times the parse."""
    for child in element:
        tag = child.tag
        if tag.__class__ is not str:  # a comment or processing instruction
            continue
        name = tag[cut:]
        text = child.text
        if text is None or text.isspace():
            if name == "TxDtls":
                details.append(child)
            elif name not in _SKIPPED:
                flatten(child, cut, prefix + name + "/", out, details)
            continue
        key = prefix + name
        if key not in out:
            out[key] = text.strip()
            if name == "Amt" or name == "TtlChrgsAndTaxAmt":
                out[key + "@Ccy"] = (child.get("Ccy") or "").strip()
        elif name in _REPEATS:
            out[key] += SEP + text.strip()


def text_of(flat: Flat, key: str) -> str:
    """The text at ``key`` (the first one, if the element repeats)."""
    return flat.get(key, "").partition(SEP)[0]


def texts_of(flat: Flat, key: str) -> list[str]:
    return [text for text in flat.get(key, "").split(SEP) if text]


def ident(value: str) -> str:
    """A reference, with the placeholders banks write for "none" (NOTPROVIDED, NONREF) blanked."""
    return "" if value.upper() in _PLACEHOLDERS else value


def words(value: str) -> str:
    return " ".join(value.split())


def compact(value: str) -> str:
    return "".join(value.split()).upper()


def parse_amount(text: str, where: str) -> Decimal:
    """An ISO 20022 ``ActiveOrHistoricCurrencyAndAmount``: an unsigned plain decimal, kept at
    the file's precision (the import service refuses excess decimals)."""
    if _UNSIGNED.fullmatch(text):
        return Decimal(text)
    if not text:
        raise FieldError("the amount is missing", where)
    if text[0] in "+-" and _UNSIGNED.fullmatch(text[1:]):
        raise FieldError(
            f'amount "{text}" carries a sign; camt amounts are unsigned and CdtDbtInd gives '
            "the direction",
            where,
        )
    raise FieldError(f'amount "{text}" is not a number (write it like 1234.50)', where)


def signed_amount(flat: Flat, prefix: str, *, required: bool = True) -> Decimal:
    """``Amt`` signed by the ``CdtDbtInd`` beside it: DBIT is money out, negative."""
    value = parse_amount(text_of(flat, prefix + "Amt"), prefix + "Amt")
    indicator = flat.get(prefix + "CdtDbtInd", "")
    if indicator == "DBIT":
        return -value
    if indicator == "CRDT" or (not indicator and not required):
        return value
    found = f'"{indicator}"' if indicator else "is missing and"
    raise FieldError(f"CdtDbtInd {found} must be CRDT or DBIT", prefix + "CdtDbtInd")


def parse_date(text: str, where: str) -> date | None:
    """An ISODate (maybe with a zone) or ISODateTime: the calendar date as the bank wrote it."""
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the usual YYYY-MM-DD
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    found = _DATE.fullmatch(text)
    try:
        if found is None:
            raise ValueError(text)
        return date.fromisoformat(found.group(1))
    except ValueError:
        raise FieldError(f'date "{text}" is not a valid ISO date (YYYY-MM-DD)', where) from None


def date_choice(flat: Flat, prefix: str) -> date | None:
    """A ``DateAndDateTimeChoice``: ``Dt`` or ``DtTm``."""
    return parse_date(flat.get(prefix + "Dt", ""), prefix + "Dt") or parse_date(
        flat.get(prefix + "DtTm", ""), prefix + "DtTm"
    )
