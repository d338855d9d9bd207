"""Invariants of bank reconciliation matching over random statements (hypothesis)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankrec.matching import reconcile as reconcile_module
from bankrec.matching.reconcile import (
    LedgerEntry,
    RecLine,
    RecResult,
    RecSettings,
    rank_entries,
    reconcile,
)

START = date(2026, 3, 1)
AMOUNTS = (-25000, -23000, -10000, -5000, -2500, 2500, 5000, 7500, 10000, 12500)
TEXTS = ("", "CHECK 1857", "CHECK 1858", "DEPOSIT", "FABRIKAM", "INV-4711", "CHECKS 1857 1858")


@st.composite
def statements(
    draw: st.DrawFn,
) -> tuple[list[RecLine], list[LedgerEntry], frozenset[int], RecSettings]:
    line_count = draw(st.integers(0, 8))
    entry_count = draw(st.integers(0, 10))
    lines = [
        RecLine(
            line_no=n + 1,
            identity=draw(st.sampled_from("abcdefgh")) + str(n),
            date=draw(st.none() | st.integers(0, 12).map(lambda d: START + timedelta(days=d))),
            amount=draw(st.sampled_from(AMOUNTS)),
            text=draw(st.sampled_from(TEXTS)),
            check_no=draw(st.sampled_from(("", "", "1857", "1859"))),
            end_to_end_id=draw(st.sampled_from(("", "", "E2E-0009"))),
        )
        for n in range(line_count)
    ]
    entries = [
        LedgerEntry(
            entry_no=100 + n,
            posting_date=START + timedelta(days=draw(st.integers(0, 12))),
            amount=draw(st.sampled_from(AMOUNTS)),
            document_no=draw(st.sampled_from(("", "INV-4711", "1858"))),
            external_document_no=draw(st.sampled_from(("", "", "E2E-0009"))),
            description=draw(st.sampled_from(("", "Fabrikam", "Check 1857 Fabrikam"))),
            check_no=draw(st.sampled_from(("", "", "1857", "1858"))),
        )
        for n in range(entry_count)
    ]
    fixed = (
        draw(st.frozensets(st.sampled_from([e.entry_no for e in entries])))
        if entries
        else frozenset()
    )
    options = RecSettings(days=draw(st.integers(0, 6)), subset_max_entries=draw(st.integers(2, 6)))
    return lines, entries, fixed, options


def _check_invariants(
    result: RecResult,
    lines: list[RecLine],
    entries: list[LedgerEntry],
    fixed: frozenset[int],
    options: RecSettings,
) -> None:
    by_line = {line.line_no: line for line in lines}
    by_entry = {entry.entry_no: entry for entry in entries}
    used_lines = [n for m in result.matches for n in m.line_nos]
    used_entries = [n for m in result.matches for n in m.entry_nos]
    assert len(used_lines) == len(set(used_lines)), "a line in two matches"
    assert len(used_entries) == len(set(used_entries)), "an entry used twice"
    assert not set(used_entries) & fixed
    assert sorted(used_lines + [u.line_no for u in result.unmatched]) == sorted(by_line)
    for match in result.matches:
        assert len(match.line_nos) == 1 or len(match.entry_nos) == 1, "many-to-many"
        members = [by_line[n].amount for n in match.line_nos]
        targets = [by_entry[n].amount for n in match.entry_nos]
        assert sum(members) - sum(targets) == match.difference
        assert match.difference == 0 or (match.kind, match.confidence) == ("one_to_one", "low")
        signs = {a > 0 for a in members + targets}
        assert len(signs) == 1, "opposite signs"
        for line_no in match.line_nos:
            when = by_line[line_no].date
            for entry_no in match.entry_nos:
                if when is not None:
                    assert abs((when - by_entry[entry_no].posting_date).days) <= options.days
        assert match.line_nos == tuple(sorted(match.line_nos))
        assert match.entry_nos == tuple(sorted(match.entry_nos))
    for tie in result.ties:
        assert not set(tie.line_nos) & set(used_lines)
        assert not set(tie.entry_nos) & set(used_entries)
    assert [u.line_no for u in result.unmatched] == sorted(u.line_no for u in result.unmatched)
    assert all(len(u.near) <= 3 for u in result.unmatched)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(), st.randoms(use_true_random=False))
def test_matching_invariants_and_input_order(
    statement: tuple[list[RecLine], list[LedgerEntry], frozenset[int], RecSettings],
    rng: random.Random,
) -> None:
    lines, entries, fixed, options = statement
    result = reconcile(lines, entries, options, fixed)
    _check_invariants(result, lines, entries, fixed, options)
    shuffled_lines, shuffled_entries = list(lines), list(entries)
    rng.shuffle(shuffled_lines)
    rng.shuffle(shuffled_entries)
    assert reconcile(shuffled_lines, shuffled_entries, options, set(fixed)) == result


def test_shuffled_statement_gives_the_same_result() -> None:
    rng = random.Random(11)
    entries = [
        LedgerEntry(
            n,
            START + timedelta(days=rng.randrange(10)),
            rng.choice(AMOUNTS),
            check_no=str(1850 + n) if n % 3 else "",
            description=rng.choice(("", "Fabrikam")),
        )
        for n in range(1, 60)
    ]
    lines = [
        RecLine(
            n,
            f"id{n:03d}",
            START + timedelta(days=rng.randrange(10)),
            rng.choice(AMOUNTS),
            text=rng.choice((f"CHECK {1850 + rng.randrange(60)}", "FABRIKAM", "", "DEPOSIT")),
        )
        for n in range(1, 50)
    ]
    expected = reconcile(lines, entries, RecSettings())
    assert expected.matches
    assert expected.ties
    for _ in range(5):
        rng.shuffle(lines)
        rng.shuffle(entries)
        assert reconcile(lines, entries, RecSettings()) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(), st.integers(1, 12))
def test_ranking_over_the_focused_entries_equals_ranking_over_all(
    statement: tuple[list[RecLine], list[LedgerEntry], frozenset[int], RecSettings], limit: int
) -> None:
    lines, entries, fixed, options = statement
    for line in lines[:3]:
        focused = rank_entries(line, entries, options, limit, fixed)
        with patch.object(reconcile_module, "focus", lambda _f, found, _s, _n: list(found)):
            everything = rank_entries(line, entries, options, limit, fixed)
        assert focused == everything
        assert len(focused) <= limit
        assert [c.score for c in focused] == sorted((c.score for c in focused), reverse=True)
