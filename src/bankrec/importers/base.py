"""What every statement importer provides. Importers are pure: bytes in, statements out.

An importer refuses a file it cannot read completely: every problem raises ``InputError`` with
the file and the line or element, so nothing is ever dropped silently.
"""

from __future__ import annotations

from typing import Protocol

from bankrec.domain.statement import ParsedFile

SNIFF_BYTES = 8192
"""How much of a file's start ``claims`` sees."""


class StatementImporter(Protocol):
    name: str
    """The ``--format`` value: ofx, camt, mt940 or csv."""

    def claims(self, head: bytes) -> bool:
        """Whether the file that starts with ``head`` is in this importer's format (by content,
        never by file name)."""
        ...

    def parse(self, data: bytes, source: str) -> ParsedFile:
        """Read the whole file; ``source`` names it in error messages."""
        ...
