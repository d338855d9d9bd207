"""Read OFX, QFX and QBO files: OFX 1.x (SGML) and 2.x (XML) bank and credit-card statements.

Section numbers are those of the OFX 2.2 specification, which keeps the 1.x elements. QFX
(Quicken) and QBO (QuickBooks Web Connect) are OFX with Intuit's extra ``INTU.*`` elements.
Each STMTRS (section 11.4.2.2) and CCSTMTRS (11.4.3.2) becomes one ``ParsedStatement``: the
account ACCTID, the currency CURDEF, the period DTSTART..DTEND, the closing balance LEDGERBAL.
OFX states no opening balance.

How the work is shared, and why:

* ofxparse, the library bankrec settled on, reads each statement's frame: the account
  (``BANKACCTFROM``/``CCACCTFROM``), the currency and the ledger balance. It is given the
  statement with its transactions cut out: on whole files it is superlinear (its SGML pre-pass
  looks every tag up in a list of all end tags), and even fed in slices of a few hundred
  transactions, BeautifulSoup costs about 0.4 ms a transaction: 44 s for 100,000.
* The STMTTRN records are read by ``ofx_records``, a small tokenizer over the file's own text
  that keeps each record's raw text, knows the elements ofxparse ignores and refuses a bad
  record by its number, where ofxparse's lenient mode would drop it.
* Dates are read here too: ofxparse converts them to UTC, which moves a midnight date of a
  bank east of Greenwich to the day before. bankrec keeps the date the bank wrote.

Amounts and balances keep OFX's sign, the account holder's view, on bank and credit-card
statements alike: a card owed is a negative balance. That is bankrec's own convention.
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bankrec.domain.currency import normalise_code
from bankrec.domain.statement import Balance, ParsedFile, ParsedStatement
from bankrec.errors import InputError, Location
from bankrec.importers.ofx_records import read_lines
from bankrec.importers.ofx_text import (
    AMOUNT_HINT,
    DATE_HINT,
    OfxText,
    Span,
    decode,
    iban,
    leaf,
    leaves,
    ofx_amount,
    ofx_date,
    patterns,
)

_KINDS = {
    "STMTRS": ("BANKMSGSRSV1", "STMTTRNRS"),
    "CCSTMTRS": ("CREDITCARDMSGSRSV1", "CCSTMTTRNRS"),
}
"""The statements bankrec imports, with the message set and response wrapper of each."""

_OFX = re.compile(r"<OFX\s*>", re.I)
_ANY_STMTTRN = re.compile(r"<STMTTRN(?![A-Za-z0-9_.])", re.I)
_LEDGERBAL = re.compile(r"<LEDGERBAL\s*>(.*?)(?:</LEDGERBAL\s*>|$)", re.I | re.S)
# What ofxparse is not given of a statement's frame: balances bankrec does not use (not
# ofxparse's to refuse), dates (read here, in the bank's own time zone), and the empty elements
# its strict mode fails on: <BALAMT/> (beancount-import's sample), <CURDEF></CURDEF> (the
# v1.02 sample in ofxparse's tests), an SGML <BALAMT> left empty (Itau).
_FRAME_DROP = re.compile(
    r"<(AVAILBAL|BALLIST)\s*>.*?</\1\s*>"
    r"|<(DTSTART|DTEND|DTASOF)\s*>[^<]*(?:</\2\s*>)?"
    r"|<[A-Za-z0-9_.]+\s*/>"
    r"|<([A-Za-z0-9_.]+)\s*>\s*</\3\s*>"
    r"|<(?:BALAMT|CURDEF|ACCTID|BANKID|BRANCHID|ACCTTYPE)\s*>\s*(?=<)",
    re.I | re.S,
)

Records = list[tuple[int, Span]]
"""A statement's STMTTRN records, each with its number in the file (from 1)."""


class OfxImporter:
    """OFX 1.x/2.x, QFX and QBO bank and credit-card statements."""

    name = "ofx"

    def claims(self, head: bytes) -> bool:
        """An OFX 1.x header, an OFX 2.x processing instruction or an ``<OFX>`` element."""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            head = head.decode("utf-16", "ignore").encode("ascii", "ignore")
        upper = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n\x00").upper()
        return upper.startswith(b"OFXHEADER") or b"<?OFX" in upper or b"<OFX>" in upper

    def parse(self, data: bytes, source: str) -> ParsedFile:
        doc = _Document(source, decode(data, source))
        records = doc.spans("STMTTRN")
        doc.check_count(len(records))  # from here on, each record becomes a line or an error
        groups = doc.assign(doc.statements(), records)
        statements = tuple(_read_statement(doc, block, group) for block, group in groups)
        return ParsedFile(format=self.name, statements=statements)


