"""Currency codes and their minor-unit exponents (ISO 4217)."""

from __future__ import annotations

import re

_CODE = re.compile(r"[A-Z]{3}")


def normalise_code(code: str) -> str:
    """Upper-case a currency code and check its shape; raise ``ValueError`` when it is not one."""
    cleaned = code.strip().upper()
    if not _CODE.fullmatch(cleaned):
        raise ValueError(f'"{code}" is not a three-letter ISO 4217 currency code')
    return cleaned


def iso_decimals(code: str) -> int | None:
    """The ISO 4217 minor-unit exponent of ``code`` (EUR 2, JPY 0, KWD 3), None when unknown."""
    import iso4217  # imported here: only set-up commands need the table

    try:
        currency = iso4217.Currency[code.upper()]
    except KeyError:
        return None
    exponent = currency.exponent
    return int(exponent) if exponent is not None else None
