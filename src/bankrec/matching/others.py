"""Options that are not open customer or vendor entries: existing bank entries, text mappings.

An open bank entry with the line's amount and party is most likely the same payment, already
posted another way (a payment journal, a check run). Matching the line to it instead of to the
invoice avoids posting the payment twice (reference 14), so such a bank entry is lifted to the
best score the party's entries reach, and wins the tie.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bankrec.domain.money import format_minor
from bankrec.matching.book import WINDOW_CAP
from bankrec.matching.documents import DocHit, LineRefs
from bankrec.matching.model import AccountType, BankEntry, PaymentLine, TextMapping
from bankrec.matching.names import PartyMatch
from bankrec.matching.options import (
    LineOptions,
    Observed,
    Option,
    amount_match,
    amount_only,
    appended,
    days_between,
    fixed,
    score_of,
)
from bankrec.matching.rules import MAPPING_SCORE

if TYPE_CHECKING:
    from bankrec.matching.evaluate import Matcher


def bank_gate(line: PaymentLine, entry: BankEntry) -> str:
    """Why automatic matching may not pair the line with this bank entry ("" when it may)."""
    if (line.amount > 0) != (entry.remaining > 0):
        return "sign differs: money in cannot match money out"
    if entry.posting_date > line.date:
        return (
            f"bank entry {entry.entry_no} posted after the payment "
            f"({entry.posting_date.isoformat()} > {line.date.isoformat()})"
        )
    return ""


@dataclass(frozen=True, slots=True)
class _BankHits:
    """What the line's amount, text and ids found among the bank entries."""

    count: int
    docs: dict[int, DocHit]
    references: set[int]
    has_id: bool


def bank_options(
    matcher: Matcher, line: PaymentLine, refs: LineRefs, gated: bool, found: LineOptions
) -> list[Option]:
    """Open bank entries that fit the line by amount, document, check number or end-to-end id."""
    bank = matcher.bank
    in_window = bank.query(*found.window, line.date, gated)
    hits = _BankHits(
        WINDOW_CAP + 1 if in_window is None else len(in_window),
        bank.docs.find(refs),
        bank.references.find(line.end_to_end_id, line.bank_transaction_id),
        bool(line.end_to_end_id or line.bank_transaction_id),
    )
    options = []
    for index in sorted(set(in_window or ()) | set(hits.docs) | hits.references):
        blocked = bank_gate(line, bank.entries[index])
        if bank.available[index] and not (blocked and gated):
            options.append(_bank_option(matcher, found, index, hits, blocked))
    return _prefer_posted(found, options)


def _bank_option(
    matcher: Matcher, found: LineOptions, index: int, hits: _BankHits, blocked: str
) -> Option:
    entry, available = matcher.bank.entries[index], matcher.bank.available[index]
    party = _bal_party(found, entry)
    hit = hits.docs.get(index)
    low, high = found.window
    seen = Observed(
        party.related if party else "no",
        "yes" if hit else "no",
        amount_match(low <= available <= high, hits.count),
        "yes" if index in hits.references else ("no" if hits.has_id else "not_considered"),
        hits.count,
    )
    score, rule = score_of(matcher.table, seen)
    facts = [f"open bank entry {entry.entry_no} ({entry.description or entry.document_no})"]
    facts += [party.describe()] if party else []
    facts += [hit.describe()] if hit else []
    if seen.reference == "yes":
        facts.append(f"end-to-end id {entry.end_to_end_id} is the bank entry's")
    shown = format_minor(available, matcher.settings.currency_decimals)
    verb = "does not fit" if seen.amount == "none" else "fits"
    facts.append(f"its open amount {shown} {verb} the payment")
    return Option(
        kind="bank_entry",
        members=(index,),
        keys=(("bank", entry.entry_no),),
        account_type=_account_type(entry),
        account_no=entry.bal_account_no,
        score=score,
        rule=rule,
        seen=seen,
        party=party,
        hit=hit,
        amount=available,
        explain=fixed(facts),
        date_gap=days_between(entry.posting_date, found.line.date),
        blocked=blocked,
        applicable=bool(score) and not blocked and not amount_only(seen),
        document_nos=(entry.document_no,),
    )


def _bal_party(found: LineOptions, entry: BankEntry) -> PartyMatch | None:
    """The line's match of the customer or vendor a bank entry was posted against."""
    ledger = entry.bal_ledger
    if ledger == "customer" or ledger == "vendor":
        return found.parties.get((ledger, entry.bal_account_no))
    return None


