"""The raw text of each camt entry and detail, as the bank wrote it."""

from __future__ import annotations

from lxml import etree

from bankrec.importers.camt_document import sourceline

RAW_LIMIT = 16_000
"""Longest raw text kept for one line, in characters."""


class RawEntry:
    """The file's own text of one entry and of each of its TxDtls."""

    def __init__(self, text: RawText, element: etree._Element, span: tuple[int, int] | None):
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


class RawText:
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
        if line != (sourceline(element) or line):
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
