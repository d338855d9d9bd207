"""What reminders and finance charge memos share: document numbers and text placeholders."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bankrec.db import collections_repo
from bankrec.errors import InputError

PREFIXES = {"finance-charge": "FC-", "reminder": "RM-"}
NUMBER_WIDTH = 6
KIND_NAMES = {"finance-charge": "finance charge memo", "reminder": "reminder"}

_PLACEHOLDER = re.compile(r"%(\d+)")


def next_document_no(session: Session, kind: str) -> str:
    """``FC-000001``, ``FC-000002``... per kind: the highest number so far plus one.

    Two writers taking the same number collide on the unique ``no``; the later one fails and
    runs again.
    """
    prefix = PREFIXES.get(kind)
    if prefix is None:
        raise InputError(f'document kind "{kind}" is not one of {", ".join(PREFIXES)}')
    last = collections_repo.max_document_suffix(session, kind, prefix)
    return f"{prefix}{last + 1:0{NUMBER_WIDTH}d}"


def fill_placeholders(text: str, values: Sequence[str]) -> str:
    """Replace ``%1``..``%n`` with ``values[0]``..; unknown placeholders stay as written."""

    def value(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return values[index - 1] if 1 <= index <= len(values) else match.group(0)

    return _PLACEHOLDER.sub(value, text)
