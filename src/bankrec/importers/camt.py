"""Read ISO 20022 bank-to-customer cash management messages: camt.053 statements, camt.052
account reports and camt.054 debit/credit notifications, versions 001.01 to 001.13.

Spec: ISO 20022 Message Definition Report "Bank-to-Customer Cash Management" (camt.052, camt.053,
camt.054), with the EPC, Swiss SPS and German DK implementation guides for the national parts.

How the message maps to the normalised statement:

- The message type and version come from the document namespace
  (``urn:iso:std:iso:20022:tech:xsd:camt.05x.001.NN``), never from the file name; a document in
  any other namespace is refused. Each ``Stmt`` (053), ``Rpt`` (052) or ``Ntfctn`` (054) becomes
  one ``ParsedStatement``: account ``Acct/Id/IBAN`` or ``Acct/Id/Othr/Id``, currency
  ``Acct/Ccy`` (else that of the balances, else of the first entry).
- The file is read as a stream: ``iterparse`` hands over one ``Ntry`` at a time, and every entry
  is cleared (with everything before it) once read, so memory stays flat for 100,000 entries.
  Entities are never expanded and nothing is fetched: a DOCTYPE that declares entities is
  refused outright, and a malformed or truncated file is refused with lxml's line.
- Only booked entries are statement lines: ``Sts`` BOOK (``<Sts>BOOK</Sts>`` up to version 06,
  ``<Sts><Cd>BOOK</Cd></Sts>`` from 08). Pending (PDNG), information (INFO) and future (FUTR)
  entries have not moved the booked balance, so they are left out of the lines; the statement
  that books them carries them. An entry without ``Sts`` (an export that drops it) is booked.
- ``Amt`` is unsigned; ``CdtDbtInd`` DBIT makes it negative (the sign convention of
  ``bankrec.domain.statement``). A reversal (``RvslInd`` true) keeps the sign ``CdtDbtInd``
  gives and is flagged ``reversal``. The counterparty is the debtor of a credit and the
  creditor of a debit (the other way round for a reversal, which repeats the original's
  parties); ``v08`` and later wrap the party in ``Pty``.
- A batch entry whose ``TxDtls`` (two or more) each carry an amount becomes one line per
  ``TxDtls``, ``batch_reference`` being the entry's ``AcctSvcrRef`` (else ``Btch/PmtInfId`` or
  ``MsgId``); their amounts must add up to the entry amount or the file is refused. Otherwise
  the entry is one line with the details of its first ``TxDtls``.
- Balances: opening is OPBD, else PRCD; closing is CLBD. A camt.052 report without CLBD closes
  with its interim booked balance ITBD; camt.054 notifications have none. A ``Bal`` without
  ``CdtDbtInd`` is positive. A balance in another currency than the account's is refused, since
  a ``Balance`` carries no currency of its own.
- ``charges`` is what ``Chrgs`` states (``TtlChrgsAndTaxAmt``, else the records added up),
  positive as a cost; ``original_amount`` is ``AmtDtls/InstdAmt`` (else ``TxAmt``) when it is in
  another currency than the account, signed like the line.
"""

from __future__ import annotations

import gc
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from lxml import etree

from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement, StatementLine
from bankrec.errors import InputError, Location

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d\d)")
_VERSIONS = range(1, 14)
"""camt.05x.001.01 to .13: every version ISO has published keeps the elements read here."""
_MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_SEP = "\x00"
"""Joins the texts of a repeated element (``Ustrd``); NUL cannot occur in XML text."""
_REPEATS = frozenset({"Ustrd", "AdrLine", "AddtlRmtInf", "Ref", "Amt", "TtlChrgsAndTaxAmt"})
_SKIPPED = frozenset(
    {"Avlbty", "RltdDts", "RltdPric", "RltdQties", "FinInstrmId", "Tax", "CorpActn", "SplmtryData"}
)
"""Parts of an entry that feed no line field: not walked at all."""
_TRUE = frozenset({"true", "1"})
_PLACEHOLDERS = frozenset({"NOTPROVIDED", "NONREF"})
_SWISS_STATUS = re.compile(r"\?(REJECT|ERROR)\?\d*")
_DATE = re.compile(r"(\d{4}-\d\d-\d\d)(T[\d:.]+)?(Z|[+-]\d\d:\d\d)?")
_UNSIGNED = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_ROOT_TAG = re.compile(rb"<Document[\s>][^>]*>")
_ENCODING = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
RAW_LIMIT = 16_000
"""Longest raw text kept for one line, in characters."""

_Flat = dict[str, str]
"""An element's leaves by path below it (``RltdPties/Dbtr/Nm``); ``Amt@Ccy`` is an attribute."""
_T = TypeVar("_T")


