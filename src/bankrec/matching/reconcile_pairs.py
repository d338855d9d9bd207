"""One statement line against one bank ledger entry: the gates, the evidence and the score.

Evidence, strongest first (reference 14, "exact reference first"):
1. a reference: the same check number, the line's end-to-end id equal to the entry's document
   or external document number, or the entry's document number as a whole token of the line;
2. the amount: equal, or close (BC's AmountClose, 0.6 < |line| / |entry| < 1.1);
3. the posting date's distance from the line date;
4. the description or party name, compared with rapidfuzz.

Bands: a reference with an equal amount is **high**; an equal amount with an agreeing description
or party name, or an amount unique in the date window on both sides, is **medium**; a reference
with a close amount is **low** (a match with a difference). An equal amount alone, shared with
other entries or lines, is no match at all: that is how BC crosses same-amount checks (13.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from bankrec.domain.money import format_minor
from bankrec.matching.names import MIN_TEXT_NAME_LENGTH, contains_block
from bankrec.matching.reconcile_book import (
    REF_POINTS,
    EntryFacts,
    LineFacts,
    Ref,
    amount_close,
)
from bankrec.matching.reconcile_model import CandidateConfidence, RecSettings

AmountFit = Literal["equal", "close", "differs"]

BAND_BASE: dict[CandidateConfidence, int] = {"high": 3000, "medium": 2000, "low": 1000, "none": 0}
BAND_RANK: dict[CandidateConfidence, int] = {"high": 3, "medium": 2, "low": 1, "none": 0}
DATE_POINTS = 30
"""A pair posted on the line's date earns this many points, one fewer per day apart."""
UNIQUE_POINTS = 50
MIN_DESCRIPTION_LETTERS = 8
"""A description found word for word in the line text must have this many letters (and two
words): "Bank charge" counts, "Rent" alone does not."""


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What one line and one entry have in common, and the gate that keeps them apart (if any).

    ``days`` is the line date less the posting date (positive: posted before the line), None for
    a line without a date.
    """

    line: LineFacts
    entry: EntryFacts
    index: int
    ref: Ref | None
    fit: AmountFit
    similarity: int
    similarity_text: str
    days: int | None
    blocked: str

    @property
    def evidence(self) -> bool:
        """Whether the pair is a match candidate, uniqueness aside."""
        return (self.ref is not None and self.fit != "differs") or self.fit == "equal"


def evaluate(
    line: LineFacts,
    entry: EntryFacts,
    index: int,
    ref: Ref | None,
    settings: RecSettings,
    fixed: bool,
) -> PairFacts:
    """The facts of one pair; ``blocked`` names the first gate it fails."""
    line_amount, entry_amount = line.line.amount, entry.entry.amount
    if line_amount == entry_amount:
        fit: AmountFit = "equal"
    elif ref is not None and amount_close(line_amount, entry_amount):
        fit = "close"
    else:
        fit = "differs"
    similarity, sentence = similarity_of(line, entry)
    days = None if line.day is None else line.day - entry.day
    return PairFacts(
        line,
        entry,
        index,
        ref,
        fit,
        similarity,
        sentence,
        days,
        gate(line, entry, days, settings, fixed),
    )


def gate(
    line: LineFacts, entry: EntryFacts, days: int | None, settings: RecSettings, fixed: bool
) -> str:
    """Why automatic matching may not pair them ("" when it may)."""
    if fixed:
        return "matched manually to another line"
    if line.sign != entry.sign:
        side = "in" if line.sign > 0 else "out"
        other = "out" if line.sign > 0 else "in"
        return f"sign differs: money {side} cannot match money {other}"
    if days is not None and abs(days) > settings.days:
        return f"{posted_phrase(days)} (tolerance {settings.days})"
    if line.checks and entry.check and entry.check not in line.checks:
        label = "check" if len(line.checks) == 1 else "checks"
        return f"{label} {', '.join(line.checks)} on the line, the entry is check {entry.check}"
    return ""


def posted_phrase(days: int | None) -> str:
    """When the entry was posted relative to the line, in words."""
    if days is None:
        return "the line has no date"
    if days == 0:
        return "posted on the line date"
    unit = "day" if abs(days) == 1 else "days"
    side = "before" if days > 0 else "after"
    return f"posted {abs(days)} {unit} {side} the line"


def similarity_of(line: LineFacts, entry: EntryFacts) -> tuple[int, str]:
    """How well the line's text and counterparty agree with the entry's description and party
    (0-100) and the sentence that says where; "" when nothing agrees at all."""
    best, sentence = 0, ""
    party = entry.entry.party_name
    if line.name and entry.party:
        score = round(fuzz.ratio(line.name, entry.party))
        if score > best:
            best, sentence = score, f"counterparty name {score}% similar to the entry's {party}"
    wanted = entry.party_words
    if (
        best < 100
        and len("".join(wanted)) >= MIN_TEXT_NAME_LENGTH
        and contains_block(line.text_words, wanted)
    ):
        best, sentence = 100, f"party {party} named in the line text"
    if best < 100 and line.description and entry.description:
        score = round(fuzz.ratio(line.description, entry.description))
        if score > best:
            best, sentence = score, f"description {score}% similar"
        found = entry.description_words
        if (
            best < 100
            and len(found) >= 2
            and len("".join(found)) >= MIN_DESCRIPTION_LETTERS
            and contains_block(line.text_words, found)
        ):
            described = entry.entry.description
            best, sentence = 100, f"description {described!r} found in the line text"
    if line.name and entry.description and best < 100:
        score = round(fuzz.ratio(line.name, entry.description))
        if score > best:
            best, sentence = score, f"counterparty name {score}% similar to the description"
    return best, sentence


def band_of(pair: PairFacts, unique: bool, settings: RecSettings) -> CandidateConfidence:
    """The confidence band of a pair, gates aside."""
    if pair.ref is not None and pair.fit == "equal":
        return "high"
    if pair.fit == "equal" and (unique or pair.similarity >= settings.similarity_threshold):
        return "medium"
    if pair.ref is not None and pair.fit == "close":
        return "low"
    return "none"


def score_of(pair: PairFacts, band: CandidateConfidence, unique: bool) -> int:
    """The score: the band's base plus reference, similarity, closeness and date points.

    Within a band the extras never reach 1000, so a band always outranks the one below it.
    """
    points = REF_POINTS[pair.ref.kind] if pair.ref is not None else 0
    points += pair.similarity // 2
    points += date_points(pair.days)
    if band == "medium" and unique:
        points += UNIQUE_POINTS
    line_abs, entry_abs = abs(pair.line.line.amount), abs(pair.entry.entry.amount)
    if pair.fit == "close" or band == "none":
        gap = abs(line_abs - entry_abs)
        points += max(0, 100 - 100 * gap // max(entry_abs, 1))
    return BAND_BASE[band] + min(points, 999)


def date_points(days: int | None) -> int:
    return 0 if days is None else max(0, DATE_POINTS - abs(days))


def pair_details(pair: PairFacts, unique: bool, threshold: int, decimals: int) -> list[str]:
    """The sentences that explain a pair: reference, amount, date, description."""
    details = [pair.ref.sentence] if pair.ref is not None else []
    line_amount, entry_amount = pair.line.line.amount, pair.entry.entry.amount
    shown = format_minor(entry_amount, decimals)
    if pair.fit == "equal":
        details.append(f"amount {shown} equal")
    else:
        difference = format_minor(abs(line_amount - entry_amount), decimals)
        verb = "close to" if pair.fit == "close" else "differs from"
        details.append(
            f"amount {format_minor(line_amount, decimals)} {verb} the entry's {shown}: "
            f"difference {difference}"
        )
    details.append(posted_phrase(pair.days))
    if pair.similarity >= threshold and pair.similarity_text:
        details.append(pair.similarity_text)
    if unique and pair.ref is None:
        details.append(f"the only entry and the only line of {shown} within the date tolerance")
    return details
