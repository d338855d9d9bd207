"""Finding document numbers and references of open entries in a line's text, by index.

Each document number is indexed three ways: by its last letter-and-digit run (looked up with the
runs of the line text, then verified as a whole token, BC's DocNoMatching), by its numeric core
(for "SI-102001" paid as "102001", see ``text.line_number_core``), and compacted (for structured
creditor references and the payload of an RF reference). A line therefore costs a handful of
dictionary look-ups, whatever the number of open entries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

from bankrec.matching.text import (
    alnum_runs,
    contains_token,
    line_number_core,
    reference_key,
    rf_payload,
    trailing_number,
    usable_reference,
)

DocField = Literal["document_no", "external_document_no", "payment_reference", "check_no"]
DocHow = Literal["token", "creditor_reference", "rf_reference", "number"]

MIN_DOC_LENGTH = 4
"""Shorter document numbers are never searched for as tokens (BC's rule: "101" is too common)."""

_FIELD_RANK: dict[DocField, int] = {
    "document_no": 0,
    "external_document_no": 1,
    "payment_reference": 2,
    "check_no": 3,
}
_HOW_RANK: dict[DocHow, int] = {"token": 0, "creditor_reference": 1, "rf_reference": 2, "number": 3}
FIELD_LABEL: dict[DocField, str] = {
    "document_no": "document",
    "external_document_no": "external document",
    "payment_reference": "payment reference",
    "check_no": "check",
}


@dataclass(frozen=True, slots=True)
class DocHit:
    """How a line names one entry: which of the entry's fields, as what text, found how."""

    field: DocField
    value: str
    token: str
    how: DocHow

    @property
    def rank(self) -> tuple[int, int, str]:
        return (_HOW_RANK[self.how], _FIELD_RANK[self.field], self.token)

    def describe(self) -> str:
        label = FIELD_LABEL[self.field]
        if self.how == "token":
            return f"{label} {self.value} found in the text"
        if self.how == "number":
            return f"{label} {self.value} found in the text as {self.token}"
        if self.how == "rf_reference":
            return f"{label} {self.value} is the payload of creditor reference {self.token}"
        return f"{label} {self.value} equals the creditor reference"


@dataclass(frozen=True, slots=True)
class LineRefs:
    """What a line offers for document matching, prepared once per line."""

    text: str
    creditor_reference: str

    @property
    def runs(self) -> list[str]:
        return sorted(set(alnum_runs(self.text)))


class DocIndex:
    """Document numbers of many targets (entries or bank entries), keyed for token look-up."""

    def __init__(self) -> None:
        self._by_run: dict[str, list[tuple[int, DocField, str]]] = defaultdict(list)
        self._by_core: dict[str, list[tuple[int, DocField, str]]] = defaultdict(list)
        self._by_compact: dict[str, list[tuple[int, DocField, str]]] = defaultdict(list)
        self._pending: list[tuple[list[str], tuple[int, DocField, str]]] = []

    def add(self, target: int, field: DocField, value: str) -> None:
        """Index ``value`` (a document number of ``target``); blanks are ignored."""
        if not value:
            return
        upper = value.strip().upper()
        runs = alnum_runs(upper)
        if not runs:
            return
        entry = (target, field, upper)
        if len(upper) >= MIN_DOC_LENGTH:
            self._pending.append((runs, entry))
        core = trailing_number(runs[-1])
        if core:
            self._by_core[core].append(entry)
        key = usable_reference("".join(runs))
        if key:
            self._by_compact[key].append(entry)

    def _index_pending(self) -> None:
        """File each document number under its rarest run: a line naming the number contains
        every one of its runs, and the rarest keeps the bucket to check small (keying on the
        last run put every "...-03" of a ledger into one bucket)."""
        if not self._pending:
            return
        frequency: Counter[str] = Counter()
        for runs, _ in self._pending:
            frequency.update(set(runs))
        for runs, entry in self._pending:
            rarest = min(runs, key=lambda run: (frequency[run], -len(run), run))
            self._by_run[rarest].append(entry)
        self._pending.clear()

    def find(self, refs: LineRefs) -> dict[int, DocHit]:
        """Every target whose document number the line names, with the strongest hit each."""
        self._index_pending()
        best: dict[int, DocHit] = {}
        runs = refs.runs
        for run in runs:
            for target, field, value in self._by_run.get(run, ()):
                if contains_token(refs.text, value):
                    _keep(best, target, DocHit(field, value, value, "token"))
            core = line_number_core(run)
            for target, field, value in self._by_core.get(core, ()) if core else ():
                _keep(best, target, DocHit(field, value, run, "number"))
        self._find_reference(refs.creditor_reference, best)
        for run in runs:
            if run.startswith("RF") and rf_payload(run):
                self._find_reference(run, best)
        return best

    def _find_reference(self, reference: str, best: dict[int, DocHit]) -> None:
        key = reference_key(reference)
        if not key:
            return
        for target, field, value in self._by_compact.get(key, ()):
            _keep(best, target, DocHit(field, value, key, "creditor_reference"))
        payload = rf_payload(key)
        for target, field, value in self._by_compact.get(payload, ()) if payload else ():
            _keep(best, target, DocHit(field, value, key, "rf_reference"))
        core = line_number_core(payload)
        for target, field, value in self._by_core.get(core, ()) if core else ():
            _keep(best, target, DocHit(field, value, key, "rf_reference"))


def _keep(best: dict[int, DocHit], target: int, hit: DocHit) -> None:
    current = best.get(target)
    if current is None or hit.rank < current.rank:
        best[target] = hit


class ReferenceIndex:
    """Targets by an exact reference (payment reference, end-to-end id), compacted."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[int]] = defaultdict(list)

    def add(self, target: int, reference: str) -> None:
        key = reference_key(reference) if reference else ""
        if key:
            self._by_key[key].append(target)

    def find(self, *references: str) -> set[int]:
        found: set[int] = set()
        for reference in references:
            key = reference_key(reference)
            if key:
                found.update(self._by_key.get(key, ()))
        return found

    def knows_any(self, *references: str) -> bool:
        return any(self._by_key.get(reference_key(r)) for r in references if reference_key(r))