@dataclass(frozen=True)
class _Block:
    """A statement: STMTRS or CCSTMTRS, the how-manieth of that name in the file, its span."""

    name: str
    number: int
    span: Span

    @property
    def label(self) -> str:
        return f"{self.name} {self.number}"


class _Document(OfxText):
    """The file's statements, and the checks that nothing in it goes unread."""

    def statements(self) -> list[_Block]:
        """The bank and card statements in file order; a file without one is refused."""
        if not _OFX.search(self.clean):
            raise InputError("no <OFX> element: not an OFX file, or an empty one", self.at(0))
        self._refuse_investment()
        blocks = [
            _Block(name, number, span)
            for name in _KINDS
            for number, span in enumerate(self.spans(name), 1)
        ]
        blocks.sort(key=lambda block: block.span.start)
        self._refuse_failed_requests(blocks)
        if not blocks:
            raise InputError(
                "the file holds no bank or credit-card statement (no STMTRS or CCSTMTRS)"
                f"{self._error_status()}; download the statement again",
                Location(self.source),
            )
        return blocks

    def _refuse_investment(self) -> None:
        found = patterns("INVSTMTRS")[0].search(self.clean)
        if found:
            raise InputError(
                f"an investment statement (account {leaf(self.clean, 'ACCTID', found.end())}) "
                "is not a bank statement; bankrec imports bank (STMTRS) and credit-card "
                "(CCSTMTRS) statements only",
                self.at(found.start(), "INVSTMTRS 1"),
            )

    def _refuse_failed_requests(self, blocks: list[_Block]) -> None:
        """A statement response without its statement carries the bank's error STATUS."""
        for _, wrapper in _KINDS.values():
            for number, span in enumerate(self.spans(wrapper), 1):
                if not any(span.start < block.span.start < span.end for block in blocks):
                    status = _status(self.clean[span.body : span.body_end])
                    raise InputError(
                        f"the response holds no statement{status}; download the statement again",
                        self.at(span.start, f"{wrapper} {number}"),
                    )

    def _error_status(self) -> str:
        for span in self.spans("STATUS"):
            status = _status(self.clean[span.body : span.body_end])
            if "ERROR" in status:
                return status
        return ""

    def assign(self, blocks: list[_Block], spans: list[Span]) -> list[tuple[_Block, Records]]:
        """Each statement with its STMTTRN records; a record outside every statement is refused."""
        groups: list[tuple[_Block, Records]] = [(block, []) for block in blocks]
        index = 0
        for number, span in enumerate(spans, 1):
            while index < len(blocks) and blocks[index].span.end <= span.start:
                index += 1
            inside = index < len(blocks) and blocks[index].span.body <= span.start
            if not inside or span.end > blocks[index].span.body_end:
                raise InputError(
                    "a STMTTRN outside every STMTRS and CCSTMTRS belongs to no statement; "
                    "move it into its statement's BANKTRANLIST",
                    self.at(span.start, f"STMTTRN {number}"),
                )
            groups[index][1].append((number, span))
        return groups

    def skeleton(self, block: _Block, records: Records) -> str:
        """The statement's text with its STMTTRN records cut out."""
        pieces, position = [], block.span.start
        for _, span in records:
            pieces.append(self.clean[position : span.start])
            position = span.end
        pieces.append(self.clean[position : block.span.end])
        return "".join(pieces)

    def check_count(self, found: int) -> None:
        """Prove that no record is overlooked: a plain count of STMTTRN start tags agrees."""
        written = sum(1 for _ in _ANY_STMTTRN.finditer(self.clean))
        if written != found:
            raise InputError(
                f"the file has {written} STMTTRN start tags but {found} well-formed records; "
                "correct the malformed <STMTTRN> tag",
                Location(self.source),
            )


def _status(text: str) -> str:
    """A STATUS aggregate (section 3.1.5) in words, for a message."""
    code, severity, message = (leaf(text, name) for name in ("CODE", "SEVERITY", "MESSAGE"))
    if not code:
        return ""
    said = f": the bank answered STATUS {code} {severity}".rstrip()
    return f'{said} "{message}"' if message else said


# --- One statement -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """What ofxparse reads of a statement: the account, its currency, the ledger balance."""

    account_id: str
    currency: str
    balance: Decimal | None


