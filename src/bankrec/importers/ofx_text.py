"""OFX as text: a file's bytes decoded, and elements read out of SGML and XML alike.

OFX 1.x is SGML, where an element may go without its end tag; OFX 2.x is XML. Both are read
here with the same few patterns: an element's text is what follows its start tag up to the next
tag, and end tags matter only for aggregates. Offsets into the text are kept intact (comments
are blanked, not cut) so that every problem can be reported at its line.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from stdnum import iban as std_iban

from bankrec.errors import InputError, Location

RAW_LIMIT = 4096
"""The longest raw record kept on a line; a sane STMTTRN is well under 1 KB."""

AMOUNT_HINT = "OFX writes amounts as plain numbers like -1234.50, without a currency sign"
DATE_HINT = "OFX dates begin YYYYMMDD, like 20240131 or 20240131120000[-5:EST]"

# An element's text runs to the next tag; CDATA sections (OFX 2) belong to it.
VALUE = r"[^<]*(?:<!\[CDATA\[.*?\]\]>[^<]*)*"
_VALUE = re.compile(VALUE, re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NOT_NEWLINE = re.compile(r"[^\n]")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_XML_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);", re.I)
_XML_ENCODING = re.compile(r"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)", re.I)
_PLAIN_AMOUNT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_LATIN = re.compile(r"(?:ISO-?)?8859-(\d{1,2})")
_CHARSETS = {
    "1252": "cp1252",
    "WINDOWS-1252": "cp1252",
    "CP1252": "cp1252",
    "NONE": "cp1252",
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
}


# --- Bytes to text -----------------------------------------------------------------------


def decode(data: bytes, source: str) -> str:
    """The file as text, decoded as its header says; line ends become LF (line numbers keep)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = _encodings(data[:8192].decode("latin-1"), source)
    for encoding in encodings[:-1]:
        try:
            return _normalise(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    try:
        return _normalise(data.decode(encodings[-1]))
    except UnicodeDecodeError as exc:
        newlines = data.count(b"\n", 0, exc.start) or data.count(b"\r", 0, exc.start)
        raise InputError(
            f"byte 0x{data[exc.start]:02X} is not valid {encodings[-1]}; check the character set "
            "the file's header (CHARSET) or XML declaration (encoding) names",
            Location(source, newlines + 1),
        ) from exc


def _encodings(head: str, source: str) -> list[str]:
    """The encodings to try, from the OFX 1.x header (OFX 1.6 section 2.2) or XML declaration."""
    fields = _v1_header(head)
    if fields is not None:
        return [_v1_encoding(fields, source)]
    match = _XML_ENCODING.search(head)
    declared = match.group(1).strip().lower() if match else ""
    if declared and not declared.startswith("utf-16"):
        return [_codec(declared.replace("usascii", "ascii"), source)]
    # No header at all (American Express, the OFX specification's own examples), or a false
    # UTF-16 claim over single-byte text (ofxgo's moneymrkt sample): UTF-8, else SGML's 1252.
    return ["utf-8", "cp1252"]


def _v1_header(head: str) -> dict[str, str] | None:
    """The ``KEY:VALUE`` lines of an OFX 1.x header; None for a file without one."""
    start = head.lstrip("\xef\xbb\xbf \t\r\n")  # blank lines first: ofxparse's v1.02 sample
    if start[:9].upper() != "OFXHEADER":
        return None
    tag = start.find("<")
    fields: dict[str, str] = {}
    # Bare CR ends the header lines in Wells Fargo's QFX.
    for line in re.split(r"\r\n|\r|\n", start[:tag] if tag >= 0 else start):
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip().upper()] = value.strip().upper()
    return fields


def _v1_encoding(fields: dict[str, str], source: str) -> str:
    if fields.get("ENCODING") in ("UTF-8", "UNICODE"):
        return "utf-8"
    charset = fields.get("CHARSET", "1252")
    latin = _LATIN.fullmatch(charset)  # 8859-1 (Desjardins) as well as ISO-8859-1
    if latin:
        return f"iso8859-{latin.group(1)}"
    if charset in _CHARSETS:
        return _CHARSETS[charset]
    raise InputError(
        f"the header's CHARSET:{charset} is not a character set bankrec reads "
        "(1252, ISO-8859-1, UTF-8); correct the header",
        Location(source),
    )


def _codec(name: str, source: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise InputError(
            f'the XML declaration names the encoding "{name}", which bankrec does not know',
            Location(source, 1),
        ) from exc


def _normalise(text: str) -> str:
    if "\r" in text:  # CRLF, and bare CR (Wells Fargo QFX): one LF each, so line numbers keep
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.lstrip("\ufeff").rstrip("\x00")  # QuickBooks .qbo files end in a NUL byte


def blank_comments(text: str, source: str) -> str:
    """The text with its comments blanked out; every offset and line number stays."""
    if "<!--" not in text:
        return text
    blanked = _COMMENT.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group()), text)
    unclosed = blanked.find("<!--")
    if unclosed >= 0:
        raise InputError(
            "a comment opened with <!-- is never closed with -->; the file looks truncated",
            Location(source, text.count("\n", 0, unclosed) + 1),
        )
    return blanked


