"""Read the transactions of an OFX statement: STMTTRN records (OFX 2.2 section 11.4.3).

A small tokenizer over the file's own text, linear in the file's size. Each record becomes one
``StatementLine`` or the file is refused, naming the record by its number in the file, so that
nothing is ever dropped; its raw text travels with the line.

Mapping: booking date DTPOSTED; value date DTAVAIL, else DTUSER; amount TRNAMT, signed from the
account holder's view on bank and credit-card statements alike (section 11.4.3: a card
purchase is negative, a payment to the card positive), which is bankrec's own convention; the
bank's id FITID; type TRNTYPE; check number CHECKNUM; the other party NAME or PAYEE, its
account BANKACCTTO or CCACCTTO; remittance NAME, MEMO and EXTDNAME, where an ISO 11649 (RF)
creditor reference is looked for. With CURRENCY the amount is in CURSYM and is converted at
CURRATE; ORIGCURRENCY only names the currency the bank converted from. REFNUM, SRVRTID, SIC,
PAYEEID and IMAGEDATA have no field of their own and stay in the raw text. A CORRECTACTION that
replaces or deletes another transaction (one of an earlier download) is refused: bankrec does
not change statements it has imported.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from stdnum import iso11649

from bankrec.domain.currency import iso_decimals, normalise_code
from bankrec.domain.money import quantize
from bankrec.domain.statement import StatementLine
from bankrec.errors import InputError
from bankrec.importers.ofx_text import (
    AMOUNT_HINT,
    DATE_HINT,
    VALUE,
    OfxText,
    Span,
    element_text,
    iban,
    ofx_amount,
    ofx_date,
)

# Aggregates inside STMTTRN and the elements each may hold. An SGML file may leave one
# unclosed: an element that does not belong to it ends it.
_INNER = {
    "PAYEE": frozenset(
        ("NAME", "ADDR1", "ADDR2", "ADDR3", "CITY", "STATE", "POSTALCODE", "COUNTRY", "PHONE")
    ),  # section 12.5.2.1
    "BANKACCTTO": frozenset(("BANKID", "BRANCHID", "ACCTID", "ACCTTYPE", "ACCTKEY")),  # 11.3.1
    "CCACCTTO": frozenset(("ACCTID", "ACCTKEY")),  # 11.3.2
    "CURRENCY": frozenset(("CURRATE", "CURSYM")),  # 5.2
    "ORIGCURRENCY": frozenset(("CURRATE", "CURSYM")),
    "IMAGEDATA": frozenset(
        ("IMAGETYPE", "IMAGEREF", "IMAGEREFTYPE", "IMAGEDELAY", "DTIMAGEAVAIL", "IMAGETTL")
    ).union(("CHECKSUP",)),
}
_RECORD_ELEMENTS = frozenset(
    (
        *("TRNTYPE", "DTPOSTED", "DTUSER", "DTAVAIL", "TRNAMT", "FITID", "CORRECTFITID"),
        *("CORRECTACTION", "SRVRTID", "CHECKNUM", "REFNUM", "SIC", "PAYEEID", "NAME"),
        *("EXTDNAME", "PAYEE", "BANKACCTTO", "CCACCTTO", "MEMO", "IMAGEDATA", "CURRENCY"),
        *("ORIGCURRENCY", "INV401KSOURCE"),
    )
)
"""The elements of a STMTTRN (section 11.4.3)."""

# A tag and its text: end tag, name, empty-element slash, text.
_TAG = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9_.]*)\s*(/?)>({VALUE})", re.S)
# After a record: blanks and end tags, then the next start tag or a text.
_AFTER_RECORD = re.compile(r"(?:\s|</[A-Za-z][\w.]*\s*>)*(?:<([A-Za-z][\w.]*)|([^<\s]+))?")
_CREDITOR_REF = re.compile(r"\bRF\d{2}[0-9A-Z]{1,21}\b", re.I)


class _FieldError(Exception):
    """A problem with one element of a record; the caller adds where the record is."""

    def __init__(self, element: str, message: str) -> None:
        super().__init__(message)
        self.element = element
        self.message = message


def read_lines(
    doc: OfxText, currency: str, records: list[tuple[int, Span]]
) -> tuple[StatementLine, ...]:
    lines = []
    for number, span in records:
        fields = _fields(doc, number, span)
        _check_after_record(doc, number, span)
        try:
            lines.append(_statement_line(fields, currency, number, doc.raw(span)))
        except _FieldError as problem:
            fitid = fields.get("FITID")
            label = f"STMTTRN {number} (FITID {fitid})" if fitid else f"STMTTRN {number}"
            where = doc.element_at(span, problem.element.rpartition(".")[2], label)
            raise InputError(problem.message, where) from None
    return tuple(lines)


def _fields(doc: OfxText, number: int, span: Span) -> dict[str, str]:
    """A record's elements by name; those inside an aggregate as ``PAYEE.NAME`` and the like."""
    body = doc.clean[span.body : span.body_end]
    tokens = _TAG.findall(body)
    first = body.find("<")
    if body.count("<") != len(tokens) or body[: first if first >= 0 else len(body)].strip():
        _check_elements(doc, number, span)  # a stray "<", or CDATA sections
    fields: dict[str, str] = {}
    group = ""
    for slash, tag, empty, value in tokens:
        if slash or empty:
            if value and not value.isspace():
                _check_elements(doc, number, span)  # text after an end tag or <X/>
            if slash and group and tag.upper() == group:
                group = ""
            continue
        name = _NAMES.get(tag) or _name(tag)
        if name in _INNER:
            group = name
            continue
        if group and name not in _INNER[group]:
            group = ""  # SGML lets an aggregate's end tag go missing
        text = value.strip() if "&" not in value and "<" not in value else element_text(value)
        if text:
            key = f"{group}.{name}" if group else name
            fields[key] = f"{fields[key]} {text}" if key in fields else text
    return fields


