"""Money moved between the company's own banks: a statement line is one leg of a transfer.

Before the payment engine looks at customers and vendors, each line of the journal's bank (A) is
tested as a transfer leg, in this order:

1. **Already posted.** An open bank entry of A whose balancing account is another of our banks
   (B), with the line's exact amount, dated within ``days`` of it: the transfer was posted
   before (`bankrec transfer`, or B's journal posted it from B's leg). The line matches that
   entry. High when the line's counterparty account is B's, Medium on amount and date alone
   (and only when one such entry fits).
2. **To be posted, other leg found.** The line's counterparty account is B's, or a statement
   line of B names A's account: the other leg is a line of B of the opposite sign within
   ``days``, for the same amount (same currency) or for an amount within ``rate_spread`` percent
   of the line converted at the books' rate (different currencies). The line is proposed as a
   transfer to B of what B's line shows, High. Posting books both legs at once.
3. **To be posted, other leg not seen yet.** The counterparty account is B's but no line of B
   fits: a transfer to B is still proposed, Medium when B is in A's currency (B receives the
   same amount), Low when it is not (what B receives is not known: the books' rate is used).

A customer or vendor never holds one of our own accounts, so a line that names one of our banks
is not matched to customers or vendors at all. Every leg and entry pairs with one line at most;
lines are taken in date order, ties broken on their identity, so the result never depends on
the order of the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bankrec.domain.accounts import account_keys
from bankrec.domain.money import format_minor
from bankrec.matching.model import BankEntry, Confidence, PaymentLine
from bankrec.matching.names import line_account_keys

Convert = Callable[[int, str, str, date], int | None]
"""``(amount minor, from currency, to currency, date) -> amount minor`` at the books' rates,
None when a rate is missing."""


@dataclass(frozen=True, slots=True)
class OwnBank:
    """One of the company's bank accounts, with the identifiers files write for it."""

    no: str
    currency: str
    decimals: int
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransferLeg:
    """A statement line of another of our banks that no posting has taken yet."""

    statement_line_id: int
    bank_no: str
    date: date
    amount: int
    """In its bank's currency, signed as its effect on that bank."""
    counterparty_account: str = ""
    text: str = ""
    where: str = ""
    """How to name it to a person: "BANK-SAV statement 3 line 2"."""


@dataclass(frozen=True, slots=True)
class TransferSettings:
    bank: OwnBank
    days: int = 5
    rate_spread: Decimal = Decimal(5)
    """Percent by which the other leg may differ from the line at the books' rate."""


@dataclass(frozen=True, slots=True)
class TransferMatch:
    """A line recognised as a transfer leg: matched to ``entry`` (already posted) or proposed as
    a transfer to ``other_bank`` receiving ``received`` (posted with the journal)."""

    line_no: int
    other_bank: str
    confidence: Confidence
    details: tuple[str, ...]
    entry: BankEntry | None = None
    received: int | None = None
    leg: TransferLeg | None = None
    review_required: bool = False
    named: bool = False
    """The line's counterparty account is the other bank's."""


@dataclass
class _State:
    settings: TransferSettings
    banks: dict[str, OwnBank]
    owner_of: dict[str, str]
    convert: Convert
    legs_by_bank: dict[str, list[TransferLeg]]
    entries: list[BankEntry]
    ours: frozenset[str]
    """Every key of this bank's own account identifiers."""
    used_legs: set[int] = field(default_factory=set)
    used_entries: set[int] = field(default_factory=set)


def match_transfers(
    lines: Sequence[PaymentLine],
    banks: Iterable[OwnBank],
    legs: Iterable[TransferLeg],
    bank_entries: Iterable[BankEntry],
    settings: TransferSettings,
    convert: Convert,
) -> dict[int, TransferMatch]:
    """The lines that are transfer legs, by line number."""
    others = {b.no: b for b in banks if b.no != settings.bank.no}
    owner_of = {key: b.no for b in others.values() for a in b.accounts for key in account_keys(a)}
    by_bank: dict[str, list[TransferLeg]] = {}
    for leg in sorted(legs, key=lambda g: (g.date, g.statement_line_id)):
        if leg.bank_no in others:
            by_bank.setdefault(leg.bank_no, []).append(leg)
    state = _State(
        settings,
        others,
        owner_of,
        convert,
        by_bank,
        [e for e in bank_entries if e.bal_ledger == "bank" and e.bal_account_no in others],
        frozenset(k for a in settings.bank.accounts for k in account_keys(a)),
    )
    found: dict[int, TransferMatch] = {}
    for line in sorted(lines, key=lambda item: (item.date, item.identity)):
        match = _match_line(state, line)
        if match is not None:
            found[line.line_no] = match
    return found


def _match_line(state: _State, line: PaymentLine) -> TransferMatch | None:
    named = _named_bank(state, line)
    posted = _posted_entry(state, line, named)
    if posted is not None:
        return posted
    leg = _other_leg(state, line, named)
    if leg is not None:
        return leg
    if named is None:
        return None
    return _unpaired(state, line, state.banks[named])


def _named_bank(state: _State, line: PaymentLine) -> str | None:
    for key in sorted(line_account_keys(line.counterparty_account)):
        owner = state.owner_of.get(key)
        if owner is not None:
            return owner
    return None


def _names_us(state: _State, leg: TransferLeg) -> bool:
    return not state.ours.isdisjoint(line_account_keys(leg.counterparty_account))