def _account_type(entry: BankEntry) -> AccountType:
    return entry.bal_ledger or "bank"


def _prefer_posted(found: LineOptions, bank: list[Option]) -> list[Option]:
    """Lift a bank entry of the party to its entries' best score: it is the same payment."""
    lifted = []
    for option in bank:
        rivals = [
            o
            for o in found.options
            if o.kind != "bank_entry"
            and o.applicable
            and (o.account_type, o.account_no) == (option.account_type, option.account_no)
        ]
        best = min(rivals, key=lambda o: o.sort_key(found.line.amount), default=None)
        fits = option.evidence.amount_match != "none"
        if best is None or not fits or option.blocked or best.score <= option.score:
            lifted.append(option)
            continue
        note = (
            f"the payment to {option.account_type} {option.account_no} is already posted as "
            f"bank entry {option.keys[0][1]}: matched to it instead of posting it twice"
        )
        lifted.append(
            dataclasses.replace(
                option,
                score=best.score,
                rule=best.rule,
                explain=appended(option.explain, note),
                applicable=True,
            )
        )
        found.options[:] = [
            dataclasses.replace(o, superseded=True) if o in rivals else o for o in found.options
        ]
    return lifted


def mapping_options(matcher: Matcher, line: PaymentLine, found: LineOptions) -> list[Option]:
    """The longest text mapping found in the transaction text (reference 6.2), or its bank entry
    when the same posting already exists (the double-posting guard)."""
    text = line.text.casefold()
    fitting = [m for needle, m in matcher.mapping_needles if needle in text]
    if not fitting:
        return []
    longest = len(fitting[0].text.strip())
    options: list[Option] = []
    targets: set[tuple[str, str]] = set()
    for mapping in fitting:
        if len(mapping.text.strip()) < longest:
            break
        target = mapping.target_for(line.amount)
        if not target:
            side = "debit" if line.amount >= 0 else "credit"
            found.notes.append(f"text mapping '{mapping.text}' fits but has no {side} account")
            continue
        if (mapping.target_type, target) not in targets:
            targets.add((mapping.target_type, target))
            options.append(_mapping_option(matcher, line, mapping, target))
    return options


def _mapping_option(
    matcher: Matcher, line: PaymentLine, mapping: TextMapping, target: str
) -> Option:
    fact = (
        f"text mapping '{mapping.text}' (no. {mapping.mapping_id}) is in the transaction text: "
        f"post to {mapping.target_type} {target}"
    )
    posted = _posted_twin(matcher, line, mapping, target)
    if posted is not None:
        entry = matcher.bank.entries[posted]
        note = (
            f"bank entry {entry.entry_no} of {entry.posting_date.isoformat()} already posts "
            f"this amount to {target}: matched to it instead of posting it twice"
        )
        return Option(
            kind="bank_entry",
            members=(posted,),
            keys=(("bank", entry.entry_no),),
            account_type=mapping.target_type,
            account_no=target,
            score=MAPPING_SCORE,
            rule=None,
            seen=None,
            party=None,
            hit=None,
            amount=matcher.bank.available[posted],
            explain=fixed((fact, note)),
            date_gap=days_between(entry.posting_date, line.date),
            mapping=mapping,
            document_nos=(entry.document_no,),
        )
    return Option(
        kind="mapping",
        members=(),
        keys=(),
        account_type=mapping.target_type,
        account_no=target,
        score=MAPPING_SCORE,
        rule=None,
        seen=None,
        party=None,
        hit=None,
        amount=line.amount,
        explain=fixed((fact,)),
        mapping=mapping,
    )


def _posted_twin(
    matcher: Matcher, line: PaymentLine, mapping: TextMapping, target: str
) -> int | None:
    """An open bank entry of the same amount within the guard days whose balancing account is
    the mapping's target."""
    bank = matcher.bank
    days = matcher.settings.mapping_guard_days
    for index in bank.amounts.ids_in(line.amount, line.amount, WINDOW_CAP) or ():
        entry = bank.entries[index]
        if (
            bank.available[index] == line.amount
            and days_between(entry.posting_date, line.date) <= days
            and (entry.bal_ledger, entry.bal_account_no) == (mapping.target_type, target)
        ):
            return index
    return None
