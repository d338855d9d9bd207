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

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from stdnum import iban as std_iban
from stdnum.be import ogm_vcs
from stdnum.iso7064 import mod_97_10

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
    if not lines:
        return ""
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
    return len(candidate) <= 25 and bool(mod_97_10.is_valid(candidate[4:] + candidate[:4]))


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


def german(lines: Sequence[str]) -> Details:
    purpose: list[str] = []
    names: list[str] = []
    bank_code = account = ""
    pieces = iter(_SUBFIELD.split("".join(lines)))
    next(pieces)  # the business transaction code (GVC); :61: has the SWIFT type
    for code, value in zip(pieces, pieces, strict=True):
        if code in _PURPOSE_CODES:
            purpose.append(value)
        elif code == "32" or code == "33":
            names.append(value)
        elif code == "30":
            bank_code += value
        elif code == "31":
            account += value
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


# -- Dutch structured (/TAG/value) --------------------------------------------------------------

_DUTCH_KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ADDR|ORDP|BENM|CNTP|ISDT|PREF|RTRN|ULTC|ULTD|ULTB"
    "|PURP|SVCL|OCMT|CHGS|EXCH|BUSP"
)
_DUTCH_TAG = re.compile(rf"/({_DUTCH_KEYS})/")
# /OCMT/ and /CHGS/ alone open HSBC's coded lines too, so they do not mark the Dutch layout.
_DUTCH_START = re.compile(r"/(TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ORDP|BENM|CNTP|PREF|RTRN)/")


def dutch_tags(text: str) -> dict[str, str]:
    pieces = _DUTCH_TAG.split(text)
    found: dict[str, str] = {}
    for key, value in zip(pieces[1::2], pieces[2::2], strict=True):
        found.setdefault(key, value)
    return found


def _dutch_remittance(value: str, details: Details) -> None:
    """``/REMI/`` holds ``USTD//free text/``, ``STRD/CUR/reference/`` or (older) plain text."""
    if value.startswith("USTD//"):
        details.remittance = squeeze(value[6:].rstrip("/"))
    elif value.startswith("STRD/"):
        issuer_and_ref = value[5:].strip("/").split("/")
        details.structured_reference = issuer_and_ref[-1].strip()
    elif "CDTRREF/" in value:  # Rabobank: /REMI//CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/ref/
        details.structured_reference = value.split("CDTRREF/", 1)[1].strip("/").strip()
    else:
        details.remittance = squeeze(value.rstrip("/"))


def _counterparty_cntp(value: str, details: Details) -> None:
    """ING: ``/CNTP/account/BIC/name/city/``."""
    parts = [*value.split("/"), "", "", "", ""]
    details.account = compact_account(parts[0])
    details.bic = valid_bic(parts[1])
    details.name = squeeze(parts[2])
    details.city = squeeze(parts[3])


def dutch(lines: Sequence[str]) -> Details:
    tags = dutch_tags(join_field(lines))
    details = Details(
        name=squeeze(tags.get("NAME", "")),
        account=compact_account(tags.get("IBAN", "").strip("/")),
        bic=valid_bic(tags.get("BIC", "").strip("/")),
        address=squeeze(tags.get("ADDR", "").strip("/")),
        end_to_end_id=meaningful(tags.get("EREF", "").strip("/")),
        batch_reference=meaningful(tags.get("PREF", "").strip("/")),
    )
    if "CNTP" in tags:
        _counterparty_cntp(tags["CNTP"], details)
    if "REMI" in tags:
        _dutch_remittance(tags["REMI"], details)
    return details


# -- other banks ----------------------------------------------------------------------------


def komercijalna(lines: Sequence[str]) -> Details:
    """Komercijalna Banka Skopje (MK): ``/BENM/account`` or ``/ORDP/account``, ``/name``,
    ``/payer reference//payee reference`` (the Macedonian "povikuvanje na broj"), ``/purpose``."""
    parts = [line.strip().removeprefix("/") for line in lines] + ["", "", ""]
    references = parts[2].split("//", 1)
    return Details(
        account=compact_account(parts[0].split("/", 1)[1]),
        name=squeeze(parts[1]),
        structured_reference=meaningful(references[1].strip("/")) if len(references) > 1 else "",
        remittance=squeeze(" ".join(parts[3:])),
    )