class _FieldError(Exception):
    """A problem inside one entry or statement, located relative to it (``TxDtls[2]/Amt``)."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class _Message:
    """What the document root says: message type, version and the text encoding."""

    namespace: str
    kind: str
    version: int
    encoding: str

    @property
    def label(self) -> str:
        return f"camt.{self.kind}.001.{self.version:02d}"

    def tag(self, name: str, *, qualified: bool = True) -> str:
        return f"{{{self.namespace}}}{name}" if qualified else name


class CamtImporter:
    """ISO 20022 camt.052 / camt.053 / camt.054 (XML)."""

    name = "camt"

    def claims(self, head: bytes) -> bool:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        return b"urn:iso:std:iso:20022:tech:xsd:camt.05" in head or b"BkToCstmr" in head

    def parse(self, data: bytes, source: str) -> ParsedFile:
        message = _read_root(data, source)
        # The lines are acyclic; collecting garbage while 100,000 of them pile up only costs time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            statements = _Reader(data, source, message).run()
        finally:
            if collecting:
                gc.enable()
        return ParsedFile(format=self.name, statements=tuple(statements))


# --- the document root: security checks and the message type ---------------------------------


def _iterparse(
    source: bytes | _Unqualified, **options: object
) -> Iterator[tuple[str, etree._Element]]:
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    events: Iterator[tuple[str, etree._Element]] = etree.iterparse(stream, **_SAFE, **options)
    return events


class _Unqualified:
    """The document as a file for lxml, without the root's default namespace declaration.

    lxml builds every namespaced tag it hands out as "{urn:...}Name" with a format call, which
    costs about half of reading an entry; without the declaration the names come out plain.
    ``unqualified`` offers this only when the declaration is the document's one and only
    namespace declaration (so every element was in that namespace) and removing it shifts no
    line. The bytes are served in pieces, never copied whole."""

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self._pieces = [memoryview(data)[:start], memoryview(data)[end:]]

    def read(self, size: int = -1) -> bytes:
        while self._pieces and not self._pieces[0]:
            self._pieces.pop(0)
        if not self._pieces:
            return b""
        piece = self._pieces[0]
        size = len(piece) if size < 0 else size
        self._pieces[0] = piece[size:]
        return bytes(piece[:size])


def _unqualified(data: bytes, namespace: str) -> _Unqualified | None:
    root = _ROOT_TAG.search(data, 0, 65536)
    if root is None or data.count(b"xmlns") != root.group(0).count(b"xmlns"):
        return None
    quoted = re.escape(namespace.encode("ascii"))
    found = re.search(rb"\sxmlns\s*=\s*([\"'])" + quoted + rb"\1", root.group(0))
    if found is None or b"\n" in found.group(0)[1:]:
        return None
    return _Unqualified(data, root.start() + found.start() + 1, root.start() + found.end())


def _sourceline(element: etree._Element) -> int | None:
    line: object = element.sourceline  # lxml-stubs 0.5 types it as "..."
    return line if isinstance(line, int) else None


def _malformed(exc: etree.XMLSyntaxError, source: str) -> InputError:
    return InputError(
        f"not well-formed XML ({exc.msg}); the file is damaged or truncated: download it again",
        Location(source, line=exc.lineno or None),
    )


def _read_root(data: bytes, source: str) -> _Message:
    try:
        _, root = next(_iterparse(data, events=("start",)))
    except StopIteration:  # pragma: no cover - lxml raises XMLSyntaxError for an empty document
        raise InputError("the file holds no XML element", Location(source)) from None
    except etree.XMLSyntaxError as exc:
        raise _malformed(exc, source) from exc
    _refuse_entities(root, data, source)
    qname = etree.QName(root)
    where = Location(source, line=_sourceline(root))
    found = _NAMESPACE.fullmatch(qname.namespace or "")
    if found is None:
        raise InputError(
            "not an ISO 20022 camt.052/053/054 document: its root element is in namespace "
            f'"{qname.namespace or ""}"; export the statement as camt.053 (or camt.052/054)',
            where,
        )
    kind, version = found.group(1), int(found.group(2))
    if version not in _VERSIONS:
        raise InputError(
            f"camt.{kind}.001.{version:02d} is not a version bankrec reads (001.01 to 001.13)",
            where,
        )
    if qname.localname != "Document":
        raise InputError(
            f"the root element is {qname.localname}; an ISO 20022 message starts with Document",
            where,
        )
    return _Message(qname.namespace or "", kind, version, _declared_encoding(data))


def _declared_encoding(data: bytes) -> str:
    """The encoding the XML declaration names (lxml's docinfo says UTF-8 while iterparse runs);
    a byte order mark wins, and without either XML means UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    declared = _ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:200])
    return declared.group(1).decode("ascii") if declared else "utf-8"


