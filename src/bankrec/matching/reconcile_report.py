"""Matches put into words: what matched, by how much, and how sure the engine is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bankrec.domain.money import format_minor
from bankrec.matching.reconcile_book import LineFacts, RecBook, Ref
from bankrec.matching.reconcile_groups import Group, member_ref
from bankrec.matching.reconcile_model import RecConfidence, RecMatch, RecSettings
from bankrec.matching.reconcile_pairs import BAND_BASE, PairFacts, date_points, pair_details

GROUP_POINTS = 100


def pair_match(
    pair: PairFacts,
    confidence: RecConfidence,
    score: int,
    unique: bool,
    notes: Sequence[str],
    settings: RecSettings,
) -> RecMatch:
    """A one-to-one match with its sentences."""
    details = pair_details(pair, unique, settings.similarity_threshold, settings.currency_decimals)
    return RecMatch(
        line_nos=(pair.line.line.line_no,),
        entry_nos=(pair.entry.entry.entry_no,),
        kind="one_to_one",
        confidence=confidence,
        score=score,
        difference=pair.line.line.amount - pair.entry.entry.amount,
        details=(*details, *notes),
    )


def group_match(
    group: Group,
    facts: Sequence[LineFacts],
    book: RecBook,
    refs: Mapping[int, Mapping[int, Ref]],
    settings: RecSettings,
) -> RecMatch:
    """A one-to-many or many-to-one match: medium, or high when a reference ties every member."""
    lines = sorted((facts[p] for p in group.lines), key=lambda f: f.line.line_no)
    entries = [book.entries[i] for i in group.entries]
    total = sum(f.line.amount for f in lines)
    shown = format_minor(total, settings.currency_decimals)
    entry_nos = ", ".join(str(e.entry_no) for e in entries)
    line_nos = ", ".join(str(f.line.line_no) for f in lines)
    if group.kind == "one_to_many":
        line = lines[0]
        noun = "deposit" if total > 0 else "payment"
        unit = "checks" if all(book.facts[i].check for i in group.entries) else "entries"
        details = [f"{noun} equals the sum of entries {entry_nos} ({len(entries)} {unit})"]
        found = {i: member_ref(line, book, i, refs.get(group.lines[0], {})) for i in group.entries}
        details += [f"entry {book.entries[i].entry_no}: {s}" for i, s in found.items() if s]
    else:
        index = group.entries[0]
        details = [f"lines {line_nos} add up to entry {entries[0].entry_no} ({len(lines)} lines)"]
        found = {p: member_ref(facts[p], book, index, refs.get(p, {})) for p in group.lines}
        details += [
            f"line {facts[p].line.line_no}: {s}"
            for p, s in sorted(found.items(), key=lambda item: facts[item[0]].line.line_no)
            if s
        ]
    details.append(f"total {shown} equal")
    spread = max(
        abs((f.day or 0) - book.facts[i].day)
        for f in lines
        for i in group.entries
        if f.day is not None
    )
    days = f"{spread} day{'' if spread == 1 else 's'}"
    if group.kind == "one_to_many":
        details.append(f"entries posted within {days} of the line")
    else:
        details.append(f"lines dated within {days} of the entry")
    if not group.referenced:
        details.append(f"found by amount alone: about {group.chance:.1e} sets would fit by chance")
    confidence: RecConfidence = "high" if group.referenced else "medium"
    return RecMatch(
        line_nos=tuple(f.line.line_no for f in lines),
        entry_nos=tuple(e.entry_no for e in entries),
        kind=group.kind,
        confidence=confidence,
        score=BAND_BASE[confidence] + GROUP_POINTS + date_points(spread),
        difference=total - sum(e.amount for e in entries),
        details=tuple(details),
    )