def asn(lines: Sequence[str]) -> Details:
    """ASN Bank (NL): the first line is ``IBAN name``, the rest the description."""
    account, _, name = lines[0].strip().partition(" ")
    return Details(
        account=account.upper(), name=squeeze(name), remittance=squeeze(join_wrapped(lines[1:]))
    )


_HU_ACCOUNT = re.compile(r"\d{16}|\d{24}")
_RAIFFEISEN_WIDTH = 35


def raiffeisen_cmi(lines: Sequence[str]) -> Details:
    """Raiffeisen Bank Hungary CMI export: the bank's reference, the counter account (16 or 24
    digits, when there is one), the name and city, then the description wrapped at 35."""
    details = Details(bank_reference=lines[0].strip())
    rest = list(lines[1:])
    if rest and _HU_ACCOUNT.fullmatch(rest[0].strip()):
        details.account = rest.pop(0).strip()
        if rest:
            name_and_city = [*re.split(r"\s{2,}", rest.pop(0).strip(), maxsplit=1), ""]
            details.name, details.city = name_and_city[0], name_and_city[1]
    details.remittance = squeeze(join_wrapped(rest, _RAIFFEISEN_WIDTH))
    return details


_MBANK_FIELD = re.compile(r"\s*([A-Z][A-Z .]*?):\s?(.*)", re.DOTALL)


def mbank(lines: Sequence[str]) -> Details:
    """mBank (PL): ``code description; KEY: value; ...`` with ``Z RACH.``/``NA RACH.``
    (from/to account, a Polish NRB), ``OD``/``DO`` (from/to: name, address on later lines),
    ``TYT.`` (title, the remittance)."""
    details = Details()
    for segment in "\n".join(lines).split(";")[1:]:
        field = _MBANK_FIELD.match(segment)
        if field:
            _mbank_field(field.group(1).strip(), field.group(2), details)
    return details


def _mbank_field(key: str, value: str, details: Details) -> None:
    if key in ("Z RACH.", "NA RACH."):
        nrb = compact_account(value)
        # mBank writes the 26-digit NRB; with "PL" in front it is the IBAN.
        details.account = f"PL{nrb}" if len(nrb) == 26 and is_iban(f"PL{nrb}") else nrb
    elif key in ("OD", "DO"):
        name, _, address = value.strip().partition("\n")
        details.name, details.address = squeeze(name), squeeze(address)
    elif key == "TYT.":
        details.remittance = squeeze(value)


_ABN_LABEL = re.compile(
    r"\b(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|BETALINGSKENM\.|MACHTIGING|ID DEBITEUR"
    r"|INCASSANT|ID BEGUNSTIGDE):\s?"
)


def abnamro_sepa(lines: Sequence[str]) -> Details:
    """ABN AMRO (NL) SEPA layout of labelled columns: ``IBAN:``, ``BIC:``, ``NAAM:``,
    ``OMSCHRIJVING:``, ``KENMERK:`` (the end-to-end id), ``BETALINGSKENM.:``."""
    pieces = _ABN_LABEL.split(join_field(lines))
    labels = {k: squeeze(v) for k, v in zip(pieces[1::2], pieces[2::2], strict=True)}
    return Details(
        account=compact_account(labels.get("IBAN", "")),
        bic=valid_bic(labels.get("BIC", "")),
        name=labels.get("NAAM", ""),
        remittance=labels.get("OMSCHRIJVING", ""),
        end_to_end_id=meaningful(labels.get("KENMERK", "")),
        structured_reference=labels.get("BETALINGSKENM.", "").replace(" ", ""),
    )


_ABN_GIRO = re.compile(r"(\d{2}\.\d{2}\.\d{2}\.\d{3})\s+(.*)", re.DOTALL)


def abnamro_giro(lines: Sequence[str]) -> Details:
    """ABN AMRO (NL) pre-SEPA: ``54.49.42.108 NAME`` - a dotted account, then the name."""
    found = _ABN_GIRO.fullmatch(join_field(lines).strip())
    assert found is not None  # the style check matched the same pattern
    return Details(account=found.group(1).replace(".", ""), name=squeeze(found.group(2)))