_NAMES: dict[str, str] = {}


def _name(tag: str) -> str:
    """The tag name in upper case (SGML ignores case), remembered for the next record."""
    if len(_NAMES) < 1000:
        _NAMES[tag] = tag.upper()
    return tag.upper()


def _check_after_record(doc: OfxText, number: int, span: Span) -> None:
    """A transaction's element after its record's end (an early </STMTTRN>) is refused."""
    after = _AFTER_RECORD.match(doc.clean, span.end)
    if after is None:  # pragma: no cover - the pattern matches the empty text too
        return
    tag, text = after.groups()
    if text or (tag and tag.upper() in _RECORD_ELEMENTS):
        raise InputError(
            f'"{text or f"<{tag}>"}" after the end of the record belongs to no record; '
            "check the </STMTTRN> before it",
            doc.at(after.start(2) if text else after.start(1), f"STMTTRN {number}"),
        )


def _check_elements(doc: OfxText, number: int, span: Span) -> None:
    """Text in a record that belongs to no element is refused, not skipped."""
    position = span.body
    for match in _TAG.finditer(doc.clean, span.body, span.body_end):
        _refuse_stray(doc, number, position, match.start())
        if match.group(1) or match.group(3):  # text after an end tag or <X/> is no element's
            _refuse_stray(doc, number, match.start(4), match.end(4))
        position = match.end()
    _refuse_stray(doc, number, position, span.body_end)


def _refuse_stray(doc: OfxText, number: int, start: int, end: int) -> None:
    text = doc.clean[start:end]
    if text.strip():
        raise InputError(
            f'"{text.strip()[:40]}" is not inside an element (in a text, write "<" as &lt;)',
            doc.at(start + len(text) - len(text.lstrip()), f"STMTTRN {number}"),
        )


def _statement_line(fields: dict[str, str], currency: str, number: int, raw: str) -> StatementLine:
    get = fields.get
    amount, original_amount, original_currency = _money(fields, currency)
    if "CORRECTACTION" in fields:
        _refuse_correction(fields)
    # NAME or PAYEE names the other party (never both, section 11.4.3); NAME is often the
    # transaction's description as well, so it opens the remittance text.
    remittance = _remittance(get("NAME", ""), get("MEMO", ""), get("EXTDNAME", ""))
    payee = "PAYEE.NAME" in fields
    return StatementLine(
        booking_date=_date(fields, "DTPOSTED"),
        amount=amount,
        currency=currency,
        value_date=_value_date(fields),
        counterparty_name=get("PAYEE.NAME", "") if payee else get("NAME", ""),
        counterparty_account=_counterparty_account(fields),
        counterparty_address=_payee_address(fields) if payee else "",
        counterparty_city=_payee_city(fields) if payee else "",
        remittance=remittance,
        structured_reference=_creditor_reference(remittance),
        bank_reference=get("FITID", ""),
        transaction_code=get("TRNTYPE", "").upper(),
        check_no=get("CHECKNUM", ""),
        original_amount=original_amount,
        original_currency=original_currency,
        position=f"STMTTRN {number}",
        raw=raw,
    )