def _refuse_entities(root: etree._Element, data: bytes, source: str) -> None:
    """Refuse a DOCTYPE that declares entities: a bank file needs none, and entities are how an
    expansion bomb ("billion laughs") or an external-entity read (file:///etc/passwd) works."""
    dtd: Any = root.getroottree().docinfo.internalDTD  # lxml-stubs 0.5 lacks iterentities
    declared = dtd is not None and any(True for _ in dtd.iterentities())
    at = data.find(b"<!ENTITY") if dtd is not None or b"<!DOCTYPE" in data[:4096] else -1
    if declared or at >= 0:
        raise InputError(
            "the file declares XML entities in a DOCTYPE; bankrec never expands entities "
            "(that is how entity-expansion and external-entity attacks work): ask the bank "
            "for a plain camt file",
            Location(source, line=data.count(b"\n", 0, at) + 1 if at >= 0 else None),
        )


# --- reading elements -------------------------------------------------------------------------


def _flatten(
    element: etree._Element, cut: int, prefix: str, out: _Flat, details: list[etree._Element]
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
                _flatten(child, cut, prefix + name + "/", out, details)
            continue
        key = prefix + name
        if key not in out:
            out[key] = text.strip()
            if name == "Amt" or name == "TtlChrgsAndTaxAmt":
                out[key + "@Ccy"] = (child.get("Ccy") or "").strip()
        elif name in _REPEATS:
            out[key] += _SEP + text.strip()


def _text(flat: _Flat, key: str) -> str:
    """The text at ``key`` (the first one, if the element repeats)."""
    return flat.get(key, "").partition(_SEP)[0]


def _texts(flat: _Flat, key: str) -> list[str]:
    return [text for text in flat.get(key, "").split(_SEP) if text]


def _id(value: str) -> str:
    """A reference, with the placeholders banks write for "none" (NOTPROVIDED, NONREF) blanked."""
    return "" if value.upper() in _PLACEHOLDERS else value


def _words(value: str) -> str:
    return " ".join(value.split())


def _compact(value: str) -> str:
    return "".join(value.split()).upper()


def _amount(text: str, where: str) -> Decimal:
    """An ISO 20022 ``ActiveOrHistoricCurrencyAndAmount``: an unsigned plain decimal, kept at
    the file's precision (the import service refuses excess decimals)."""
    if _UNSIGNED.fullmatch(text):
        return Decimal(text)
    if not text:
        raise _FieldError("the amount is missing", where)
    if text[0] in "+-" and _UNSIGNED.fullmatch(text[1:]):
        raise _FieldError(
            f'amount "{text}" carries a sign; camt amounts are unsigned and CdtDbtInd gives '
            "the direction",
            where,
        )
    raise _FieldError(f'amount "{text}" is not a number (write it like 1234.50)', where)


def _signed(flat: _Flat, prefix: str, *, required: bool = True) -> Decimal:
    """``Amt`` signed by the ``CdtDbtInd`` beside it: DBIT is money out, negative."""
    value = _amount(_text(flat, prefix + "Amt"), prefix + "Amt")
    indicator = flat.get(prefix + "CdtDbtInd", "")
    if indicator == "DBIT":
        return -value
    if indicator == "CRDT" or (not indicator and not required):
        return value
    found = f'"{indicator}"' if indicator else "is missing and"
    raise _FieldError(f"CdtDbtInd {found} must be CRDT or DBIT", prefix + "CdtDbtInd")


def _date(text: str, where: str) -> date | None:
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
        raise _FieldError(f'date "{text}" is not a valid ISO date (YYYY-MM-DD)', where) from None


def _date_choice(flat: _Flat, prefix: str) -> date | None:
    """A ``DateAndDateTimeChoice``: ``Dt`` or ``DtTm``."""
    return _date(flat.get(prefix + "Dt", ""), prefix + "Dt") or _date(
        flat.get(prefix + "DtTm", ""), prefix + "DtTm"
    )


# --- statements -------------------------------------------------------------------------------


@dataclass
class _Statement:
    """One Stmt/Rpt/Ntfctn being read: its header, then its lines as they stream past."""

    path: str
    kind: str
    currency: str = ""
    iban: str = ""
    other_id: str = ""
    statement_id: str = ""
    opening: Balance | None = None
    closing: Balance | None = None
    period_start: date | None = None
    period_end: date | None = None
    fallback_date: date | None = None
    lines: list[StatementLine] = field(default_factory=list)

    def result(self) -> ParsedStatement:
        if not self.currency:
            raise _FieldError(
                "the statement names no currency (no Acct/Ccy, balance or entry)", "Acct/Ccy"
            )
        return ParsedStatement(
            currency=self.currency,
            lines=tuple(self.lines),
            account_iban=self.iban,
            account_no=self.other_id,
            statement_id=self.statement_id,
            opening=self.opening,
            closing=self.closing,
            period_start=self.period_start,
            period_end=self.period_end,
            position=self.path,
        )

    def read_header(self, children: Iterable[etree._Element], cut: int) -> None:
        """Account, balances and period from the part of the statement before its entries."""
        flat: _Flat = {}
        balances: list[_Flat] = []
        for child in children:
            tag = child.tag
            if tag.__class__ is str and tag[cut:] == "Bal":
                balances.append({})
                _flatten(child, cut, "", balances[-1], [])
            elif tag.__class__ is str:
                _flatten(child, cut, tag[cut:] + "/", flat, [])
                flat.setdefault(tag[cut:], (child.text or "").strip())
        self.iban = _compact(_text(flat, "Acct/Id/IBAN"))
        self.other_id = _text(flat, "Acct/Id/Othr/Id")
        self.statement_id = _text(flat, "Id") or _text(flat, "ElctrncSeqNb")
        self.period_start = _date(_text(flat, "FrToDt/FrDtTm"), "FrToDt/FrDtTm")
        self.period_end = _date(_text(flat, "FrToDt/ToDtTm"), "FrToDt/ToDtTm")
        found = _balances(balances)
        opening = found.get("OPBD") or found.get("PRCD")
        closing = found.get("CLBD") or (found.get("ITBD") if self.kind == "052" else None)
        stated = [b.currency for b in (opening, closing) if b and b.currency]
        self.currency = _text(flat, "Acct/Ccy") or next(iter(stated), "")
        self.opening = opening.balance_in(self.currency) if opening else None
        self.closing = closing.balance_in(self.currency) if closing else None
        # camt-to-coda LT export: entries carry no BookgDt nor ValDt; its statements are one
        # day's, so the closing balance date (else the period end) books them.
        created = _date(_text(flat, "CreDtTm"), "CreDtTm")
        candidates = (self.closing.date if self.closing else None, self.period_end, created)
        self.fallback_date = next((d for d in candidates if d), None)


class _Bal(NamedTuple):
    currency: str
    balance: Balance
    where: str

    def balance_in(self, currency: str) -> Balance:
        if self.currency and currency and self.currency != currency:
            raise _FieldError(
                f"the balance is in {self.currency} but the account is in {currency}; a "
                "statement's opening and closing balances must be in the account currency",
                self.where,
            )
        return self.balance


def _balances(balances: list[_Flat]) -> dict[str, _Bal]:
    """The first ``Bal`` of each type code (``Tp/CdOrPrtry/Cd``, version 01 ``Tp/Cd``)."""
    found: dict[str, _Bal] = {}
    for number, bal in enumerate(balances, start=1):
        code = (
            _text(bal, "Tp/CdOrPrtry/Cd") or _text(bal, "Tp/CdOrPrtry/Prtry") or _text(bal, "Tp/Cd")
        )
        if code in found:
            continue
        try:
            amount = _signed(bal, "", required=False)
            when = _date_choice(bal, "Dt/")
        except _FieldError as problem:
            raise _FieldError(problem.message, f"Bal[{number}]/{problem.where}") from None
        found[code] = _Bal(_text(bal, "Amt@Ccy"), Balance(amount, when), f"Bal[{number}]/Amt")
    return found


# --- entries ----------------------------------------------------------------------------------


class _Entry(NamedTuple):
    """What every line of one entry shares."""

    flat: _Flat
    amount: Decimal
    currency: str
    account_currency: str
    booking_date: date
    value_date: date | None
    reversal: bool
    batch_reference: str


def _entry_lines(
    flat: _Flat, details: list[_Flat], statement: _Statement, raw: _RawEntry, path: str
) -> list[StatementLine]:
    """The statement lines of one ``Ntry``: none if not booked, one, or one per TxDtls."""
    if not statement.currency:  # no Acct/Ccy nor balance: the first entry's currency
        statement.currency = flat.get("Amt@Ccy", "")
    status = flat.get("Sts") or flat.get("Sts/Cd") or flat.get("Sts/Prtry")
    # camt-to-coda LT export: no Sts at all (mandatory in the schema); a statement books it.
    if status and status.upper() != "BOOK":
        return []
    entry = _entry(flat, details, statement)
    if len(details) >= 2 and all("Amt" in tx or "AmtDtls/TxAmt/Amt" in tx for tx in details):
        amounts = _split(entry, details)
        return [
            _line(entry, tx, amounts[i], f"{path}/TxDtls[{i + 1}]", raw.detail(i), split=True)
            for i, tx in enumerate(details)
        ]
    first = details[0] if details else {}
    return [_line(entry, first, entry.amount, path, raw.whole(), split=False)]


def _entry(flat: _Flat, details: list[_Flat], statement: _Statement) -> _Entry:
    amount = _signed(flat, "")
    currency = flat.get("Amt@Ccy")
    if not currency:
        raise _FieldError("Amt has no Ccy attribute (the currency code)", "Amt")
    value_date = _date_choice(flat, "ValDt/")
    booking_date = _date_choice(flat, "BookgDt/") or value_date or statement.fallback_date
    if booking_date is None:
        raise _FieldError("the entry has no booking date (BookgDt) nor value date", "BookgDt")
    return _Entry(
        flat=flat,
        amount=amount,
        currency=currency,
        account_currency=statement.currency,
        booking_date=booking_date,
        value_date=value_date,
        reversal=flat.get("RvslInd", "").lower() in _TRUE,
        batch_reference=_batch_reference(flat, len(details)),
    )


def _batch_reference(flat: _Flat, details: int) -> str:
    """The entry's own reference when it books a batch (``Btch/NbOfTxs`` or TxDtls above 1)."""
    if details < 2 and flat.get("NtryDtls/Btch/NbOfTxs", "") in ("", "0", "1"):
        return ""
    return (
        _id(_text(flat, "AcctSvcrRef"))
        or _text(flat, "NtryDtls/Btch/PmtInfId")
        or _text(flat, "NtryDtls/Btch/MsgId")
        or _id(_text(flat, "NtryRef"))
    )


def _split(entry: _Entry, details: list[_Flat]) -> list[Decimal]:
    """Each TxDtls's signed amount; together they must make up the entry, so splitting a batch
    neither invents nor loses money."""
    amounts: list[Decimal] = []
    for number, tx in enumerate(details, start=1):
        where = f"TxDtls[{number}]/" + ("" if "Amt" in tx else "AmtDtls/TxAmt/")
        key = "Amt" if "Amt" in tx else "AmtDtls/TxAmt/Amt"
        value = _amount(_text(tx, key), where + "Amt")
        currency = _text(tx, key + "@Ccy")
        if currency and currency != entry.currency:
            raise _FieldError(
                f"TxDtls[{number}] is in {currency} but its entry in {entry.currency}; the "
                "batch cannot be split into lines",
                where + "Amt",
            )
        indicator = _text(tx, "CdtDbtInd")
        negative = indicator == "DBIT" or (not indicator and entry.amount < 0)
        amounts.append(-value if negative else value)
    total = sum(amounts, Decimal(0))
    if total != entry.amount:
        raise _FieldError(
            f"the {len(details)} TxDtls amounts add up to {total} but the entry amount is "
            f"{entry.amount} {entry.currency}; the file is inconsistent: ask the bank for a "
            "corrected statement",
            "Amt",
        )
    return amounts


class _Party(NamedTuple):
    name: str
    account: str
    bic: str
    address: str
    city: str


_NOBODY = _Party("", "", "", "", "")


class _Keys(NamedTuple):
    """The flat keys of one party: debtor or creditor, named directly or (v08+) in ``Pty``."""

    name: str
    street: str
    building: str
    postcode: str
    town: str
    lines: str
    iban: str
    other: str
    bicfi: str
    bic: str


def _keys(role: str, person: str) -> _Keys:
    party = f"RltdPties/{role}/{person}"
    address = party + "PstlAdr/"
    agent = f"RltdAgts/{role}Agt/FinInstnId/"
    return _Keys(
        name=party + "Nm",
        street=address + "StrtNm",
        building=address + "BldgNb",
        postcode=address + "PstCd",
        town=address + "TwnNm",
        lines=address + "AdrLine",
        iban=f"RltdPties/{role}Acct/Id/IBAN",
        other=f"RltdPties/{role}Acct/Id/Othr/Id",
        bicfi=agent + "BICFI",
        bic=agent + "BIC",
    )


_ROLES = {role: (_keys(role, ""), _keys(role, "Pty/")) for role in ("Dbtr", "Cdtr")}


def _party(tx: _Flat, role: str) -> _Party:
    """Debtor or creditor with account, address and agent BIC."""
    direct, wrapped = _ROLES[role]
    keys = wrapped if wrapped.name in tx else direct
    get = tx.get
    name = get(keys.name, "")
    account = get(keys.iban) or get(keys.other) or ""
    if not name and not account:
        return _NOBODY
    street, town, lines = get(keys.street), get(keys.town), get(keys.lines)
    address = city = ""
    if street or town or lines:
        street = " ".join(filter(None, (street, get(keys.building))))
        address = ", ".join(filter(None, (street, *_texts(tx, keys.lines))))
        city = " ".join(filter(None, (get(keys.postcode), town)))
    return _Party(
        _words(name),
        _compact(account),
        _compact(get(keys.bicfi) or get(keys.bic) or ""),
        address,
        city,
    )


def _counterparty(tx: _Flat, credit: bool, reversal: bool) -> _Party:
    """The debtor pays a credit and the creditor receives a debit; a reversal undoes the
    original, whose parties it repeats (PostFinance refunds name the debtor on a DBIT)."""
    first, second = ("Dbtr", "Cdtr") if credit != reversal else ("Cdtr", "Dbtr")
    found = _party(tx, first)
    # ABN AMRO reversals and some samples name only the other side: take it rather than none.
    return found if found is not _NOBODY else _party(tx, second)


def _remittance(entry: _Flat, tx: _Flat) -> str:
    ustrd = tx.get("RmtInf/Ustrd", "")
    if ustrd and "RtrInf/Rsn/Cd" not in tx and _SEP not in ustrd and _id(ustrd):
        return _words(ustrd)  # the common case, one Ustrd
    parts = [_words(text) for text in _texts(tx, "RmtInf/Ustrd") if _id(text)]
    if not parts:
        # PostFinance (CH) writes ?REJECT?0 / ?ERROR?000 status codes into AddtlRmtInf.
        strd = _texts(tx, "RmtInf/Strd/AddtlRmtInf")
        parts = [_words(text) for text in strd if not _SWISS_STATUS.fullmatch(text)]
    if not parts:
        extra = _words(tx.get("AddtlTxInf") or entry.get("AddtlNtryInf") or "")
        parts = [extra] if extra else []
    text = " ".join(parts)
    reason = tx.get("RtrInf/Rsn/Cd", "")
    if reason:
        detail = _words(tx.get("RtrInf/AddtlInf", ""))
        reason = f"return reason {reason}" + (f": {detail}" if detail else "")
        text = f"{text}; {reason}" if text else reason
    return text


def _bank_code(flat: _Flat) -> str:
    """``BkTxCd``: ISO domain/family/sub-family (PMNT/RCDT/ESCT), else the proprietary code."""
    get = flat.get
    domain = get("BkTxCd/Domn/Cd")
    if domain:
        family = get("BkTxCd/Domn/Fmly/Cd")
        sub = get("BkTxCd/Domn/Fmly/SubFmlyCd")
        return "/".join(filter(None, (domain, family, sub)))
    return get("BkTxCd/Prtry/Cd", "")


def _original(flat: _Flat, entry: _Entry, negative: bool) -> tuple[Decimal | None, str]:
    """The instructed (else transaction) amount when it is in another currency than the
    account, signed like the line."""
    for key in ("AmtDtls/InstdAmt/Amt", "AmtDtls/TxAmt/Amt"):
        currency = flat.get(key + "@Ccy")
        if currency and currency != entry.account_currency:
            value = _amount(_text(flat, key), key)
            return (-value if negative else value), currency
    return None, ""


def _charges_text(flat: _Flat) -> str:
    """``Chrgs``: the stated totals, else the records (v04+ ``Rcrd/Amt``, v02 one ``Chrgs/Amt``
    per charge)."""
    get = flat.get
    stated = get("Chrgs/TtlChrgsAndTaxAmt")
    if stated:
        return stated
    return _SEP.join(filter(None, (get("Chrgs/Rcrd/Amt"), get("Chrgs/Amt"))))


def _charges(texts: str) -> Decimal:
    """What the bank charged for the transaction, added up; positive is a cost."""
    return sum((_amount(text, "Chrgs") for text in texts.split(_SEP) if text), Decimal(0))


def _bank_reference(entry: _Flat, tx: _Flat, split: bool) -> str:
    """The bank's own id: the entry's ``AcctSvcrRef`` (a split line's own first)."""
    own = _id(entry.get("AcctSvcrRef", ""))
    if own and not split:
        return own
    return (
        _id(tx.get("Refs/AcctSvcrRef", ""))
        or ("" if split else _id(entry.get("NtryRef", "")))
        # German DK banks put their own id (FI-UMSATZ-ID) in Refs/Prtry, AcctSvcrRef is NONREF.
        or _id(_text(tx, "Refs/Prtry/Ref"))
        or _id(tx.get("Refs/TxId", ""))
        or own
    )


def _line(
    entry: _Entry, tx: _Flat, amount: Decimal, position: str, raw: str, *, split: bool
) -> StatementLine:
    top = entry.flat
    party = _counterparty(tx, amount > 0, entry.reversal)
    money = tx if split or "AmtDtls/InstdAmt/Amt" in tx or "AmtDtls/TxAmt/Amt" in tx else top
    original, original_currency = _original(money, entry, amount < 0)
    charged = _charges_text(tx) or ("" if split else _charges_text(top))
    reference = tx.get("RmtInf/Strd/CdtrRefInf/Ref")
    return StatementLine(
        booking_date=entry.booking_date,
        amount=amount,
        currency=entry.currency,
        value_date=entry.value_date,
        counterparty_name=party.name,
        counterparty_account=party.account,
        counterparty_bic=party.bic,
        counterparty_address=party.address,
        counterparty_city=party.city,
        remittance=_remittance(top, tx),
        structured_reference=_compact(reference.partition(_SEP)[0]) if reference else "",
        end_to_end_id=_id(tx.get("Refs/EndToEndId", "")),
        bank_reference=_bank_reference(top, tx, split),
        transaction_code=_bank_code(tx) or _bank_code(top),
        check_no=tx.get("Refs/ChqNb", ""),
        original_amount=original,
        original_currency=original_currency,
        charges=_charges(charged) if charged else None,
        batch_reference=entry.batch_reference,
        reversal=entry.reversal,
        position=position,
        raw=raw,
    )


# --- raw text ---------------------------------------------------------------------------------


class _RawEntry:
    """The file's own text of one entry and of each of its TxDtls."""

    def __init__(self, text: _RawText, element: etree._Element, span: tuple[int, int] | None):
        self._text = text
        self._element = element
        self._span = span

    def whole(self) -> str:
        if self._span is None:
            return _serialised(self._element)
        return self._text.cut(*self._span)

    def detail(self, index: int) -> str:
        spans = self._text.details(self._span) if self._span else []
        if index < len(spans):
            return self._text.cut(*spans[index])
        tag = self._element.tag[: -len("Ntry")] + "TxDtls"
        return _serialised(list(self._element.iter(tag))[index])


class _RawText:
    """Finds each ``Ntry`` in the bytes, in document order, so that a line's raw text is what
    the bank wrote. Where that cannot be trusted (comments or CDATA that could hide markup, an
    encoding that is not ASCII-compatible, a start line that disagrees with lxml's), ``span``
    gives None and the element is serialised instead."""

    def __init__(self, data: bytes, encoding: str) -> None:
        self._data = data
        self._encoding = encoding
        self._usable = _ascii_compatible(encoding) and not (b"<!--" in data or b"<![" in data)
        self._cursor = 0
        self._line = 1
        self._open = b"<Ntry"

    def span(self, element: etree._Element) -> tuple[int, int] | None:
        if not self._usable:
            return None
        if self._cursor == 0 and element.prefix:
            self._open = b"<" + element.prefix.encode("ascii") + b":Ntry"
        found = _element_span(self._data, self._open, self._cursor)
        if found is None:
            self._usable = False
            return None
        start, end = found
        line = self._line + self._data.count(b"\n", self._cursor, start)
        self._line = line + self._data.count(b"\n", start, end)
        self._cursor = end
        if line != (_sourceline(element) or line):
            self._usable = False
            return None
        return found

    def details(self, span: tuple[int, int]) -> list[tuple[int, int]]:
        start, end = span
        opening = self._open[:-4] + b"TxDtls"
        spans: list[tuple[int, int]] = []
        while (found := _element_span(self._data, opening, start, end)) is not None:
            spans.append(found)
            start = found[1]
        return spans

    def cut(self, start: int, end: int) -> str:
        return _bounded(self._data[start:end].decode(self._encoding, errors="replace"))


def _element_span(
    data: bytes, opening: bytes, start: int, stop: int | None = None
) -> tuple[int, int] | None:
    """Where the next ``<Name ...>...</Name>`` starts and ends (not ``<NameRef>``)."""
    closing = b"</" + opening[1:] + b">"
    limit = len(data) if stop is None else stop
    while True:
        begin = data.find(opening, start, limit)
        if begin < 0:
            return None
        after = data[begin + len(opening) : begin + len(opening) + 1]
        if after in (b">", b" ", b"\t", b"\r", b"\n"):
            break
        start = begin + 1
    end = data.find(closing, begin, limit)
    return None if end < 0 else (begin, end + len(closing))


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "<Ntry>".encode(encoding) == b"<Ntry>"
    except LookupError:
        return False


def _serialised(element: etree._Element) -> str:
    return _bounded(etree.tostring(element, encoding="unicode", with_tail=False))


def _bounded(text: str) -> str:
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT] + " [...]"