_POSTFINANCE_LABEL = re.compile(r"\b(AUFTRAGGEBER|BEGÜNSTIGTER|BEGUENSTIGTER|MITTEILUNGEN):\s?")


def postfinance(lines: Sequence[str]) -> Details:
    """PostFinance (CH): ``AUFTRAGGEBER:``/``BEGÜNSTIGTER:`` name and address run together,
    ``MITTEILUNGEN:`` the message to the payee."""
    text = join_field(lines)
    pieces = _POSTFINANCE_LABEL.split(text)
    labels = {k: squeeze(v) for k, v in zip(pieces[1::2], pieces[2::2], strict=True)}
    party = (
        labels.get("AUFTRAGGEBER") or labels.get("BEGÜNSTIGTER") or labels.get("BEGUENSTIGTER", "")
    )
    return Details(name=party, remittance=labels.get("MITTEILUNGEN") or squeeze(text))


_CODED_LINE = re.compile(r"/([A-Z]{2,4})/(.*)")


def coded_lines(lines: Sequence[str]) -> Details:
    """Lines that start ``/CODE/`` (HSBC): ``/OCMT/`` and ``/CHGS/`` as in :61: subfield 9,
    ``/BENM/``/``/ORDP/`` names; the plain lines are the remittance."""
    details, free = Details(), []
    for line in lines:
        coded = _CODED_LINE.match(line.strip())
        if not coded:
            free.append(line)
        elif coded.group(1) in ("OCMT", "CHGS"):
            found, _ = supplementary(line.strip())
            details.original_amount = found.original_amount or details.original_amount
            details.original_currency = found.original_currency or details.original_currency
            details.charges = found.charges if found.charges is not None else details.charges
        elif coded.group(1) in ("BENM", "ORDP", "NAME"):
            details.name = squeeze(coded.group(2).strip("/"))
    details.remittance = squeeze(join_wrapped(free))
    return details


def sberbank_ns(lines: Sequence[str]) -> Details:
    """Sberbank Magyarország (HU) non-standard ``:NS:`` field in place of ``:86:``: numbered
    lines; ``09`` description, ``15``/``16`` name, ``33`` giro code + ``34`` account."""
    codes: dict[str, str] = {}
    for line in lines:
        if len(line) >= 2 and line[:2].isdigit():
            codes[line[:2]] = codes.get(line[:2], "") + line[2:]
    account = codes.get("33", "").strip() + codes.get("34", "").strip()
    return Details(
        name=squeeze(codes.get("15", "") + codes.get("16", "")),
        account=account if account.isdigit() else "",
        remittance=squeeze(codes.get("09", "")),
    )


def plain(lines: Sequence[str]) -> Details:
    return Details(remittance=squeeze(join_field(lines)))


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
    Style("dutch", lambda ls: _DUTCH_START.match(ls[0]) is not None, dutch),
    Style("asn", lambda ls: _ASN.match(ls[0]) is not None, asn),
    Style(
        "raiffeisen-cmi",
        lambda ls: len(ls) > 1 and _RAIFFEISEN.fullmatch(ls[0]) is not None,
        raiffeisen_cmi,
    ),
    Style("mbank", lambda ls: _MBANK.match(ls[0]) is not None, mbank),
    Style(
        "abnamro-sepa",
        lambda ls: ls[0].startswith("SEPA ") and _ABN_LABEL.search(" ".join(ls)) is not None,
        abnamro_sepa,
    ),
    Style("abnamro-giro", lambda ls: _ABN_GIRO.fullmatch(ls[0].strip()) is not None, abnamro_giro),
    Style(
        "postfinance",
        lambda ls: _POSTFINANCE_LABEL.search(" ".join(ls)) is not None,
        postfinance,
    ),
    Style("coded-lines", lambda ls: _CODED.match(ls[0]) is not None, coded_lines),
)


def style_of(lines: Sequence[str]) -> Style | None:
    """The first layout that claims these ``:86:`` lines, or None for plain text."""
    return next((s for s in STYLES if s.matches(lines)), None)


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
