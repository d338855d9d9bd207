"""The journal-wide choice: order independence, ties, shared capacity, and its invariants."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankrec.matching import DEFAULT_RULES, JournalMatch, OpenEntry, PaymentLine, match_journal
from tests.matching.factories import (
    ENTRIES,
    IBAN_C1,
    MAPPINGS,
    PARTIES,
    SETTINGS,
    customer,
    invoice,
    line,
    run,
    vendor,
)


def _journal() -> tuple[list[PaymentLine], list[OpenEntry]]:
    lines = [
        line(1, 125000, account=IBAN_C1, text="INV 103001 103002"),
        line(2, 50000, text="THANK YOU"),
        line(3, -1250, text="FEE MYBANK"),
        line(4, 30000, name="Fabrikam", text="104002"),
        line(5, 20000, name="Fabrikam"),
        line(6, 99999, text="NOTHING"),
    ]
    entries = [
        *ENTRIES,
        invoice(4, "C2", 30000, "104002"),
        invoice(5, "C2", 20000, "104003"),
        invoice(6, "C2", 20000, "104004"),
    ]
    return lines, entries


def test_result_does_not_depend_on_input_order() -> None:
    lines, entries = _journal()
    expected = run(lines, entries)
    rng = random.Random(3)
    for _ in range(5):
        rng.shuffle(lines)
        rng.shuffle(entries)
        parties = list(PARTIES)
        rng.shuffle(parties)
        assert run(lines, entries, parties) == expected
    assert [m.line_no for m in expected.lines] == [1, 2, 3, 4, 5, 6]


def test_two_lines_tied_for_one_entry_are_flagged() -> None:
    """Both lines name invoice 103001 with its exact amount; only one can have it."""
    lines = [
        line(1, 100000, name="CONTOSO LTD", text="103001"),
        line(2, 100000, name="CONTOSO LTD", text="103001"),
    ]
    result = run(lines)
    first, second = result.line(1), result.line(2)
    applied = [m for m in (first, second) if m.applied]
    assert len(applied) == 1
    winner = applied[0]
    assert winner.confidence == "medium"  # High 4, lowered by the tie
    assert winner.review_required
    assert winner.evidence.contested_by_lines == 1
    loser = second if winner is first else first
    assert any(f"went to line {winner.line_no}" in d for d in loser.details)


def test_optimal_assignment_beats_first_come() -> None:
    """Line 1 could take either invoice; line 2 only the first. Greedy by score would give the
    first invoice to line 1 (its best) and nothing to line 2."""
    parties = (customer("C1", "Contoso", IBAN_C1),)
    entries = (
        invoice(1, "C1", 10000, "SI-50001"),
        invoice(2, "C1", 10000, "SI-50002"),
    )
    lines = [
        line(1, 10000, account=IBAN_C1, text="SI-50001 SI-50002 one of these"),
        line(2, 10000, account=IBAN_C1, text="SI-50001"),
    ]
    result = run(lines, entries, parties)
    assert [a.entry_no for a in result.line(2).applications] == [1]
    assert [a.entry_no for a in result.line(1).applications] == [2]


def test_instalments_share_one_invoice() -> None:
    lines = [
        line(1, 40000, account=IBAN_C1, text="103001 first part"),
        line(2, 60000, account=IBAN_C1, text="103001 rest", day=date(2026, 3, 25)),
    ]
    result = run(lines)
    assert [a.applied_amount for a in result.line(1).applications] == [40000]
    assert [a.applied_amount for a in result.line(2).applications] == [60000]
    assert result.line(1).evidence.contested_by_lines == 0


def test_reserved_capacity_is_respected() -> None:
    lines = [line(1, 100000, account=IBAN_C1, text="103001")]
    result = match_journal(
        lines,
        PARTIES,
        ENTRIES,
        [],
        MAPPINGS,
        DEFAULT_RULES,
        SETTINGS,
        reserved={("customer", 1): 70000},
    )
    match = result.line(1)
    assert [(a.entry_no, a.applied_amount) for a in match.applications] == [(1, 30000)]
    assert match.difference == 70000


# -- invariants on random journals ----------------------------------------------------------

_PARTIES = (
    customer("C1", "Contoso", "DE44500105175407324931"),
    customer("C2", "Fabrikam"),
    vendor("V1", "Northwind", "GB29NWBK60161331926819"),
    vendor("V2", "Tailspin"),
)


@st.composite
def _journals(draw: st.DrawFn) -> tuple[list[PaymentLine], list[OpenEntry]]:
    amounts = st.sampled_from([5000, 10000, 12500, 20000, 25000, 50000])
    entries = []
    for number in range(draw(st.integers(1, 10))):
        party = draw(st.sampled_from(_PARTIES))
        sign = 1 if party.ledger == "customer" else -1
        sign *= draw(st.sampled_from([1, 1, 1, -1]))  # some credit memos
        entries.append(
            invoice(
                number + 1,
                party.no,
                sign * draw(amounts),
                f"D-{10000 + number}",
                ledger=party.ledger,
                posted=date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 10))),
            )
        )
    lines = []
    for number in range(draw(st.integers(1, 8))):
        payer = draw(st.sampled_from(_PARTIES))
        named = draw(st.lists(st.sampled_from(entries), max_size=2))
        by_name, by_account = draw(st.booleans()), draw(st.booleans())
        lines.append(
            line(
                number + 1,
                draw(st.sampled_from([-1, 1])) * draw(amounts),
                day=date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 12))),
                name=payer.name if by_name else "",
                account=payer.accounts[0] if payer.accounts and by_account else "",
                text=" ".join(e.document_no for e in named),
            )
        )
    return lines, entries


def _check(result: JournalMatch, lines: list[PaymentLine], entries: list[OpenEntry]) -> None:
    by_key: dict[tuple[str, int], OpenEntry] = {(e.ledger, e.entry_no): e for e in entries}
    by_line = {ln.line_no: ln for ln in lines}
    taken: dict[tuple[str, int], int] = defaultdict(int)
    for match in result.lines:
        source = by_line[match.line_no]
        accounts = {(a.ledger, a.account_no) for a in match.applications}
        assert len(accounts) <= 1
        paid = sum(a.applied_amount - a.discount for a in match.applications)
        assert paid + match.difference == source.amount
        for application in match.applications:
            assert (application.applied_amount > 0) == (source.amount > 0)
            if application.entry_no is not None and application.ledger != "bank":
                entry = by_key[(application.ledger, application.entry_no)]
                assert (entry.remaining > 0) == (source.amount > 0)
                assert entry.posting_date <= source.date
                taken[(application.ledger, application.entry_no)] += abs(application.applied_amount)
    for key, amount in taken.items():
        assert amount <= abs(by_key[key].remaining)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_journals())
def test_random_journals_keep_the_invariants(
    journal: tuple[list[PaymentLine], list[OpenEntry]],
) -> None:
    lines, entries = journal
    result = run(lines, entries, _PARTIES, mappings=())
    _check(result, lines, entries)
    assert (
        run(list(reversed(lines)), list(reversed(entries)), list(reversed(_PARTIES)), mappings=())
        == result
    )