# --- Elements ----------------------------------------------------------------------------


class Span(NamedTuple):
    """Where an aggregate sits: its start tag, its content, its end tag."""

    start: int
    body: int
    body_end: int
    end: int


class OfxText:
    """A decoded file: ``text`` as the bank wrote it, ``clean`` with comments blanked."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text
        self.clean = blank_comments(text, source)

    def at(self, offset: int, element: str | None = None) -> Location:
        return Location(self.source, self.text.count("\n", 0, offset) + 1, element=element)

    def element_at(self, span: Span, name: str, label: str) -> Location:
        """Where the first ``name`` element inside ``span`` is; the span's start without one."""
        found = patterns(name)[0].search(self.clean, span.start, span.end)
        return self.at(found.start() if found else span.start, label)

    def raw(self, span: Span) -> str:
        return self.text[span.start : min(span.end, span.start + RAW_LIMIT)]

    def spans(self, name: str) -> list[Span]:
        """Every ``name`` aggregate; one whose end tag is missing means a truncated file."""
        opening, closing = patterns(name)
        found: list[Span] = []
        matches = opening.finditer(self.clean)
        current = next(matches, None)
        while current is not None:
            following = next(matches, None)
            limit = following.start() if following else len(self.clean)
            end = closing.search(self.clean, current.end(), limit)
            if end is None:
                raise InputError(
                    f"no </{name}> before the next <{name}> or the end of the file; "
                    "the file looks truncated",
                    self.at(current.start(), f"{name} {len(found) + 1}"),
                )
            found.append(Span(current.start(), current.end(), end.start(), end.end()))
            current = following
        return found


_PATTERNS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The start and end tag of element ``name``, in any letter case (SGML ignores it)."""
    if name not in _PATTERNS:
        _PATTERNS[name] = (re.compile(rf"<{name}\s*>", re.I), re.compile(rf"</{name}\s*>", re.I))
    return _PATTERNS[name]


def leaf(text: str, name: str, start: int = 0) -> str:
    """The text of the first ``name`` element in ``text`` from ``start``; "" without one."""
    found = patterns(name)[0].search(text, start)
    return _text_at(text, found.end()) if found else ""


def leaves(text: str, name: str) -> Iterator[str]:
    """The texts of every ``name`` element in ``text``."""
    for found in patterns(name)[0].finditer(text):
        yield _text_at(text, found.end())


def _text_at(text: str, offset: int) -> str:
    value = _VALUE.match(text, offset)  # always a match, if only an empty one
    return element_text(value.group()) if value else ""


def element_text(value: str) -> str:
    """An element's text: entities decoded, CDATA kept as written, outer blanks trimmed."""
    if "<" in value:  # CDATA sections (Suncorp's OFX 2): their content is literal
        parts = _CDATA.split(value)
        return "".join(p if i % 2 else _unescape(p) for i, p in enumerate(parts)).strip()
    return _unescape(value).strip() if "&" in value else value.strip()


def _unescape(text: str) -> str:
    # Only complete references: html.unescape alone would read "&cent" in "R&center" as "¢".
    decoded = _ENTITY.sub(_character, text)
    if "&" in decoded and decoded != text and _XML_ENTITY.search(decoded):
        # Escaped twice ("&amp;lt;" for "<"): a Canadian bank's QFX, Actual's html-vals sample.
        decoded = _ENTITY.sub(_character, decoded)
    return decoded


_XML_CHARACTERS = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _character(reference: re.Match[str]) -> str:
    return _XML_CHARACTERS.get(reference.group()) or html.unescape(reference.group())


# --- Values ------------------------------------------------------------------------------


def ofx_amount(text: str) -> Decimal | None:
    """An amount (section 3.2.9): a point or a comma marks the decimals; None if not a number.

    The spec forbids thousands marks; with both marks present, as ofxparse does, the last one
    is read as the decimal mark. Spaces and a leading plus sign are dropped too.
    """
    if _PLAIN_AMOUNT.fullmatch(text):
        return Decimal(text)
    cleaned = text.replace(" ", "").replace("\xa0", "").removeprefix("+")
    if "," in cleaned:
        if "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        elif cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    return Decimal(cleaned) if _PLAIN_AMOUNT.fullmatch(cleaned) else None


def ofx_date(text: str) -> date | None:
    """The calendar date of an OFX date and time (section 3.2.8.2: YYYYMMDD, optionally
    HHMMSS.XXX and [offset:zone]), as the bank wrote it: no conversion to UTC."""
    if len(text) > 8 and not (text[8].isdigit() or text[8] in ".[ "):
        return None
    return _calendar_date(text[:8])


@lru_cache(maxsize=4096)
def _calendar_date(key: str) -> date | None:
    if len(key) != 8 or not key.isascii() or not key.isdigit():
        return None
    try:
        return date(int(key[:4]), int(key[4:6]), int(key[6:]))
    except ValueError:
        return None


def iban(account: str) -> str:
    """The account id when it is an IBAN (European banks' OFX), compact and upper case."""
    compact = "".join(account.split()).upper()
    return compact if len(compact) > 14 and std_iban.is_valid(compact) else ""