def _read_statement(doc: _Document, block: _Block, records: Records) -> ParsedStatement:
    skeleton = doc.skeleton(block, records)
    closing = _closing(doc, block, skeleton)  # read first, for a precise message
    frame = _frame(doc, block, skeleton)
    if frame.balance != (closing.amount if closing else None):
        raise InputError(
            f"LEDGERBAL reads as {closing and closing.amount} here but {frame.balance} to ofxparse",
            doc.element_at(block.span, "LEDGERBAL", block.label),
        )
    currency = _currency(doc, block, frame, records)
    start, end = _period(doc, block, skeleton)
    return ParsedStatement(
        currency=currency,
        lines=read_lines(doc, currency, records),
        account_iban=iban(frame.account_id),
        account_no=frame.account_id,
        closing=closing,
        period_start=start,
        period_end=end,
        position=block.label,
    )


def _frame(doc: _Document, block: _Block, skeleton: str) -> _Frame:
    from ofxparse import OfxParser  # BeautifulSoup and its kin load only when a file is read

    messages, wrapper = _KINDS[block.name]
    body = _FRAME_DROP.sub("", skeleton)
    envelope = f"<OFX><{messages}><{wrapper}>{body}</{wrapper}></{messages}></OFX>"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bs4 warns that it reads XML with its HTML parser
            ofx = OfxParser.parse(io.BytesIO(envelope.encode("ascii", "xmlcharrefreplace")))
        account = ofx.accounts[0]
        balance = getattr(account.statement, "balance", None)
    except Exception as exc:  # ofxparse lets through whatever its parsing hits
        raise InputError(
            f"the statement cannot be read ({type(exc).__name__}: {exc})",
            doc.at(block.span.start, block.label),
        ) from exc
    return _Frame(str(account.account_id).strip(), str(account.curdef or "").strip(), balance)


def _currency(doc: _Document, block: _Block, frame: _Frame, records: Records) -> str:
    if frame.currency:
        try:
            return normalise_code(frame.currency)
        except ValueError as exc:
            where = doc.element_at(block.span, "CURDEF", block.label)
            raise InputError(f"CURDEF: {exc}", where) from exc
    found = _currency_of_records(doc, records)
    if not found:
        raise InputError(
            "CURDEF is missing or empty, so the statement's currency is unknown; "
            "add <CURDEF> with the account's ISO 4217 currency code",
            doc.element_at(block.span, "CURDEF", block.label),
        )
    return found


def _currency_of_records(doc: _Document, records: Records) -> str:
    """The one currency every record names at rate 1; "" when they do not all agree.

    A fix-up for the Australian OFX 1.02 export in ofxparse's tests, which leaves CURDEF empty
    and states ``<CURRENCY><CURRATE>1.0000<CURSYM>AUD`` in each STMTTRN instead.
    """
    symbols = set()
    for _, span in records:
        body = doc.clean[span.body : span.body_end]
        if not leaf(body, "CURSYM") or ofx_amount(leaf(body, "CURRATE")) != 1:
            return ""
        symbols.add(leaf(body, "CURSYM").upper())
    return symbols.pop() if len(symbols) == 1 else ""


def _period(doc: _Document, block: _Block, skeleton: str) -> tuple[date | None, date | None]:
    """DTSTART and DTEND of the BANKTRANLIST (several lists: the widest period)."""
    starts = [_statement_date(doc, block, "DTSTART", v) for v in leaves(skeleton, "DTSTART")]
    ends = [_statement_date(doc, block, "DTEND", v) for v in leaves(skeleton, "DTEND")]
    start = min((d for d in starts if d), default=None)
    return start, max((d for d in ends if d), default=None)


def _closing(doc: _Document, block: _Block, skeleton: str) -> Balance | None:
    """LEDGERBAL (section 11.4.2.2), signed like the lines (a card owed is negative)."""
    ledger = _LEDGERBAL.search(skeleton)
    text = leaf(ledger.group(1), "BALAMT") if ledger else ""
    if ledger is None or not text:
        return None  # no or an empty LEDGERBAL (Itau, beancount-import's sample): no balance
    amount = ofx_amount(text)
    if amount is None:
        where = doc.element_at(block.span, "LEDGERBAL", f"{block.label}/LEDGERBAL/BALAMT")
        raise InputError(f'BALAMT "{text}" is not a number; {AMOUNT_HINT}', where)
    dtasof = leaf(ledger.group(1), "DTASOF")
    return Balance(amount, _statement_date(doc, block, "DTASOF", dtasof))


def _statement_date(doc: _Document, block: _Block, name: str, text: str) -> date | None:
    if not text or text.startswith("00000000"):  # no date: ofxparse reads all zeros so too
        return None
    found = ofx_date(text)
    if found is None:
        where = doc.element_at(block.span, name, f"{block.label}/{name}")
        raise InputError(f'{name} "{text}" is not a date; {DATE_HINT}', where)
    return found
