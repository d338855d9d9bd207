"""Recognising one bank account under the different ways files write its identifier."""

from __future__ import annotations

import re

_GERMAN_BLZ_ACCOUNT = re.compile(r"(\d{8})/(\d{1,10})")


def _iban_check_digits(country: str, bban: str) -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(digits) % 97:02d}"


def account_keys(identifier: str) -> set[str]:
    """Every normalised form under which ``identifier`` can name an account.

    ``DE36 7004 0041 0662 1458 00`` and ``de36700400410662145800`` are one IBAN; MT940 ``:25:``
    often writes German accounts as bank code / account number (``70040041/0662145800``), which
    is the same account as its IBAN and as the plain account number with or without leading
    zeros.
    """
    compact = re.sub(r"\s+", "", identifier).upper()
    if not compact:
        return set()
    keys = {compact}
    german = _GERMAN_BLZ_ACCOUNT.fullmatch(compact)
    if german:
        blz, account = german.group(1), german.group(2).zfill(10)
        keys.add(account.lstrip("0"))
        bban = blz + account
        keys.add(f"DE{_iban_check_digits('DE', bban)}{bban}")
    if compact.isdigit():
        keys.add(compact.lstrip("0"))
    return keys


def same_account(given: set[str], known: set[str]) -> bool:
    """Whether any identifier in ``given`` names the account that ``known`` identifies."""
    given_keys = set().union(*(account_keys(i) for i in given)) if given else set()
    known_keys = set().union(*(account_keys(i) for i in known)) if known else set()
    return bool(given_keys & known_keys)
