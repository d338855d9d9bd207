"""The ``:86:`` layouts of single banks and of the Dutch structured format (see each parser)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bankrec.importers.mt940_values import (
    Details,
    compact_account,
    is_iban,
    join_field,
    join_wrapped,
    meaningful,
    squeeze,
    supplementary,
    valid_bic,
)

# -- Dutch structured (/TAG/value) --------------------------------------------------------------

_DUTCH_KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ADDR|ORDP|BENM|CNTP|ISDT|PREF|RTRN|ULTC|ULTD|ULTB"
    "|PURP|SVCL|OCMT|CHGS|EXCH|BUSP"
)
_DUTCH_TAG = re.compile(rf"/({_DUTCH_KEYS})/")
# /OCMT/ and /CHGS/ alone open HSBC's coded lines too, so they do not mark the Dutch layout.
DUTCH_START = re.compile(r"/(TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ORDP|BENM|CNTP|PREF|RTRN)/")


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


ABN_LABEL = re.compile(
    r"\b(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|BETALINGSKENM\.|MACHTIGING|ID DEBITEUR"
    r"|INCASSANT|ID BEGUNSTIGDE):\s?"
)


def abnamro_sepa(lines: Sequence[str]) -> Details:
    """ABN AMRO (NL) SEPA layout of labelled columns: ``IBAN:``, ``BIC:``, ``NAAM:``,
    ``OMSCHRIJVING:``, ``KENMERK:`` (the end-to-end id), ``BETALINGSKENM.:``."""
    pieces = ABN_LABEL.split(join_field(lines))
    labels = {k: squeeze(v) for k, v in zip(pieces[1::2], pieces[2::2], strict=True)}
    return Details(
        account=compact_account(labels.get("IBAN", "")),
        bic=valid_bic(labels.get("BIC", "")),
        name=labels.get("NAAM", ""),
        remittance=labels.get("OMSCHRIJVING", ""),
        end_to_end_id=meaningful(labels.get("KENMERK", "")),
        structured_reference=labels.get("BETALINGSKENM.", "").replace(" ", ""),
    )


ABN_GIRO = re.compile(r"(\d{2}\.\d{2}\.\d{2}\.\d{3})\s+(.*)", re.DOTALL)


def abnamro_giro(lines: Sequence[str]) -> Details:
    """ABN AMRO (NL) pre-SEPA: ``54.49.42.108 NAME`` - a dotted account, then the name."""
    found = ABN_GIRO.fullmatch(join_field(lines).strip())
    assert found is not None  # the style check matched the same pattern
    return Details(account=found.group(1).replace(".", ""), name=squeeze(found.group(2)))


POSTFINANCE_LABEL = re.compile(r"\b(AUFTRAGGEBER|BEGÜNSTIGTER|BEGUENSTIGTER|MITTEILUNGEN):\s?")


def postfinance(lines: Sequence[str]) -> Details:
    """PostFinance (CH): ``AUFTRAGGEBER:``/``BEGÜNSTIGTER:`` name and address run together,
    ``MITTEILUNGEN:`` the message to the payee."""
    text = join_field(lines)
    pieces = POSTFINANCE_LABEL.split(text)
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