def _money(fields: dict[str, str], currency: str) -> tuple[Decimal, Decimal | None, str]:
    """The amount in the statement's currency, and the amount the bank converted, if any.

    CURRENCY (section 5.2) says TRNAMT is in CURSYM, CURRATE CURDEF units to one CURSYM unit;
    ORIGCURRENCY says TRNAMT was converted from CURSYM (the original amount is not given).
    """
    text = fields.get("TRNAMT")
    if text is None:
        raise _FieldError("TRNAMT", "TRNAMT is missing: every STMTTRN needs its amount")
    amount = ofx_amount(text)
    if amount is None:
        raise _FieldError("TRNAMT", f'TRNAMT "{text}" is not a number; {AMOUNT_HINT}')
    foreign = _currency_code(fields, "CURRENCY")
    if foreign and foreign != currency:
        return _converted(amount, fields.get("CURRENCY.CURRATE", ""), currency), amount, foreign
    origin = _currency_code(fields, "ORIGCURRENCY")
    return amount, None, origin if origin != currency else ""


def _currency_code(fields: dict[str, str], aggregate: str) -> str:
    code = fields.get(f"{aggregate}.CURSYM", "")
    try:
        return normalise_code(code) if code else ""
    except ValueError as exc:
        raise _FieldError(f"{aggregate}.CURSYM", f"{aggregate} CURSYM: {exc}") from None


def _converted(amount: Decimal, rate_text: str, currency: str) -> Decimal:
    rate = ofx_amount(rate_text)
    if not rate:
        message = f'CURRATE "{rate_text}" is not an exchange rate; {AMOUNT_HINT}'
        raise _FieldError("CURRENCY.CURRATE", message)
    decimals = iso_decimals(currency)
    return quantize(amount * rate, decimals) if decimals is not None else amount * rate


def _refuse_correction(fields: dict[str, str]) -> None:
    """CORRECTACTION replaces or deletes a transaction of an earlier download (11.4.3)."""
    action, corrected = fields.get("CORRECTACTION", "").upper(), fields.get("CORRECTFITID", "")
    if action and corrected and corrected != fields.get("FITID"):
        raise _FieldError(
            "CORRECTACTION",
            f"CORRECTACTION {action} corrects the earlier transaction FITID {corrected}, and "
            "bankrec does not change imported statements; correct that line by hand and "
            "remove this record from the file",
        )


def _date(fields: dict[str, str], name: str) -> date:
    text = fields.get(name)
    if text is None:
        raise _FieldError(name, f"{name} is missing: every STMTTRN needs its posting date")
    found = ofx_date(text)
    if found is None:
        raise _FieldError(name, f'{name} "{text}" is not a date; {DATE_HINT}')
    return found


def _value_date(fields: dict[str, str]) -> date | None:
    """DTAVAIL, else DTUSER; VALUEDATE is no OFX element but the v1.02 export in ofxparse's
    tests writes the value date so."""
    if "DTAVAIL" not in fields and "DTUSER" not in fields and "VALUEDATE" not in fields:
        return None
    dates = [_date(fields, name) for name in ("DTAVAIL", "DTUSER", "VALUEDATE") if name in fields]
    return dates[0]


def _counterparty_account(fields: dict[str, str]) -> str:
    """BANKACCTTO or CCACCTTO's ACCTID: an IBAN compact and upper case, else as written."""
    account = fields.get("BANKACCTTO.ACCTID") or fields.get("CCACCTTO.ACCTID") or ""
    return iban(account) or account if account else ""


def _payee_address(fields: dict[str, str]) -> str:
    lines = (fields.get(f"PAYEE.ADDR{n}") for n in (1, 2, 3))
    return ", ".join(line for line in lines if line)


def _payee_city(fields: dict[str, str]) -> str:
    parts = (fields.get(f"PAYEE.{name}") for name in ("POSTALCODE", "CITY", "STATE", "COUNTRY"))
    return " ".join(part for part in parts if part)


def _remittance(name: str, memo: str, extended: str) -> str:
    """NAME, MEMO and EXTDNAME in order, each once: one contained in another is left out."""
    if not extended:  # the usual case, quickly
        return memo if not name or name in memo else name if memo in name else f"{name} {memo}"
    kept: list[str] = []
    for text in (name, memo, extended):
        if text and not any(text in other for other in kept):
            kept = [other for other in kept if other not in text]
            kept.append(text)
    return " ".join(kept)


def _creditor_reference(text: str) -> str:
    """An ISO 11649 creditor reference (RF) written in the remittance text."""
    if _CREDITOR_REF.search(text) is None:  # the usual case, and a quick one
        return ""
    for match in _CREDITOR_REF.finditer(text):
        if iso11649.is_valid(match.group()):
            return match.group().upper()
    return ""
