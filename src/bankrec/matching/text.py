"""Text normalisation shared by the name and document matchers.

Names are compared after folding case and diacritics and dropping legal forms, so that "Müller
GmbH", "MUELLER" and "Muller" meet. Document numbers are compared as whole tokens (BC's
DocNoMatching) and by their numeric core, with a length rule that keeps years and small numbers
out (see ``line_number_core``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cleanco.termdata import terms_by_country, terms_by_type
from stdnum import iso11649

from bankrec.domain.dedupe import PLACEHOLDER_REFERENCES

_SPECIAL_LETTERS = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "đ": "d"}
    | {"Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "\u0131": "i"}
)
_DROPPED = re.compile("[.'`\u2019\u00b4]")  # dots, apostrophes, accents written alone
_WORD = re.compile(r"[a-z0-9]+")
_ALNUM_RUN = re.compile(r"[A-Z0-9]+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_LINE_NUMBER = re.compile(r"[A-Z]*(\d{5,})")
_TRAILING_DIGITS = re.compile(r"(\d+)$")
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

STOP_WORDS = frozenset({"the", "and", "und", "of", "de", "der", "die", "das", "la", "le", "et"})
"""Words too common in company names to find a party by (they still count in the similarity)."""

# Legal forms cleanco does not list but German and Australian names carry.
_EXTRA_LEGAL_FORMS = ("ug", "e.k.", "eg", "se", "pty", "pty. limited", "gmbh & co. kg")
# cleanco terms that are more often part of a name (or a tax word) than a legal form.
_NOT_LEGAL_FORMS = frozenset({("vat",), ("private",), ("et",)})


def fold(text: str) -> str:
    """Lower case without diacritics: "Société Générale" -> "societe generale"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _collapse_umlaut_spelling(word: str) -> str:
    # German writes ü as ue when the letter is missing: Mueller = Müller = Muller once folded.
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def words(text: str) -> list[str]:
    """The folded words of ``text``, dots and apostrophes dropped ("S.A.R.L." -> "sarl")."""
    return [_collapse_umlaut_spelling(w) for w in _WORD.findall(_DROPPED.sub("", fold(text)))]


def _legal_forms() -> frozenset[tuple[str, ...]]:
    terms: set[str] = set(_EXTRA_LEGAL_FORMS)
    for table in (terms_by_type, terms_by_country):
        for listed in table.values():
            terms.update(listed)
    forms = {tuple(words(term)) for term in terms}
    return frozenset(form for form in forms if form and form not in _NOT_LEGAL_FORMS)


LEGAL_FORMS = _legal_forms()
"""Legal forms as word tuples (cleanco's table, e.g. ("gmbh",), ("sarl",), ("sp", "z", "oo"))."""
_LONGEST_FORM = max(len(form) for form in LEGAL_FORMS)


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """The words that identify a company: folded, with trailing legal forms removed.

    "Contoso Ltd", "CONTOSO LIMITED" and "Contoso Co. Ltd." all give ("contoso",). A name that
    is nothing but a legal form keeps its words rather than becoming empty.
    """
    found = words(name)
    stripped = True
    while stripped:
        stripped = False
        for size in range(min(_LONGEST_FORM, len(found) - 1), 0, -1):
            if tuple(found[-size:]) in LEGAL_FORMS:
                found = found[:-size]
                stripped = True
                break
    return tuple(found)


def name_key(name: str) -> str:
    """The string the fuzzy matcher compares: identifying words joined by single spaces."""
    return " ".join(name_words(name))


def address_key(text: str) -> str:
    """An address or city folded for equality: "Hauptstraße 5" equals "HAUPTSTR. 5"."""
    return " ".join(
        w[: -len("strasse")] + "str" if w.endswith("strasse") else w for w in words(text)
    )


def search_text(*parts: str) -> str:
    """The upper-cased text that document numbers are searched in."""
    return " ".join(p for p in parts if p).upper()


def alnum_runs(text: str) -> list[str]:
    """Maximal runs of A-Z and 0-9 in upper-cased ``text``: the tokens a document may be."""
    return _ALNUM_RUN.findall(text)


def contains_token(text: str, token: str) -> bool:
    """Whether ``token`` occurs in ``text`` with no letter or digit on either side.

    BC's DocNoMatching tests only the first occurrence ("X1001Y 1001" misses 1001); every
    occurrence is tried here.
    """
    if not token:
        return False
    start = text.find(token)
    while start >= 0:
        end = start + len(token)
        if (start == 0 or text[start - 1] not in _ASCII_ALNUM) and (
            end == len(text) or text[end] not in _ASCII_ALNUM
        ):
            return True
        start = text.find(token, start + 1)
    return False


def compact(text: str) -> str:
    """Upper case, letters and digits only: how references and account numbers compare."""
    return _NOT_ALNUM.sub("", text.upper())


def reference_key(text: str) -> str:
    """A reference usable for equality, or "" for placeholders like NOTPROVIDED or NONREF."""
    return usable_reference(compact(text))


def usable_reference(key: str) -> str:
    """``key`` (already compact) unless it is a placeholder, all zeros or shorter than 4."""
    if len(key) < 4 or key in PLACEHOLDER_REFERENCES or not key.strip("0"):
        return ""
    return key


def doc_number_core(document_no: str) -> str:
    """The trailing digits of a document number without leading zeros ("SI-000123" -> "123")."""
    return trailing_number(compact(document_no))


def trailing_number(token: str) -> str:
    """The digits ``token`` ends with, leading zeros dropped ("" when it ends with a letter)."""
    match = _TRAILING_DIGITS.search(token)
    return match.group(1).lstrip("0") if match else ""


def line_number_core(token: str) -> str:
    """The number a line token may stand for, or "".

    The token must be letters followed by at least five digits ("102001", "RE102001",
    "000123"): four-digit tokens are too often years, postal codes or amounts to name a
    document by number alone. So invoice "SI-102001" is found as "102001" and "INV-000123" as
    "000123" or "00123", but never as "123" or "0123".
    """
    match = _LINE_NUMBER.fullmatch(token)
    if not match:
        return ""
    return match.group(1).lstrip("0")


def rf_payload(reference: str) -> str:
    """The payload of a valid ISO 11649 reference: "RF18539007547034" -> "539007547034"."""
    key = compact(reference)
    if len(key) > 4 and key.startswith("RF") and bool(iso11649.is_valid(key)):
        return key[4:]
    return ""
