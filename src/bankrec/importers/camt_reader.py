"""The streaming walk over a camt document: each entry read, turned into lines and cleared."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TypeVar

from lxml import etree

from bankrec.domain.statement import ParsedStatement
from bankrec.errors import InputError, Location
from bankrec.importers.camt_document import (
    MESSAGES,
    Message,
    iterparse,
    malformed,
    sourceline,
    unqualified,
)
from bankrec.importers.camt_entries import entry_lines
from bankrec.importers.camt_fields import FieldError, Flat, flatten
from bankrec.importers.camt_raw import RawEntry, RawText
from bankrec.importers.camt_statement import Statement

_T = TypeVar("_T")


class Reader:
    """Walks the document once: each entry is read and cleared as soon as it has ended."""

    def __init__(self, data: bytes, source: str, message: Message) -> None:
        self.data = data
        self.source = source
        self.message = message
        self.message_name, self.container_name = MESSAGES[message.kind]
        self.source_file = unqualified(data, message.namespace)
        self.qualified = self.source_file is None
        self.cut = len(message.namespace) + 2 if self.qualified else 0
        self.ntry_tag = self.tag("Ntry")
        self.container_tag = self.tag(self.container_name)
        self.raw = RawText(data, message.encoding)
        self.statements: list[ParsedStatement] = []
        self.current: Statement | None = None
        self.current_element: etree._Element | None = None
        self.entries = 0

    def run(self) -> list[ParsedStatement]:
        source = self.data if self.source_file is None else self.source_file
        events = iterparse(source, events=("end",), tag=(self.ntry_tag, self.container_tag))
        try:
            for _, element in events:
                if element.tag == self.ntry_tag:
                    self._on_entry(element)
                else:
                    self._on_container(element)
        except etree.XMLSyntaxError as exc:
            raise malformed(exc, self.source) from exc
        if not self.statements:
            raise InputError(
                f"the {self.message.label} message holds no {self.container_name}: there is no "
                "statement in this file",
                Location(self.source),
            )
        return self.statements

    def _open(self, container: etree._Element, children: Iterable[etree._Element]) -> Statement:
        parent = container.getparent()
        if parent is None or parent.tag != self.tag(self.message_name):
            raise InputError(
                f"{self.container_name} must sit in {self.message_name} in a "
                f"{self.message.label} message",
                Location(self.source, line=sourceline(container)),
            )
        path = f"{self.container_name}[{len(self.statements) + 1}]"
        statement = Statement(path=path, kind=self.message.kind)
        self._guarded(lambda: statement.read_header(children, self.cut), container, path)
        self.current, self.current_element, self.entries = statement, container, 0
        return statement

    def _on_entry(self, element: etree._Element) -> None:
        container = element.getparent()
        if container is None or container.tag != self.container_tag:
            raise InputError(
                f"Ntry must sit in {self.container_name}",
                Location(self.source, line=sourceline(element)),
            )
        statement = self.current
        if statement is None or container is not self.current_element:
            before = itertools.takewhile(lambda child: child is not element, container)
            statement = self._open(container, before)
        self.entries += 1
        path = f"{statement.path}/Ntry[{self.entries}]"
        raw = RawEntry(self.raw, element, self.raw.span(element))
        flat: Flat = {}
        elements: list[etree._Element] = []
        flatten(element, self.cut, "", flat, elements)
        details: list[Flat] = []
        for tx in elements:
            details.append({})
            flatten(tx, self.cut, "", details[-1], elements)
        try:
            statement.lines.extend(entry_lines(flat, details, statement, raw, path))
        except FieldError as problem:
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
        """Run ``work``, turning a ``FieldError`` into an ``InputError`` with its location."""
        try:
            return work()
        except FieldError as problem:
            raise self._located(problem, element, path) from None

    def _located(self, problem: FieldError, element: etree._Element, path: str) -> InputError:
        line = _line_of(element, problem.where, self.cut) or sourceline(element)
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
    return sourceline(current)
