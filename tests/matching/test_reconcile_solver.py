"""The one-to-one solver of bank reconciliation: it keeps exactly the pairs every optimal
assignment shares (checked against brute force), and the building blocks it relies on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from bankrec.matching import assign as assign_module
from bankrec.matching.apply import Demand
from bankrec.matching.assign import Choice
from bankrec.matching.model import EntryKey
from bankrec.matching.reconcile_book import DateIndex, check_key, checks_in
from bankrec.matching.reconcile_solve import Edge, solve


def edge(line: int, entry: int, rank: int, inner: int) -> Edge:
    return Edge(line, entry, rank, inner, (entry,), entry, 100)


def test_a_single_best_pair_is_kept() -> None:
    solution = solve([edge(0, 0, 2, 10), edge(0, 1, 2, 5)])
    assert [(e.line, e.entry) for e in solution.matched] == [(0, 0)]
    assert solution.ties == ()


def test_equal_alternatives_of_one_line_tie() -> None:
    solution = solve([edge(0, 0, 2, 10), edge(0, 1, 2, 10)])
    assert solution.matched == ()
    assert solution.ties == (((0,), (0, 1)),)


def test_crossing_with_the_same_total_is_a_tie() -> None:
    """13.5: lines 5 and 6 March, entries 1 and 2 March; 4 + 4 days = 3 + 5 days."""
    edges = [edge(0, 0, 2, 26), edge(0, 1, 2, 27), edge(1, 0, 2, 25), edge(1, 1, 2, 26)]
    solution = solve(edges)
    assert solution.matched == ()
    assert solution.ties == (((0, 1), (0, 1)),)


def test_a_pair_forced_by_another_line_is_kept() -> None:
    """Line 0 likes entries 0 and 1 equally, but line 1 can only have entry 1."""
    solution = solve([edge(0, 0, 2, 10), edge(0, 1, 2, 10), edge(1, 1, 2, 10)])
    assert [(e.line, e.entry) for e in solution.matched] == [(0, 0), (1, 1)]
    assert solution.ties == ()


def test_bands_are_lexicographic() -> None:
    """One high match outweighs two medium ones."""
    edges = [edge(0, 0, 3, 0), edge(0, 1, 2, 999), edge(1, 0, 2, 999)]
    solution = solve(edges)
    assert [(e.line, e.entry) for e in solution.matched] == [(0, 0)]


Value = tuple[int, int, int, int]


def _matchings(edges: list[Edge]) -> Iterator[tuple[Value, frozenset[tuple[int, int]]]]:
    """Every one-to-one matching: (highs, mediums, lows, points) and its pairs."""
    lines = sorted({e.line for e in edges})

    def walk(
        row: int, used: frozenset[int], value: Value, pairs: frozenset[tuple[int, int]]
    ) -> Iterator[tuple[Value, frozenset[tuple[int, int]]]]:
        if row == len(lines):
            yield value, pairs
            return
        yield from walk(row + 1, used, value, pairs)
        for e in edges:
            if e.line == lines[row] and e.entry not in used:
                high, medium, low, points = value
                counted = (high + (e.rank == 3), medium + (e.rank == 2), low + (e.rank == 1))
                yield from walk(
                    row + 1,
                    used | {e.entry},
                    (*counted, points + e.inner),
                    pairs | {(e.line, e.entry)},
                )

    yield from walk(0, frozenset(), (0, 0, 0, 0), frozenset())


@st.composite
def graphs(draw: st.DrawFn) -> list[Edge]:
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=12, unique=True
        )
    )
    return [edge(line, e, draw(st.integers(1, 3)), draw(st.integers(0, 3))) for line, e in pairs]


def _check_against_brute_force(edges: list[Edge]) -> None:
    everything = list(_matchings(edges))
    best = max(value for value, _ in everything)
    optima = [pairs for value, pairs in everything if value == best]
    forced = frozenset.intersection(*optima)
    solution = solve(edges)
    assert {(e.line, e.entry) for e in solution.matched} == forced
    tied_lines = {line for lines, _ in solution.ties for line in lines}
    assert tied_lines == {
        line
        for line in {e.line for e in edges}
        if len({_entry_of(pairs, line) for pairs in optima}) > 1
    }


def _entry_of(pairs: frozenset[tuple[int, int]], line: int) -> int | None:
    return next((entry for holder, entry in pairs if holder == line), None)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_solver_keeps_exactly_the_pairs_of_every_optimum(edges: list[Edge]) -> None:
    _check_against_brute_force(edges)


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_sparse_assignment_agrees(edges: list[Edge]) -> None:
    """Large components use the sparse matcher; force it on small ones and compare."""
    with patch.object(assign_module, "LSA_MAX_LINES", 0):
        _check_against_brute_force(edges)


# -- building blocks ---------------------------------------------------------------------------


def test_check_numbers_in_bank_text() -> None:
    assert checks_in("CHECK 1857") == ("1857",)
    assert checks_in("CHK#001857 FABRIKAM") == ("1857",)
    assert checks_in("CHEQUE NO. 1857") == ("1857",)
    assert checks_in("DEPOSIT CHECKS 1001, 1002 AND 1003") == ("1001", "1002", "1003")
    assert checks_in("CHECK 1857 03/05/2026") == ("1857",)
    assert checks_in("CHECKING ACCOUNT 1857") == ()
    assert checks_in("PAYMENT 1857") == ()
    assert check_key("CHK-001857") == "1857"
    assert check_key("") == ""


def test_date_index_walks_outward_nearest_first() -> None:
    days = [date(2026, 3, d).toordinal() for d in (1, 3, 3, 4, 6, 9)]
    index = DateIndex([(d, n) for n, d in enumerate(days)])
    center = date(2026, 3, 4).toordinal()
    assert index.nearest(center, 2, 10, lambda batch: batch) == [3, 1, 2, 4]
    assert index.nearest(center, 5, 3, lambda batch: [i for i in batch if i != 1]) == [3, 2, 4]
    assert index.between(center - 1, center) == [1, 2, 3]


@st.composite
def journals(draw: st.DrawFn) -> list[list[Choice]]:
    """Payment-engine style options: each line wants whole entries, scores with ties."""
    per_line: list[list[Choice]] = []
    for row in range(draw(st.integers(1, 6))):
        entries = draw(st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True))
        options = [
            Choice(
                row,
                k,
                draw(st.integers(1, 3)),
                (draw(st.integers(0, 2)), entry, row),
                (Demand(("bank", entry), 10, True),),
            )
            for k, entry in enumerate(entries)
        ]
        per_line.append(sorted(options, key=lambda c: (-c.score, c.key)))
    return per_line


@settings(max_examples=200, deadline=None)
@given(journals())
def test_sparse_and_dense_assignment_reach_the_same_total(per_line: list[list[Choice]]) -> None:
    capacity: dict[EntryKey, int] = {("bank", entry): 10 for entry in range(5)}
    dense = assign_module.assign(per_line, capacity)
    with patch.object(assign_module, "LSA_MAX_LINES", 0):
        sparse = assign_module.assign(per_line, capacity)

    def total(chosen: list[Choice | None]) -> int:
        return sum(c.score for c in chosen if c is not None)

    assert total(sparse) == total(dense)
    used = [d.key for c in sparse if c is not None for d in c.demands]
    assert len(used) == len(set(used))