def _posted_entry(state: _State, line: PaymentLine, named: str | None) -> TransferMatch | None:
    days = state.settings.days
    fitting = [
        e
        for e in state.entries
        if e.entry_no not in state.used_entries
        and e.remaining == line.amount
        and abs((e.posting_date - line.date).days) <= days
        and (named is None or e.bal_account_no == named)
    ]
    if not fitting or (named is None and len(fitting) > 1):
        return None
    entry = min(fitting, key=lambda e: (abs((e.posting_date - line.date).days), e.entry_no))
    state.used_entries.add(entry.entry_no)
    direction = "from" if line.amount > 0 else "to"
    facts = [
        f"open bank entry {entry.entry_no} ({entry.document_no}, {entry.posting_date}) is the "
        f"transfer {direction} {entry.bal_account_no}, posted before: matched to it instead of "
        "posting it twice"
    ]
    if named is not None:
        facts.append(f"the counterparty account is that of our bank {named}")
        confidence: Confidence = "high"
    else:
        facts.append("found on amount and date alone: the line names no account of ours")
        confidence = "medium"
    return TransferMatch(
        line.line_no,
        entry.bal_account_no,
        confidence,
        tuple(facts),
        entry=entry,
        review_required=confidence != "high",
        named=named is not None,
    )


def _other_leg(state: _State, line: PaymentLine, named: str | None) -> TransferMatch | None:
    """The other bank's line of this transfer (rule 2 of the module text)."""
    candidates: list[tuple[tuple[int, int, int, int], TransferLeg, int]] = []
    for bank_no, legs in sorted(state.legs_by_bank.items()):
        if named is not None and bank_no != named:
            continue
        expected = _expected(state, line, state.banks[bank_no])
        if expected is None:
            continue
        for leg in legs:
            fit = _fit(state, line, leg, expected, named)
            if fit is not None:
                candidates.append((fit, leg, expected))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1].statement_line_id))
    fit, leg, expected = candidates[0]
    tied = len(candidates) > 1 and candidates[1][0] == fit
    state.used_legs.add(leg.statement_line_id)
    other = state.banks[leg.bank_no]
    facts = [_leg_fact(state, line, leg, other, named)]
    if leg.amount != expected:
        facts.append(
            f"{other.no} received {_money(leg.amount, other)} {other.currency}; at the books' "
            f"rate it would be {_money(expected, other)}: the difference is posted as a realized "
            "exchange gain or loss"
        )
    if tied:
        facts.append("another line of the other bank fits as well: check the pairing")
    return TransferMatch(
        line.line_no,
        other.no,
        "medium" if tied else "high",
        tuple(facts),
        received=leg.amount,
        leg=leg,
        review_required=tied,
        named=named is not None,
    )


def _expected(state: _State, line: PaymentLine, other: OwnBank) -> int | None:
    """What the other bank receives for the line at the books' rate (its sign on that bank)."""
    bank = state.settings.bank
    if other.currency == bank.currency:
        return -line.amount
    return state.convert(-line.amount, bank.currency, other.currency, line.date)


def _fit(
    state: _State, line: PaymentLine, leg: TransferLeg, expected: int, named: str | None
) -> tuple[int, int, int, int] | None:
    """How well ``leg`` fits as the other leg (smaller is better), None when it does not."""
    if leg.statement_line_id in state.used_legs or (leg.amount > 0) == (line.amount > 0):
        return None
    gap = abs((leg.date - line.date).days)
    names_us = _names_us(state, leg)
    if gap > state.settings.days or (named is None and not names_us):
        return None
    deviation = abs(leg.amount - expected)
    same_currency = state.banks[leg.bank_no].currency == state.settings.bank.currency
    if same_currency and deviation:
        return None
    if deviation * 100 > abs(expected) * state.settings.rate_spread:
        return None
    return (0 if names_us else 1, deviation, gap, 0 if named else 1)


def _leg_fact(
    state: _State, line: PaymentLine, leg: TransferLeg, other: OwnBank, named: str | None
) -> str:
    direction = "to" if line.amount < 0 else "from"
    why = (
        f"the counterparty account is that of our bank {other.no}"
        if named
        else f"{leg.where} names this bank's account"
    )
    return (
        f"transfer {direction} {other.no}: {why}; its other leg is {leg.where} "
        f"({leg.date}, {_money(leg.amount, other)} {other.currency})"
    )


def _unpaired(state: _State, line: PaymentLine, other: OwnBank) -> TransferMatch:
    """Rule 3: the line names our bank, whose statement does not show the other leg yet."""
    bank = state.settings.bank
    expected = _expected(state, line, other)
    direction = "to" if line.amount < 0 else "from"
    facts = [
        f"transfer {direction} {other.no}: the counterparty account is that of our bank "
        f"{other.no}; no statement line of {other.no} shows the other leg yet"
    ]
    if other.currency == bank.currency:
        facts.append(f"posting books {other.no}'s leg too; its next statement matches that entry")
        return TransferMatch(
            line.line_no,
            other.no,
            "medium",
            tuple(facts),
            received=expected,
            review_required=True,
            named=True,
        )
    if expected is None:
        facts.append(
            f"no {other.currency} rate in the books for {line.date}: apply it by hand once "
            f"{other.no}'s statement shows what it received"
        )
        return TransferMatch(line.line_no, other.no, "none", tuple(facts), named=True)
    facts.append(
        f"what {other.no} received in {other.currency} is not known yet: {_money(expected, other)} "
        "at the books' rate; import its statement first, or accept to post at that rate"
    )
    return TransferMatch(
        line.line_no,
        other.no,
        "low",
        tuple(facts),
        received=expected,
        review_required=True,
        named=True,
    )


def _money(minor: int, bank: OwnBank) -> str:
    return format_minor(abs(minor), bank.decimals)
