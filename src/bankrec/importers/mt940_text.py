"""MT940 text: decoding the bytes and cutting the text into messages of fields.

Decoding: the bytes are read as strict UTF-8; a file that is not valid UTF-8 is read as
Windows-1252, and one that is not valid Windows-1252 either as ISO 8859-1, which maps every
byte. CRLF, LF and CR line ends are all accepted; SOH, ETX, NUL and Ctrl-Z (DOS end of file,
also found between two concatenated files) are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bankrec.errors import InputError, Location

_FIRST_MARK = re.compile(r":(\d\d[A-Z]?|NS|940):|-(?:\}.*|X*[ \t]*)$|\{.*", re.MULTILINE)
"""A line that starts a field, ends a message (``-``, ``-}``, ``-XXX``) or opens a block."""
# The same, found from the line end before it: a pattern that starts with a literal is fast.
_MARK = re.compile(r"\n(?::(\d\d[A-Z]?|NS|940):|-(?:\}.*|X*[ \t]*)$|\{)", re.MULTILINE)
_REMOVED = ("\x00", "\x01", "\x03", "\x1a")


@dataclass(slots=True)
class Field:
    """One field: its tag and its lines, the first being the text after the tag."""

    tag: str
    lines: list[str]
    line_no: int

    @property
    def value(self) -> str:
        return self.lines[0].strip()

    @property
    def last_line(self) -> int:
        return self.line_no + len(self.lines) - 1


# -- text and fields --------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Strict UTF-8, else Windows-1252, else ISO 8859-1 (see the module docstring)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def clean_text(data: bytes) -> str:
    text = decode(data)
    for junk in _REMOVED:
        if junk in text:
            text = text.replace(junk, "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "{4::" in text:  # a field on the line that opens block 4, where FIN has a line end
        text = text.replace("{4::", "{4:\n:")
    return text


def messages(text: str, source: str) -> Iterator[list[Field]]:
    """Group the text into messages of fields; text outside ``:20:`` ... ``-`` is envelope.

    A field runs from its tag to the next line that starts a field, ends the message or opens
    a SWIFT block (so a wrapped line that happens to start with ``-2014`` stays in its field).
    Each message is handed on when the next one starts, so a large file is never held twice.
    """
    fields: list[Field] | None = None
    line_no, counted = 1, 0
    for begin, name, start, end in _spans(text):
        line_no += text.count("\n", counted, begin)
        counted = begin
        # The end of a message, a SWIFT block header, or (fix-up, Rabobank NL) the ":940:"
        # line that heads each export leave no message open; ":20:" opens the next one.
        if name is None or name == "940":
            if fields:
                yield fields
            fields = None
            continue
        new = Field(name, text[start:end].split("\n"), line_no)
        if name == "20":
            if fields:
                yield fields
            fields = [new]
        elif fields is None:
            raise InputError(
                f"field :{name}: stands outside a statement (no :20: before it); every MT940 "
                "message starts with :20:",
                Location(source, line_no),
            )
        else:
            fields.append(new)
    if fields:
        yield fields


def _spans(text: str) -> Iterator[tuple[int, str | None, int, int]]:
    """Each line that starts a field or ends a message or opens a block, as (where the line
    starts, the tag or None, where the field's text starts and ends)."""
    first = _FIRST_MARK.match(text)
    previous = (0, first.group(1), first.end()) if first else None
    for mark in _MARK.finditer(text):
        if previous:
            yield (*previous, mark.start())
        previous = (mark.start() + 1, mark.group(1), mark.end())
    if previous:
        yield (*previous, len(text))