# --- the streaming reader ---------------------------------------------------------------------


class _Reader:
    """Walks the document once: each entry is read and cleared as soon as it has ended."""

    def __init__(self, data: bytes, source: str, message: _Message) -> None:
        self.data = data
        self.source = source
        self.message = message
        self.message_name, self.container_name = _MESSAGES[message.kind]
        self.source_file = _unqualified(data, message.namespace)
        self.qualified = self.source_file is None
        self.cut = len(message.namespace) + 2 if self.qualified else 0
        self.ntry_tag = self.tag("Ntry")
        self.container_tag = self.tag(self.container_name)
        self.raw = _RawText(data, message.encoding)
        self.statements: list[ParsedStatement] = []
        self.current: _Statement | None = None
        self.current_element: etree._Element | None = None
        self.entries = 0

    def run(self) -> list[ParsedStatement]:
        source = self.data if self.source_file is None else self.source_file
        events = _iterparse(source, events=("end",), tag=(self.ntry_tag, self.container_tag))
        try:
            for _, element in events:
                if element.tag == self.ntry_tag:
                    self._on_entry(element)
                else:
                    self._on_container(element)
        except etree.XMLSyntaxError as exc:
            raise _malformed(exc, self.source) from exc
        if not self.statements:
            raise InputError(
                f"the {self.message.label} message holds no {self.container_name}: there is no "
                "statement in this file",
                Location(self.source),
            )
        return self.statements

    def _open(self, container: etree._Element, children: Iterable[etree._Element]) -> _Statement:
        parent = container.getparent()
        if parent is None or parent.tag != self.tag(self.message_name):
            raise InputError(
                f"{self.container_name} must sit in {self.message_name} in a "
                f"{self.message.label} message",
                Location(self.source, line=_sourceline(container)),
            )
        path = f"{self.container_name}[{len(self.statements) + 1}]"
        statement = _Statement(path=path, kind=self.message.kind)
        self._guarded(lambda: statement.read_header(children, self.cut), container, path)
        self.current, self.current_element, self.entries = statement, container, 0
        return statement

    def _on_entry(self, element: etree._Element) -> None:
        container = element.getparent()
        if container is None or container.tag != self.container_tag:
            raise InputError(
                f"Ntry must sit in {self.container_name}",
                Location(self.source, line=_sourceline(element)),
            )
        statement = self.current
        if statement is None or container is not self.current_element:
            before = itertools.takewhile(lambda child: child is not element, container)
            statement = self._open(container, before)
        self.entries += 1
        path = f"{statement.path}/Ntry[{self.entries}]"
        raw = _RawEntry(self.raw, element, self.raw.span(element))
        flat: _Flat = {}
        elements: list[etree._Element] = []
        _flatten(element, self.cut, "", flat, elements)
        details: list[_Flat] = []
        for tx in elements:
            details.append({})
            _flatten(tx, self.cut, "", details[-1], elements)
        try:
            statement.lines.extend(_entry_lines(flat, details, statement, raw, path))
        except _FieldError as problem:
            raise self._located(problem, element, path) from None
        element.clear()
        while element.getprevious() is not None:
            del container[0]

    def _on_container(self, element: etree._Element) -> None:
        statement = self.current
        if statement is None or element is not self.current_element:
            statement = self._open(element, element)
        self.statements.append(self._guarded(statement.result, element, statement.path))
        self.current = self.current_element = None
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]

    def tag(self, name: str) -> str:
        return self.message.tag(name, qualified=self.qualified)

    def _guarded(self, work: Callable[[], _T], element: etree._Element, path: str) -> _T:
        """Run ``work``, turning a ``_FieldError`` into an ``InputError`` with its location."""
        try:
            return work()
        except _FieldError as problem:
            raise self._located(problem, element, path) from None

    def _located(self, problem: _FieldError, element: etree._Element, path: str) -> InputError:
        line = _line_of(element, problem.where, self.cut) or _sourceline(element)
        where = f"{path}/{problem.where}".rstrip("/")
        return InputError(problem.message, Location(self.source, line=line, element=where))


def _line_of(element: etree._Element, where: str, cut: int) -> int | None:
    """The source line of ``where`` (``TxDtls[2]/Amt``) below ``element``, as far as it goes."""
    current = element
    for step in filter(None, where.split("/")):
        name, _, index = step.partition("[")
        number = int(index.rstrip("]")) if index else 1
        candidates = current.iter() if name == "TxDtls" else iter(current)
        matches = [e for e in candidates if isinstance(e.tag, str) and e.tag[cut:] == name]
        if len(matches) < number:
            break
        current = matches[number - 1]
    return _sourceline(current)
