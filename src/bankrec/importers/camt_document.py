"""The root of a camt document: the security checks, the message type and version, and the
bytes handed to lxml."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from bankrec.errors import InputError, Location

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d\d)")
_VERSIONS = range(1, 14)
"""camt.05x.001.01 to .13: every version ISO has published keeps the elements read here."""
MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_ROOT_TAG = re.compile(rb"<Document[\s>][^>]*>")
_ENCODING = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


@dataclass(frozen=True)
class Message:
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


def iterparse(
    source: bytes | Unqualified, **options: object
) -> Iterator[tuple[str, etree._Element]]:
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    events: Iterator[tuple[str, etree._Element]] = etree.iterparse(stream, **_SAFE, **options)
    return events


class Unqualified:
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


def unqualified(data: bytes, namespace: str) -> Unqualified | None:
    root = _ROOT_TAG.search(data, 0, 65536)
    if root is None or data.count(b"xmlns") != root.group(0).count(b"xmlns"):
        return None
    quoted = re.escape(namespace.encode("ascii"))
    found = re.search(rb"\sxmlns\s*=\s*([\"'])" + quoted + rb"\1", root.group(0))
    if found is None or b"\n" in found.group(0)[1:]:
        return None
    return Unqualified(data, root.start() + found.start() + 1, root.start() + found.end())


def sourceline(element: etree._Element) -> int | None:
    line: object = element.sourceline  # lxml-stubs 0.5 types it as "..."
    return line if isinstance(line, int) else None


def malformed(exc: etree.XMLSyntaxError, source: str) -> InputError:
    return InputError(
        f"not well-formed XML ({exc.msg}); the file is damaged or truncated: download it again",
        Location(source, line=exc.lineno or None),
    )


def read_root(data: bytes, source: str) -> Message:
    try:
        _, root = next(iterparse(data, events=("start",)))
    except StopIteration:  # pragma: no cover - lxml raises XMLSyntaxError for an empty document
        raise InputError("the file holds no XML element", Location(source)) from None
    except etree.XMLSyntaxError as exc:
        raise malformed(exc, source) from exc
    _refuse_entities(root, data, source)
    qname = etree.QName(root)
    where = Location(source, line=sourceline(root))
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
    return Message(qname.namespace or "", kind, version, _declared_encoding(data))


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
